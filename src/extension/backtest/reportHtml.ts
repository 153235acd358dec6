// Self-contained HTML/SVG view of a backtest report: no scripts, no external resources, so
// it opens from disk and fits a webview's strict CSP. Colours follow VS Code theme variables
// when the page is shown in the panel and fall back to fixed ones in a browser.
import type { BacktestReport } from './report';
import type { Metrics } from './backtester';
import { niceTicks, sampleIndices } from '../../webview/chartScale';

export { sampleIndices };

const W = 900;
const PAD = { left: 64, right: 16, top: 14, bottom: 26 };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function pct(x: number, digits = 2): string {
  const s = (x * 100).toFixed(digits);
  return `${Number(s) === 0 ? (0).toFixed(digits) : s}%`; // no "-0%"
}

function money(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

interface Series {
  readonly values: readonly number[];
  readonly cls: string;
  readonly color: string;
  readonly label: string;
  readonly area?: boolean;
}

function chart(
  title: string,
  dates: readonly string[],
  series: readonly Series[],
  height: number,
  format: (v: number) => string,
  markers: readonly { index: number; up: boolean }[] = [],
): string {
  const n = dates.length;
  const idx = sampleIndices(
    series.map((s) => s.values),
    n,
  );
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const i of idx) {
      lo = Math.min(lo, s.values[i]!);
      hi = Math.max(hi, s.values[i]!);
    }
  }
  if (series.some((s) => s.area)) hi = Math.max(hi, 0);
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (i: number): number => PAD.left + (n > 1 ? (i / (n - 1)) * plotW : 0);
  const y = (v: number): number => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  for (const v of niceTicks(lo, hi)) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#8884" />`);
    parts.push(
      `<text class="axis" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#888">${escapeHtml(format(v))}</text>`,
    );
  }
  let lastYear = '';
  for (let i = 0; i < n; i++) {
    const year = dates[i]!.slice(0, 4);
    if (year !== lastYear) {
      if (lastYear !== '' || i === 0) {
        parts.push(`<text class="axis" x="${x(i).toFixed(1)}" y="${height - 8}" font-size="11" fill="#888">${escapeHtml(year)}</text>`);
      }
      lastYear = year;
    }
  }
  for (const s of series) {
    const pts = idx.map((i) => `${x(i).toFixed(1)},${y(s.values[i]!).toFixed(1)}`).join(' ');
    if (s.area) {
      parts.push(
        `<polygon class="${s.cls}" points="${x(0).toFixed(1)},${y(0).toFixed(1)} ${pts} ${x(n - 1).toFixed(1)},${y(0).toFixed(1)}" fill="${s.color}" fill-opacity="0.35" stroke="${s.color}" stroke-width="1" />`,
      );
    } else {
      parts.push(`<polyline class="${s.cls}" points="${pts}" fill="none" stroke="${s.color}" stroke-width="1.5" />`);
    }
  }
  const main = series[0]!;
  for (const m of markers) {
    const cx = x(m.index);
    const cy = y(main.values[m.index]!);
    const d = m.up ? `M${cx - 4},${cy + 9} L${cx + 4},${cy + 9} L${cx},${cy + 3} Z` : `M${cx - 4},${cy - 9} L${cx + 4},${cy - 9} L${cx},${cy - 3} Z`;
    parts.push(`<path class="${m.up ? 'buy' : 'sell'}" d="${d}" fill="${m.up ? '#2ca02c' : '#d62728'}" />`);
  }
  const legend = series
    .map((s) => `<span class="key"><svg width="14" height="4"><rect width="14" height="4" fill="${s.color}" /></svg> ${escapeHtml(s.label)}</span>`)
    .join(' ');
  return (
    `<h2>${escapeHtml(title)}</h2><div class="legend">${legend}</div>` +
    `<svg class="chart" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`
  );
}

