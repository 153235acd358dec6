// Streaming quotes: reqMktData subscriptions per connection, the ticks TWS sends
// for them (live, or delayed under no-market-data), snapshots, and option greeks.
import type { Quote } from '../market/market';
import {
  encodeTickOptionComputation,
  encodeTickPrice,
  encodeTickReqParams,
  encodeTickSize,
  encodeTickSnapshotEnd,
  encodeTickString,
} from '../protocol/marketDataCodec';
import { encodeMarketDataType } from '../protocol/sessionCodec';
import { SV } from '../../tws/serverVersions';
import type { WireContract } from '../protocol/contractTypes';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { RequestSubscriptions } from './requestSubscriptions';

/** TWS tick types (TickType.java). Delayed ones are the live id's delayed twin. */
export const Tick = {
  BID_SIZE: 0,
  BID: 1,
  ASK: 2,
  ASK_SIZE: 3,
  LAST: 4,
  LAST_SIZE: 5,
  HIGH: 6,
  LOW: 7,
  VOLUME: 8,
  CLOSE: 9,
  BID_OPTION: 10,
  ASK_OPTION: 11,
  LAST_OPTION: 12,
  MODEL_OPTION: 13,
  OPEN: 14,
  LAST_TIMESTAMP: 45,
  DELAYED_BID: 66,
  DELAYED_ASK: 67,
  DELAYED_LAST: 68,
  DELAYED_BID_SIZE: 69,
  DELAYED_ASK_SIZE: 70,
  DELAYED_LAST_SIZE: 71,
  DELAYED_HIGH: 72,
  DELAYED_LOW: 73,
  DELAYED_VOLUME: 74,
  DELAYED_CLOSE: 75,
  DELAYED_OPEN: 76,
  DELAYED_LAST_TIMESTAMP: 88,
} as const;

const DELAY_MS = 15 * 60_000;

interface Subscription {
  conn: ClientConnection;
  reqId: number;
  conId: number;
  contract: WireContract;
  delayed: boolean;
  isOption: boolean;
  last?: Quote;
}

export class MarketDataFeed {
  private readonly subs = new RequestSubscriptions<Subscription>();
  /** Per connection: reqMarketDataType (1 live, 2 frozen, 3 delayed, 4 delayed frozen). */
  readonly dataType = new WeakMap<ClientConnection, number>();

  constructor(private readonly sim: TwsSimulator) {}

  get size(): number {
    return this.subs.size;
  }

  /** The streaming lines (flood mode sends on these). */
  lines(): Array<{ conn: ClientConnection; reqId: number; conId: number; delayed: boolean }> {
    return [...this.subs.values()].map((s) => ({ conn: s.conn, reqId: s.reqId, conId: s.conId, delayed: s.delayed }));
  }

  /** Starts streaming (or sends one snapshot) for a resolved contract. */
  subscribe(conn: ClientConnection, reqId: number, conId: number, contract: WireContract, snapshot: boolean): void {
    const type = this.dataType.get(conn) ?? 1;
    const f = this.sim.options.faults;
    let delayed = type === 3 || type === 4;
    if (f.noMarketData) {
      if (!delayed) {
        conn.sendError(
          reqId,
          354,
          `Requested market data is not subscribed.Delayed market data is available.${contract.symbol} ${contract.primaryExch || 'NASDAQ'}/TOP/ALL`,
        );
        return;
      }
      conn.sendError(reqId, 10167, 'Requested market data is not subscribed. Displaying delayed market data.');
    } else {
      // Entitled to live data: a delayed request is served live, as TWS does.
      delayed = false;
    }
    if (conn.version >= SV.REQ_SMART_COMPONENTS) conn.send(encodeTickReqParams(conn.version, reqId, 0.01, '9c0001', 3));
    conn.send(encodeMarketDataType(conn.version, reqId, delayed ? 3 : 1));
    const sub: Subscription = { conn, reqId, conId, contract, delayed, isOption: contract.secType === 'OPT' };
    // While TWS has lost IB's servers (1100) no quotes flow; a stream starts once they are back.
    if (this.sim.connectivityLost && !snapshot) {
      this.subs.add(sub);
      return;
    }
    this.sendAll(sub);
    if (snapshot) {
      conn.send(encodeTickSnapshotEnd(conn.version, reqId));
      return;
    }
    this.subs.add(sub);
  }

  cancel(conn: ClientConnection, reqId: number): void {
    this.subs.remove(conn, reqId);
  }

  dropConnection(conn: ClientConnection): void {
    this.subs.dropConnection(conn);
  }

  /** After 1101 ("data lost") TWS has dropped every market data line. */
  dropAll(): void {
    this.subs.clear();
  }

  onTick(): void {
    for (const sub of this.subs.values()) {
      if (!sub.conn.isOpen) continue;
      if (sub.last) this.sendChanges(sub);
      else this.sendAll(sub);
    }
  }

  private quoteFor(sub: Subscription): Quote | undefined {
    const now = this.sim.market.now();
    return this.sim.market.quote(sub.conId, sub.delayed ? now - DELAY_MS : now);
  }

  /**
   * Stock sizes and volume go out in shares to clients from MARKET_DATA_IN_SHARES (159),
   * in round lots of 100 to older ones (TWS's compatibility behaviour since 985).
   */
  private sized(sub: Subscription, q: Quote): Quote {
    if (sub.isOption || sub.conn.version >= SV.MARKET_DATA_IN_SHARES) return q;
    const lots = (x: number) => Math.round(x / 100);
    return { ...q, bidSize: lots(q.bidSize), askSize: lots(q.askSize), lastSize: lots(q.lastSize), volume: lots(q.volume) };
  }

