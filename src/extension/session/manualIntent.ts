// What the manual desk's journal records of a multi-leg intent (a bracket): each leg as it
// goes, with its own orderRef (the exits carry the entry's with `:tp` / `:sl`), so every leg
// found at TWS or in the journal is told apart and maps back to its ticket.
import type { OrderIntent } from '../broker/types';

export function intentLegRecords(intent: OrderIntent): Array<Record<string, unknown>> {
  return intent.legs.map((l) => ({
    orderId: l.orderId,
    orderRef: l.request.orderRef,
    role: l.role,
    action: l.request.action,
    orderType: l.request.type,
    ...(l.request.limitPrice !== undefined ? { limitPrice: l.request.limitPrice } : {}),
    ...(l.request.stopPrice !== undefined ? { stopPrice: l.request.stopPrice } : {}),
    ...(l.request.parentId !== undefined ? { parentId: l.request.parentId } : {}),
    // the exits transmit with the last leg, once the entry is in
    transmit: l.request.transmit ?? true,
  }));
}
