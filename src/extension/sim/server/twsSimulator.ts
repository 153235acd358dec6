// The embedded TWS: a TCP server speaking the TWS API socket protocol to any number
// of clients (distinct client ids), over one simulated market, account and order book.
// Request handlers live in ../requests, one module per family of requests; the streams
// they start in ../feeds.
import { readFileSync } from 'node:fs';
import { DisposableStore } from '../../core/disposables';
import { createServer, type Server, type Socket } from 'node:net';
import { Account } from '../account/account';
import { OrderEngine } from '../account/orderEngine';
import { dayScoped, readSimState, SimStateError, writeSimState, type SimState } from '../account/simState';
import { Instruments } from '../market/instruments';
import { Market } from '../market/market';
import { lastTradingDayAt, nextNyTime, nyParts, twsConnectionTime } from '../market/marketTime';
import { parseOhlcCsv } from '../market/pricePath';
import { SimClock } from '../market/simClock';
import { RequestId, requestName } from '../../tws/messageIds';
import { encodeManagedAccounts, encodeNextValidId } from '../protocol/sessionCodec';
import { SIMULATOR_NOTICE } from '../../tws/simulatorMark';
import { encodeFrame, MAX_FRAME_BYTES, ProtocolError, type FieldReader } from '../../tws/wire';
import { Rng } from '../market/rng';
import { personalityConflict, personalityServerVersion, type SimOptions } from '../simOptions';
import { FaultError } from './faults';
import { ClientConnection, type ConnectionHost } from './clientConnection';
import { Recorder } from './recorder';
import { requestIdOf } from './unsupportedRequest';
import { registerAllHandlers, type RequestHandler } from '../requests/registry';
import { SimFeeds } from '../feeds/feeds';
import { floodQuotes, type FloodOptions, type FloodResult } from '../feeds/quoteFlood';

const FARM_STATUS: Array<[number, string]> = [
  [2104, 'Market data farm connection is OK:usfarm'],
  [2106, 'HMDS data farm connection is OK:ushmds'],
  [2158, 'Sec-def data farm connection is OK:secdefil'],
];

const FARM_BROKEN_STATUS: Array<[number, string]> = [
  [2103, 'Market data farm connection is broken:usfarm'],
  [2105, 'HMDS data farm connection is broken:ushmds'],
  [2158, 'Sec-def data farm connection is OK:secdefil'],
];

export class TwsSimulator implements ConnectionHost {
  readonly clock: SimClock;
  readonly instruments: Instruments;
  readonly market: Market;
  readonly account: Account;
  readonly engine: OrderEngine;
  readonly recorder: Recorder | undefined;
  readonly feeds: SimFeeds;
  readonly connections = new Set<ClientConnection>();
  private readonly clientIds = new Map<number, ClientConnection>();
  private readonly handlers = new Map<number, RequestHandler>();
  private readonly server: Server;
  /** The clock loop and the fault timers, cleared on stop(). */
  private readonly timers = new DisposableStore();
  private readonly startedWall = Date.now();
  private listening = false;
  private stopped = false;
  /** half-open fault: the process is hung, nothing is answered any more. */
  private hung = false;
  /** half-open:S,FOR - sockets open during the hang stay dead after it. */
  private deadWhileHung = new Set<ClientConnection>();
  /** connectivity-loss fault: TWS has lost IB's servers; no market data flows. */
  connectivityLost = false;
  private nextOrderIdFloor = 1;
  /** --state: a save is queued for the end of this turn of the event loop. */
  private saveQueued = false;
  /** accept-dialog fault: when each client address's dialog is (or was) accepted, wall ms. */
  private readonly acceptedAt = new Map<string, number>();
  /** auto-restart fault: the next restart, simulated epoch ms. */
  private nextRestartMs: number | undefined;
  port = 0;

