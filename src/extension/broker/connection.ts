// The connection state machine: staged connect with a named step and a reason for each
// failure, automatic reconnect with backoff after a drop, a heartbeat that catches a
// half-open socket, and TWS's connection notices (326, 502, 504, 1100-1102, 1300,
// 2103-2106, 2158) handled as they mean.
//
//   disconnected --connect()--> connecting [tcp -> handshake -> api] -> syncing -> ready
//   ready --drop / heartbeat lost--> reconnecting [attempt n after backoff(n)] -> syncing -> ready
//   any step fails on the first connect --> failed (reason, step)
import { backoffDelay } from '../core/backoff';
import { setDeadline, type TimerHandle } from '../core/clock';
import { heartbeatBoundMs } from './config';
import { BrokerError } from './errors';
import { connectError, FATAL_DURING_CONNECT, timeoutError } from './connectErrors';
import { ClientCode, farmName } from '../tws/errorCodes';
import type { LinkHub } from './linkHub';
import { IbLink } from './ibLink';
import { DisposableStore } from '../core/disposables';
import { Observable } from '../core/observable';
import type { BrokerConnectionState, ConnectStep, FarmStatus } from './types';

export type SyncTrigger = 'connect' | 'reconnect';

export interface ConnectionHooks {
  /** Runs the initial sync of a fresh link (state `syncing`). Throws to fail the connect. */
  sync(trigger: SyncTrigger): Promise<void>;
  /** The link is ready; subscriptions can be (re)made. */
  onReady(trigger: SyncTrigger): void;
  /** The link is gone. */
  onLost(err: BrokerError): void;
  /** 1101 (data lost: resubscribe) or 1102 (data maintained). */
  onConnectivityRestored(dataLost: boolean): void;
}

const FARM_CODES: Record<number, FarmStatus> = {
  2103: 'broken',
  2104: 'ok',
  2105: 'broken',
  2106: 'ok',
  2107: 'inactive',
  2108: 'inactive',
  2119: 'connecting',
  2157: 'broken',
  2158: 'ok',
};

export function isPaperAccount(accountId: string): boolean {
  return /^D/i.test(accountId);
}

export class ConnectionManager {
  readonly state: Observable<BrokerConnectionState>;
  private wanted = false;
  private attemptSeq = 0;
  private link: IbLink | undefined;
  private live = false;
  private currentClientId: number;
  private reconnectTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private heartbeatDeadline: TimerHandle | undefined;
  private lastInboundAt = 0;
  private pingSentAt = 0;
  private connecting: Promise<BrokerConnectionState> | undefined;
  /** Fails the connect attempt under way (disconnect() during a connect). */
  private abortAttempt: ((e: BrokerError) => void) | undefined;
  /** The listeners on the link hub, for this manager's life. */
  private readonly listeners = new DisposableStore();
  /** Round trip of the last answered heartbeat. */
  heartbeatRttMs: number | undefined;
  /** Times a half-open socket was detected. */
  heartbeatFailures = 0;

  constructor(
    private readonly hub: LinkHub,
    private readonly hooks: ConnectionHooks,
  ) {
    const c = hub.config;
    this.currentClientId = c.clientId;
    this.state = new Observable<BrokerConnectionState>(
      {
        status: 'disconnected',
        host: c.host,
        port: c.port,
        clientId: c.clientId,
        accounts: [],
        reconnects: 0,
        ibConnectivity: 'ok',
        farms: {},
      },
      (a, b) => JSON.stringify(a) === JSON.stringify(b),
    );
    this.listeners.add(hub.events.on('received', () => (this.lastInboundAt = hub.clock.now())));
    this.listeners.add(
      hub.events.on('currentTime', () => {
        if (this.pingSentAt) this.heartbeatRttMs = hub.clock.now() - this.pingSentAt;
      }),
    );
    this.listeners.add(hub.events.on('notice', (code, message) => this.onNotice(code, message)));
    this.listeners.add(
      hub.events.on('disconnected', () => {
        if (this.live) this.linkLost(new BrokerError({ code: ClientCode.ConnectionLost, message: 'TWS closed the connection' }));
      }),
    );
    this.listeners.add(
      hub.events.on('protocolError', (reason) => {
        if (this.live) this.linkLost(new BrokerError({ code: ClientCode.ProtocolError, message: `connection dropped: ${reason}` }));
      }),
    );
  }

  private patch(p: Partial<BrokerConnectionState>, drop: Array<keyof BrokerConnectionState> = []): void {
    const next: BrokerConnectionState = { ...this.state.value, ...p };
    for (const k of drop) delete next[k];
    this.state.set(next);
  }

