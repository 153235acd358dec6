// What the session ledger keeps of the intents it no longer holds in full (see
// SessionLedger.archived): their counts for the summary, their orderRefs and their executions'
// ids, so an archived order is never sent or booked twice.
import type { FillRecord, IntentRecord } from './sessionLedger';

export interface OrderCounts {
  total: number;
  filled: number;
  /** not filled, but with some shares executed */
  partiallyFilled: number;
  cancelled: number;
  rejected: number;
  /** not sent, or lost */
  notSent: number;
  notAtTws: number;
  bySymbol: Record<string, number>;
}

export function countIntent(c: OrderCounts, i: IntentRecord): void {
  c.total++;
  if (i.state === 'filled') c.filled++;
  else if (i.filled > 0) c.partiallyFilled++;
  if (i.state === 'cancelled') c.cancelled++;
  else if (i.state === 'rejected') c.rejected++;
  else if (i.state === 'not-sent' || i.state === 'lost') c.notSent++;
  else if (i.state === 'not-at-tws') c.notAtTws++;
  c.bySymbol[i.symbol] = (c.bySymbol[i.symbol] ?? 0) + 1;
}

/** What the ledger keeps of archived intents: their counts, their orderRefs and their executions' ids. */
export class ArchivedOrders {
  readonly refs = new Set<string>();
  readonly execIds = new Set<string>();
  private readonly c: OrderCounts = { total: 0, filled: 0, partiallyFilled: 0, cancelled: 0, rejected: 0, notSent: 0, notAtTws: 0, bySymbol: {} };

  add(i: IntentRecord, fills: readonly FillRecord[]): void {
    this.refs.add(i.orderRef);
    for (const f of fills) this.execIds.add(f.execId);
    countIntent(this.c, i);
  }

  counts(): OrderCounts {
    return { ...this.c, bySymbol: { ...this.c.bySymbol } };
  }
}