  constructor(readonly options: SimOptions) {
    const saved = options.statePath ? readSimState(options.statePath) : undefined;
    if (saved && saved.account.id !== options.account) {
      throw new SimStateError(
        `simulator state ${options.statePath} holds account ${saved.account.id}, not ${options.account}; start with --account ${saved.account.id} or use another --state file`,
      );
    }
    // A restarted TWS does not go back in time: resume at the saved time when it is later
    // (also over --start: the account's executions cannot lie in the future).
    const requested = options.startMs ?? lastTradingDayAt(Date.now(), 10, 0);
    const start = Math.max(requested, saved?.simTime ?? Number.NEGATIVE_INFINITY);
    if (options.startMs !== undefined && start > requested)
      options.log(`state ${options.statePath} was saved at ${new Date(start).toISOString()}, after the requested start: the clock resumes there`);
    this.clock = new SimClock(start, options.speed);
    this.instruments = new Instruments(options.symbols);
    const replay = options.replayCsv ? parseOhlcCsv(readFileSync(options.replayCsv, 'utf8'), options.replayCsv) : undefined;
    this.market = new Market({ instruments: this.instruments, clock: this.clock, seed: options.seed, replay });
    this.account = new Account(options.account, options.cash);
    const f = options.faults;
    const conflict = personalityConflict(options);
    if (conflict) throw new FaultError(conflict);
    this.engine = new OrderEngine({
      market: this.market,
      account: this.account,
      partialFillChunks: f.partialFills,
      rejectReason: f.rejectOrders,
      readOnly: f.readOnly,
    });
    if (saved) this.restoreState(saved);
    if (options.statePath) {
      const save = () => this.queueSave();
      this.engine.on('update', save).on('execution', save).on('accountChanged', save);
    }
    this.recorder = options.recordPath ? new Recorder(options.recordPath) : undefined;
    this.feeds = new SimFeeds(this);
    registerAllHandlers((id, h) => this.handlers.set(id, h));
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Starts listening; resolves once the port is bound. */
  async start(): Promise<this> {
    // A state file that cannot be written fails the start, not the first fill.
    if (this.options.statePath) this.saveState();
    await this.listen(this.options.port);
    const f = this.options.faults;
    // login-pending: bound once to learn the port, then closed until "login" completes.
    if (f.loginPending) this.listenerDown(f.loginPending.seconds, 'login pending');
    if (f.autoRestart) this.nextRestartMs = nextNyTime(this.clock.now(), f.autoRestart.hour, f.autoRestart.minute);
    this.timers.setInterval(() => this.tick(), this.options.tickMs);
    this.scheduleFaults();
    return this;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.options.faults.ipv6Only ? '::1' : this.options.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : port;
        this.listening = true;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.dispose();
    for (const c of [...this.connections]) c.close();
    if (this.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.listening = false;
    this.recorder?.close();
    if (this.options.statePath) {
      try {
        this.saveState();
      } catch (err) {
        this.log(`could not save the simulator state to ${this.options.statePath}: ${(err as Error).message}`);
      }
    }
  }

  /** The account, the day's orders and executions and the id counters, as --state keeps them. */
  stateSnapshot(): SimState {
    return {
      kind: 'ibkr-ai-trader-sim-state',
      version: 1,
      simTime: this.clock.now(),
      account: this.account.snapshot(),
      orders: [...this.engine.orders.values()],
      executions: [...this.engine.executions],
      nextOrderId: this.nextValidId(),
      ...this.engine.counters(),
    };
  }

  /** Writes the --state file now (atomically). */
  saveState(): void {
    if (this.options.statePath) writeSimState(this.options.statePath, this.stateSnapshot());
  }

  /** Every change is saved, coalesced to one write per turn of the event loop (fills come in bursts). */
  private queueSave(): void {
    if (this.saveQueued || this.stopped) return;
    this.saveQueued = true;
    setImmediate(() => {
      this.saveQueued = false;
      if (this.stopped) return;
      try {
        this.saveState();
      } catch (err) {
        this.log(`ERROR could not save the simulator state to ${this.options.statePath}: ${(err as Error).message}`);
      }
    });
  }

  private restoreState(saved: SimState): void {
    const dateOf = (ms: number) => {
      const p = nyParts(ms);
      return p.year * 10000 + p.month * 100 + p.day;
    };
    const today = dateOf(this.clock.now());
    const { orders, executions } = dayScoped(saved, today, dateOf);
    this.account.restore(saved.account, dateOf(saved.simTime) === today);
    this.engine.restore(orders, executions, saved);
    this.nextOrderIdFloor = Math.max(this.nextOrderIdFloor, saved.nextOrderId);
    this.log(
      `state ${this.options.statePath}: ${saved.account.positions.filter((p) => p.quantity !== 0).length} position(s), ${executions.length} execution(s) and ${orders.length} order(s) of today restored`,
    );
  }

  /** Flood mode: quotes on every live market data line as fast as the sockets drain (see quoteFlood.ts). */
  flood(opts: FloodOptions): Promise<FloodResult> {
    return floodQuotes(this, opts);
  }

  get serverVersion(): number {
    return this.options.faults.oldServer ?? personalityServerVersion(this.options);
  }

  get fixMode(): boolean {
    return this.options.faults.fixMode === true;
  }

  /**
   * accept-dialog: the first connection from an address opens the dialog, which is
   * accepted S seconds later; connections from that address meanwhile wait for the
   * same click, later ones are answered at once (the simulator remembers the
   * acceptance until it stops, so a client's reconnect is not asked again).
   */
  handshakeDelayMs(conn: ClientConnection): number {
    const dialog = this.options.faults.acceptDialog;
    if (!dialog) return 0;
    const address = conn.socket.remoteAddress ?? '';
    const now = Date.now();
    let at = this.acceptedAt.get(address);
    if (at === undefined) {
      at = now + dialog.seconds * 1000;
      this.acceptedAt.set(address, at);
      this.log(`fault: accept-connection dialog for ${address}, accepted in ${dialog.seconds}s`);
    }
    return Math.max(0, at - now);
  }

  answering(conn: ClientConnection): boolean {
    return !this.options.faults.apiDisabled && !this.hung && !this.deadWhileHung.has(conn);
  }

  connectionTime(): string {
    return twsConnectionTime(this.clock.now());
  }

  log(message: string): void {
    this.options.log(message);
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const conn = new ClientConnection(socket, this);
    this.connections.add(conn);
  }

  onStartApi(conn: ClientConnection, clientId: number, _capabilities: string): void {
    const f = this.options.faults.clientIdInUse;
    const elapsed = (Date.now() - this.startedWall) / 1000;
    const faultActive =
      f && elapsed >= f.afterSeconds && (f.untilSeconds === undefined || elapsed < f.untilSeconds) && (f.ids === 'all' || f.ids.includes(clientId));
    const taken = this.clientIds.get(clientId);
    if (faultActive || (taken && taken.isOpen)) {
      conn.sendError(-1, 326, 'Unable to connect as the client id is already in use. Retry with a unique client id.');
      this.log(`client id ${clientId} from ${conn.remote} refused: already in use`);
      setImmediate(() => conn.close());
      return;
    }
    conn.clientId = clientId;
    conn.phase = 'ready';
    this.clientIds.set(clientId, conn);
    this.log(`client ${clientId} connected from ${conn.remote} (server version ${conn.version})`);
    conn.send(encodeManagedAccounts(conn.version, [this.account.id]));
    conn.send(encodeNextValidId(conn.version, this.nextValidId()));
    // During a connectivity-loss outage a new session hears the farms broken, as from TWS.
    const farms = this.connectivityLost ? FARM_BROKEN_STATUS : FARM_STATUS;
    for (const [code, text] of farms) conn.sendError(-1, code, text);
    if (this.options.identify !== false) conn.sendError(-1, SIMULATOR_NOTICE.code, SIMULATOR_NOTICE.message);
  }

  /** An order id another client used (--fault duplicate-order-id): nextValidId moves past it. */
  markOrderIdUsed(orderId: number): void {
    this.nextOrderIdFloor = Math.max(this.nextOrderIdFloor, orderId + 1);
  }

  /** The lowest order id no order has used yet. */
  nextValidId(): number {
    this.nextOrderIdFloor = Math.max(this.nextOrderIdFloor, this.engine.maxOrderId() + 1);
    return this.nextOrderIdFloor;
  }

  onRequest(conn: ClientConnection, msgId: number, reader: FieldReader): void {
    // placeOrder records itself once decoded, so its line carries the order.
    const selfRecording = msgId === RequestId.PLACE_ORDER;
    if (!selfRecording) conn.record('in', msgId, [String(msgId), ...reader.fields]);
    if (this.options.faults.pacing && this.overPace(conn)) {
      if (selfRecording) conn.record('in', msgId, [String(msgId), ...reader.fields]);
      conn.sendError(-1, 100, `Max rate of messages per second has been exceeded:max=50 rec=${conn.recentRequests.length} (3)`);
      return;
    }
    const handler = this.handlers.get(msgId);
    if (!handler) {
      if (msgId in RequestId) {
        conn.sendError(
          requestIdOf(msgId, reader.fields),
          321,
          `Error validating request.-'sim' : cause - ${requestName(msgId)} (message ${msgId}) is not supported by the IBKR AI Trader simulator.`,
        );
      } else {
        conn.sendError(-1, 505, `Fatal Error: Unknown message id ${msgId}.`);
      }
      return;
    }
    try {
      handler(this, conn, reader);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      if (selfRecording) conn.record('in', msgId, [String(msgId), ...reader.fields]);
      conn.sendError(-1, 320, `Error reading request: ${err.message}`);
    }
  }

  /** Pacing: TWS accepts 50 messages per second per client. */
  private overPace(conn: ClientConnection): boolean {
    const now = Date.now();
    const window = conn.recentRequests;
    window.push(now);
    while (window.length && (window[0] as number) <= now - 1000) window.shift();
    return window.length > 50;
  }

  onClosed(conn: ClientConnection): void {
    this.connections.delete(conn);
    this.deadWhileHung.delete(conn);
    if (conn.clientId !== null && this.clientIds.get(conn.clientId) === conn) this.clientIds.delete(conn.clientId);
    this.feeds.dropConnection(conn);
    if (conn.clientId !== null) this.log(`client ${conn.clientId} disconnected`);
  }

  /** Connection of a client id, if connected. */
  client(clientId: number): ClientConnection | undefined {
    const c = this.clientIds.get(clientId);
    return c?.isOpen ? c : undefined;
  }

  readyConnections(): ClientConnection[] {
    return [...this.connections].filter((c) => c.phase === 'ready');
  }

  broadcastError(code: number, message: string): void {
    for (const c of this.readyConnections()) c.sendError(-1, code, message);
  }

  private tick(): void {
    const restart = this.options.faults.autoRestart;
    if (restart && this.nextRestartMs !== undefined && this.clock.now() >= this.nextRestartMs) {
      this.log(`fault: daily auto-restart at ${pad2(restart.hour)}:${pad2(restart.minute)} New York (simulated clock)`);
      this.nextRestartMs = nextNyTime(this.clock.now() + 60_000, restart.hour, restart.minute);
      this.dropAll(restart.downSeconds);
    }
    if (this.hung) return;
    this.engine.onTick();
    if (!this.connectivityLost) this.feeds.onTick();
  }

  /** Closes every client socket (TWS restarting); the listener is down for `downSeconds`. */
  dropAll(downSeconds: number): void {
    this.log(`fault: dropping ${this.connections.size} connection(s)${downSeconds ? `, down for ${downSeconds}s` : ''}`);
    for (const c of [...this.connections]) c.close();
    if (downSeconds > 0) this.listenerDown(downSeconds, 'restarting');
  }

  /** Nothing listens (connections are refused) for `seconds`, then the same port opens again. */
  private listenerDown(seconds: number, why: string): void {
    if (!this.listening) return;
    this.log(`port ${this.port} closed for ${seconds}s (${why})`);
    this.listening = false;
    this.server.close();
    this.timers.setTimeout(() => {
      if (!this.stopped) this.listen(this.port).catch((err: Error) => this.log(`could not listen again: ${err.message}`));
    }, seconds * 1000);
  }

  private scheduleFaults(): void {
    const f = this.options.faults;
    const later = (seconds: number, fn: () => void) => this.timers.setTimeout(fn, seconds * 1000);
    if (f.dropAfter) {
      const { seconds, downSeconds } = f.dropAfter;
      later(seconds, () => this.dropAll(downSeconds));
    }
    if (f.dropEvery) {
      const { seconds, downSeconds } = f.dropEvery;
      this.timers.setInterval(() => this.dropAll(downSeconds), seconds * 1000);
    }
    if (f.connectivityLoss) {
      const { seconds, restoreCode, outageSeconds } = f.connectivityLoss;
      later(seconds, () => {
        this.connectivityLost = true;
        this.broadcastError(1100, 'Connectivity between IB and Trader Workstation has been lost.');
        this.broadcastError(2103, 'Market data farm connection is broken:usfarm');
        this.broadcastError(2105, 'HMDS data farm connection is broken:ushmds');
        later(outageSeconds, () => {
          this.connectivityLost = false;
          if (restoreCode === 1101) {
            this.feeds.dropSubscriptions();
            this.broadcastError(1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.*');
          } else {
            this.broadcastError(
              1102,
              'Connectivity between IB and Trader Workstation has been restored - data maintained. All data farms are connected: usfarm; ushmds; secdefil.',
            );
          }
          this.broadcastError(2104, 'Market data farm connection is OK:usfarm');
          this.broadcastError(2106, 'HMDS data farm connection is OK:ushmds');
        });
      });
    }
    if (f.halfOpen) {
      const { seconds, forSeconds } = f.halfOpen;
      later(seconds, () => {
        this.log('fault: half-open, no longer answering');
        this.hung = true;
        if (forSeconds !== undefined) {
          later(forSeconds, () => {
            this.log('fault: half-open over, answering new connections again');
            // The sockets it hung on stay dead, as after a real hang: their clients must reconnect.
            this.deadWhileHung = new Set(this.connections);
            this.hung = false;
          });
        }
      });
    }
    // Stream corruption: bytes no TWS API client can decode, to every ready client.
    const corrupt = (name: string, bytes: (conn: ClientConnection) => Buffer, recordFields?: (b: Buffer) => string[]) => {
      const ready = this.readyConnections();
      this.log(`fault: ${name} to ${ready.length} client(s)`);
      for (const c of ready) {
        const b = bytes(c);
        c.writeCorrupt(b, `fault:${name}`, recordFields?.(b));
      }
    };
    if (f.garbage) {
      const { seconds, bytes } = f.garbage;
      const rng = new Rng((this.options.seed ^ 0x6a7ba6e) >>> 0);
      later(seconds, () => corrupt('garbage', () => Buffer.from(Array.from({ length: bytes }, () => rng.int(0, 255)))));
    }
    if (f.malformedFrame) {
      // An orderStatus (3) that ends after its order id: a decoder runs out of fields.
      later(f.malformedFrame.seconds, () =>
        corrupt(
          'malformed-frame',
          () => encodeFrame(['3', '0']),
          () => ['3', '0'],
        ),
      );
    }
    if (f.oversizedFrame) {
      later(f.oversizedFrame.seconds, () =>
        corrupt(
          'oversized-frame',
          () => {
            const b = Buffer.alloc(4 + 1024, 0x41);
            b.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
            return b;
          },
          () => [`length ${MAX_FRAME_BYTES + 1}`, '1024 bytes of "A"'],
        ),
      );
    }
  }
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Creates and starts a simulator. */
export async function startSimulator(options: SimOptions): Promise<TwsSimulator> {
  return new TwsSimulator(options).start();
}
