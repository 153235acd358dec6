// Historical bars (paced by IBKR's historical rules), 5-second real-time bars, and bar
// subscriptions of the size a policy wants, with completed-bar events:
//   source 'realtime': 5-second real-time bars aggregated to N seconds;
//   source 'history':  reqHistoricalData keepUpToDate at the largest TWS bar size that
//                      divides N, completed when TWS moves to the next bar, aggregated to N.
// After a reconnect or 1101 every subscription is requested again and the gap is filled
// from history, so a policy sees every completed bar once and in order. Real-time bar
// requests count in IBKR's pacing too (their own 60 new requests per 10 minutes): a
// request the pacer holds back, a gap left unfilled because its history request would be
// held back (live bars are never held behind it), and a pacing refusal retried later are
// each said on the stream's `status` and `notices`.
import { BarAggregator, UpdatingBar, sourceBarSize } from './barAggregator';
import { barEnd, currentOrNextBarStart } from '../core/sessionBars';
import type { ContractService } from './contracts';
import { describeContract } from './contracts';
import { BrokerError } from './errors';
import { ClientCode, classifyCode, failsRequest } from '../tws/errorCodes';
import type { LinkHub } from './linkHub';
import { DisposableStore } from '../core/disposables';
import { Feed } from './feed';
import { Observable, Stream } from '../core/observable';
import { PacedOut, type HistoricalRequestKey, type ScheduleOptions } from './pacer';
import type { PendingRequest } from './requestRegistry';
import type { Bar, BrokerContract, HistoricalQuery, WhatToShow } from './types';

export interface BarSubscriptionOptions {
  /** Size of the bars wanted, in seconds (a multiple of 5). */
  barSeconds: number;
  source?: 'realtime' | 'history';
  /** History to load first into `history`, e.g. "3600 S", "2 D". */
  backfill?: string;
  whatToShow?: WhatToShow;
  useRth?: boolean;
}

/** Why a stream has no live bars right now (undefined: it has them, as far as it knows). */
export interface BarStatus {
  readonly state: 'disconnected' | 'resubscribing' | 'held-back' | 'refused';
  readonly reason: string;
  /** the TWS error code behind it, if any */
  readonly code?: number;
  /** held back: wall time (epoch ms) it is due to be sent or retried */
  readonly until?: number;
}

/** After a pacing refusal, the request is made again this much later (IBKR's identical-request window). */
export const PACING_RETRY_MS = 15_000;
/** A reconnect's gap fill waits at most this for the pacer; longer, it is dropped (live bars are not held behind it). */
const GAP_FILL_MAX_WAIT_MS = 2_000;

export class BarStream extends Feed {
  /** Completed bars of `barSeconds`, in time order, each once. */
  readonly bars = new Stream<Bar>();
  /** Completed bars from the initial backfill. */
  readonly history: Bar[] = [];
  /** The bar being built. */
  readonly partial = new Observable<Bar | undefined>(undefined);
  readonly error = new Observable<BrokerError | undefined>(undefined);
  /** Why no live bars come now (see BarStatus). */
  readonly status = new Observable<BarStatus | undefined>(undefined);
  /** One-off events worth a notice: a request held back by pacing, a gap not filled, a retry. */
  readonly notices = new Stream<string>();

  constructor(
    readonly contract: BrokerContract,
    readonly options: Required<Omit<BarSubscriptionOptions, 'backfill'>> & { backfill?: string },
    closer: () => void,
  ) {
    super(closer);
  }

  protected endStreams(): void {
    this.bars.end();
    this.notices.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<Bar> {
    return this.bars[Symbol.asyncIterator]();
  }
}

interface BarSub {
  stream: BarStream;
  agg: BarAggregator;
  sourceSeconds: number;
  sourceSize: string;
  upd?: UpdatingBar;
  reqId?: number;
  activations: number;
  /** Real-time bars held back while the gap is filled from history. */
  buffer?: Bar[];
  /** A re-request scheduled after a pacing refusal. */
  retry?: NodeJS.Timeout;
}

export class BarService {
  private readonly subs = new Set<BarSub>();
  private readonly byReqId = new Map<number, BarSub>();

