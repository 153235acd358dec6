// IBKR Pro "fixed" pricing, the tier the simulator charges:
//   stocks  USD 0.005 per share, minimum USD 1.00 per order, maximum 1% of trade value;
//   options USD 0.65 per contract (0.50 under $0.10 premium, 0.25 under $0.05), minimum USD 1.00.
// The minimum is per order, so a partial fill is charged the increase of the order's total.

export function orderCommission(secType: string, cumQty: number, avgPrice: number, multiplier: number): number {
  if (cumQty <= 0) return 0;
  if (secType === 'OPT') {
    const perContract = avgPrice < 0.05 ? 0.25 : avgPrice < 0.1 ? 0.5 : 0.65;
    return round4(Math.max(1, perContract * cumQty));
  }
  const value = cumQty * avgPrice * multiplier;
  return round4(Math.min(Math.max(1, 0.005 * cumQty), Math.max(0.01 * value, 0.01)));
}

/** Commission for one execution: the order's total after it minus the total before it. */
export function executionCommission(secType: string, prevCumQty: number, prevAvg: number, cumQty: number, avgPrice: number, multiplier: number): number {
  return round4(orderCommission(secType, cumQty, avgPrice, multiplier) - orderCommission(secType, prevCumQty, prevAvg, multiplier));
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
