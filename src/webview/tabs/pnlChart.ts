// The panel's charts as inline SVG (the CSP allows no scripts or canvas libraries), drawn
// from chartLayout.ts: the equity curve (net P&L over time, in dollars, with a zero line and
// each stretch coloured by its sign) and a symbol's price with its fills marked. Colours come
// from the theme through panel.css.
import { h, s } from '../dom';
import { CHART_BOX, equityLayout, priceLayout, type Axes } from '../chartLayout';
import { fmt } from '../format';

function frame(label: string, cls: string): SVGElement {
  return s('svg', { viewBox: `0 0 ${CHART_BOX.width} ${CHART_BOX.height}`, width: '100%', role: 'img', 'aria-label': label, class: `chart-svg ${cls}` });
}

function text(x: number, y: number, body: string, attrs: Record<string, string | number> = {}): SVGElement {
  const t = s('text', { class: 'axis', x: x.toFixed(1), y: y.toFixed(1), ...attrs });
  t.textContent = body;
  return t;
}

function drawAxes(svg: SVGElement, a: Axes): void {
  const { pad, width, height } = CHART_BOX;
  for (const t of a.yTicks) {
    svg.append(s('line', { class: 'grid', x1: pad.l, x2: width - pad.r, y1: t.pos.toFixed(1), y2: t.pos.toFixed(1) }));
    svg.append(text(pad.l - 6, t.pos + 4, t.label, { 'text-anchor': 'end' }));
  }
  for (const t of a.xTicks) {
    svg.append(s('line', { class: 'tick', x1: t.pos.toFixed(1), x2: t.pos.toFixed(1), y1: height - pad.b, y2: height - pad.b + 4 }));
    // A label at either end of the axis is anchored inside the chart, not cut by its edge.
    const anchor = t.pos > width - pad.r - 28 ? 'end' : 'middle';
    svg.append(text(anchor === 'end' ? Math.min(t.pos + 6, width - 2) : t.pos, height - pad.b + 16, t.label, { 'text-anchor': anchor }));
  }
  svg.append(text(width - pad.r, height - 4, a.xTitle, { 'text-anchor': 'end' }));
}

/** Net P&L over time. */
export function pnlChart(points: ReadonlyArray<{ readonly at: number; readonly net: number }>, empty = 'The chart fills in as cycles end.'): Node {
  const l = equityLayout(points);
  if (!l) return h('p', { class: 'muted' }, empty);
  const svg = frame('Net P&L over time', 'pnl');
  drawAxes(svg, l);
  svg.append(s('line', { class: 'zero', x1: CHART_BOX.pad.l, x2: CHART_BOX.width - CHART_BOX.pad.r, y1: l.zeroY.toFixed(1), y2: l.zeroY.toFixed(1) }));
  for (const seg of l.segments) svg.append(s('polyline', { class: `line ${seg.cls}`, points: seg.points }));
  const cls = l.last.net > 0 ? 'up' : l.last.net < 0 ? 'down' : 'flat';
  svg.append(s('circle', { class: `dot ${cls}`, cx: l.last.x.toFixed(1), cy: l.last.y.toFixed(1), r: 3 }));
  const caption = h('p', { class: 'muted small chart-caption' }, `Net P&L ${fmt.pnl(l.last.net)} at ${fmt.ny(points[points.length - 1]!.at)}`);
  return h('div', { class: 'chart-wrap' }, svg, caption);
}

/** A symbol's price (bar closes) with its fills: ▲ buys, ▼ sells. */
export function priceChart(
  symbol: string,
  prices: ReadonlyArray<{ readonly at: number; readonly price: number }>,
  fills: ReadonlyArray<{ readonly at: number; readonly price: number; readonly side: string; readonly shares: number }>,
): Node {
  const l = priceLayout(prices, fills);
  if (!l) return h('p', { class: 'muted' }, `No prices of ${symbol} yet.`);
  const svg = frame(`${symbol} price with the session's fills`, 'price');
  drawAxes(svg, l);
  svg.append(s('polyline', { class: 'line price', points: l.line }));
  for (const f of l.fills) {
    const d =
      f.side === 'buy'
        ? `M${(f.x - 5).toFixed(1)},${(f.y + 9).toFixed(1)} L${(f.x + 5).toFixed(1)},${(f.y + 9).toFixed(1)} L${f.x.toFixed(1)},${(f.y + 1).toFixed(1)} Z`
        : `M${(f.x - 5).toFixed(1)},${(f.y - 9).toFixed(1)} L${(f.x + 5).toFixed(1)},${(f.y - 9).toFixed(1)} L${f.x.toFixed(1)},${(f.y - 1).toFixed(1)} Z`;
    const mark = s('path', { class: `fill-mark ${f.side}`, d });
    const title = s('title');
    title.textContent = f.title;
    mark.append(title);
    svg.append(mark);
  }
  return h('div', { class: 'chart-wrap' }, h('h4', {}, symbol), svg);
}
