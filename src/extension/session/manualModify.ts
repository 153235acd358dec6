// Changes to a working manual order (the desk's modify, manualOrders.ts), read strictly: a
// stock order's new quantity and prices as a whole ticket again; an option's or a combo's new
// limit and smaller size. Bad values are named with what is valid; nothing is sent for them.
import type { OrderChanges, TrackedOrder } from '../broker/types';
import { netPriceProblem } from '../trading/optionTicket';
import { absent, priceProblem, readWholeNumber, validateTicket, type OrderTicket, type TicketInput } from '../trading/orderTicket';

/** A stock order's changes: the ticket it becomes, what is sent, and the shares it adds (new risk, checked by the desk). */
export function stockChanges(
  o: TrackedOrder,
  changes: { quantity?: unknown; limitPrice?: unknown; stopPrice?: unknown },
): { ticket: OrderTicket; next: OrderChanges; added: number } | { error: string } {
  const input: TicketInput = {
    symbol: o.contract?.symbol,
    side: o.action,
    quantity: changes.quantity ?? o.quantity,
    orderType: o.type,
    limitPrice: changes.limitPrice ?? o.limitPrice,
    stopPrice: changes.stopPrice ?? o.stopPrice,
    tif: o.tif === 'GTC' ? 'GTC' : 'DAY',
  };
  const v = validateTicket(input);
  if (!v.ok) return { error: v.problems.map((p) => p.message).join('; ') };
  const t = v.ticket;
  if (t.quantity <= o.filled) return { error: `quantity: ${t.quantity} is not above the ${o.filled} shares already filled (valid: more than ${o.filled})` };
  const next: OrderChanges = {
    ...(t.quantity !== o.quantity ? { quantity: t.quantity } : {}),
    ...(t.limitPrice !== undefined && t.limitPrice !== o.limitPrice ? { limitPrice: t.limitPrice } : {}),
    ...(t.stopPrice !== undefined && t.stopPrice !== o.stopPrice ? { stopPrice: t.stopPrice } : {}),
  };
  return { ticket: t, next, added: t.quantity - o.quantity };
}

/**
 * A working option or combo order's modification, checked: a new limit (a premium above 0; a
 * combo's net, negative for a credit) and fewer contracts or combos, never below what is
 * filled. More would be new risk: that is a new order, previewed and checked.
 */
export function derivativeChanges(
  o: TrackedOrder,
  changes: { quantity?: unknown; limitPrice?: unknown },
): { changes: OrderChanges; error?: undefined } | { error: string } {
  const combo = o.contract?.secType === 'BAG';
  const unit = combo ? 'combos' : 'contracts';
  const problems: string[] = [];
  let quantity = o.quantity;
  if (!absent(changes.quantity)) {
    const q = readWholeNumber(changes.quantity, unit, o.quantity, (m) => problems.push(`quantity: ${m}; a larger order is a new one`));
    if (q !== undefined && q <= o.filled)
      problems.push(`quantity: ${q} is not above the ${o.filled} ${unit} already filled (valid: ${o.filled + 1} to ${o.quantity})`);
    else if (q !== undefined) quantity = q;
  }
  let limitPrice = o.limitPrice;
  if (!absent(changes.limitPrice)) {
    if (o.type !== 'LMT') problems.push(`limitPrice: a ${o.type ?? '?'} order has no limit price (valid: leave it empty)`);
    else {
      const p = combo ? netPriceProblem(changes.limitPrice) : priceProblem(changes.limitPrice);
      if (p.problem) problems.push(`limitPrice: ${p.problem}`);
      else limitPrice = p.value;
    }
  }
  if (problems.length) return { error: problems.join('; ') };
  return {
    changes: {
      ...(quantity !== o.quantity ? { quantity } : {}),
      ...(limitPrice !== undefined && limitPrice !== o.limitPrice ? { limitPrice } : {}),
    },
  };
}
