// Turns a policy's target position into an order quantity. Shared by the live session and
// the backtester, and mirrored operation for operation by scripts/train/sim.py so a trained
// policy sees the same fills it was trained on.

export interface SizingRule {
  /** a target of 1 means this fraction of equity held long (-1: short) */
  readonly maxPositionFraction: number;
  /** shares per lot; quantities are whole lots */
  readonly lotSize: number;
  /** skip resizing an open position when the change is worth less than this fraction of equity;
   *  entries, exits and side flips always go */
  readonly rebalanceBand: number;
  readonly allowShort: boolean;
  /** absolute cap on the position in shares, if any */
  readonly maxPositionShares?: number;
}

export const DEFAULT_SIZING: SizingRule = {
  maxPositionFraction: 1,
  lotSize: 1,
  rebalanceBand: 0.05,
  allowShort: false,
};

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Whole-lot position for a target fraction in [-1, 1], rounded toward zero so it never exceeds the target. */
export function targetQuantity(fraction: number, equity: number, price: number, rule: SizingRule): number {
  if (!(equity > 0) || !(price > 0) || !Number.isFinite(fraction)) return 0;
  const f = clamp(fraction, rule.allowShort ? -1 : 0, 1);
  const raw = (f * rule.maxPositionFraction * equity) / price;
  let qty = Math.trunc(raw / rule.lotSize) * rule.lotSize;
  if (rule.maxPositionShares !== undefined) {
    const cap = Math.floor(rule.maxPositionShares / rule.lotSize) * rule.lotSize;
    qty = clamp(qty, -cap, cap);
  }
  return qty === 0 ? 0 : qty; // no -0
}

/**
 * Signed order quantity (+ buy, - sell, 0 none) that moves `currentQuantity` to the target.
 * `target` null means hold: keep whatever is held.
 */
export function orderQuantity(target: number | null, currentQuantity: number, equity: number, price: number, rule: SizingRule): number {
  if (target === null) return 0;
  const wanted = targetQuantity(target, equity, price, rule);
  const delta = wanted - currentQuantity;
  if (delta === 0) return 0;
  const resize = currentQuantity !== 0 && wanted !== 0 && Math.sign(wanted) === Math.sign(currentQuantity);
  if (resize && Math.abs(delta) * price < rule.rebalanceBand * equity) return 0;
  return delta;
}
