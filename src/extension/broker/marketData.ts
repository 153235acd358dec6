// Streaming quotes and snapshots. When TWS answers 354 (not subscribed) the client
// switches the session to delayed data (reqMarketDataType 3) and resubscribes; 10167
// and the delayed tick ids mark a quote as delayed. Every stream is resubscribed with a
// fresh request id after a reconnect and after 1101 (TWS lost its data lines).
import { setDeadline } from '../core/clock';
import type { ContractService } from './contracts';
import { describeContract } from './contracts';
import { BrokerError, TimeoutError } from './errors';
import { failsRequest } from '../tws/errorCodes';
import type { LinkHub } from './linkHub';
import { QuoteStream } from './quoteStream';
import type { BrokerContract, Quote } from './types';

const NOT_SUBSCRIBED = new Set([354, 10089]);

export class MarketDataService {
  private readonly streams = new Set<QuoteStream>();
  private readonly byReqId = new Map<number, QuoteStream>();
  /** Snapshot requests' quotes, built as a stream's (nobody listens: no object per tick). */
  private readonly snapshots = new Map<number, QuoteStream>();
  /** 1 live, 3 delayed: what this client asks TWS for (kept across sessions). */
  private wantedType: 1 | 3 = 1;
  /** When the current socket read arrived ('received', once per read). */
  private receivedAt = 0;
  /** The market data type already set in the current session. */
  private linkDataType: 1 | 3 = 1;
  private linkDataTypeSeq = -1;

  constructor(
    private readonly hub: LinkHub,
    private readonly contracts: ContractService,
  ) {
    const events = hub.events;
    // A tick's receive time is its socket read's: one clock read per read, not per tick.
    events.on('received', () => (this.receivedAt = hub.clock.now()));
    events.on('tick', (reqId, kind, value, delayed) => {
      if (this.snapshots.size !== 0) {
        const snap = this.snapshots.get(reqId);
        if (snap) {
          snap.apply(kind, value, delayed, hub.clock.now());
          return;
        }
      }
      const s = this.byReqId.get(reqId);
      if (s) s.apply(kind, value, delayed, this.receivedAt || hub.clock.now());
    });
    events.on('tickSnapshotEnd', (reqId) => {
      const q = this.snapshots.get(reqId)?.quote.value;
      if (q) hub.registry.get<Quote>(reqId)?.resolve(q);
    });
    events.on('marketDataType', (reqId, type) => {
      const delayed = type === 3 || type === 4;
      this.snapshots.get(reqId)?.setDelayed(delayed, hub.clock.now());
      this.byReqId.get(reqId)?.setDelayed(delayed, hub.clock.now());
    });
    events.on('error', (reqId, code, message) => this.onError(reqId, code, message));
  }

  /** Market data type in use: 1 live (falls back to delayed per request), 3 delayed. */
  get marketDataType(): 1 | 3 {
    return this.wantedType;
  }

  get activeStreams(): number {
    return this.streams.size;
  }

  /**
   * Streams quotes. Resolves once the first price arrives, rejects with TWS's error
   * (200 no such contract, 10197 competing session, 354 without fallback) or on timeout.
   */
  async subscribe(contract: BrokerContract, timeoutMs = this.hub.config.timeouts.firstTickMs): Promise<QuoteStream> {
    const resolved = contract.secType === 'BAG' ? contract : await this.contracts.resolve(contract);
    const s = new QuoteStream(resolved, () => this.release(s));
    this.streams.add(s);
    if (this.hub.isReady) this.activate(s);
    try {
      await this.firstPrice(s, timeoutMs);
    } catch (err) {
      s.close();
      throw err;
    }
    return s;
  }

  /** One quote (snapshot): every tick until tickSnapshotEnd. */
  async snapshot(contract: BrokerContract, timeoutMs = this.hub.config.timeouts.requestMs): Promise<Quote> {
    const resolved = await this.contracts.resolve(contract);
    for (let attempt = 0; ; attempt++) {
      this.hub.requireLink('quote snapshot');
      await this.ensureType();
      const reqId = this.hub.takeId();
      const snap = new QuoteStream(resolved, () => {});
      // Started now, as not delayed: a snapshot without a tick is the empty quote of this moment.
      snap.setDelayed(false, this.hub.clock.now());
      this.snapshots.set(reqId, snap);
      const req = this.hub.request<Quote>({
        key: reqId,
        kind: `quote snapshot of ${describeContract(resolved)}`,
        timeoutMs,
        send: (api) => api.reqMktData(reqId, resolved, '', true),
        onSettle: () => this.snapshots.delete(reqId),
      });
      try {
        return await req.promise;
      } catch (err) {
        if (attempt === 0 && err instanceof BrokerError && NOT_SUBSCRIBED.has(err.code) && this.hub.config.delayedDataFallback) {
          this.wantedType = 3;
          continue;
        }
        throw err;
      }
    }
  }