  constructor(
    private readonly hub: LinkHub,
    private readonly contracts: ContractService,
  ) {
    const events = hub.events;
    events.on('historicalBar', (reqId, bar) => hub.registry.get<Bar[], Bar>(reqId)?.push(bar));
    events.on('historicalEnd', (reqId) => {
      const req = hub.registry.get<Bar[], Bar>(reqId);
      req?.resolve(req.rows);
    });
    events.on('currentTime', (t) => hub.registry.get<number>('currentTime')?.resolve(t * 1000));
    events.on('realtimeBar', (reqId, bar) => {
      const sub = this.byReqId.get(reqId);
      if (!sub) return;
      if (sub.buffer) sub.buffer.push(bar);
      else this.feed(sub, [bar], true);
    });
    events.on('historicalUpdate', (reqId, bar) => {
      const sub = this.byReqId.get(reqId);
      if (!sub?.upd) return;
      const done = sub.upd.push(bar);
      if (done) this.feed(sub, [done], true);
      else this.publishPartial(sub);
    });
    events.on('error', (reqId, code, message) => {
      const sub = this.byReqId.get(reqId);
      if (!sub || !failsRequest(code, message)) return;
      this.byReqId.delete(reqId);
      sub.reqId = undefined;
      delete sub.buffer;
      const what = `bars of ${describeContract(sub.stream.contract)}`;
      if (classifyCode(code, message).kind === 'pacing') {
        this.retryLater(sub, `TWS refused the request for pacing (error ${code}: ${message})`, code);
        return;
      }
      sub.stream.status.set({ state: 'refused', reason: `TWS refused them (error ${code}: ${message})`, code });
      sub.stream.error.set(new BrokerError({ reqId, code, message: `${what}: ${message}` }));
    });
  }

  /** reqHistoricalData (not kept up to date), paced by IBKR's historical rules. */
  async historical(contract: BrokerContract, q: HistoricalQuery, timeoutMs = this.hub.config.timeouts.historicalMs): Promise<Bar[]> {
    const resolved = await this.contracts.resolve(contract);
    const { req } = await this.requestHistory(resolved, q, false, timeoutMs);
    return req.promise;
  }

  /** TWS's clock (epoch ms), by reqCurrentTime. */
  async twsTime(timeoutMs = this.hub.config.timeouts.requestMs): Promise<number> {
    const existing = this.hub.registry.get<number>('currentTime');
    if (existing) return existing.promise;
    return this.hub.request<number>({ key: 'currentTime', kind: 'current time', timeoutMs, send: (api) => api.reqCurrentTime() }).promise;
  }

  /** 5-second real-time bars as TWS sends them. */
  realTimeBars(contract: BrokerContract, opts: { whatToShow?: WhatToShow; useRth?: boolean } = {}): Promise<BarStream> {
    return this.subscribe(contract, { barSeconds: 5, source: 'realtime', ...opts });
  }

  /** Completed bars of `barSeconds`; resolves once subscribed (and the backfill loaded). */
  async subscribe(contract: BrokerContract, options: BarSubscriptionOptions): Promise<BarStream> {
    const source = options.source ?? 'realtime';
    const opts = {
      barSeconds: options.barSeconds,
      source,
      whatToShow: options.whatToShow ?? 'TRADES',
      useRth: options.useRth ?? false,
      ...(options.backfill ? { backfill: options.backfill } : {}),
    } as BarStream['options'];
    const [sourceSeconds, sourceSize] = source === 'realtime' ? [5, '5 secs'] : sourceBarSize(opts.barSeconds);
    if (source === 'realtime' && opts.barSeconds % 5 !== 0)
      throw new BrokerError({ code: ClientCode.InvalidRequest, message: `real-time bars are 5 seconds: ${opts.barSeconds} s is not a multiple of 5` });
    const resolved = await this.contracts.resolve(contract);
    const stream = new BarStream(resolved, opts, () => this.release(stream));
    const sub: BarSub = { stream, agg: new BarAggregator(opts.barSeconds, sourceSeconds), sourceSeconds, sourceSize, activations: 0 };
    if (source === 'history') sub.upd = new UpdatingBar();
    this.subs.add(sub);
    if (this.hub.isReady) {
      try {
        await this.activate(sub);
      } catch (err) {
        stream.close();
        throw err;
      }
    }
    return stream;
  }

  /** Session ready: request every subscription again, filling the gap from history. */
  onReady(): void {
    for (const sub of this.subs) {
      if (sub.reqId !== undefined || sub.stream.closed) continue;
      if (sub.retry) continue;
      this.activateOrRetry(sub);
    }
  }

