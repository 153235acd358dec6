// Price paths at the simulator's base resolution (5-second steps, the size of TWS's
// real-time bars). A path is either a seeded random walk with regime switches, or a
// CSV of OHLC rows replayed one row per step, scaled to the symbol's price.
import { nyParts, nySessionOfDay, nyTimeToMs } from './marketTime';
import { Rng } from './rng';
import { roundCents } from './rounding';

export const STEP_SECONDS = 5;
const STEP_MS = STEP_SECONDS * 1000;
/** Steps per regular trading day, used to scale annual volatility to a step. */
const STEPS_PER_YEAR = 252 * ((6.5 * 3600) / STEP_SECONDS);

export interface Ohlcv {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface PricePath {
  readonly startMs: number;
  /** The step that contains `ms` (clamped at 0). */
  indexAt(ms: number): number;
  /** OHLCV of step `i`, generating the path up to it if needed. */
  step(i: number): Ohlcv;
  /** Price at `ms`, interpolated inside its step. */
  priceAt(ms: number): number;
}

interface Regime {
  name: string;
  volMultiplier: number;
  annualDrift: number;
  /** Probability per step of leaving the regime. */
  exit: number;
}

const REGIMES: Regime[] = [
  { name: 'calm', volMultiplier: 0.7, annualDrift: 0.1, exit: 1 / 2000 },
  { name: 'trend-up', volMultiplier: 1.0, annualDrift: 0.6, exit: 1 / 1200 },
  { name: 'trend-down', volMultiplier: 1.2, annualDrift: -0.6, exit: 1 / 1200 },
  { name: 'stressed', volMultiplier: 2.2, annualDrift: -0.2, exit: 1 / 600 },
];

/**
 * How active the market is at a time: 1 in the regular session (09:30-16:00 New York,
 * 13:00 on early closes), `extended` in pre-market and after-hours (04:00-09:30,
 * close-20:00), less at night (`closed`), and not at all on weekends and NYSE holidays
 * (`shut`: no trades, the price stands still). It scales a step's volatility, drift and
 * volume, so the annual volatility of a stock is spent in its trading hours and nights
 * leave only small gaps (as real prices do).
 */
const ACTIVITY = { regular: 1, extended: 0.3, closed: 0.1, shut: 0 };

interface ActivitySegment {
  fromMs: number;
  toMs: number;
  level: number;
}

function activitySegment(ms: number): ActivitySegment {
  const p = nyParts(ms);
  const at = (h: number, m: number) => nyTimeToMs(p.year, p.month, p.day, h, m);
  // Noon plus 24 hours is tomorrow whatever daylight saving does overnight.
  const tomorrow = nyParts(at(12, 0) + 86_400_000);
  const midnight = nyTimeToMs(tomorrow.year, tomorrow.month, tomorrow.day, 0, 0);
  const session = nySessionOfDay(ms);
  if (!session) return { fromMs: at(0, 0), toMs: midnight, level: ACTIVITY.shut };
  const bounds: Array<[number, number]> = [
    [at(0, 0), ACTIVITY.closed],
    [at(4, 0), ACTIVITY.extended],
    [at(Math.floor(session.openMinute / 60), session.openMinute % 60), ACTIVITY.regular],
    [at(Math.floor(session.closeMinute / 60), session.closeMinute % 60), ACTIVITY.extended],
    [at(20, 0), ACTIVITY.closed],
    [midnight, NaN],
  ];
  for (let k = 0; k < bounds.length - 1; k++) {
    const [from, level] = bounds[k] as [number, number];
    const to = (bounds[k + 1] as [number, number])[0];
    if (ms >= from && ms < to) return { fromMs: from, toMs: to, level };
  }
  return { fromMs: ms, toMs: ms + STEP_MS, level: ACTIVITY.closed };
}

/** Steps of STEP_SECONDS from `startMs`; a price inside a step moves linearly from its open to its close. */
abstract class SteppedPath implements PricePath {
  constructor(readonly startMs: number) {}

  abstract step(i: number): Ohlcv;

  indexAt(ms: number): number {
    return Math.max(0, Math.floor((ms - this.startMs) / STEP_MS));
  }

  priceAt(ms: number): number {
    const i = this.indexAt(ms);
    const bar = this.step(i);
    const frac = Math.min(1, Math.max(0, (ms - this.startMs - i * STEP_MS) / STEP_MS));
    return roundCents(bar.open + (bar.close - bar.open) * frac);
  }
}

/** A seeded geometric random walk whose drift and volatility switch between regimes. */
export class RandomWalkPath extends SteppedPath {
  private readonly rng: Rng;
  private readonly closes: number[] = [];
  private readonly bars: Ohlcv[] = [];
  private regime = 0;
  private segment: ActivitySegment | undefined;

  constructor(
    startMs: number,
    private readonly startPrice: number,
    private readonly annualVol: number,
    seed: number,
    private readonly avgStepVolume = 2000,
  ) {
    super(startMs);
    this.rng = new Rng(seed);
  }

