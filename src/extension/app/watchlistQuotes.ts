// Quote streams for the watchlist's symbols on one broker connection: one stream per symbol
// (a US stock on SMART), opened while connected, closed when the symbol leaves the list, and
// all closed when the connection is gone (opened again once it is ready). The broker itself
// resubscribes open streams after a reconnect and falls back to delayed data.
import type { BrokerClient } from '../broker/brokerClient';
import type { QuoteStream } from '../broker/quoteStream';
import type { BrokerConnectionState, Quote } from '../broker/types';

type QuoteBroker = Pick<BrokerClient, 'isReady' | 'subscribeQuotes'>;

export interface QuoteSink {
  setQuote(symbol: string, q: Quote): void;
  setQuoteError(symbol: string, error: string): void;
}

export class WatchlistQuotes {
  /** by symbol; 'pending' while the subscription is under way */
  private readonly streams = new Map<string, { stream: QuoteStream | 'pending'; off?: () => void }>();
  private wanted: readonly string[] = [];

  constructor(
    private readonly broker: QuoteBroker,
    private readonly sink: QuoteSink,
    private readonly log: (message: string) => void,
  ) {}

  /** Streams exactly `symbols` (when connected). */
  sync(symbols: readonly string[]): void {
    this.wanted = [...symbols];
    const want = new Set(symbols);
    for (const symbol of [...this.streams.keys()]) if (!want.has(symbol)) this.drop(symbol);
    if (!this.broker.isReady) return;
    for (const symbol of symbols) if (!this.streams.has(symbol)) this.open(symbol);
  }

  /** Ready (again): open what is wanted; gone: close everything (the list is kept). */
  onState(s: BrokerConnectionState): void {
    if (s.status === 'ready') this.sync(this.wanted);
    else if (s.status === 'disconnected' || s.status === 'failed') this.close();
  }

  private open(symbol: string): void {
    const entry: { stream: QuoteStream | 'pending'; off?: () => void } = { stream: 'pending' };
    this.streams.set(symbol, entry);
    this.broker
      .subscribeQuotes({ symbol, secType: 'STK', exchange: 'SMART', currency: 'USD' })
      .then((stream) => {
        // Dropped while subscribing: not wanted any more.
        if (this.streams.get(symbol) !== entry) {
          stream.close();
          return;
        }
        entry.stream = stream;
        entry.off = stream.quote.subscribe((q) => q && this.sink.setQuote(symbol, q), true);
      })
      .catch((err: unknown) => {
        if (this.streams.get(symbol) !== entry) return;
        this.streams.delete(symbol);
        const message = err instanceof Error ? err.message : String(err);
        this.sink.setQuoteError(symbol, message);
        this.log(`watchlist: no quotes for ${symbol}: ${message}`);
      });
  }

  private drop(symbol: string): void {
    const e = this.streams.get(symbol);
    if (!e) return;
    this.streams.delete(symbol);
    e.off?.();
    if (e.stream !== 'pending') e.stream.close();
  }

  /** Closes every stream (a subscription under way is closed when it resolves); the list is kept. */
  close(): void {
    for (const symbol of [...this.streams.keys()]) this.drop(symbol);
  }
}