  onLost(): void {
    this.byReqId.clear();
    for (const sub of this.subs) {
      sub.reqId = undefined;
      delete sub.buffer;
      if (sub.retry) clearTimeout(sub.retry);
      delete sub.retry;
      if (!sub.stream.closed) sub.stream.status.set({ state: 'disconnected', reason: 'the connection to TWS is down; resubscribed once it is back' });
    }
  }

  private activateOrRetry(sub: BarSub): void {
    this.activate(sub).catch((err: unknown) => {
      const e = err instanceof BrokerError ? err : new BrokerError({ code: ClientCode.InvalidRequest, message: String(err) });
      if (sub.stream.closed) return;
      if (e.kind === 'pacing') {
        this.retryLater(sub, e.message, e.code);
        return;
      }
      // A lost connection is retried by the next onReady; the status already says so.
      if (e.code === ClientCode.ConnectionLost || !this.hub.isReady) return;
      sub.stream.status.set({ state: 'refused', reason: e.message, code: e.code });
      sub.stream.error.set(e);
    });
  }

  /** A pacing refusal: said, and requested again after IBKR's window. */
  private retryLater(sub: BarSub, why: string, code: number): void {
    if (sub.stream.closed) return;
    if (sub.retry) clearTimeout(sub.retry);
    const seconds = Math.round(PACING_RETRY_MS / 1000);
    sub.stream.status.set({ state: 'held-back', reason: `${why}; requested again`, code, until: Date.now() + PACING_RETRY_MS });
    sub.stream.notices.emit(`bars of ${describeContract(sub.stream.contract)}: ${why}; requested again in ${seconds} s`);
    sub.retry = setTimeout(() => {
      delete sub.retry;
      if (!sub.stream.closed && sub.reqId === undefined && this.hub.isReady) this.activateOrRetry(sub);
    }, PACING_RETRY_MS);
    sub.retry.unref?.();
  }

  resubscribeAfterDataLoss(): void {
    for (const sub of this.subs) {
      const old = sub.reqId;
      if (old !== undefined) {
        this.byReqId.delete(old);
        const cancel = sub.stream.options.source === 'realtime' ? 'cancelRealTimeBars' : 'cancelHistoricalData';
        void this.hub.send(cancel, (api) => (cancel === 'cancelRealTimeBars' ? api.cancelRealTimeBars(old) : api.cancelHistoricalData(old))).catch(() => {});
      }
      sub.reqId = undefined;
      delete sub.buffer;
    }
    this.onReady();
  }

  dispose(): void {
    for (const sub of [...this.subs]) sub.stream.close();
  }

  private async activate(sub: BarSub): Promise<void> {
    const first = sub.activations++ === 0;
    sub.stream.error.set(undefined);
    sub.stream.subscriptions++;
    if (!first) sub.stream.status.set({ state: 'resubscribing', reason: 'subscribing again after the reconnect' });
    if (sub.stream.options.source === 'realtime') await this.activateRealtime(sub, first);
    else await this.activateHistory(sub, first);
    if (sub.reqId !== undefined) sub.stream.status.set(undefined);
  }