  private firstPrice(s: QuoteStream, timeoutMs: number): Promise<void> {
    if (s.hasPrice) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setDeadline(
        this.hub.clock,
        () => {
          cleanup();
          reject(new TimeoutError(`first quote of ${describeContract(s.contract)}`, timeoutMs, s.reqId ?? -1));
        },
        timeoutMs,
      );
      const offT = s.ticks.on(() => {
        if (!s.hasPrice) return;
        cleanup();
        resolve();
      });
      const offE = s.error.subscribe((e) => {
        if (!e) return;
        cleanup();
        reject(e);
      });
      const cleanup = () => {
        timer.cancel();
        offT();
        offE();
      };
    });
  }

  /** Sets the session's market data type to what the client wants (once per session). */
  private async ensureType(): Promise<void> {
    const seq = this.hub.facts?.seq ?? -1;
    if (seq !== this.linkDataTypeSeq) {
      this.linkDataTypeSeq = seq;
      this.linkDataType = 1;
    }
    if (this.wantedType === this.linkDataType) return;
    const type = this.wantedType;
    this.linkDataType = type;
    await this.hub.send('reqMarketDataType', (api) => api.reqMarketDataType(type));
  }

  private activate(s: QuoteStream): void {
    if (s.closed || !this.hub.isReady) return;
    const reqId = this.hub.takeId();
    s.reqId = reqId;
    s.subscriptions++;
    this.byReqId.set(reqId, s);
    this.ensureType()
      .then(() => this.hub.send('reqMktData', (api) => api.reqMktData(reqId, s.contract, '', false)))
      .catch(() => {
        // The session went away; onReady resubscribes.
        if (this.byReqId.get(reqId) === s) this.byReqId.delete(reqId);
      });
  }

  private release(s: QuoteStream): void {
    this.streams.delete(s);
    const reqId = s.reqId;
    if (reqId === undefined) return;
    this.byReqId.delete(reqId);
    s.reqId = undefined;
    if (this.hub.isLinked) void this.hub.send('cancelMktData', (api) => api.cancelMktData(reqId)).catch(() => {});
  }

  private onError(reqId: number, code: number, message: string): void {
    if (this.snapshots.has(reqId)) return; // the registry rejects the snapshot request
    const s = this.byReqId.get(reqId);
    if (!s) return;
    if (code === 10167) {
      s.setDelayed(true, this.hub.clock.now());
      return;
    }
    if (NOT_SUBSCRIBED.has(code) && this.hub.config.delayedDataFallback && this.wantedType === 1) {
      this.hub.log('info', `no live market data subscription for ${describeContract(s.contract)} (${code}); switching to delayed data`);
      this.wantedType = 3;
      this.byReqId.delete(reqId);
      s.reqId = undefined;
      this.activate(s);
      return;
    }
    if (!failsRequest(code, message)) return;
    this.byReqId.delete(reqId);
    s.reqId = undefined;
    s.error.set(new BrokerError({ reqId, code, message: `market data for ${describeContract(s.contract)}: ${message}` }));
  }

  /** New session ready: every open stream is requested again. */
  onReady(): void {
    for (const s of this.streams) if (s.reqId === undefined && !s.error.value) this.activate(s);
  }

  onLost(): void {
    this.byReqId.clear();
    this.snapshots.clear();
    for (const s of this.streams) s.reqId = undefined;
  }

  /** 1101: TWS dropped its market data lines; cancel what it may still hold and request again. */
  resubscribeAfterDataLoss(): void {
    for (const s of this.streams) {
      const old = s.reqId;
      if (old !== undefined) {
        this.byReqId.delete(old);
        void this.hub.send('cancelMktData', (api) => api.cancelMktData(old)).catch(() => {});
      }
      s.reqId = undefined;
      if (!s.error.value) this.activate(s);
    }
  }

  dispose(): void {
    for (const s of [...this.streams]) s.close();
  }
}
