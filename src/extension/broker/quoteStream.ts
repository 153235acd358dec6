// One streaming quote. Its latest values are kept in place, one field per tick kind, so a
// tick costs no object: under a flood, a new immutable Quote per tick (15 fields copied) and
// its garbage were a third of our ingest path (bench/ingest.ts). Consumers never get a
// mutable object: per tick they get the tick's kind (`ticks`) and read numbers from the
// stream (`price`, `value(kind)`); a Quote is an immutable snapshot, built only when asked
// for (`quote.value`, or while someone listens to `quote` or `updates`), at most once a tick.
import { Observable, Stream, type ReadonlyObservable, type Unsubscribe } from '../core/observable';
import type { BrokerError } from './errors';
import { Feed } from './feed';
import type { TickKind } from './linkEvents';
import type { BrokerContract, Quote } from './types';

/** Each tick kind's slot in a stream's figures. */
const SLOT: { readonly [K in TickKind]: number } = {
  bid: 0,
  ask: 1,
  last: 2,
  bidSize: 3,
  askSize: 4,
  lastSize: 5,
  volume: 6,
  open: 7,
  high: 8,
  low: 9,
  close: 10,
  lastTimestamp: 11,
};
const BID = SLOT.bid;
const ASK = SLOT.ask;
const LAST = SLOT.last;

const figure = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

/** The quote as an observable whose value is built on demand from the stream's fields. */
class LatestQuote implements ReadonlyObservable<Quote | undefined> {
  /** Holds the snapshot last handed to subscribers; set only while there are subscribers. */
  readonly notifier = new Observable<Quote | undefined>(undefined);

  constructor(private readonly read: () => Quote | undefined) {}

  get value(): Quote | undefined {
    return this.read();
  }

  subscribe(fn: (value: Quote | undefined, previous: Quote | undefined) => void, emitCurrent = false): Unsubscribe {
    this.sync();
    return this.notifier.subscribe(fn, emitCurrent);
  }

  when(predicate: (value: Quote | undefined) => boolean, timeoutMs?: number): Promise<Quote | undefined> {
    this.sync();
    return this.notifier.when(predicate, timeoutMs);
  }

  get watched(): boolean {
    return this.notifier.listenerCount > 0;
  }

  /** The notifier catches up with the stream (no call: it had no subscribers). */
  sync(): void {
    if (!this.watched) this.notifier.set(this.read());
  }
}

export class QuoteStream extends Feed {
  /** The latest quote (undefined before TWS sent anything): an immutable snapshot. */
  readonly quote: ReadonlyObservable<Quote | undefined>;
  /** Every tick as an immutable Quote: one object a tick, built only while someone listens. */
  readonly updates = new Stream<Quote>();
  /** Every tick's kind, with no object per tick: read the new figures from the stream (`price`, `value()`). */
  readonly ticks = new Stream<TickKind>();
  readonly error = new Observable<BrokerError | undefined>(undefined);
  /** Request id at TWS in the current session (changes on every resubscribe). */
  reqId: number | undefined;

  /**
   * The latest figure of each tick kind by SLOT, NaN while not sent (or withdrawn): numbers in
   * place, where object fields holding a number or undefined would box every new value.
   */
  private readonly figures = new Float64Array(12).fill(NaN);
  private isDelayed = false;
  private at = 0;
  private count = 0;
  /** Anything arrived (a tick or the data type): `quote.value` is undefined before. */
  private started = false;
  /** The snapshot of the current fields, once built (dropped by the next tick). */
  private snap: Quote | undefined;
  private readonly latest: LatestQuote;

  constructor(
    readonly contract: BrokerContract,
    closer: () => void,
  ) {
    super(closer);
    this.latest = new LatestQuote(() => this.snapshot());
    this.quote = this.latest;
  }