  private async activateRealtime(sub: BarSub, first: boolean): Promise<void> {
    const { contract, options } = sub.stream;
    // Subscribe first and hold the live bars back while the gap is filled from history.
    // The request counts in IBKR's real-time pool (60 new requests per 10 minutes).
    const id = describeContract(contract);
    const key: HistoricalRequestKey = { identity: `rt|${id}|${sub.stream.subscriptions}`, contract: `rt|${contract.conId ?? id}`, pool: 'realtime' };
    const reqId = await this.hub.paced(
      'real-time bars',
      key,
      async (rid) => {
        sub.reqId = rid;
        sub.buffer = [];
        this.byReqId.set(rid, sub);
        await this.hub.send('reqRealTimeBars', (api) => api.reqRealTimeBars(rid, contract, options.whatToShow, options.useRth));
      },
      { onHeld: (ms) => this.sayHeld(sub, key, ms, 'the real-time bar request') },
    );
    try {
      const now = await this.twsTime();
      let resumeFrom = sub.agg.lastSource === Number.NEGATIVE_INFINITY ? undefined : sub.agg.lastSource + sub.sourceSeconds * 1000;
      if (first && options.backfill) {
        const [size, text] = sourceBarSize(options.barSeconds);
        const { req } = await this.requestHistory(
          contract,
          { duration: options.backfill, barSize: text, whatToShow: options.whatToShow, useRth: options.useRth },
          false,
        );
        const rows = await req.promise;
        const complete = new BarAggregator(options.barSeconds, size);
        for (const b of rows) if (b.time + size * 1000 <= now) for (const done of complete.push(b)) sub.stream.history.push(done);
        const last = sub.stream.history[sub.stream.history.length - 1];
        if (last) resumeFrom = barEnd(last.time, options.barSeconds);
      }
      if (resumeFrom === undefined) resumeFrom = currentOrNextBarStart(now, options.barSeconds);
      const from = resumeFrom;
      // First time: start at the bar in progress (after the backfill). Later: keep the partial bar and fill the gap.
      if (first) sub.agg.resumeAfter(from - sub.sourceSeconds * 1000);
      const gapSeconds = Math.ceil((now - from) / 1000);
      if (gapSeconds >= sub.sourceSeconds) {
        const gap: HistoricalQuery = {
          duration: `${Math.min(gapSeconds + sub.sourceSeconds, 86_400)} S`,
          barSize: '5 secs',
          whatToShow: options.whatToShow,
          useRth: options.useRth,
        };
        try {
          // Live bars are never held behind a paced history request: a gap fill that would wait is dropped, said.
          const { req } = await this.requestHistory(contract, gap, false, undefined, first ? {} : { maxWaitMs: GAP_FILL_MAX_WAIT_MS });
          const rows = await req.promise;
          this.feed(
            sub,
            rows.filter((b) => b.time >= from && b.time + 5000 <= now),
            !first,
          );
        } catch (err) {
          if (first || !(err instanceof BrokerError || err instanceof PacedOut) || (err instanceof BrokerError && err.code === ClientCode.ConnectionLost))
            throw err;
          const why =
            err instanceof PacedOut
              ? `its history request would be ${err.message.replace(': not sent', '')} (60 historical requests per 10 minutes)`
              : err.message;
          sub.stream.notices.emit(`bars of ${id}: the ${gapSeconds} s gap of the reconnect is not filled: ${why}; live bars go on`);
        }
      }
    } finally {
      const held = sub.buffer ?? [];
      delete sub.buffer;
      if (sub.reqId === reqId) this.feed(sub, held, true);
    }
  }

  private async activateHistory(sub: BarSub, first: boolean): Promise<void> {
    const { contract, options } = sub.stream;
    let duration: string;
    if (first) {
      duration = options.backfill ?? `${Math.max(options.barSeconds * 2, sub.sourceSeconds * 2)} S`;
    } else {
      const now = await this.twsTime();
      const last = sub.agg.lastSource === Number.NEGATIVE_INFINITY ? now - options.barSeconds * 2000 : sub.agg.lastSource;
      duration = `${Math.min(Math.ceil((now - last) / 1000) + sub.sourceSeconds * 2, 86_400)} S`;
    }
    const q: HistoricalQuery = { duration, barSize: sub.sourceSize, whatToShow: options.whatToShow, useRth: options.useRth };
    const key = this.historyKey(contract, q, true);
    const { req, reqId } = await this.requestHistory(contract, q, true, undefined, { onHeld: (ms) => this.sayHeld(sub, key, ms, 'the bar request') });
    sub.reqId = reqId;
    this.byReqId.set(reqId, sub);
    const rows = await req.promise;
    const complete = rows.slice(0, -1);
    if (first) {
      for (const b of complete) for (const done of sub.agg.push(b)) sub.stream.history.push(done);
    } else {
      this.feed(sub, complete, true);
    }
    sub.upd!.seed(rows[rows.length - 1]);
    this.publishPartial(sub);
  }

  /** A request the pacer holds: said on the stream (status and notice) while it waits. */
  private sayHeld(sub: BarSub, key: HistoricalRequestKey, held: number, what: string): void {
    const rule = `IBKR's pacing (${key.pool === 'realtime' ? '60 new real-time bar requests' : '60 historical requests'} per 10 minutes)`;
    sub.stream.status.set({ state: 'held-back', reason: `${what} is held back by ${rule}`, until: Date.now() + held });
    sub.stream.notices.emit(`bars of ${describeContract(sub.stream.contract)}: ${what} is held back ${Math.ceil(held / 1000)} s by ${rule}`);
  }

