// Chart scales shared by the backtest report and the panel's charts (pure: no DOM): round
// value ticks, time ticks at whole minutes, hours or days, a linear map from a domain to
// pixels, and a line split where it crosses zero so each piece is coloured by its sign.

/** Round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) out.push(cleanZero(round(i * step, step)));
  return out;
}

/** Indices to draw: every point when few, else the first, last and each bucket's min and max. */
export function sampleIndices(values: readonly (readonly number[])[], n: number, max = 1500): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor(max / 2);
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    for (const series of values) {
      let minI = lo;
      let maxI = lo;
      for (let i = lo; i < hi; i++) {
        if (series[i]! < series[minI]!) minI = i;
        if (series[i]! > series[maxI]!) maxI = i;
      }
      keep.add(minI).add(maxI);
    }
  }
  return [...keep].sort((a, b) => a - b);
}

/** [lo, hi] widened outwards to round ticks (so the axis ends on a labelled value), and those ticks. */
export function niceDomain(lo: number, hi: number, count = 4): { lo: number; hi: number; ticks: number[] } {
  if (!(hi > lo)) return { lo, hi, ticks: [lo] };
  const inner = niceTicks(lo, hi, count);
  const step = inner.length > 1 ? inner[1]! - inner[0]! : hi - lo;
  const nlo = cleanZero(round(Math.floor(lo / step + 1e-9) * step, step));
  const nhi = cleanZero(round(Math.ceil(hi / step - 1e-9) * step, step));
  const ticks: number[] = [];
  for (let i = 0; nlo + i * step <= nhi + 1e-9 * step; i++) ticks.push(cleanZero(round(nlo + i * step, step)));
  return { lo: nlo, hi: nhi, ticks };
}

/** The domain [lo, hi] of a set of values, widened to include `include` (e.g. 0) and never empty. */
export function extent(values: readonly number[], include?: number): { lo: number; hi: number } {
  let lo = include ?? Infinity;
  let hi = include ?? -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1 };
  if (hi === lo) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.01 : 1;
    return { lo: lo - pad, hi: hi + pad };
  }
  return { lo, hi };
}

/** A linear map from [d0, d1] onto [r0, r1]; a point domain maps to the middle of the range. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  DAY,
  7 * DAY,
  30 * DAY,
];

/**
 * Ticks over [t0, t1] (epoch ms) at a whole step (1 s ... 30 days) giving at most `count`
 * ticks; `offsetMs` is the display zone's offset from UTC (so hours and days fall on the
 * zone's whole hours and midnights). `step` says which label the ticks want (time or date).
 */
export function timeTicks(t0: number, t1: number, count = 5, offsetMs = 0): { step: number; ticks: number[] } {
  if (!(t1 > t0)) return { step: 0, ticks: [t0] };
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= count) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  const first = Math.ceil((t0 + offsetMs) / step) * step - offsetMs;
  for (let t = first; t <= t1; t += step) ticks.push(t);
  return { step, ticks };
}

/** The step of timeTicks at or above which a tick is labelled with its date rather than its time. */
export const DATE_TICK_STEP = DAY;
/** The step of timeTicks below which a tick is labelled with its seconds. */
export const SECOND_TICK_STEP = MINUTE;

export interface XY {
  readonly x: number;
  readonly y: number;
}

/**
 * A line cut where it crosses y = 0 (the crossing point ends one piece and starts the next),
 * each piece with its sign: 1 above zero, -1 below, 0 on it.
 */
export function signSegments(points: readonly XY[]): Array<{ sign: -1 | 0 | 1; points: XY[] }> {
  const out: Array<{ sign: -1 | 0 | 1; points: XY[] }> = [];
  let cur: { sign: -1 | 0 | 1; points: XY[] } | undefined;
  let prev: XY | undefined;
  for (const p of points) {
    const sign = Math.sign(p.y) as -1 | 0 | 1;
    if (!cur) {
      cur = { sign, points: [p] };
    } else if (sign === cur.sign || sign === 0) {
      cur.points.push(p);
    } else if (cur.sign === 0) {
      cur.sign = sign;
      cur.points.push(p);
    } else {
      // crosses zero between prev and p: cut at the crossing
      const a = prev!;
      const x = a.x + ((0 - a.y) / (p.y - a.y)) * (p.x - a.x);
      const cross = { x, y: 0 };
      cur.points.push(cross);
      out.push(cur);
      cur = { sign, points: [cross, p] };
    }
    prev = p;
  }
  if (cur) out.push(cur);
  return out;
}

function round(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(digits, 12)));
}

function cleanZero(v: number): number {
  return Object.is(v, -0) ? 0 : v;
}