function metricsRow(name: string, m: Metrics): string {
  const cells = [
    pct(m.totalReturn),
    pct(m.cagr),
    m.sharpe.toFixed(2),
    pct(m.maxDrawdown),
    pct(m.volatility),
    String(m.trades),
    pct(m.exposure, 0),
    money(m.commissions),
    money(m.finalEquity),
  ];
  return `<tr><th>${escapeHtml(name)}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/** The report's content (charts and tables) without page chrome, for embedding in the panel. */
export function renderReportBody(r: BacktestReport): string {
  const s = r.series;
  const markers = r.trades.map((t) => ({ index: s.dates.indexOf(t.date), up: t.side === 'buy' })).filter((m) => m.index >= 0);
  const rejections = Object.entries(r.rejectionsByRule);
  const maxTrades = 500;
  const tradeRows = r.trades
    .slice(0, maxTrades)
    .map(
      (t) =>
        `<tr><td>${t.date}</td><td class="${t.side}">${t.side}</td><td>${t.quantity}</td><td>${t.fillPrice.toFixed(2)}</td><td>${t.commission.toFixed(2)}</td><td>${t.positionAfter}</td><td>${t.reason}</td></tr>`,
    )
    .join('');
  return [
    `<h1>Backtest: ${escapeHtml(r.model.name)} on ${escapeHtml(r.data.symbol)}, ${r.data.from} to ${r.data.to}</h1>`,
    `<p class="meta">${r.data.bars} bars of ${escapeHtml(r.model.barSize)} from ${escapeHtml(r.data.source)}. Decisions at the close, fills at the next open; ` +
      `commission ${escapeHtml(r.assumptions.commission)}, slippage ${r.assumptions.slippageBps} bps, initial cash ${money(r.assumptions.initialCash)}. ` +
      `Model sha256 ${r.model.sha256.slice(0, 12)}.</p>`,
    '<table class="summary"><thead><tr><th></th><th>Total return</th><th>CAGR</th><th>Sharpe</th><th>Max drawdown</th><th>Volatility</th><th>Trades</th><th>Exposure</th><th>Commissions</th><th>Final equity</th></tr></thead><tbody>',
    metricsRow('Policy', r.summary.policy),
    metricsRow('Buy and hold', r.summary.buyAndHold),
    metricsRow('Flat (cash)', r.summary.flat),
    '</tbody></table>',
    chart(
      'Equity',
      s.dates,
      [
        { values: s.equity, cls: 'policy', color: '#1f77b4', label: 'Policy' },
        { values: s.buyAndHold, cls: 'benchmark', color: '#ff7f0e', label: 'Buy and hold' },
      ],
      300,
      (v) => money(v).replace(/\.00$/, ''),
      markers,
    ),
    chart(
      'Drawdown',
      s.dates,
      [
        { values: s.drawdown.map((d) => -d), cls: 'policy', color: '#1f77b4', label: 'Policy', area: true },
        { values: s.buyAndHoldDrawdown.map((d) => -d), cls: 'benchmark', color: '#ff7f0e', label: 'Buy and hold' },
      ],
      180,
      (v) => pct(v, 0),
    ),
    rejections.length ? `<h2>Orders refused by the risk engine</h2><p>${rejections.map(([k, v]) => `${escapeHtml(k)}: ${v}`).join(', ')}</p>` : '',
    `<h2>Trades (${r.trades.length}${r.trades.length > maxTrades ? `, first ${maxTrades} shown` : ''})</h2>`,
    `<table class="trades"><thead><tr><th>Date</th><th>Side</th><th>Shares</th><th>Fill</th><th>Commission</th><th>Position</th><th>Reason</th></tr></thead><tbody>${tradeRows}</tbody></table>`,
  ].join('\n');
}

const CSS = `
body{font-family:var(--vscode-font-family,system-ui,sans-serif);color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff);margin:16px;max-width:960px}
h1{font-size:18px}h2{font-size:15px;margin:18px 0 4px}.meta{color:var(--vscode-descriptionForeground,#666);font-size:12px}
table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}th,td{padding:3px 8px;text-align:right;border-bottom:1px solid #8883}
th:first-child,td:first-child{text-align:left}.legend{font-size:12px}.key{margin-right:12px}
td.buy{color:#2ca02c}td.sell{color:#d62728}.trades{max-height:none}`;

/** A complete page: opens from disk or in the panel's webview (no scripts, inline styles only). */
export function renderReportHtml(r: BacktestReport): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest ${escapeHtml(r.model.name)} ${escapeHtml(r.data.symbol)}</title>
<style>${CSS}</style></head>
<body>
${renderReportBody(r)}
</body></html>
`;
}
