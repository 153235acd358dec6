// One TWS API session over one TCP socket: an @stoqey/ib IBApi, created per connection
// attempt and thrown away when the socket goes. A fresh IBApi per session means nothing
// queued for a dead socket (IBApi's paused command buffer, its rate limiter) can ever
// be sent on the next one: an order is never sent twice by a reconnect.
//
// This is the only module that imports @stoqey/ib at runtime. It forwards TWS's events,
// mapped to broker types, into the client's event hub while the session is open.
//
// It is also the boundary against bad input from "TWS": the socket's bytes go through
// LinkInbound (linkInbound.ts: the frame guard) before the library sees them, the library's own decoding
// errors and anything it throws are caught here, and order, fill and bar events whose
// numbers cannot be right are refused. Each of these ends the session with a
// `protocolError` event naming the cause (the connection manager turns it into a
// BrokerError and reconnects); nothing is thrown into the host.
import {
  EventName,
  IBApi,
  type Contract as IbContract,
  type ContractDetails as IbContractDetails,
  type Execution as IbExecution,
  type Order as IbOrder,
  type OrderState as IbOrderState,
  type CommissionReport as IbCommissionReport,
} from '@stoqey/ib';
import { BrokerError } from './errors';
import { ClientCode } from '../tws/errorCodes';
import { LinkInbound, netSocket, type LibrarySocket } from './linkInbound';
import { canFrameSends, frameSends, type SendingSocket } from './linkOutbound';
import type { LinkApi, LinkEventMap } from './linkEvents';
import { TICKS } from './tickIds';
import type { EventHub } from '../core/observable';
import { LIBRARY_MAX_REQ_PER_SEC } from './pacer';
import type { Logger } from './config';
import {
  fromIbCommission,
  fromIbCompletedOrder,
  fromIbContract,
  fromIbContractDetails,
  fromIbExecution,
  fromIbOpenOrder,
  historicalBar,
  num,
  toIbContract,
  toIbOrder,
} from './wireMapping';

export interface LinkOptions {
  host: string;
  port: number;
  clientId: number;
}

let linkSeq = 0;

/** @stoqey/ib's texts for messages its decoder could not read (all code 505). */
const LIBRARY_DECODE_ERROR = /^(Underrun error on |Decoding error on |No parser implementation found for token)/;

/** An event whose values cannot come from a working TWS (thrown by the mappers, turned into a protocol fault). */
class MalformedEvent extends Error {}

/** Wording built only when the check fails: these run for every order, fill and bar message. */
function must(ok: boolean, what: () => string): void {
  if (!ok) throw new MalformedEvent(what());
}

/** Order actions and execution sides TWS uses (BOT/SLD on executions). */
const SIDES = /^(BUY|SELL|SSHORT|SLONG|BOT|SLD)$/;
const isId = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= -1;
const isQty = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v));

export class IbLink {
  readonly id = ++linkSeq;
  private readonly ib: IBApi;
  private closed = false;
  private opened = false;
  private readonly inbound: LinkInbound;
  private readonly librarySocket: LibrarySocket;
  private faultReason: string | undefined;
  readonly api: LinkApi;

  constructor(
    readonly options: LinkOptions,
    private readonly hub: EventHub<LinkEventMap>,
    private readonly log: Logger,
  ) {
    // host, port and clientId always explicit: @stoqey/ib would otherwise read its own
    // config (and run dotenv on the cwd). maxReqPerSec: see pacer.ts.
    this.ib = new IBApi({ host: options.host, port: options.port, clientId: options.clientId, maxReqPerSec: LIBRARY_MAX_REQ_PER_SEC });
    this.api = this.makeApi();
    // Every byte from the socket goes through receive(): IBApi's socket calls `this.onData`
    // from its 'data' listener, so replacing the method on the instance puts the guard first.
    const socket = (this.ib as unknown as { controller?: { socket?: Partial<LibrarySocket> } }).controller?.socket;
    if (!socket || typeof socket.onData !== 'function') throw new Error('@stoqey/ib internals changed: no controller.socket.onData to guard');
    this.librarySocket = socket as LibrarySocket;
    this.inbound = new LinkInbound(this.librarySocket, {
      // Bytes from TWS prove it alive (the heartbeat's clock): once per read, not per message.
      received: () => this.emit('received'),
      fault: (reason) => this.protocolFault(reason),
    });
    socket.onData = (data: Buffer) => this.receive(data);
    // Outbound frames written straight into one Buffer (linkOutbound.ts); the library's send if its internals differ.
    if (canFrameSends(socket as Partial<SendingSocket>)) frameSends(socket as SendingSocket);
  }