  private sendAll(sub: Subscription): void {
    const raw = this.quoteFor(sub);
    const q = raw && this.sized(sub, raw);
    if (!q) return;
    const { conn, reqId } = sub;
    const v = conn.version;
    const t = sub.delayed ? delayedIds : liveIds;
    conn.send(encodeTickPrice(v, reqId, t.bid, q.bid, q.bidSize, { canAutoExecute: !sub.delayed }));
    conn.send(encodeTickSize(v, reqId, t.bidSize, q.bidSize));
    conn.send(encodeTickPrice(v, reqId, t.ask, q.ask, q.askSize, { canAutoExecute: !sub.delayed }));
    conn.send(encodeTickSize(v, reqId, t.askSize, q.askSize));
    conn.send(encodeTickPrice(v, reqId, t.last, q.last, q.lastSize));
    conn.send(encodeTickSize(v, reqId, t.lastSize, q.lastSize));
    conn.send(encodeTickSize(v, reqId, t.volume, q.volume));
    conn.send(encodeTickPrice(v, reqId, t.high, q.high, 0));
    conn.send(encodeTickPrice(v, reqId, t.low, q.low, 0));
    conn.send(encodeTickPrice(v, reqId, t.close, q.close, 0));
    conn.send(encodeTickPrice(v, reqId, t.open, q.open, 0));
    conn.send(encodeTickString(v, reqId, t.lastTimestamp, String(Math.floor(q.time / 1000))));
    if (sub.isOption) this.sendGreeks(sub);
    sub.last = q;
  }

  private sendChanges(sub: Subscription): void {
    const raw = this.quoteFor(sub);
    const q = raw && this.sized(sub, raw);
    const prev = sub.last;
    if (!q || !prev) return;
    const { conn, reqId } = sub;
    const v = conn.version;
    const t = sub.delayed ? delayedIds : liveIds;
    if (q.bid !== prev.bid || q.bidSize !== prev.bidSize) {
      conn.send(encodeTickPrice(v, reqId, t.bid, q.bid, q.bidSize, { canAutoExecute: !sub.delayed }));
      conn.send(encodeTickSize(v, reqId, t.bidSize, q.bidSize));
    }
    if (q.ask !== prev.ask || q.askSize !== prev.askSize) {
      conn.send(encodeTickPrice(v, reqId, t.ask, q.ask, q.askSize, { canAutoExecute: !sub.delayed }));
      conn.send(encodeTickSize(v, reqId, t.askSize, q.askSize));
    }
    if (q.last !== prev.last) {
      conn.send(encodeTickPrice(v, reqId, t.last, q.last, q.lastSize));
      conn.send(encodeTickSize(v, reqId, t.lastSize, q.lastSize));
      conn.send(encodeTickString(v, reqId, t.lastTimestamp, String(Math.floor(q.time / 1000))));
    }
    if (q.volume !== prev.volume) conn.send(encodeTickSize(v, reqId, t.volume, q.volume));
    if (q.high !== prev.high) conn.send(encodeTickPrice(v, reqId, t.high, q.high, 0));
    if (q.low !== prev.low) conn.send(encodeTickPrice(v, reqId, t.low, q.low, 0));
    if (sub.isOption && q.last !== prev.last) this.sendGreeks(sub);
    sub.last = q;
  }

  private sendGreeks(sub: Subscription): void {
    const inst = this.sim.instruments.byId(sub.conId);
    if (!inst || !('underlying' in inst)) return;
    const g = this.sim.market.optionGreeks(inst);
    const undPrice = this.sim.market.path(inst.underlying).priceAt(this.sim.market.now());
    for (const tickType of [Tick.BID_OPTION, Tick.ASK_OPTION, Tick.LAST_OPTION, Tick.MODEL_OPTION]) {
      sub.conn.send(
        encodeTickOptionComputation(sub.conn.version, {
          reqId: sub.reqId,
          tickType,
          tickAttrib: 1,
          impliedVol: g.impliedVol,
          delta: g.delta,
          optPrice: g.price,
          pvDividend: 0,
          gamma: g.gamma,
          vega: g.vega,
          theta: g.theta,
          undPrice,
        }),
      );
    }
  }
}

const liveIds = {
  bid: Tick.BID,
  bidSize: Tick.BID_SIZE,
  ask: Tick.ASK,
  askSize: Tick.ASK_SIZE,
  last: Tick.LAST,
  lastSize: Tick.LAST_SIZE,
  volume: Tick.VOLUME,
  high: Tick.HIGH,
  low: Tick.LOW,
  close: Tick.CLOSE,
  open: Tick.OPEN,
  lastTimestamp: Tick.LAST_TIMESTAMP,
};
const delayedIds = {
  bid: Tick.DELAYED_BID,
  bidSize: Tick.DELAYED_BID_SIZE,
  ask: Tick.DELAYED_ASK,
  askSize: Tick.DELAYED_ASK_SIZE,
  last: Tick.DELAYED_LAST,
  lastSize: Tick.DELAYED_LAST_SIZE,
  volume: Tick.DELAYED_VOLUME,
  high: Tick.DELAYED_HIGH,
  low: Tick.DELAYED_LOW,
  close: Tick.DELAYED_CLOSE,
  open: Tick.DELAYED_OPEN,
  lastTimestamp: Tick.DELAYED_LAST_TIMESTAMP,
};
