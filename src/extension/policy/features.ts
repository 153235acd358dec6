// The observation pipeline: one small pure function per feature, a registry that names them
// for manifests, and a compiled pipeline that writes normalised float32 rows. The live
// session and the backtester both call FeaturePipeline; scripts/train/features.py mirrors
// each function operation for operation (a parity test holds them together).
import { PolicyRuntimeError } from './errors';
import type { BarField, BarSeries } from './bars';
import type { FeatureSpec, Normalization } from './manifest';

// ---------------------------------------------------------------- market features

/** ln(close[t] / close[t - lag]) */
export function logReturn(close: ArrayLike<number>, t: number, lag: number): number {
  if (t - lag < 0) return NaN;
  return Math.log(close[t]! / close[t - lag]!);
}

/** One-bar log returns ln(close[i] / close[i-1]), NaN at 0. A BarSeries holds them (logReturns)
 *  so volatility features do not take each logarithm again. */
export function oneBarLogReturns(close: ArrayLike<number>): Float64Array {
  const r = new Float64Array(close.length);
  r[0] = NaN;
  for (let i = 1; i < close.length; i++) r[i] = Math.log(close[i]! / close[i - 1]!);
  return r;
}

/** Sample standard deviation (n - 1) of the `window` one-bar log returns ending at t
 *  (`logReturns[i]` = ln(close[i] / close[i-1])). */
export function realizedVol(logReturns: ArrayLike<number>, t: number, window: number): number {
  if (t - window < 0 || window < 2) return NaN;
  let sum = 0;
  for (let i = t - window + 1; i <= t; i++) sum += logReturns[i]!;
  const mean = sum / window;
  let ss = 0;
  for (let i = t - window + 1; i <= t; i++) {
    const d = logReturns[i]! - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (window - 1));
}

/** Volatility-normalised momentum: the `lookback`-bar log return in units of its expected spread,
 *  realizedVol(volWindow) * sqrt(lookback). 0 when volatility is 0. */
export function volNormMomentum(close: ArrayLike<number>, logReturns: ArrayLike<number>, t: number, lookback: number, volWindow: number): number {
  const r = logReturn(close, t, lookback);
  const vol = realizedVol(logReturns, t, volWindow);
  if (Number.isNaN(r) || Number.isNaN(vol)) return NaN;
  if (vol === 0) return 0;
  return r / (vol * Math.sqrt(lookback));
}

/** RSI in [0, 100] over the last `period` close-to-close changes, with simple means of gains and
 *  losses (Cutler's variant: it depends on the window only, not on where the data starts).
 *  100 * gains / (gains + losses); 50 when nothing moved. */
export function rsi(close: ArrayLike<number>, t: number, period: number): number {
  if (t - period < 0) return NaN;
  let up = 0;
  let down = 0;
  for (let i = t - period + 1; i <= t; i++) {
    const d = close[i]! - close[i - 1]!;
    if (d > 0) up += d;
    else down -= d;
  }
  if (up + down === 0) return 50;
  return (100 * up) / (up + down);
}

/** ln(x[t] / simple mean of the last `window` values of x): smaRatio over closes, volumeRatio over volumes. */
export function meanRatio(x: ArrayLike<number>, t: number, window: number): number {
  if (t - window + 1 < 0) return NaN;
  let sum = 0;
  for (let i = t - window + 1; i <= t; i++) sum += x[i]!;
  return Math.log(x[t]! / (sum / window));
}

/** Where the close sits in the bar's range: -1 at the low, +1 at the high, 0 for a flat bar. */
export function closeLocation(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, t: number): number {
  const h = high[t]!;
  const l = low[t]!;
  if (h === l) return 0;
  return (2 * close[t]! - h - l) / (h - l);
}

/** Fraction of the 09:30-16:00 regular session elapsed at the bar's close, clamped to [0, 1]
 *  (daily bars close at 16:00: 1). `closeMinute` is minutes after midnight, New York time. */
