// The session's net P&L per cycle as inline SVG (the CSP allows no scripts or canvas
// libraries): a line with a zero line, its colours from the theme through panel.css.
import { h, s } from '../dom';
import { fmt } from '../format';
import type { SessionView } from '../protocol';

/** Net P&L per cycle as an inline SVG line with a zero line (colours from the theme via CSS). */
export function pnlChart(points: SessionView['points']): Node {
  if (points.length === 0) return h('p', { class: 'muted' }, 'The chart fills in as cycles end.');
  const W = 600;
  const H = 160;
  const P = { l: 56, r: 12, t: 10, b: 22 };
  const xs = points.map((p) => p.cycle);
  const ys = points.map((p) => p.net);
  let lo = Math.min(0, ...ys);
  let hi = Math.max(0, ...ys);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const x = (c: number) => P.l + (x1 === x0 ? (W - P.l - P.r) / 2 : ((c - x0) / (x1 - x0)) * (W - P.l - P.r));
  const y = (v: number) => P.t + (1 - (v - lo) / (hi - lo)) * (H - P.t - P.b);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'Net P&L by cycle', class: 'pnl' });
  svg.append(s('line', { class: 'zero', x1: P.l, x2: W - P.r, y1: y(0), y2: y(0) }));
  for (const v of [hi, lo]) {
    const t = s('text', { class: 'axis', x: P.l - 6, y: y(v) + 4, 'text-anchor': 'end' });
    t.textContent = fmt.pnl(v);
    svg.append(t);
  }
  const xl = s('text', { class: 'axis', x: W - P.r, y: H - 6, 'text-anchor': 'end' });
  xl.textContent = `cycle ${x1}`;
  svg.append(xl);
  const last = ys[ys.length - 1]!;
  svg.append(
    s('polyline', { class: `line ${last >= 0 ? 'up' : 'down'}`, points: points.map((p) => `${x(p.cycle).toFixed(1)},${y(p.net).toFixed(1)}`).join(' ') }),
  );
  for (const p of points.length <= 60 ? points : [])
    svg.append(s('circle', { class: `dot ${p.net >= 0 ? 'up' : 'down'}`, cx: x(p.cycle).toFixed(1), cy: y(p.net).toFixed(1), r: 2.5 }));
  return svg;
}
