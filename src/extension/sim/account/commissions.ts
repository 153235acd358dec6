// IBKR Pro commissions, the schedule the simulator charges:
//   stocks  USD 0.005 per share, minimum USD 1.00 per order, maximum 1% of trade value;
//   US options, tiered (<= 10,000 contracts a month): USD 0.65 per contract, 0.50 under
//   $0.10 premium, 0.25 under $0.05; minimum USD 1.00 per order (the fixed schedule is a
//   flat 0.65 with the same minimum).
// Sources: interactivebrokers.ca/en/pricing/commissions-options.php ("Minimum Per Order
// USD 1.00"; "2 Contract @ USD 5 Premium = USD 1.30"), interactivebrokers.com
// index.php?f=1590&p=options5 (fixed: "USD 0.65 per contract, minimum per order USD 1.00").
// The minimum is per order: a combo (BAG) is one order, so its legs' per-contract charges
// add up and the minimum applies once; a partial fill is charged the increase of the
// order's total.

/** IBKR's minimum commission per order, USD. */
export const MIN_COMMISSION_PER_ORDER = 1;

/** One leg of an order for commission purposes: unsigned quantity at a premium/price. */
export interface CommissionLeg {
  secType: string;
  quantity: number;
  price: number;
  multiplier: number;
}

/** A contract's quantity at a price, as a commission leg (options count their multiplier). */
export function commissionLeg(contract: { secType: string; multiplier: string }, quantity: number, price: number): CommissionLeg {
  return { secType: contract.secType, quantity, price, multiplier: Number(contract.multiplier) || 1 };
}

export function orderCommission(secType: string, cumQty: number, avgPrice: number, multiplier: number): number {
  if (cumQty <= 0) return 0;
  if (secType === 'OPT') return round4(Math.max(MIN_COMMISSION_PER_ORDER, optionRate(avgPrice) * cumQty));
  const value = cumQty * avgPrice * multiplier;
  return round4(Math.min(Math.max(MIN_COMMISSION_PER_ORDER, 0.005 * cumQty), Math.max(0.01 * value, 0.01)));
}

/** Commission for one execution: the order's total after it minus the total before it. */
export function executionCommission(secType: string, prevCumQty: number, prevAvg: number, cumQty: number, avgPrice: number, multiplier: number): number {
  return round4(orderCommission(secType, cumQty, avgPrice, multiplier) - orderCommission(secType, prevCumQty, prevAvg, multiplier));
}

/** The legs' per-contract (per-share) charges before the per-order minimum. */
export function legCharges(legs: readonly CommissionLeg[]): number[] {
  return legs.map((l) => {
    if (l.quantity <= 0) return 0;
    if (l.secType === 'OPT') return optionRate(l.price) * l.quantity;
    return Math.min(0.005 * l.quantity, Math.max(0.01 * l.quantity * l.price * l.multiplier, 0.01));
  });
}

/** A combo order's commission once its fills have accrued `charges`: the minimum applies once per order. */
export function comboCommission(charges: number): number {
  return charges > 0 ? round4(Math.max(MIN_COMMISSION_PER_ORDER, charges)) : 0;
}

/** A whole combo order's commission (what-if): all its legs' charges, one minimum. */
export function comboOrderCommission(legs: readonly CommissionLeg[]): number {
  return comboCommission(legCharges(legs).reduce((s, c) => s + c, 0));
}

/**
 * One combo fill: `chargedBefore` accrued by earlier fills of the order, `legs` this fill's
 * legs. Returns the new accrued charges and each leg's share of the fill's commission (the
 * increase of the order's total, split by the legs' charges; shares add up exactly).
 */
export function comboFillCommissions(chargedBefore: number, legs: readonly CommissionLeg[]): { charged: number; perLeg: number[] } {
  const charges = legCharges(legs);
  const fillCharges = charges.reduce((s, c) => s + c, 0);
  const charged = chargedBefore + fillCharges;
  const total = round4(comboCommission(charged) - comboCommission(chargedBefore));
  let left = total;
  const perLeg = charges.map((c, i) => {
    if (i === charges.length - 1) return round4(left);
    const share = fillCharges > 0 ? round4((total * c) / fillCharges) : 0;
    left -= share;
    return share;
  });
  return { charged, perLeg };
}

function optionRate(premium: number): number {
  return premium < 0.05 ? 0.25 : premium < 0.1 ? 0.5 : 0.65;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