  /** Why the link ended on bad input from TWS, if it did. */
  get fault(): string | undefined {
    return this.faultReason;
  }

  /** A frame begun but incomplete (bytes held / declared), e.g. for the heartbeat's message. */
  get partialFrame(): { have: number; need: number } | undefined {
    return this.inbound.partial;
  }

  /**
   * Bytes from TWS, as the socket delivers them (the fuzz feeds them here directly): only
   * complete, checked frames reach the library's decoder. Never throws.
   */
  receive(data: Buffer): void {
    if (this.closed || this.faultReason !== undefined) return;
    this.inbound.receive(data);
  }

  /**
   * Listens without opening a socket: bytes then arrive only through receive(). For the
   * decoder fuzz and tests that feed recorded bytes.
   */
  listenWithoutSocket(): void {
    if (this.opened) throw new Error('IbLink already opened');
    this.opened = true;
    this.listen();
  }

  /** Bad input from TWS: the session ends with the reason; the socket is dropped. */
  private protocolFault(reason: string): void {
    if (this.closed || this.faultReason !== undefined) return;
    this.faultReason = reason;
    this.inbound.stop();
    this.log('error', `link ${this.id}: ${reason}; dropping the connection`);
    this.hub.emit('protocolError', reason);
    if (this.closed) return;
    // Nobody closed the link on the event: drop the socket; 'disconnected' follows.
    try {
      this.ib.disconnect();
    } catch (err) {
      this.log('debug', `link ${this.id}: disconnect threw ${String(err)}`);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get serverVersion(): number {
    return this.ib.serverVersion;
  }

  /** Opens the TCP connection; progress arrives as tcpConnected / server / nextValidId events. */
  open(): void {
    if (this.opened) throw new Error('IbLink.open() called twice');
    this.opened = true;
    this.listen();
    this.ib.connect(this.options.clientId);
    this.disableNagle();
  }

  /**
   * TCP_NODELAY on IBApi's socket (it leaves Nagle's algorithm on). With Nagle, a small
   * message written while an earlier one is unacknowledged waits for that ACK: an order
   * could sit in the kernel for a delayed-ACK period, and paced messages would reach TWS
   * in bunches that it counts against its 50 msg/s. IBApi does not expose its socket, so
   * this reaches into it, and logs a warning if the library's internals changed.
   */
  private disableNagle(): void {
    const socket = netSocket(this.librarySocket);
    if (socket) socket.setNoDelay(true);
    else
      this.log(
        'warn',
        `link ${this.id}: could not set TCP_NODELAY on the @stoqey/ib socket (library internals changed?); messages may be delayed by Nagle's algorithm`,
      );
  }

  /** Closes the socket and stops forwarding; anything still queued inside IBApi is dropped with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbound.stop();
    this.ib.removeAllListeners();
    // IBApi's own late events (e.g. "Cannot disconnect") must not surface as unhandled.
    this.ib.on(EventName.error, () => {});
    try {
      this.ib.disconnect();
    } catch (err) {
      this.log('debug', `link ${this.id}: disconnect threw ${String(err)}`);
    }
  }

  private emit<K extends keyof LinkEventMap>(event: K, ...args: LinkEventMap[K]): void;
  // Forwards its own arguments (no rest array, no spread): this runs for every message.
  private emit(): void {
    if (this.closed) return;
    // eslint-disable-next-line prefer-rest-params
    (this.hub.emit as (...a: unknown[]) => void).apply(this.hub, arguments as unknown as unknown[]);
  }

  /**
   * Registers a listener that maps @stoqey/ib arguments. A MalformedEvent (values no TWS
   * sends) ends the session as a protocol fault; any other mapping failure is logged. Nothing
   * is thrown into the decoder.
   */
  private on(event: EventName, fn: (...args: any[]) => void): void {
    // A plain function forwarding `arguments` (no rest array, no spread) for every message.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const link = this;
    (this.ib as unknown as { on(e: string, l: (...a: any[]) => void): void }).on(event, function (this: unknown) {
      if (link.closed || link.faultReason !== undefined) return;
      try {
        // eslint-disable-next-line prefer-rest-params, prefer-spread
        fn.apply(undefined, arguments as unknown as any[]);
      } catch (err) {
        if (err instanceof MalformedEvent) link.protocolFault(`TWS sent a malformed ${event} message: ${err.message}`);
        else link.log('error', `link ${link.id}: handling ${event} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    });
  }

  private listen(): void {
    this.on(EventName.sent, (tokens: unknown[]) => {
      if (Array.isArray(tokens) && tokens[0] === 'API\0') this.emit('tcpConnected');
    });
    this.on(EventName.server, (version: number, time: string) => this.emit('server', version, String(time ?? '')));
    this.on(EventName.disconnected, () => this.emit('disconnected'));
    this.on(EventName.nextValidId, (id: number) => {
      must(Number.isInteger(id) && id >= 0, () => `next valid order id ${show(id)}`);
      this.emit('nextValidId', id);
    });
    this.on(EventName.managedAccounts, (list: string) =>
      this.emit(
        'managedAccounts',
        String(list ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    );
    this.on(EventName.info, (message: string, code: number) => this.emit('notice', code, String(message ?? '')));
    this.on(EventName.error, (err: Error | string, code: number, reqId: number) => {
      const message = err instanceof Error ? err.message : String(err ?? '');
      if (code === 505 && LIBRARY_DECODE_ERROR.test(message)) {
        this.protocolFault(`TWS sent a message the API decoder cannot read (${message.replace(/ Please report to \S+$/, '')})`);
        return;
      }
      const id = typeof reqId === 'number' ? reqId : -1;
      if (id < 0) this.emit('notice', code ?? -1, message);
      else this.emit('error', id, code, message);
    });
    this.on(EventName.currentTime, (t: number) => this.emit('currentTime', t));

    this.on(EventName.openOrder, (orderId: number, c: IbContract, o: IbOrder, s: IbOrderState) => {
      must(isId(orderId), () => `order id ${show(orderId)}`);
      must(isQty(o?.totalQuantity), () => `quantity ${show(o?.totalQuantity)} of order ${orderId}`);
      must(SIDES.test(String(o.action ?? '')), () => `action ${show(o.action)} of order ${orderId}`);
      this.emit('openOrder', fromIbOpenOrder(orderId, c, o, s));
    });
    this.on(EventName.openOrderEnd, () => this.emit('openOrderEnd'));
    this.on(
      EventName.orderStatus,
      (
        orderId: number,
        status: string,
        filled: number,
        remaining: number,
        avgFillPrice: number,
        permId?: number,
        parentId?: number,
        lastFillPrice?: number,
        clientId?: number,
        whyHeld?: string,
      ) => {
        must(isId(orderId), () => `order id ${show(orderId)}`);
        must(typeof status === 'string' && status !== '', () => `status ${show(status)} of order ${orderId}`);
        must(isQty(filled) && isQty(remaining), () => `filled ${show(filled)} / remaining ${show(remaining)} of order ${orderId}`);
        must(avgFillPrice === undefined || Number.isFinite(avgFillPrice), () => `average fill price ${show(avgFillPrice)} of order ${orderId}`);
        const ev: LinkEventMap['orderStatus'][0] = {
          orderId,
          status: String(status),
          filled: num(filled) ?? 0,
          remaining: num(remaining) ?? 0,
          avgFillPrice: num(avgFillPrice) ?? 0,
        };
        if (num(permId)) ev.permId = num(permId)!;
        if (num(parentId)) ev.parentId = num(parentId)!;
        if (num(lastFillPrice)) ev.lastFillPrice = num(lastFillPrice)!;
        if (num(clientId) !== undefined) ev.clientId = num(clientId)!;
        if (whyHeld) ev.whyHeld = whyHeld;
        this.emit('orderStatus', ev);
      },
    );
    this.on(EventName.completedOrder, (c: IbContract, o: IbOrder, s: IbOrderState) => this.emit('completedOrder', fromIbCompletedOrder(c, o, s)));
    this.on(EventName.completedOrdersEnd, () => this.emit('completedOrdersEnd'));
    this.on(EventName.execDetails, (reqId: number, c: IbContract, e: IbExecution) => {
      must(typeof e?.execId === 'string' && e.execId !== '', () => `execution id ${show(e?.execId)}`);
      must(isId(e.orderId), () => `order id ${show(e.orderId)} of execution ${e.execId}`);
      must(typeof e.shares === 'number' && Number.isFinite(e.shares) && e.shares > 0, () => `shares ${show(e.shares)} of execution ${e.execId}`);
      // A combo's own execution carries its net price: negative for a credit (legs sold for more than those bought).
      must(
        typeof e.price === 'number' && Number.isFinite(e.price) && (e.price >= 0 || String(c?.secType) === 'BAG'),
        () => `price ${show(e.price)} of execution ${e.execId}`,
      );
      must(SIDES.test(String(e.side ?? '')), () => `side ${show(e.side)} of execution ${e.execId}`);
      this.emit('execDetails', reqId, fromIbExecution(c, e));
    });
    this.on(EventName.execDetailsEnd, (reqId: number) => this.emit('execDetailsEnd', reqId));
    this.on(EventName.commissionReport, (r: IbCommissionReport) => {
      must(typeof r?.execId === 'string' && r.execId !== '', () => `execution id ${show(r?.execId)} of a commission report`);
      must(r.commission === undefined || !Number.isNaN(r.commission), () => `commission ${show(r.commission)} of execution ${r.execId}`);
      this.emit('commissionReport', fromIbCommission(r));
    });

    this.on(EventName.position, (account: string, c: IbContract, pos: number, avgCost?: number) => {
      must(pos === undefined || Number.isFinite(pos), () => `position ${show(pos)} of ${show(c?.symbol)}`);
      this.emit('position', { account, contract: fromIbContract(c), quantity: num(pos) ?? 0, avgCost: num(avgCost) ?? 0 });
    });
    this.on(EventName.positionEnd, () => this.emit('positionEnd'));
    this.on(EventName.updateAccountValue, (key: string, value: string, currency: string, account: string) =>
      this.emit('accountValue', { key, value: String(value ?? ''), currency: currency ?? '', account: account ?? '' }),
    );
    this.on(
      EventName.updatePortfolio,
      (
        c: IbContract,
        position: number,
        marketPrice: number,
        marketValue: number,
        averageCost?: number,
        unrealizedPNL?: number,
        realizedPNL?: number,
        account?: string,
      ) => {
        const item: LinkEventMap['portfolio'][0] = {
          account: account ?? '',
          contract: fromIbContract(c),
          quantity: num(position) ?? 0,
          avgCost: num(averageCost) ?? 0,
          marketPrice: num(marketPrice) ?? 0,
          marketValue: num(marketValue) ?? 0,
        };
        if (num(unrealizedPNL) !== undefined) item.unrealizedPnl = num(unrealizedPNL)!;
        if (num(realizedPNL) !== undefined) item.realizedPnl = num(realizedPNL)!;
        this.emit('portfolio', item);
      },
    );
    this.on(EventName.accountDownloadEnd, (account: string) => this.emit('accountDownloadEnd', account));
    this.on(EventName.accountSummary, (reqId: number, account: string, tag: string, value: string, currency: string) =>
      this.emit('accountSummary', reqId, account, tag, String(value ?? ''), currency ?? ''),
    );
    this.on(EventName.accountSummaryEnd, (reqId: number) => this.emit('accountSummaryEnd', reqId));
    this.on(EventName.pnl, (reqId: number, daily: number, unrealized?: number, realized?: number) =>
      this.emit('pnl', reqId, num(daily) ?? 0, num(unrealized), num(realized)),
    );
    this.on(EventName.pnlSingle, (reqId: number, pos: number, daily: number, unrealized: number | undefined, realized: number | undefined, value: number) =>
      this.emit('pnlSingle', reqId, num(pos) ?? 0, num(daily) ?? 0, num(unrealized), num(realized), num(value) ?? 0),
    );

    // Ticks, most of all messages, skip on()'s wrapper: nothing here can throw.
    const tick = (reqId: number, field: number, value: unknown): void => {
      if (this.closed || this.faultReason !== undefined) return;
      const t = TICKS[field];
      if (t === undefined) return;
      const v = num(value);
      if (v !== undefined) this.hub.emit('tick', reqId, t.kind, v, t.delayed);
    };
    for (const e of [EventName.tickPrice, EventName.tickSize, EventName.tickString, EventName.tickGeneric])
      (this.ib as unknown as { on(e: string, l: (reqId: number, field: number, value: unknown) => void): void }).on(e, tick);
    this.on(EventName.tickSnapshotEnd, (reqId: number) => this.emit('tickSnapshotEnd', reqId));
    this.on(EventName.marketDataType, (reqId: number, type: number) => this.emit('marketDataType', reqId, type));

    this.on(
      EventName.realtimeBar,
      (reqId: number, time: number, open: number, high: number, low: number, close: number, volume: number, wap: number, count: number) => {
        must([time, open, high, low, close].every(Number.isFinite), () => `bar ${[time, open, high, low, close].map(show).join(' ')} of request ${reqId}`);
        const bar = { time: time * 1000, open, high, low, close, volume: num(volume) ?? 0 } as LinkEventMap['realtimeBar'][1];
        if (num(wap) !== undefined) bar.wap = num(wap)!;
        if (num(count) !== undefined) bar.count = num(count)!;
        this.emit('realtimeBar', reqId, bar);
      },
    );
    this.on(
      EventName.historicalData,
      (reqId: number, date: string, open: number, high: number, low: number, close: number, volume: number, count: number | undefined, wap: number) => {
        if (typeof date === 'string' && date.startsWith('finished')) {
          this.emit('historicalEnd', reqId);
          return;
        }
        must([open, high, low, close].every(Number.isFinite), () => `bar ${[date, open, high, low, close].map(show).join(' ')} of request ${reqId}`);
        this.emit('historicalBar', reqId, historicalBar(String(date), open, high, low, close, volume, count, wap));
      },
    );
    this.on(
      EventName.historicalDataUpdate,
      (reqId: number, date: string, open: number, high: number, low: number, close: number, volume: number, count: number, wap: number) => {
        must([open, high, low, close].every(Number.isFinite), () => `bar ${[date, open, high, low, close].map(show).join(' ')} of request ${reqId}`);
        this.emit('historicalUpdate', reqId, historicalBar(String(date), open, high, low, close, volume, count, wap));
      },
    );
    this.on(EventName.contractDetails, (reqId: number, d: IbContractDetails) => this.emit('contractDetails', reqId, fromIbContractDetails(d)));
    this.on(EventName.contractDetailsEnd, (reqId: number) => this.emit('contractDetailsEnd', reqId));
    this.on(
      EventName.securityDefinitionOptionParameter,
      (reqId: number, exchange: string, underlyingConId: number, tradingClass: string, multiplier: string, expirations: string[], strikes: number[]) =>
        this.emit('optionChain', reqId, {
          exchange,
          underlyingConId,
          tradingClass,
          multiplier: Number(multiplier) || 100,
          expirations: [...(expirations ?? [])].sort(),
          strikes: [...(strikes ?? [])].map(Number).sort((a, b) => a - b),
        }),
    );
    this.on(EventName.securityDefinitionOptionParameterEnd, (reqId: number) => this.emit('optionChainEnd', reqId));
  }

  private makeApi(): LinkApi {
    const ib = this.ib;
    const guard =
      <A extends unknown[]>(name: string, fn: (...args: A) => void) =>
      (...args: A) => {
        if (this.closed) throw new BrokerError({ code: ClientCode.ConnectionLost, message: `${name}: the TWS session is closed` });
        fn(...args);
      };
    return {
      reqCurrentTime: guard('reqCurrentTime', () => ib.reqCurrentTime()),
      reqIds: guard('reqIds', () => ib.reqIds()),
      reqManagedAccts: guard('reqManagedAccts', () => ib.reqManagedAccts()),
      reqPositions: guard('reqPositions', () => ib.reqPositions()),
      cancelPositions: guard('cancelPositions', () => ib.cancelPositions()),
      reqOpenOrders: guard('reqOpenOrders', () => ib.reqOpenOrders()),
      reqCompletedOrders: guard('reqCompletedOrders', (apiOnly: boolean) => ib.reqCompletedOrders(apiOnly)),
      reqExecutions: guard('reqExecutions', (reqId, f) =>
        ib.reqExecutions(reqId, {
          ...(f.clientId !== undefined ? { clientId: String(f.clientId) } : {}),
          ...(f.account ? { acctCode: f.account } : {}),
          ...(f.time ? { time: f.time } : {}),
          ...(f.symbol ? { symbol: f.symbol } : {}),
          ...(f.secType ? { secType: f.secType as never } : {}),
          ...(f.side ? { side: f.side } : {}),
        }),
      ),
      reqAccountUpdates: guard('reqAccountUpdates', (subscribe, account) => ib.reqAccountUpdates(subscribe, account)),
      reqAccountSummary: guard('reqAccountSummary', (reqId, group, tags) => ib.reqAccountSummary(reqId, group, tags)),
      cancelAccountSummary: guard('cancelAccountSummary', (reqId) => ib.cancelAccountSummary(reqId)),
      reqPnL: guard('reqPnL', (reqId, account) => ib.reqPnL(reqId, account)),
      cancelPnL: guard('cancelPnL', (reqId) => ib.cancelPnL(reqId)),
      reqPnLSingle: guard('reqPnLSingle', (reqId, account, conId) => ib.reqPnLSingle(reqId, account, '', conId)),
      cancelPnLSingle: guard('cancelPnLSingle', (reqId) => ib.cancelPnLSingle(reqId)),
      reqContractDetails: guard('reqContractDetails', (reqId, c) => ib.reqContractDetails(reqId, toIbContract(c))),
      reqSecDefOptParams: guard('reqSecDefOptParams', (reqId, symbol, secType, conId) => ib.reqSecDefOptParams(reqId, symbol, '', secType, conId)),
      reqMarketDataType: guard('reqMarketDataType', (type) => ib.reqMarketDataType(type)),
      reqMktData: guard('reqMktData', (reqId, c, generic, snapshot) => ib.reqMktData(reqId, toIbContract(c), generic, snapshot, false)),
      cancelMktData: guard('cancelMktData', (reqId) => ib.cancelMktData(reqId)),
      reqRealTimeBars: guard('reqRealTimeBars', (reqId, c, whatToShow, useRth) => ib.reqRealTimeBars(reqId, toIbContract(c), 5, whatToShow as never, useRth)),
      cancelRealTimeBars: guard('cancelRealTimeBars', (reqId) => ib.cancelRealTimeBars(reqId)),
      reqHistoricalData: guard('reqHistoricalData', (reqId, c, q) =>
        ib.reqHistoricalData(reqId, toIbContract(c), q.endDateTime, q.duration, q.barSize as never, q.whatToShow as never, q.useRth ? 1 : 0, 2, q.keepUpToDate),
      ),
      cancelHistoricalData: guard('cancelHistoricalData', (reqId) => ib.cancelHistoricalData(reqId)),
      placeOrder: guard('placeOrder', (orderId, c, o) => ib.placeOrder(orderId, toIbContract(c), toIbOrder(o))),
      cancelOrder: guard('cancelOrder', (orderId) => ib.cancelOrder(orderId)),
    };
  }
}