  private historyKey(contract: BrokerContract, q: HistoricalQuery, keepUpToDate: boolean): HistoricalRequestKey {
    const whatToShow = q.whatToShow ?? 'TRADES';
    const endDateTime = keepUpToDate ? '' : (q.endDateTime ?? '');
    return {
      identity: [
        contract.conId ?? describeContract(contract),
        endDateTime,
        q.duration,
        q.barSize,
        whatToShow,
        q.useRth ? 1 : 0,
        keepUpToDate ? 'live' : '',
      ].join('|'),
      contract: `${contract.conId ?? describeContract(contract)}|${contract.exchange}|${whatToShow}`,
      weight: whatToShow === 'BID_ASK' ? 2 : 1,
    };
  }

  /** Sends one reqHistoricalData through the historical pacer; resolves once it is written. */
  private async requestHistory(
    contract: BrokerContract,
    q: HistoricalQuery,
    keepUpToDate: boolean,
    timeoutMs = this.hub.config.timeouts.historicalMs,
    pacing: ScheduleOptions = {},
  ): Promise<{ req: PendingRequest<Bar[], Bar>; reqId: number }> {
    const whatToShow = q.whatToShow ?? 'TRADES';
    const useRth = q.useRth ?? false;
    const endDateTime = keepUpToDate ? '' : (q.endDateTime ?? '');
    const key = this.historyKey(contract, q, keepUpToDate);
    let req: PendingRequest<Bar[], Bar> | undefined;
    const reqId = await this.hub.paced(
      'historical data',
      key,
      async (id) => {
        req = this.hub.registry.begin<Bar[], Bar>({
          key: id,
          kind: `historical ${q.barSize} bars of ${describeContract(contract)} (${q.duration})`,
          timeoutMs,
          onTimeout: () => void this.hub.send('cancelHistoricalData', (api) => api.cancelHistoricalData(id)).catch(() => {}),
        });
        try {
          await this.hub.send('reqHistoricalData', (api) =>
            api.reqHistoricalData(id, contract, { endDateTime, duration: q.duration, barSize: q.barSize, whatToShow, useRth, keepUpToDate }),
          );
        } catch (err) {
          req.reject(err instanceof BrokerError ? err : new BrokerError({ reqId: id, code: ClientCode.ConnectionLost, message: String(err) }));
          throw err;
        }
        // The pacer counts the request until TWS answers it.
        return { answered: this.firstAnswer(id, req.promise) };
      },
      pacing,
    );
    return { req: req!, reqId };
  }

  /** Settles at the first message TWS sends for `reqId` (a bar, the end, or an error). */
  private firstAnswer(reqId: number, done: Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve) => {
      const listeners = new DisposableStore();
      const finish = () => {
        listeners.dispose();
        resolve();
      };
      listeners.add(this.hub.events.on('historicalBar', (id) => id === reqId && finish()));
      listeners.add(this.hub.events.on('historicalEnd', (id) => id === reqId && finish()));
      listeners.add(this.hub.events.on('error', (id) => id === reqId && finish()));
      done.then(finish, finish);
    });
  }

  /** Feeds completed source bars; completed target bars go to `bars` (or are only absorbed). */
  private feed(sub: BarSub, bars: Bar[], emit: boolean): void {
    for (const b of bars) {
      for (const done of sub.agg.push(b)) if (emit) sub.stream.bars.emit(done);
    }
    this.publishPartial(sub);
  }

  private publishPartial(sub: BarSub): void {
    const a = sub.agg.partial;
    const u = sub.upd?.partial;
    if (!u) {
      sub.stream.partial.set(a);
      return;
    }
    const bucket = sub.agg.bucketOf(u.time) ?? u.time;
    if (!a || a.time !== bucket) {
      sub.stream.partial.set({ ...u, time: bucket });
      return;
    }
    sub.stream.partial.set({
      time: a.time,
      open: a.open,
      high: Math.max(a.high, u.high),
      low: Math.min(a.low, u.low),
      close: u.close,
      volume: a.volume + u.volume,
    });
  }

  private release(stream: BarStream): void {
    for (const sub of this.subs) {
      if (sub.stream !== stream) continue;
      this.subs.delete(sub);
      if (sub.retry) clearTimeout(sub.retry);
      const reqId = sub.reqId;
      sub.reqId = undefined;
      if (reqId === undefined) continue;
      this.byReqId.delete(reqId);
      if (!this.hub.isLinked) continue;
      if (stream.options.source === 'realtime') void this.hub.send('cancelRealTimeBars', (api) => api.cancelRealTimeBars(reqId)).catch(() => {});
      else void this.hub.send('cancelHistoricalData', (api) => api.cancelHistoricalData(reqId)).catch(() => {});
    }
  }
}