  /** The price to value a position at: the last trade, else the mid; undefined without either. */
  get price(): number | undefined {
    const f = this.figures;
    if (!Number.isNaN(f[LAST]!)) return f[LAST];
    const mid = (f[BID]! + f[ASK]!) / 2;
    return Number.isNaN(mid) ? undefined : mid;
  }

  /** A bid, an ask or a last trade has arrived. */
  get hasPrice(): boolean {
    const f = this.figures;
    return !Number.isNaN(f[BID]!) || !Number.isNaN(f[ASK]!) || !Number.isNaN(f[LAST]!);
  }

  /** The latest value of one tick kind (lastTimestamp in epoch ms). */
  value(kind: TickKind): number | undefined {
    return figure(this.figures[SLOT[kind]]!);
  }

  /** Local receive time of the latest tick (epoch ms). */
  get updatedAt(): number {
    return this.at;
  }

  /**
   * A tick from TWS (the market data service feeds them): -1 withdraws a bid, ask or last;
   * a lastTimestamp arrives in seconds.
   */
  apply(kind: TickKind, value: number, delayed: boolean, at: number): void {
    const slot = SLOT[kind];
    if (kind === 'lastTimestamp') this.figures[slot] = value * 1000;
    else if (value === -1 && slot <= LAST) this.figures[slot] = NaN;
    else this.figures[slot] = value;
    if (delayed) this.isDelayed = true;
    this.at = at;
    this.count++;
    this.started = true;
    this.snap = undefined;
    if (this.latest.watched) this.latest.notifier.set(this.snapshot());
    if (this.updates.listenerCount > 0) this.updates.emit(this.snapshot()!);
    this.ticks.emit(kind);
  }

  /** TWS said whether this line's data is delayed (marketDataType, 10167). */
  setDelayed(delayed: boolean, at: number): void {
    if (!this.started) this.at = at;
    this.started = true;
    this.isDelayed = delayed;
    this.snap = undefined;
    if (this.latest.watched) this.latest.notifier.set(this.snapshot());
  }

  /**
   * The current quote, immutable. Fields are written in one fixed order (undefined ones left
   * out), so every snapshot shares a hidden class. Written out, not a loop over the kinds: a
   * store under a variable key made a snapshot about 2.5 times slower, and a watched quote
   * builds one every tick.
   */
  private snapshot(): Quote | undefined {
    if (!this.started) return undefined;
    if (this.snap) return this.snap;
    const c = this.contract;
    const q: Quote = c.conId
      ? { conId: c.conId, symbol: c.symbol, delayed: this.isDelayed, updatedAt: this.at, ticks: this.count }
      : { symbol: c.symbol, delayed: this.isDelayed, updatedAt: this.at, ticks: this.count };
    const f = this.figures;
    let v: number;
    if (!Number.isNaN((v = f[SLOT.bid]!))) q.bid = v;
    if (!Number.isNaN((v = f[SLOT.bidSize]!))) q.bidSize = v;
    if (!Number.isNaN((v = f[SLOT.ask]!))) q.ask = v;
    if (!Number.isNaN((v = f[SLOT.askSize]!))) q.askSize = v;
    if (!Number.isNaN((v = f[SLOT.last]!))) q.last = v;
    if (!Number.isNaN((v = f[SLOT.lastSize]!))) q.lastSize = v;
    if (!Number.isNaN((v = f[SLOT.volume]!))) q.volume = v;
    if (!Number.isNaN((v = f[SLOT.open]!))) q.open = v;
    if (!Number.isNaN((v = f[SLOT.high]!))) q.high = v;
    if (!Number.isNaN((v = f[SLOT.low]!))) q.low = v;
    if (!Number.isNaN((v = f[SLOT.close]!))) q.close = v;
    if (!Number.isNaN((v = f[SLOT.lastTimestamp]!))) q.lastTimestamp = v;
    this.snap = Object.freeze(q);
    return this.snap;
  }

  protected endStreams(): void {
    this.updates.end();
    this.ticks.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<Quote> {
    return this.updates[Symbol.asyncIterator]();
  }
}