export function timeOfDay(closeMinute: number): number {
  const f = (closeMinute - 570) / 390;
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

// ---------------------------------------------------------------- portfolio features

export interface PortfolioState {
  /** signed shares held */
  readonly quantity: number;
  readonly avgCost: number;
  readonly cash: number;
  readonly equity: number;
  /** latest price of the traded symbol */
  readonly price: number;
}

/** Signed market value of the position as a fraction of equity. */
export function positionFraction(p: PortfolioState): number {
  return p.equity > 0 ? (p.quantity * p.price) / p.equity : 0;
}

/** Cash as a fraction of equity (negative when on margin). */
export function cashFraction(p: PortfolioState): number {
  return p.equity > 0 ? p.cash / p.equity : 0;
}

/** -1 short, 0 flat, +1 long. */
export function positionSide(p: PortfolioState): number {
  return Math.sign(p.quantity);
}

/** Return of the open position since entry at average cost, signed by side; 0 when flat. */
export function unrealizedReturn(p: PortfolioState): number {
  if (p.quantity === 0 || !(p.avgCost > 0)) return 0;
  return Math.sign(p.quantity) * (p.price / p.avgCost - 1);
}

// ---------------------------------------------------------------- registry

export interface ParamSpec {
  readonly min: number;
  readonly max: number;
}

type Params = Readonly<Record<string, number>>;

interface FeatureDefBase {
  readonly id: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly definition: (p: Params) => string;
}

export interface MarketFeatureDef extends FeatureDefBase {
  readonly kind: 'market';
  readonly columns: readonly BarField[];
  /** bars of history the feature reads, including bar t */
  readonly history: (p: Params) => number;
  readonly compute: (s: BarSeries, t: number, p: Params) => number;
  /** compute() for bars from..from+count-1 into out[0..count): the same function per bar in a
   *  loop of its own (one call site per feature, compiled once; one call site shared by every
   *  feature's closure made fillBatch deoptimise and recompile in a cold process) */
  readonly range: (s: BarSeries, from: number, count: number, p: Params, out: Float64Array) => void;
}

export interface PortfolioFeatureDef extends FeatureDefBase {
  readonly kind: 'portfolio';
  readonly compute: (p: PortfolioState) => number;
  /** when the feature only takes the values of the position's side, the backtester can
   *  evaluate every side in one batch */
  readonly sideValued: boolean;
}

export type FeatureDef = MarketFeatureDef | PortfolioFeatureDef;

/** A portfolio feature: no parameters, one definition text. */
function portfolioFeature(id: string, sideValued: boolean, definition: string, compute: PortfolioFeatureDef['compute']): PortfolioFeatureDef {
  return { id, kind: 'portfolio', params: {}, sideValued, definition: () => definition, compute };
}

const WINDOW: ParamSpec = { min: 1, max: 5000 };
const WINDOW2: ParamSpec = { min: 2, max: 5000 };

/** meanRatio over one bar column. The two features share this code: its range loop always calls meanRatio, so one call site serves both. */
function meanRatioFeature(id: string, column: 'close' | 'volume'): MarketFeatureDef {
  return {
    id,
    kind: 'market',
    params: { window: WINDOW },
    columns: [column],
    history: (p) => p.window!,
    definition: (p) => `ln(${column}[t] / mean(${column}[t-${p.window! - 1}..t]))`,
    compute: (s, t, p) => meanRatio(s[column], t, p.window!),
    range: (s, from, count, p, out) => {
      const x = s[column];
      const window = p.window!;
      for (let r = 0; r < count; r++) out[r] = meanRatio(x, from + r, window);
    },
  };
}

export const FEATURES: Readonly<Record<string, FeatureDef>> = {
  logReturn: {
    id: 'logReturn',
    kind: 'market',
    params: { lag: WINDOW },
    columns: ['close'],
    history: (p) => p.lag! + 1,
    definition: (p) => `ln(close[t] / close[t-${p.lag}])`,
    compute: (s, t, p) => logReturn(s.close, t, p.lag!),
    range: (s, from, count, p, out) => {
      const { close } = s;
      const lag = p.lag!;
      for (let r = 0; r < count; r++) out[r] = logReturn(close, from + r, lag);
    },
  },
  realizedVol: {
    id: 'realizedVol',
    kind: 'market',
    params: { window: WINDOW2 },
    columns: ['close'],
    history: (p) => p.window! + 1,
    definition: (p) => `sample std (n-1) of the ${p.window} one-bar log returns ending at t`,
    compute: (s, t, p) => realizedVol(s.logReturns, t, p.window!),
    range: (s, from, count, p, out) => {
      const { logReturns } = s;
      const window = p.window!;
      for (let r = 0; r < count; r++) out[r] = realizedVol(logReturns, from + r, window);
    },
  },
  volNormMomentum: {
    id: 'volNormMomentum',
    kind: 'market',
    params: { lookback: WINDOW, volWindow: WINDOW2 },
    columns: ['close'],
    history: (p) => Math.max(p.lookback!, p.volWindow!) + 1,
    definition: (p) => `ln(close[t] / close[t-${p.lookback}]) / (realizedVol(${p.volWindow}) * sqrt(${p.lookback})); 0 if the volatility is 0`,
    compute: (s, t, p) => volNormMomentum(s.close, s.logReturns, t, p.lookback!, p.volWindow!),
    range: (s, from, count, p, out) => {
      const { close, logReturns } = s;
      const lookback = p.lookback!;
      const volWindow = p.volWindow!;
      for (let r = 0; r < count; r++) out[r] = volNormMomentum(close, logReturns, from + r, lookback, volWindow);
    },
  },
  rsi: {
    id: 'rsi',
    kind: 'market',
    params: { period: WINDOW },
    columns: ['close'],
    history: (p) => p.period! + 1,
    definition: (p) => `100 * sum(gains) / (sum(gains) + sum(losses)) over the last ${p.period} close-to-close changes (Cutler RSI, 0..100); 50 if flat`,
    compute: (s, t, p) => rsi(s.close, t, p.period!),
    range: (s, from, count, p, out) => {
      const { close } = s;
      const period = p.period!;
      for (let r = 0; r < count; r++) out[r] = rsi(close, from + r, period);
    },
  },
  smaRatio: meanRatioFeature('smaRatio', 'close'),
  closeLocation: {
    id: 'closeLocation',
    kind: 'market',
    params: {},
    columns: ['high', 'low', 'close'],
    history: () => 1,
    definition: () => '(2*close - high - low) / (high - low) of bar t, in [-1, 1]; 0 if high = low',
    compute: (s, t) => closeLocation(s.high, s.low, s.close, t),
    range: (s, from, count, _p, out) => {
      const { high, low, close } = s;
      for (let r = 0; r < count; r++) out[r] = closeLocation(high, low, close, from + r);
    },
  },
  volumeRatio: meanRatioFeature('volumeRatio', 'volume'),
  timeOfDay: {
    id: 'timeOfDay',
    kind: 'market',
    params: {},
    columns: [],
    history: () => 1,
    definition: () => 'fraction of the 09:30-16:00 New York session elapsed at the bar close, in [0, 1]',
    compute: (s, t) => timeOfDay(s.closeMinute[t]!),
    range: (s, from, count, _p, out) => {
      const { closeMinute } = s;
      for (let r = 0; r < count; r++) out[r] = timeOfDay(closeMinute[from + r]!);
    },
  },
  positionFraction: portfolioFeature('positionFraction', false, 'signed position market value / equity', positionFraction),
  cashFraction: portfolioFeature('cashFraction', false, 'cash / equity', cashFraction),
  positionSide: portfolioFeature('positionSide', true, 'sign of the position: -1 short, 0 flat, +1 long', positionSide),
  unrealizedReturn: portfolioFeature('unrealizedReturn', false, 'side * (price / average cost - 1) of the open position; 0 when flat', unrealizedReturn),
};

export function featureLabel(spec: FeatureSpec): string {
  const ps = Object.entries(spec.params ?? {});
  return ps.length ? `${spec.id}(${ps.map(([k, v]) => `${k}=${v}`).join(',')})` : spec.id;
}

// ---------------------------------------------------------------- compiled pipeline

interface Slot {
  readonly label: string;
  readonly def: FeatureDef;
  readonly params: Params;
}

/** Features compiled from a (validated) manifest, with their normalisation. */
export class FeaturePipeline {
  readonly size: number;
  /** bars of history needed before the first observation */
  readonly history: number;
  readonly labels: readonly string[];
  readonly columns: readonly BarField[];
  /** true when every portfolio feature is side-valued: then rows for each side can be precomputed */
  readonly sideEnumerable: boolean;
  readonly hasPortfolioFeatures: boolean;
  private readonly slots: readonly Slot[];
  private readonly offset: Float64Array;
  private readonly divisor: Float64Array;
  private readonly clip: number;
  /** fillBatch's raw values of one feature over the batch's bars, reused */
  private column = new Float64Array(0);

  constructor(specs: readonly FeatureSpec[], normalization: Normalization) {
    this.slots = specs.map((s) => {
      const def = FEATURES[s.id];
      if (!def) throw new Error(`unknown feature ${s.id}`); // manifest validation names the file first
      return { label: featureLabel(s), def, params: s.params ?? {} };
    });
    this.size = this.slots.length;
    this.labels = this.slots.map((s) => s.label);
    this.history = Math.max(1, ...this.slots.map((s) => (s.def.kind === 'market' ? s.def.history(s.params) : 1)));
    this.columns = [...new Set(this.slots.flatMap((s) => (s.def.kind === 'market' ? s.def.columns : [])))];
    const portfolio = this.slots.filter((s) => s.def.kind === 'portfolio');
    this.hasPortfolioFeatures = portfolio.length > 0;
    this.sideEnumerable = portfolio.every((s) => s.def.kind === 'portfolio' && s.def.sideValued);
    // x' = clip((x - offset) / divisor). A division, not a multiplication by a reciprocal, so the
    // rows match the training code bit for bit.
    this.offset = new Float64Array(this.size);
    this.divisor = new Float64Array(this.size).fill(1);
    if (normalization.type === 'standard') {
      this.offset.set(normalization.mean);
      this.divisor.set(normalization.std);
    } else if (normalization.type === 'scale') {
      this.divisor.set(normalization.scale);
    }
    this.clip = normalization.clip ?? Infinity;
  }

  /** Raw market feature values at bar t into raw[0..size); portfolio slots are left untouched. */
  marketValues(series: BarSeries, t: number, raw: Float64Array): void {
    for (let i = 0; i < this.size; i++) {
      const s = this.slots[i]!;
      if (s.def.kind !== 'market') continue;
      const v = s.def.compute(series, t, s.params);
      if (!Number.isFinite(v)) throw this.nonFinite(i, v, `bar ${t} (${isoDate(series.time[t]!)}) of ${series.symbol}`);
      raw[i] = v;
    }
  }

  /** Raw portfolio feature values into their slots of raw. */
  portfolioValues(state: PortfolioState, raw: Float64Array): void {
    for (let i = 0; i < this.size; i++) {
      const s = this.slots[i]!;
      if (s.def.kind !== 'portfolio') continue;
      const v = s.def.compute(state);
      if (!Number.isFinite(v)) throw this.nonFinite(i, v, 'the portfolio state');
      raw[i] = v;
    }
  }

  /** (x - offset) / divisor, clipped: the one normalisation formula, for rows and batches alike. */
  private normalized(i: number, x: number): number {
    const v = (x - this.offset[i]!) / this.divisor[i]!;
    const c = this.clip;
    return v < -c ? -c : v > c ? c : v;
  }

  /** Normalised, clipped float32 row at out[offset..offset+size). */
  normalizeInto(raw: Float64Array, out: Float32Array, offset: number): void {
    for (let i = 0; i < this.size; i++) out[offset + i] = this.normalized(i, raw[i]!);
  }

  /**
   * Rows for bars from..from+count-1, each repeated for every side in `sides` (row r*k + j is
   * bar from+r held at sides[j]). Filled one feature at a time (its range(): each loop calls one
   * function); the values are exactly those observe() gives. Needs sideEnumerable.
   */
  fillBatch(series: BarSeries, from: number, count: number, sides: readonly number[], out: Float32Array): void {
    if (!this.sideEnumerable) throw new Error('fillBatch needs side-valued portfolio features only');
    const n = this.size;
    const k = sides.length;
    const col = count <= this.column.length ? this.column : (this.column = new Float64Array(count));
    for (let i = 0; i < n; i++) {
      const s = this.slots[i]!;
      if (s.def.kind === 'market') {
        s.def.range(series, from, count, s.params, col);
        const bad = scatterColumn(col, count, k, n, i, this.offset[i]!, this.divisor[i]!, this.clip, out);
        if (bad >= 0) throw this.nonFinite(i, col[bad]!, `bar ${from + bad} (${isoDate(series.time[from + bad]!)}) of ${series.symbol}`);
      } else {
        for (let j = 0; j < k; j++) {
          const v = this.normalized(i, sides[j]!);
          for (let r = 0; r < count; r++) out[(r * k + j) * n + i] = v;
        }
      }
    }
  }

  /** One observation row, as the live session builds it for its latest bar. */
  observe(series: BarSeries, t: number, state: PortfolioState, raw: Float64Array, out: Float32Array, offset = 0): void {
    this.marketValues(series, t, raw);
    this.portfolioValues(state, raw);
    this.normalizeInto(raw, out, offset);
  }

  private nonFinite(i: number, v: number, where: string): PolicyRuntimeError {
    return new PolicyRuntimeError('non-finite', `feature ${this.labels[i]} is ${v} at ${where}`);
  }
}

/**
 * Feature i's raw values col[0..count) normalised as FeaturePipeline.normalized does, each
 * written to the k rows of its bar (row r*k + j, column i of n). Returns the first non-finite
 * value's index, or -1. A plain function over typed arrays: compiled once, early.
 */
function scatterColumn(
  col: Float64Array,
  count: number,
  k: number,
  n: number,
  i: number,
  offset: number,
  divisor: number,
  clip: number,
  out: Float32Array,
): number {
  for (let r = 0; r < count; r++) {
    const x = col[r]!;
    if (!Number.isFinite(x)) return r;
    const v0 = (x - offset) / divisor;
    const v = v0 < -clip ? -clip : v0 > clip ? clip : v0;
    for (let j = 0; j < k; j++) out[(r * k + j) * n + i] = v;
  }
  return -1;
}

function isoDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : String(ms);
}
