// The one mapping from a journaled order (the ledger's intent record, built from the journal's
// intent and order-status lines) to the OrderUpdate the session emits and shows: the order
// events, the cycle-end lines and a snapshot's working orders all go through it, so none of
// them drops a field the others carry.
import type { IntentRecord } from './sessionLedger';
import type { OrderUpdate } from './orderManager';

/** `state` overrides the record's (`sending`: journaled, on its way to TWS). */
export function orderUpdateOf(rec: IntentRecord, state?: 'sending'): OrderUpdate {
  return {
    orderRef: rec.orderRef,
    orderId: rec.orderId,
    cycle: rec.cycle,
    symbol: rec.symbol,
    kind: rec.kind,
    action: rec.action,
    quantity: rec.quantity,
    state: state ?? rec.state,
    filled: rec.filled,
    avgFillPrice: rec.avgFillPrice,
    ...(rec.note ? { note: rec.note } : {}),
    ...(rec.errorCode !== undefined ? { errorCode: rec.errorCode } : {}),
  };
}
