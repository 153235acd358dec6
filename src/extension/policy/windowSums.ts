// Window sums of whole numbers (volumes) in one pass instead of one loop per bar. Whole numbers
// add exactly in float64 while every partial sum stays within 2^53, so the running sum gives
// the very number a bar-by-bar left fold gives: features stay bit for bit those of the live
// path and of the training code (scripts/train/features.py).

/**
 * out[r] = values[from+r-window+1] + ... + values[from+r] for r in 0..count, when every value
 * read is a whole number and their absolute sum is at most Number.MAX_SAFE_INTEGER; returns
 * false (out untouched) otherwise, e.g. for prices, NaN volumes or a window before bar 0.
 */
export function exactWindowSums(values: ArrayLike<number>, from: number, count: number, window: number, out: Float64Array): boolean {
  const first = from - window + 1;
  const last = from + count - 1;
  if (first < 0 || window < 1 || count < 1 || last >= values.length) return false;
  let total = 0;
  for (let i = first; i <= last; i++) {
    const v = values[i]!;
    if (!Number.isSafeInteger(v)) return false;
    total += Math.abs(v);
    if (total > Number.MAX_SAFE_INTEGER) return false;
  }
  let sum = 0;
  for (let i = first; i <= from; i++) sum += values[i]!;
  out[0] = sum;
  for (let r = 1; r < count; r++) {
    sum += values[from + r]! - values[from + r - window]!;
    out[r] = sum;
  }
  return true;
}
