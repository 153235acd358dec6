// What the manual desk (manualOrders.ts) sends and journals for a ticket: the order request
// of a stock, option or combo ticket, and the intent line fsync'ed before it goes. A bracket's
// line lists each leg as it goes with its own orderRef (the exits carry the entry's with
// `:tp` / `:sl`), so every leg found at TWS or in the journal is told apart and maps back to
// its ticket.
import type { BrokerContract, OrderIntent, OrderRequest } from '../broker/types';
import type { DerivativeTicket } from '../trading/optionTicket';
import type { OrderTicket } from '../trading/orderTicket';
import { derivativeIntent } from './manualDerivatives';
import type { ManualPreview } from './manualOrders';

/** A ticket's limit and stop prices, the absent ones left out. */
function ticketPrices(t: OrderTicket | DerivativeTicket): { limitPrice?: number; stopPrice?: number } {
  const stopPrice = 'kind' in t ? undefined : t.stopPrice;
  return { ...(t.limitPrice !== undefined ? { limitPrice: t.limitPrice } : {}), ...(stopPrice !== undefined ? { stopPrice } : {}) };
}

/** The order a ticket stands for on `contract` (a stock, the option, or the combo's BAG at its net price). */
export function orderRequest(t: OrderTicket | DerivativeTicket, contract: BrokerContract): OrderRequest {
  return { contract, action: t.side, quantity: t.quantity, type: t.orderType, tif: t.tif, ...ticketPrices(t) };
}

/** The intent line of a previewed ticket as `intent` goes (ids assigned, nothing sent yet). */
export function intentRecord(preview: ManualPreview, intent: OrderIntent, at: { orderRef: string; marketTime: number; risk: string }): Record<string, unknown> {
  const t = preview.ticket;
  return {
    manual: true,
    orderRef: at.orderRef,
    orderId: intent.legs[0]?.orderId,
    symbol: t.symbol,
    action: t.side,
    quantity: t.quantity,
    orderType: t.orderType,
    ...ticketPrices(t),
    tif: t.tif,
    // An option or a combo: what it is, per leg with its conId.
    ...(preview.legs && preview.multiplier !== undefined
      ? derivativeIntent({ contract: preview.contract, legs: preview.legs, multiplier: preview.multiplier })
      : {}),
    account: intent.account,
    clientId: intent.clientId,
    marketTime: at.marketTime,
    risk: at.risk,
    ...(preview.hoursOverridden ? { hoursOverridden: true } : {}),
    ...(preview.closing ? { closing: true } : {}),
    live: preview.live,
    // A bracket: the three legs as they go, each with its own orderRef.
    ...(intent.kind === 'bracket' ? { legs: intentLegRecords(intent) } : {}),
  };
}

function intentLegRecords(intent: OrderIntent): Array<Record<string, unknown>> {
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
