// Live prices for the held stocks of one broker connection: one quote stream per position,
// opened when the position appears, closed when it is gone, and all closed when the
// connection drops (the next sync after a reconnect opens them again).
import type { BrokerClient } from '../broker/brokerClient';
import type { QuoteStream } from '../broker/quoteStream';
import type { Position } from '../broker/types';

export class HeldQuotes {
  /** by `account:conId`; 'pending' while the subscription is under way */
  private readonly streams = new Map<string, QuoteStream | 'pending'>();

  constructor(
    private readonly broker: Pick<BrokerClient, 'isReady' | 'subscribeQuotes'>,
    /** a price (last, else the mid) for the position of that key */
    private readonly onPrice: (key: string, price: number) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Opens a stream per held stock not yet streamed, closes those no longer held. */
  sync(positions: readonly Position[]): void {
    if (!this.broker.isReady) return;
    const wanted = new Map<string, Position>();
    for (const p of positions) if (p.quantity !== 0 && p.contract.secType === 'STK' && p.contract.conId) wanted.set(`${p.account}:${p.contract.conId}`, p);
    for (const [key, q] of this.streams) {
      if (wanted.has(key)) continue;
      if (q !== 'pending') q.close();
      this.streams.delete(key);
    }
    for (const [key, p] of wanted) {
      if (!this.streams.has(key)) this.open(key, p);
    }
  }

  private open(key: string, p: Position): void {
    this.streams.set(key, 'pending');
    this.broker
      .subscribeQuotes({ ...p.contract, exchange: p.contract.exchange || 'SMART' })
      .then((stream) => {
        // Closed (or the position sold) while subscribing: this stream is not wanted any more.
        if (this.streams.get(key) !== 'pending') {
          stream.close();
          return;
        }
        this.streams.set(key, stream);
        // Read in place per price tick (no quote object per tick); sizes cannot move the price.
        const put = () => {
          const px = stream.price;
          if (px !== undefined && px > 0) this.onPrice(key, px);
        };
        put();
        stream.ticks.on((kind) => {
          if (kind === 'last' || kind === 'bid' || kind === 'ask') put();
        });
      })
      .catch((err: unknown) => {
        if (this.streams.get(key) === 'pending') this.streams.delete(key);
        this.log(`no quotes for ${p.contract.symbol}: ${err instanceof Error ? err.message : String(err)}`);
      });
  }

  /** Closes every stream (a subscription under way is closed when it resolves). */
  close(): void {
    for (const q of this.streams.values()) if (q !== 'pending') q.close();
    this.streams.clear();
  }
}