  /** Connects (staged); resolves when ready, rejects with the failing step's BrokerError. */
  connect(): Promise<BrokerConnectionState> {
    const s = this.state.value.status;
    if (s === 'ready') return Promise.resolve(this.state.value);
    if (this.connecting) return this.connecting;
    if (this.wanted && s !== 'failed' && s !== 'disconnected') {
      // A reconnect is under way: wait for its outcome rather than start a second session.
      return this.state
        .when((v) => v.status === 'ready' || v.status === 'failed' || v.status === 'disconnected')
        .then((v) => (v.status === 'ready' ? v : Promise.reject(this.failure(v))));
    }
    this.wanted = true;
    this.connecting = (async () => {
      try {
        await this.establish('connect');
        return this.state.value;
      } catch (err) {
        const e = asError(err);
        if (this.wanted) {
          this.wanted = false;
          this.patch({ status: 'failed', reason: e.message, lastError: e.info(this.hub.clock.now()), ...(e.step ? { step: e.step } : {}) }, [
            'attempt',
            'nextRetryAt',
          ]);
        }
        throw e;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private failure(v: BrokerConnectionState): BrokerError {
    return new BrokerError({ code: v.lastError?.code ?? ClientCode.ConnectFailed, message: v.reason ?? 'not connected', ...(v.step ? { step: v.step } : {}) });
  }

  /** Closes the session and stops reconnecting. */
  async disconnect(): Promise<void> {
    this.wanted = false;
    this.attemptSeq++;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.stopHeartbeat();
    const err = new BrokerError({ code: ClientCode.Disposed, message: 'disconnected by the client' });
    const hadLink = this.link !== undefined;
    this.abortAttempt?.(new BrokerError({ code: ClientCode.Disposed, message: 'connect cancelled: disconnected by the client' }));
    this.live = false;
    const link = this.hub.detachLink(err) ?? this.link;
    this.link = undefined;
    link?.close();
    if (hadLink) this.hooks.onLost(err);
    this.patch({ status: 'disconnected' }, ['step', 'reason', 'attempt', 'nextRetryAt', 'readySince']);
  }

  dispose(): void {
    void this.disconnect();
    this.listeners.dispose();
  }

  /** Tries the configured client id, then (only if configured) the alternates on 326. */
  private async establish(trigger: SyncTrigger): Promise<void> {
    const alternates = this.hub.config.alternateClientIds;
    const candidates = [this.currentClientId, ...[this.hub.config.clientId, ...alternates].filter((id) => id !== this.currentClientId)];
    const allowed = alternates.length > 0 ? candidates : [this.currentClientId];
    let last: BrokerError | undefined;
    for (const clientId of allowed) {
      try {
        await this.attempt(clientId, trigger);
        return;
      } catch (err) {
        last = asError(err);
        if (last.code !== 326 || !this.wanted) throw last;
        this.hub.log('warn', `client id ${clientId} is in use; trying the next configured alternate`);
      }
    }
    throw last ?? new BrokerError({ code: ClientCode.ConnectFailed, message: 'no client id to connect with' });
  }

  private async attempt(clientId: number, trigger: SyncTrigger): Promise<void> {
    const token = ++this.attemptSeq;
    const cfg = this.hub.config;
    const t = cfg.timeouts;
    const status = trigger === 'connect' ? 'connecting' : 'reconnecting';
    this.patch({ status, step: 'tcp', clientId }, ['reason']);
    const link = new IbLink({ host: cfg.host, port: cfg.port, clientId }, this.hub.events, cfg.log);
    this.link = link;
    this.hub.attachLink(link);

    const progress = {
      tcp: false,
      server: undefined as [number, string] | undefined,
      nextId: undefined as number | undefined,
      accounts: undefined as string[] | undefined,
    };
    let failure: BrokerError | undefined;
    let step: ConnectStep = 'tcp';
    let wake = () => {};
    const fail = (e: BrokerError) => {
      if (!failure) failure = e;
      wake();
    };
    this.abortAttempt = fail;
    // This attempt's listeners, undone when it ends either way.
    const attemptListeners = new DisposableStore();
    attemptListeners.add(this.hub.events.on('tcpConnected', () => ((progress.tcp = true), wake())));
    attemptListeners.add(this.hub.events.on('server', (v, time) => ((progress.server = [v, time]), wake())));
    attemptListeners.add(this.hub.events.on('nextValidId', (id) => ((progress.nextId = id), wake())));
    attemptListeners.add(this.hub.events.on('managedAccounts', (a) => ((progress.accounts = a), wake())));
    attemptListeners.add(
      this.hub.events.on('notice', (code, message) => {
        if (FATAL_DURING_CONNECT.has(code)) fail(connectError(this.hub.config, step, code, message, clientId));
      }),
    );
    attemptListeners.add(
      this.hub.events.on('disconnected', () => {
        const e = failure ?? connectError(this.hub.config, step, ClientCode.ConnectionLost, '', clientId);
        fail(e);
        // Unblocks the sync step's pending requests.
        if (step === 'sync') this.hub.detachLink(e);
      }),
    );
    attemptListeners.add(
      this.hub.events.on('protocolError', (reason) => {
        const e = new BrokerError({ code: ClientCode.ProtocolError, message: `connection dropped during the ${step} step: ${reason}`, step });
        fail(e);
        if (step === 'sync') this.hub.detachLink(e);
      }),
    );
    const waitFor = (s: ConnectStep, timeoutMs: number, done: () => boolean): Promise<void> => {
      step = s;
      if (s !== 'sync') this.patch({ step: s });
      return new Promise<void>((resolve, reject) => {
        const timer = setDeadline(this.hub.clock, () => fail(timeoutError(this.hub.config, s, timeoutMs, clientId)), timeoutMs);
        wake = () => {
          if (token !== this.attemptSeq) failure ??= new BrokerError({ code: ClientCode.Disposed, message: 'connect cancelled', step: s });
          if (failure) {
            timer.cancel();
            wake = () => {};
            reject(failure);
          } else if (done()) {
            timer.cancel();
            wake = () => {};
            resolve();
          }
        };
        wake();
      });
    };

    try {
      link.open();
      await waitFor('tcp', t.tcpMs, () => progress.tcp);
      await waitFor('handshake', t.handshakeMs, () => progress.server !== undefined);
      const [serverVersion, serverTime] = progress.server!;
      this.patch({ serverVersion, serverTime });
      await waitFor('api', t.apiStartMs, () => progress.nextId !== undefined && progress.accounts !== undefined);
      const accounts = progress.accounts!;
      const accountId = cfg.account ?? accounts[0];
      if (!accountId) throw new BrokerError({ code: ClientCode.ConnectFailed, step: 'api', message: 'TWS reported no managed accounts' });
      if (cfg.account && !accounts.includes(cfg.account)) {
        throw new BrokerError({
          code: ClientCode.ConnectFailed,
          step: 'api',
          message: `account ${cfg.account} is not one of the accounts this TWS manages (${accounts.join(', ')})`,
        });
      }
      this.hub.apiStarted({ clientId, accounts, accountId, serverVersion });
      this.currentClientId = clientId;
      this.patch({ status: 'syncing', step: 'sync', accounts, accountId, isPaper: isPaperAccount(accountId), clientId });
      step = 'sync';
      try {
        await this.hooks.sync(trigger);
      } catch (err) {
        const e = failure ?? asError(err);
        throw e.step ? e : new BrokerError({ reqId: e.reqId, code: e.code, message: `initial sync failed: ${e.message}`, step: 'sync' });
      }
      if (failure) throw failure;
      if (token !== this.attemptSeq || link.isClosed) throw new BrokerError({ code: ClientCode.Disposed, message: 'connect cancelled', step: 'sync' });
      this.live = true;
      this.hub.setReady(true);
      const now = this.hub.clock.now();
      this.lastInboundAt = now;
      const reconnects = this.state.value.reconnects + (trigger === 'reconnect' ? 1 : 0);
      this.patch({ status: 'ready', readySince: now, ibConnectivity: 'ok', reconnects }, ['step', 'reason', 'attempt', 'nextRetryAt']);
      this.startHeartbeat(link);
      this.hub.log(
        'info',
        `ready: client ${clientId}, account ${accountId}${isPaperAccount(accountId) ? ' (paper)' : ' (LIVE)'}, server version ${serverVersion}`,
      );
      this.hooks.onReady(trigger);
    } catch (err) {
      const e = asError(err);
      if (this.link === link) {
        this.hub.detachLink(e);
        this.link = undefined;
      }
      link.close();
      throw e;
    } finally {
      attemptListeners.dispose();
      if (this.abortAttempt === fail) this.abortAttempt = undefined;
    }
  }

  private onNotice(code: number, message: string): void {
    const farm = FARM_CODES[code];
    if (farm) {
      const name = farmName(message) ?? String(code);
      this.patch({ farms: { ...this.state.value.farms, [name]: farm } });
      return;
    }
    if (!this.live) return;
    const now = this.hub.clock.now();
    switch (code) {
      case 1100:
      case 2110:
        this.hub.log('warn', `TWS lost its connection to IB (${code}): ${message}`);
        this.patch({ ibConnectivity: 'lost', lastError: { reqId: -1, code, message, at: now } });
        break;
      case 1101:
      case 1102:
        this.hub.log('info', `TWS connectivity restored (${code}${code === 1101 ? ': data lost, resubscribing' : ': data maintained'})`);
        this.patch({ ibConnectivity: 'ok' });
        this.hooks.onConnectivityRestored(code === 1101);
        break;
      case 1300:
        this.linkLost(new BrokerError({ code, message: `TWS reset its API socket port: ${message}` }));
        break;
      case 504:
        // @stoqey/ib found its socket not connected while this session thought it was.
        this.linkLost(new BrokerError({ code, message: `the API socket is not connected: ${message}` }));
        break;
      case 502:
      case 326:
        this.patch({ lastError: { reqId: -1, code, message, at: now } });
        break;
      default:
        break;
    }
  }

  private startHeartbeat(link: IbLink): void {
    this.stopHeartbeat();
    const { intervalMs, timeoutMs } = this.hub.config.heartbeat;
    const beat = () => {
      if (this.link !== link || !this.live) return;
      // The ping jumps the pacer's queue but still respects its windows: the deadline runs
      // from when it is written, not from when it was queued behind a burst.
      this.hub
        .send('heartbeat', (api) => api.reqCurrentTime(), { priority: true })
        .then(
          () => armDeadline(this.hub.clock.now()),
          () => {},
        );
    };
    const armDeadline = (sentAt: number) => {
      if (this.link !== link || !this.live) return;
      this.pingSentAt = sentAt;
      this.heartbeatDeadline = setDeadline(
        this.hub.clock,
        () => {
          if (this.link !== link || !this.live) return;
          if (this.lastInboundAt < sentAt) {
            this.heartbeatFailures++;
            const partial = link.partialFrame;
            this.linkLost(
              new BrokerError({
                code: ClientCode.HeartbeatLost,
                message:
                  `no message from TWS within ${timeoutMs} ms of a heartbeat (half-open socket; detection bound ${heartbeatBoundMs(this.hub.config.heartbeat)} ms)` +
                  (partial
                    ? `; ${partial.have} bytes of a ${partial.need}-byte frame were pending: the stream from TWS stalled mid-message or is corrupt`
                    : ''),
              }),
            );
            return;
          }
          this.heartbeatTimer = this.hub.clock.setTimeout(beat, Math.max(0, intervalMs - timeoutMs));
        },
        timeoutMs,
      );
    };
    // First beat one interval after ready; each beat then re-arms `interval` after the previous one.
    this.heartbeatTimer = this.hub.clock.setTimeout(beat, intervalMs);
  }

  private stopHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatDeadline?.cancel();
    this.heartbeatTimer = undefined;
    this.heartbeatDeadline = undefined;
  }

  private linkLost(err: BrokerError): void {
    if (!this.live) return;
    this.live = false;
    this.stopHeartbeat();
    const link = this.hub.detachLink(err) ?? this.link;
    this.link = undefined;
    link?.close();
    this.hub.log('warn', `connection lost: ${err.message}`);
    this.patch({ lastError: err.info(this.hub.clock.now()) });
    this.hooks.onLost(err);
    if (!this.wanted) {
      this.patch({ status: 'disconnected' }, ['step', 'readySince']);
    } else if (!this.hub.config.reconnect.enabled) {
      this.wanted = false;
      this.patch({ status: 'failed', reason: err.message }, ['step', 'readySince']);
    } else {
      this.scheduleReconnect(1, err.message);
    }
  }

  private scheduleReconnect(attempt: number, reason: string): void {
    const r = this.hub.config.reconnect;
    if (attempt > r.maxAttempts) {
      this.wanted = false;
      this.patch({ status: 'failed', reason: `gave up after ${r.maxAttempts} reconnect attempts: ${reason}` }, ['attempt', 'nextRetryAt']);
      return;
    }
    const delay = backoffDelay(attempt, r);
    const at = this.hub.clock.now() + delay;
    this.patch({ status: 'reconnecting', attempt, nextRetryAt: at, reason }, ['step', 'readySince']);
    this.hub.log('info', `reconnect attempt ${attempt} in ${delay} ms`);
    this.reconnectTimer = this.hub.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.wanted) return;
      this.patch({ attempt }, ['nextRetryAt']);
      this.establish('reconnect').then(
        () => {},
        (err: unknown) => {
          if (!this.wanted) return;
          const e = asError(err);
          this.patch({ lastError: e.info(this.hub.clock.now()) });
          this.hub.log('warn', `reconnect attempt ${attempt} failed at ${e.step ?? 'connect'}: ${e.message}`);
          this.scheduleReconnect(attempt + 1, e.message);
        },
      );
    }, delay);
  }
}

function asError(err: unknown): BrokerError {
  if (err instanceof BrokerError) return err;
  return new BrokerError({ code: ClientCode.ConnectFailed, message: err instanceof Error ? err.message : String(err), cause: err });
}
