// A broker that only subscribes to quotes, answered by the test: the quote feeds' suites
// (watchlist, held positions) decide when each subscription resolves and what its stream holds.
import { QuoteStream } from '../../src/extension/broker/quoteStream';
import type { TickKind } from '../../src/extension/broker/linkEvents';
import type { BrokerContract } from '../../src/extension/broker/types';

export function quoteBroker() {
  const pending: Array<{ contract: BrokerContract; resolve: (s: QuoteStream) => void; reject: (e: Error) => void }> = [];
  /** symbols whose stream was closed, in order */
  const closed: string[] = [];
  const broker = {
    isReady: true,
    subscribeQuotes: (contract: BrokerContract) => new Promise<QuoteStream>((resolve, reject) => pending.push({ contract, resolve, reject })),
  };
  /** Answers the oldest subscription with a stream (its first quote as given). */
  const answer = (first?: Partial<Record<TickKind, number>>) => {
    const p = pending.shift();
    if (!p) throw new Error('no subscription is waiting');
    const s = new QuoteStream(p.contract, () => closed.push(p.contract.symbol));
    for (const [kind, value] of Object.entries(first ?? {})) s.apply(kind as TickKind, value, false, 0);
    p.resolve(s);
    return s;
  };
  return { broker, pending, closed, answer };
}
