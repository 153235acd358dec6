// A decision's features and the model's output as a person reads them: each feature by what
// it measures, with its unit (returns and ratios as percentages, RSI on its 0-100 scale,
// momentum in standard deviations), in the panel's number style (format.ts).
import { fmt } from '../../webview/format';

/** "logReturn(lag=5)" -> { id: "logReturn", params: { lag: 5 } } */
function parseLabel(label: string): { id: string; params: Record<string, number> } {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(label);
  if (!m) return { id: label, params: {} };
  const params: Record<string, number> = {};
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    if (k && v !== undefined) params[k.trim()] = Number(v);
  }
  return { id: m[1]!, params };
}

/** A log ratio as the percentage change it stands for: ln(1.01) -> +1.00% */
const logPct = (x: number) => fmt.pct(Math.expm1(x));
/** " 5 bars" (with its leading space), "" when the label names no window */
const bars = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '' : n === 1 ? ' 1 bar' : ` ${n} bars`);

/** One feature as "name value", e.g. "return 5 bars +0.12%"; an unknown feature keeps its label. */
export function featureText(label: string, v: number): string {
  const { id, params: p } = parseLabel(label);
  switch (id) {
    case 'logReturn':
      return `return${bars(p.lag)} ${logPct(v)}`;
    case 'realizedVol':
      return `volatility${bars(p.window)} ${fmt.pct(v).replace('+', '')}`;
    case 'volNormMomentum':
      return `momentum${bars(p.lookback)} ${fmt.num(v, 2)}σ`;
    case 'rsi':
      return `RSI${bars(p.period)} ${fmt.num(v, 1)}`;
    case 'smaRatio':
      return `vs ${p.window ?? 'the'}-bar average ${logPct(v)}`;
    case 'closeLocation':
      return `close in bar range ${fmt.num(v, 2)} (−1 low … +1 high)`;
    case 'volumeRatio':
      return `volume vs ${p.window ?? 'the'}-bar average ${logPct(v)}`;
    case 'timeOfDay':
      return `session elapsed ${fmt.pct(v, 0).replace('+', '')}`;
    case 'positionFraction':
      return `position ${fmt.pct(v, 1)} of equity`;
    case 'cashFraction':
      return `cash ${fmt.pct(v, 1).replace('+', '')} of equity`;
    case 'positionSide':
      return `side ${v > 0 ? 'long' : v < 0 ? 'short' : 'flat'}`;
    case 'unrealizedReturn':
      return `open position ${fmt.pct(v)}`;
    default:
      return `${label} ${fmt.num(v, 4)}`;
  }
}

/** The model's output: "buy: 100% long (261 sh)", "hold: keep the position". */
export function outputText(out: { readonly target: number | null; readonly label?: string }, targetQuantity?: number): string {
  const what =
    out.target === null
      ? 'keep the position'
      : out.target === 0
        ? 'flat'
        : `${fmt.pct(Math.abs(out.target), 0).replace('+', '')} ${out.target > 0 ? 'long' : 'short'}${targetQuantity !== undefined ? ` (${fmt.qty(targetQuantity)} sh)` : ''}`;
  return out.label ? `${out.label}: ${what}` : what;
}
