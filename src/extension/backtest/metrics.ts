// Performance figures over an equity curve marked once per bar. scripts/train/sim.py
// computes the same figures the same way for the training report.

/** Final equity over initial, minus 1. */
export function totalReturn(equity: ArrayLike<number>): number {
  return equity.length === 0 ? 0 : equity[equity.length - 1]! / equity[0]! - 1;
}

/**
 * Annualised Sharpe ratio of per-bar simple returns, risk-free rate 0:
 * mean / sample std (n - 1) * sqrt(periodsPerYear). 0 with fewer than two returns or no variation.
 */
export function sharpeRatio(equity: ArrayLike<number>, periodsPerYear: number): number {
  const r = returnStats(equity);
  if (!r) return 0;
  return r.std === 0 ? 0 : (r.mean / r.std) * Math.sqrt(periodsPerYear);
}

/** Annualised standard deviation of per-bar simple returns. */
export function annualVolatility(equity: ArrayLike<number>, periodsPerYear: number): number {
  const r = returnStats(equity);
  return r ? r.std * Math.sqrt(periodsPerYear) : 0;
}

/** Mean and sample standard deviation (n - 1) of per-bar simple returns; undefined with fewer than two returns. */
function returnStats(equity: ArrayLike<number>): { mean: number; std: number } | undefined {
  const n = equity.length - 1;
  if (n < 2) return undefined;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += equity[i]! / equity[i - 1]! - 1;
  const mean = sum / n;
  let ss = 0;
  for (let i = 1; i <= n; i++) {
    const d = equity[i]! / equity[i - 1]! - 1 - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/** Drawdown at each bar: 1 - equity / running peak (0 at a new high). */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = 1 - e / peak;
  }
  return out;
}

/** Largest peak-to-trough loss as a positive fraction (0.25 = 25%). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = -Infinity;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    const dd = 1 - e / peak;
    if (dd > worst) worst = dd;
  }
  return worst;
}

/** Compound annual growth rate from `bars` marks at `periodsPerYear`. */
export function cagr(equity: ArrayLike<number>, periodsPerYear: number): number {
  const n = equity.length - 1;
  if (n < 1) return 0;
  const growth = equity[n]! / equity[0]!;
  return growth <= 0 ? -1 : Math.pow(growth, periodsPerYear / n) - 1;
}

/** Bars per year: 252 trading days; intraday bars over 6.5-hour sessions. */
export function periodsPerYear(barSeconds: number): number {
  const day = 86_400;
  if (barSeconds >= 28 * day) return 12;
  if (barSeconds >= 7 * day) return 52;
  if (barSeconds >= day) return 252;
  return (252 * 23_400) / barSeconds;
}
