// Where the panel's charts put things (pure: no DOM, unit-tested): an equity curve on a time
// axis with ticks in dollars, a zero line and the line cut where it changes sign, and a
// price line with the session's fills marked. The scales are core/chartScale.ts's, shared
// with the backtest report.
import { extent, linearScale, niceDomain, signSegments, timeTicks, DATE_TICK_STEP, SECOND_TICK_STEP } from './chartScale';
import { fmt, nyOffsetMs } from './format';

export interface Box {
  readonly width: number;
  readonly height: number;
  readonly pad: { readonly l: number; readonly r: number; readonly t: number; readonly b: number };
}

export const CHART_BOX: Box = { width: 600, height: 180, pad: { l: 72, r: 14, t: 10, b: 34 } };

export interface Tick {
  readonly pos: number;
  readonly label: string;
}

export interface Axes {
  readonly x: (t: number) => number;
  readonly y: (v: number) => number;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  /** "time (EST)": the zone the time ticks are in */
  readonly xTitle: string;
}

function axes(times: readonly number[], values: readonly number[], box: Box, yLabel: (v: number) => string, include?: number): Axes {
  const { pad } = box;
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const { lo, hi } = extent(values, include);
  const { lo: ylo, hi: yhi, ticks: yt } = niceDomain(lo, hi, 4);
  const x = linearScale(t0, t1, pad.l, box.width - pad.r);
  const y = linearScale(ylo, yhi, box.height - pad.b, pad.t);
  const { step, ticks } = timeTicks(t0, t1, 5, nyOffsetMs(t0));
  return {
    x,
    y,
    xTicks: ticks.map((t) => ({ pos: x(t), label: fmt.nyTick(t, step >= DATE_TICK_STEP ? 'date' : step < SECOND_TICK_STEP ? 'seconds' : 'minutes') })),
    yTicks: yt.map((v) => ({ pos: y(v), label: yLabel(v) })),
    xTitle: `time (${fmt.nyZone(t0)})`,
  };
}

export interface EquityLayout extends Axes {
  readonly zeroY: number;
  /** the curve in pieces of one sign: "up" above zero, "down" below */
  readonly segments: ReadonlyArray<{ readonly cls: 'up' | 'down' | 'flat'; readonly points: string }>;
  readonly last: { readonly x: number; readonly y: number; readonly net: number };
}

/** The equity curve (net P&L over time): undefined without points. */
export function equityLayout(points: ReadonlyArray<{ readonly at: number; readonly net: number }>, box: Box = CHART_BOX): EquityLayout | undefined {
  if (points.length === 0) return undefined;
  const a = axes(
    points.map((p) => p.at),
    points.map((p) => p.net),
    box,
    (v) => fmt.money(v),
    0,
  );
  const xy = points.map((p) => ({ x: a.x(p.at), y: p.net }));
  const segments = signSegments(xy).map((seg) => ({
    cls: seg.sign > 0 ? ('up' as const) : seg.sign < 0 ? ('down' as const) : ('flat' as const),
    points: seg.points.map((p) => `${p.x.toFixed(1)},${a.y(p.y).toFixed(1)}`).join(' '),
  }));
  const lastPoint = points[points.length - 1]!;
  return { ...a, zeroY: a.y(0), segments, last: { x: a.x(lastPoint.at), y: a.y(lastPoint.net), net: lastPoint.net } };
}

export interface PriceLayout extends Axes {
  readonly line: string;
  readonly fills: ReadonlyArray<{ readonly x: number; readonly y: number; readonly side: 'buy' | 'sell'; readonly title: string }>;
}

/** A symbol's price line with its fills marked (a fill at its price and time). */
export function priceLayout(
  prices: ReadonlyArray<{ readonly at: number; readonly price: number }>,
  fills: ReadonlyArray<{ readonly at: number; readonly price: number; readonly side: string; readonly shares: number }>,
  box: Box = CHART_BOX,
): PriceLayout | undefined {
  if (prices.length === 0) return undefined;
  const a = axes([...prices.map((p) => p.at), ...fills.map((f) => f.at)], [...prices.map((p) => p.price), ...fills.map((f) => f.price)], box, (v) =>
    fmt.price(v),
  );
  return {
    ...a,
    line: prices.map((p) => `${a.x(p.at).toFixed(1)},${a.y(p.price).toFixed(1)}`).join(' '),
    fills: fills.map((f) => ({
      x: a.x(f.at),
      y: a.y(f.price),
      side: f.side === 'SELL' ? 'sell' : 'buy',
      title: `${f.side} ${fmt.qty(f.shares)} @ ${fmt.price(f.price)}, ${fmt.ny(f.at)}`,
    })),
  };
}