  step(i: number): Ohlcv {
    while (this.bars.length <= i) this.generateNext();
    return this.bars[i] as Ohlcv;
  }

  private activityAt(ms: number): number {
    if (!this.segment || ms < this.segment.fromMs || ms >= this.segment.toMs) this.segment = activitySegment(ms);
    return this.segment.level;
  }

  private generateNext(): void {
    const rng = this.rng;
    if (rng.next() < (REGIMES[this.regime] as Regime).exit) this.regime = rng.int(0, REGIMES.length - 1);
    const r = REGIMES[this.regime] as Regime;
    const activity = this.activityAt(this.startMs + this.bars.length * STEP_MS);
    const sigma = (this.annualVol * r.volMultiplier * activity) / Math.sqrt(STEPS_PER_YEAR);
    const mu = (r.annualDrift * activity * activity) / STEPS_PER_YEAR - (sigma * sigma) / 2;
    const open = this.closes.length ? (this.closes[this.closes.length - 1] as number) : this.startPrice;
    const close = Math.max(0.01, open * Math.exp(mu + sigma * rng.normal()));
    const wick = Math.abs(rng.normal()) * sigma * open * 0.5;
    const high = roundCents(Math.max(open, close) + wick);
    const low = roundCents(Math.max(0.01, Math.min(open, close) - Math.abs(rng.normal()) * sigma * open * 0.5));
    const u = rng.next();
    const volume = activity === 0 ? 0 : Math.max(1, Math.round(this.avgStepVolume * (0.5 + u) * r.volMultiplier * activity * activity));
    this.closes.push(close);
    this.bars.push({ open: roundCents(open), high, low, close: roundCents(close), volume });
  }
}

/** Replays CSV OHLC rows one per step, scaled so the first open equals `startPrice`; wraps at the end. */
export class ReplayPath extends SteppedPath {
  private readonly scale: number;

  constructor(
    startMs: number,
    private readonly rows: readonly Ohlcv[],
    startPrice: number,
    private readonly offset = 0,
  ) {
    super(startMs);
    if (rows.length < 2) throw new Error('replay data needs at least 2 rows');
    this.scale = startPrice / (rows[offset % rows.length] as Ohlcv).open;
  }

  step(i: number): Ohlcv {
    const r = this.rows[(i + this.offset) % this.rows.length] as Ohlcv;
    const s = this.scale;
    return { open: roundCents(r.open * s), high: roundCents(r.high * s), low: roundCents(r.low * s), close: roundCents(r.close * s), volume: r.volume };
  }
}

/** Parses a CSV with open/high/low/close (volume optional) columns, or a single close/price column. */
export function parseOhlcCsv(text: string, source: string): Ohlcv[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '')
    .toLowerCase()
    .split(',')
    .map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const iClose = col('close') >= 0 ? col('close') : col('price');
  if (iClose < 0) throw new Error(`${source}: no "close" or "price" column (header: ${header.join(',')})`);
  const [iOpen, iHigh, iLow, iVol] = [col('open'), col('high'), col('low'), col('volume')];
  const rows: Ohlcv[] = [];
  lines.forEach((line, n) => {
    const f = line.split(',');
    const close = Number(f[iClose]);
    if (!Number.isFinite(close) || close <= 0) throw new Error(`${source}: line ${n + 2}: close "${f[iClose]}" is not a positive number`);
    const num = (i: number, fallback: number) => (i >= 0 && Number.isFinite(Number(f[i])) && Number(f[i]) > 0 ? Number(f[i]) : fallback);
    const open = num(iOpen, close);
    rows.push({ open, high: num(iHigh, Math.max(open, close)), low: num(iLow, Math.min(open, close)), close, volume: Math.round(num(iVol, 1000)) });
  });
  return rows;
}

/** Daily bars for the `days` weekdays before the intraday path starts, ending at its first open. */
export function dailyHistory(days: number, endPrice: number, annualVol: number, seed: number): Ohlcv[] {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const sigma = annualVol / Math.sqrt(252);
  const closes: number[] = [1];
  for (let d = 1; d <= days; d++) closes.push((closes[d - 1] as number) * Math.exp(0.08 / 252 - (sigma * sigma) / 2 + sigma * rng.normal()));
  const scale = endPrice / (closes[days] as number);
  const bars: Ohlcv[] = [];
  for (let d = 1; d <= days; d++) {
    const open = (closes[d - 1] as number) * scale;
    const close = (closes[d] as number) * scale;
    const range = Math.abs(rng.normal()) * sigma * open * 0.6;
    bars.push({
      open: roundCents(open),
      high: roundCents(Math.max(open, close) + range),
      low: roundCents(Math.max(0.01, Math.min(open, close) - range)),
      close: roundCents(close),
      volume: Math.round(5e6 * (0.5 + rng.next())),
    });
  }
  return bars;
}
