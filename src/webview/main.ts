// The trading panel (browser side). Built from the webview UI toolkit's components
// (vscode-panels, vscode-data-grid, vscode-button, vscode-badge, vscode-progress-ring) and
// VS Code's theme variables; the P&L chart is inline SVG. It says `ready`, draws the
// host's snapshot, then applies per-topic updates; every message is checked by the shared
// guard first. Redraws are batched per animation frame, so a burst of updates costs one
// layout. The selected tab survives the panel being hidden and restored (webview state).
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import type { CheckRow, ConnectionView, DecisionRow, HostToWebview, OrderRow, PanelAction, PanelState, PositionRow, SessionView, Tab, WebviewToHost } from './protocol';
import { isHostToWebview, isTab, TABS } from './validate';

provideVSCodeDesignSystem().register(
  vsCodeBadge(),
  vsCodeButton(),
  vsCodeDataGrid(),
  vsCodeDataGridCell(),
  vsCodeDataGridRow(),
  vsCodeDivider(),
  vsCodePanels(),
  vsCodePanelTab(),
  vsCodePanelView(),
  vsCodeProgressRing(),
);

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const MAX_DECISIONS = 500;

// ------------------------------------------------------------------ DOM helpers

type Attrs = Record<string, string | number | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Array<Node | string>): HTMLElementTagNameMap[K];
function h(tag: string, attrs?: Attrs, ...children: Array<Node | string>): HTMLElement;
function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag: string, attrs: Attrs = {}): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) el.setAttribute(k, String(v));
  return el;
}

function button(label: string, action: PanelAction, opts: { appearance?: 'primary' | 'secondary'; id?: string; title?: string } = {}): HTMLElement {
  const b = h('vscode-button', { appearance: opts.appearance ?? 'secondary', id: opts.id ?? `btn-${action}`, title: opts.title, 'data-action': action }, label);
  b.addEventListener('click', () => {
    if (b.hasAttribute('disabled')) return;
    vscode.postMessage({ type: 'action', action });
  });
  return b;
}

const fmt = {
  qty: (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 4 }),
  price: (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })),
  pnl: (x: number | undefined) => {
    if (x === undefined) return '—';
    const v = Math.abs(x) < 0.005 ? 0 : x;
    return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  },
  ny: (ms: number) => new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(ms),
};
const signClass = (x: number | undefined) => (x === undefined || Math.abs(x) < 0.005 ? '' : x > 0 ? 'up' : 'down');

// ------------------------------------------------------------------ grids

interface Column<R> {
  key: string;
  title: string;
  width: string;
  text: (r: R) => string;
  value?: (r: R) => string | number | undefined;
  cls?: (r: R) => string;
  align?: 'right';
}

/** A keyed data grid: rows are reused by key and only changed cells are written. */
class Grid<R> {
  readonly el: HTMLElement;
  private readonly rows = new Map<string, HTMLElement>();
  private readonly empty: HTMLElement;

  constructor(
    id: string,
    label: string,
    private readonly columns: Column<R>[],
    private readonly key: (r: R) => string,
    emptyText: string,
  ) {
    this.el = h('vscode-data-grid', { id, 'aria-label': label, 'generate-header': 'none', 'grid-template-columns': columns.map((c) => c.width).join(' ') });
    const header = h('vscode-data-grid-row', { 'row-type': 'sticky-header' });
    columns.forEach((c, i) => header.append(h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1, class: c.align === 'right' ? 'num' : undefined }, c.title)));
    this.el.append(header);
    this.empty = h('p', { class: 'muted empty' }, emptyText);
  }

  /** The grid with its "nothing yet" line. */
  mount(parent: HTMLElement): void {
    parent.append(this.el, this.empty);
  }

  update(data: readonly R[]): void {
    const seen = new Set<string>();
    let prev: Element | null = this.el.firstElementChild; // the header
    for (const r of data) {
      const k = this.key(r);
      seen.add(k);
      let row = this.rows.get(k);
      if (!row) {
        row = h('vscode-data-grid-row', { 'data-key': k });
        this.columns.forEach((c, i) => row!.append(h('vscode-data-grid-cell', { 'grid-column': i + 1, 'data-col': c.key, class: c.align === 'right' ? 'num' : undefined })));
        this.rows.set(k, row);
      }
      const cells = row.children;
      this.columns.forEach((c, i) => {
        const cell = cells[i] as HTMLElement;
        const text = c.text(r);
        if (cell.textContent !== text) cell.textContent = text;
        const v = c.value?.(r);
        const vs = v === undefined ? null : String(v);
        if (cell.getAttribute('data-value') !== vs) {
          if (vs === null) cell.removeAttribute('data-value');
          else cell.setAttribute('data-value', vs);
        }
        const cls = [c.align === 'right' ? 'num' : '', c.cls?.(r) ?? ''].filter(Boolean).join(' ');
        if (cell.className !== cls) cell.className = cls;
      });
      if (prev?.nextElementSibling !== row) prev!.after(row);
      prev = row;
    }
    for (const [k, row] of this.rows) {
      if (seen.has(k)) continue;
      row.remove();
      this.rows.delete(k);
    }
    this.empty.hidden = data.length > 0;
  }
}

const positionsGrid = new Grid<PositionRow>(
  'positions-grid',
  'Positions',
  [
    { key: 'symbol', title: 'Symbol', width: '1.2fr', text: (r) => r.symbol },
    { key: 'secType', title: 'Type', width: '0.6fr', text: (r) => r.secType },
    { key: 'quantity', title: 'Quantity', width: '1fr', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
    { key: 'avgCost', title: 'Avg cost', width: '1fr', align: 'right', text: (r) => fmt.price(r.avgCost), value: (r) => r.avgCost },
    { key: 'last', title: 'Last', width: '1fr', align: 'right', text: (r) => fmt.price(r.last), value: (r) => r.last },
    { key: 'unrealized', title: 'Unrealized P&L', width: '1.2fr', align: 'right', text: (r) => fmt.pnl(r.unrealized), value: (r) => r.unrealized, cls: (r) => signClass(r.unrealized) },
  ],
  (r) => r.key,
  'No positions.',
);

const ordersGrid = new Grid<OrderRow>(
  'orders-grid',
  'Orders',
  [
    { key: 'orderId', title: 'Id', width: '0.6fr', text: (r) => `#${r.orderId}`, value: (r) => r.orderId },
    { key: 'symbol', title: 'Symbol', width: '0.8fr', text: (r) => r.symbol },
    { key: 'action', title: 'Side', width: '0.6fr', text: (r) => r.action, cls: (r) => (r.action === 'BUY' ? 'up' : 'down') },
    { key: 'quantity', title: 'Qty', width: '0.6fr', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
    { key: 'type', title: 'Type', width: '0.6fr', text: (r) => r.type },
    { key: 'status', title: 'Status', width: '1fr', text: (r) => r.status, value: (r) => r.status, cls: (r) => `status-${r.status}` },
    { key: 'filled', title: 'Filled', width: '0.6fr', align: 'right', text: (r) => fmt.qty(r.filled), value: (r) => r.filled },
    { key: 'avgFillPrice', title: 'Avg fill', width: '0.8fr', align: 'right', text: (r) => (r.filled > 0 ? fmt.price(r.avgFillPrice) : '—'), value: (r) => r.avgFillPrice },
    { key: 'orderRef', title: 'Ref / note', width: '2.4fr', text: (r) => [r.orderRef, r.note].filter(Boolean).join(' · ') },
  ],
  (r) => String(r.orderId),
  'No orders yet.',
);

const decisionsGrid = new Grid<DecisionRow>(
  'decisions-grid',
  'Decisions',
  [
    { key: 'cycle', title: 'Cycle', width: '76px', text: (r) => String(r.cycle), value: (r) => r.cycle },
    { key: 'time', title: 'NY time', width: '96px', text: (r) => fmt.ny(r.marketTime) },
    { key: 'symbol', title: 'Symbol', width: '92px', text: (r) => r.symbol },
    { key: 'features', title: 'Features', width: 'minmax(180px, 2.4fr)', text: (r) => r.features, cls: () => 'small' },
    { key: 'action', title: '→ Model', width: 'minmax(110px, 1fr)', text: (r) => r.action },
    { key: 'verdict', title: '→ Risk', width: 'minmax(90px, 1.2fr)', text: (r) => r.verdict || '—', cls: (r) => (r.blocked ? 'down' : r.verdict === 'ok' ? 'up' : '') },
    { key: 'order', title: '→ Order', width: 'minmax(140px, 1.6fr)', text: (r) => r.order, value: (r) => r.outcome },
  ],
  (r) => String(r.seq),
  'No decisions yet: start an AI session.',
);

// ------------------------------------------------------------------ state

let state: PanelState | undefined;
const decisions = new Map<number, DecisionRow>();
const dirty = new Set<keyof PanelState>();
let frame = 0;
let dropped = 0;

function schedule(topic: keyof PanelState): void {
  dirty.add(topic);
  if (!frame) frame = requestAnimationFrame(render);
}

function apply(m: HostToWebview): void {
  if (m.type === 'snapshot') {
    state = { ...m.state };
    decisions.clear();
    for (const d of m.state.decisions) decisions.set(d.seq, d);
    for (const t of ['connection', 'positions', 'orders', 'decisions', 'session', 'checks', 'backtest'] as const) dirty.add(t);
    document.getElementById('app')?.setAttribute('aria-busy', 'false');
    if (!frame) frame = requestAnimationFrame(render);
    return;
  }
  if (m.type === 'showTab') {
    selectTab(m.tab);
    return;
  }
  if (!state) return; // deltas before the snapshot: the snapshot follows
  switch (m.type) {
    case 'connection':
      state = { ...state, connection: m.connection };
      break;
    case 'positions':
      state = { ...state, positions: m.rows };
      break;
    case 'orders':
      state = { ...state, orders: m.rows };
      break;
    case 'decisions': {
      for (const d of m.rows) decisions.set(d.seq, d);
      if (decisions.size > MAX_DECISIONS) {
        const keys = [...decisions.keys()].sort((a, b) => a - b);
        for (const k of keys.slice(0, decisions.size - MAX_DECISIONS)) decisions.delete(k);
      }
      break;
    }
    case 'session':
      state = { ...state, session: m.session };
      break;
    case 'checks':
      state = { ...state, checks: m.checks };
      break;
    case 'backtest':
      state = { ...state, backtest: m.backtest };
      break;
  }
  schedule(m.type);
}

// ------------------------------------------------------------------ layout

const statusBadge = h('span', { id: 'conn-badge', class: 'badge' });
const statusText = h('span', { id: 'conn-status' });
const statusDetail = h('span', { id: 'conn-detail', class: 'muted' });
const sourcesLine = h('div', { id: 'conn-sources', class: 'muted small' });
const actions = {
  connect: button('Connect', 'connect'),
  disconnect: button('Disconnect', 'disconnect'),
  startSession: button('Start AI Session', 'startSession', { appearance: 'primary' }),
  stopSession: button('Stop', 'stopSession', { title: 'Stop after the current cycle' }),
  killSwitch: button('Kill Switch', 'killSwitch', { title: 'Cancel all orders and stop now' }),
  startSimulator: button('Start Simulator', 'startSimulator', { title: 'The embedded TWS simulator on a free loopback port' }),
};
actions.killSwitch.classList.add('danger');

const tabLabels: Record<Tab, string> = { positions: 'Positions', orders: 'Orders', decisions: 'Decisions', session: 'Session', checks: 'Setup Checks', backtest: 'Backtest' };
const counts: Partial<Record<Tab, HTMLElement>> = {};
const panels = h('vscode-panels', { id: 'tabs', 'aria-label': 'Trading panel' });
const views: Record<Tab, HTMLElement> = {} as Record<Tab, HTMLElement>;
for (const t of TABS) {
  const tab = h('vscode-panel-tab', { id: `tab-${t}` }, tabLabels[t]);
  if (t === 'positions' || t === 'orders' || t === 'decisions') {
    counts[t] = h('vscode-badge', { appearance: 'secondary' }, '0');
    tab.append(counts[t]!);
  }
  panels.append(tab);
}
for (const t of TABS) {
  views[t] = h('vscode-panel-view', { id: `view-${t}` });
  panels.append(views[t]);
}

const positionsBox = h('section', { class: 'box' });
positionsGrid.mount(positionsBox);
views.positions.append(positionsBox);
const ordersBox = h('section', { class: 'box' });
ordersGrid.mount(ordersBox);
views.orders.append(ordersBox);
const decisionsBox = h('section', { class: 'box' }, h('p', { class: 'muted small' }, 'Per cycle and symbol: the features the model saw → its action → the risk verdict → the order. Newest first.'));
decisionsGrid.mount(decisionsBox);
views.decisions.append(decisionsBox);

// Session
const sessionHead = h('div', { id: 'session-head', class: 'row' });
const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Session progress' }, h('div', { class: 'bar' }));
const chartBox = h('div', { id: 'pnl-chart', class: 'chart' });
const summaryPre = h('pre', { id: 'session-summary', class: 'summary' });
const noticesList = h('ul', { id: 'session-notices', class: 'notices' });
views.session.append(h('section', { class: 'box' }, sessionHead, progress, h('h3', {}, 'Net P&L by cycle'), chartBox, summaryPre, h('h3', {}, 'Notices'), noticesList));

// Checks
const checksHead = h('div', { id: 'checks-head', class: 'row' });
const checksList = h('div', { id: 'checks-list' });
views.checks.append(
  h('section', { class: 'box' }, h('div', { class: 'toolbar' }, button('Run again', 'runChecks', { appearance: 'primary', id: 'btn-run-checks' }), button('Copy report', 'copyChecksReport', { id: 'btn-copy-report' })), checksHead, checksList),
);

// Backtest
const backtestHead = h('div', { id: 'backtest-head', class: 'row' });
const backtestBody = h('div', { id: 'backtest-report', class: 'report' });
views.backtest.append(
  h('section', { class: 'box' }, h('div', { class: 'toolbar' }, button('Run backtest', 'runBacktest', { appearance: 'primary', id: 'btn-run-backtest' }), button('Open HTML report', 'openBacktestReport', { id: 'btn-open-report' })), backtestHead, backtestBody),
);

const header = h(
  'header',
  { id: 'conn' },
  h('div', { class: 'row' }, statusBadge, statusText, statusDetail),
  sourcesLine,
  h('div', { class: 'toolbar' }, actions.startSession, actions.stopSession, actions.killSwitch, actions.connect, actions.disconnect, actions.startSimulator),
);

const app = document.getElementById('app')!;
app.replaceChildren(header, h('vscode-divider', { role: 'separator' }), panels);

// Tabs: remembered across hide/restore (the webview state), switchable by the host.
function selectTab(t: Tab): void {
  panels.setAttribute('activeid', `tab-${t}`);
  (panels as unknown as { activeid: string }).activeid = `tab-${t}`;
  vscode.setState({ tab: t });
}
panels.addEventListener('change', () => {
  const id = (panels as unknown as { activeid?: string }).activeid ?? '';
  const t = id.replace(/^tab-/, '');
  if (isTab(t)) vscode.setState({ tab: t });
});
const saved = vscode.getState() as { tab?: unknown } | undefined;
if (saved && isTab(saved.tab)) selectTab(saved.tab);

// ------------------------------------------------------------------ render

function render(): void {
  frame = 0;
  if (!state) return;
  const topics = [...dirty];
  dirty.clear();
  for (const t of topics) {
    switch (t) {
      case 'connection':
        renderConnection(state.connection);
        renderButtons();
        break;
      case 'positions':
        positionsGrid.update(state.positions);
        counts.positions!.textContent = String(state.positions.length);
        break;
      case 'orders':
        ordersGrid.update(state.orders);
        counts.orders!.textContent = String(state.orders.length);
        break;
      case 'decisions': {
        const rows = [...decisions.values()].sort((a, b) => b.seq - a.seq);
        decisionsGrid.update(rows);
        counts.decisions!.textContent = String(rows.length);
        break;
      }
      case 'session':
        renderSession(state.session);
        renderButtons();
        break;
      case 'checks':
        renderChecks();
        break;
      case 'backtest':
        renderBacktest();
        break;
    }
  }
}

const STATUS_TEXT: Record<ConnectionView['status'], string> = {
  restricted: 'Restricted Mode',
  off: 'Not connected',
  connecting: 'Connecting…',
  ready: 'Ready',
  reconnecting: 'Reconnecting…',
  failed: 'Connection failed',
};

function renderConnection(c: ConnectionView): void {
  header.className = `status-${c.status}${c.badge === 'LIVE' ? ' live' : ''}`;
  statusBadge.textContent = c.badge ?? c.status.toUpperCase();
  statusBadge.className = `badge badge-${(c.badge ?? c.status).toLowerCase()}`;
  statusText.textContent = c.account ? `${STATUS_TEXT[c.status]} · ${c.account}` : STATUS_TEXT[c.status];
  statusDetail.textContent = c.detail;
  sourcesLine.textContent = c.sources ? `host ${c.host} from ${c.sources.host} · port ${c.port} from ${c.sources.port} · client id ${c.clientId} from ${c.sources.clientId}` : c.simulator ? `Embedded simulator on ${c.simulator.host}:${c.simulator.port} (${c.simulator.account})` : '';
}

function enable(el: HTMLElement, on: boolean): void {
  if (on) el.removeAttribute('disabled');
  else el.setAttribute('disabled', '');
}

function renderButtons(): void {
  if (!state) return;
  const c = state.connection.status;
  const active = state.session.active;
  const restricted = c === 'restricted';
  enable(actions.startSession, !active && !restricted);
  enable(actions.stopSession, active);
  enable(actions.killSwitch, active || c === 'ready');
  actions.connect.hidden = c === 'ready' || c === 'connecting' || c === 'reconnecting';
  enable(actions.connect, !restricted);
  actions.disconnect.hidden = !actions.connect.hidden;
  actions.startSimulator.hidden = Boolean(state.connection.simulator) || c === 'ready';
  enable(actions.startSimulator, !restricted);
}

function renderSession(v: SessionView): void {
  const pnl = v.pnl?.net;
  sessionHead.replaceChildren(
    h('span', { class: `badge badge-${v.active ? 'running' : v.state}`, id: 'session-state' }, v.state),
    h('span', { id: 'session-progress' }, v.cycles ? `cycle ${v.cycle}/${v.cycles}` : 'no session yet'),
    h('span', { class: 'muted' }, [v.mode, v.account, v.symbols.join(', ')].filter(Boolean).join(' · ')),
    h('span', { id: 'session-pnl', class: signClass(pnl), 'data-value': pnl ?? '' }, pnl !== undefined ? `net P&L ${fmt.pnl(pnl)}` : ''),
  );
  if (v.pnl) sessionHead.append(h('span', { class: 'muted small' }, `realized ${fmt.pnl(v.pnl.realized)} · unrealized ${fmt.pnl(v.pnl.unrealized)} · commissions ${fmt.price(v.pnl.commissions)}`));
  if (v.reason && !v.active) sessionHead.append(h('div', { class: 'muted small reason' }, v.reason));
  (progress.firstElementChild as HTMLElement).style.width = `${v.cycles ? Math.min(100, (100 * v.cycle) / v.cycles) : 0}%`;
  progress.setAttribute('aria-valuenow', String(v.cycle));
  progress.setAttribute('aria-valuemax', String(v.cycles));
  chartBox.replaceChildren(pnlChart(v.points));
  summaryPre.textContent = v.summary ?? '';
  summaryPre.hidden = !v.summary;
  noticesList.replaceChildren(...v.notices.slice(-20).reverse().map((n) => h('li', { class: n.level }, `${new Date(n.at).toLocaleTimeString()} ${n.message}`)));
}

/** Net P&L per cycle as an inline SVG line with a zero line (colours from the theme via CSS). */
function pnlChart(points: SessionView['points']): Node {
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
  svg.append(s('polyline', { class: `line ${last >= 0 ? 'up' : 'down'}`, points: points.map((p) => `${x(p.cycle).toFixed(1)},${y(p.net).toFixed(1)}`).join(' ') }));
  for (const p of points.length <= 60 ? points : []) svg.append(s('circle', { class: `dot ${p.net >= 0 ? 'up' : 'down'}`, cx: x(p.cycle).toFixed(1), cy: y(p.net).toFixed(1), r: 2.5 }));
  return svg;
}

const CHECK_ICON: Record<CheckRow['status'], string> = { pass: '✓', warn: '!', fail: '✕', skip: '–', running: '…' };

function renderChecks(): void {
  const c = state!.checks;
  const head: Node[] = [];
  if (c.running) head.push(h('vscode-progress-ring', { class: 'small-ring' }), h('span', {}, 'Running the setup checks…'));
  else if (c.error) head.push(h('span', { class: 'down', id: 'checks-error' }, c.error));
  else if (c.verdict) {
    head.push(
      h('span', { class: `badge badge-${c.verdict}`, id: 'checks-verdict' }, c.verdict.toUpperCase()),
      h('span', { class: 'muted' }, `${c.target ?? ''}${c.durationMs !== undefined ? ` · ${Math.round(c.durationMs)} ms` : ''}${c.startedAt ? ` · ${new Date(c.startedAt).toLocaleTimeString()}` : ''}`),
    );
    if (c.server) head.push(h('span', { class: 'muted', id: 'checks-server' }, ` · ${c.server}`));
  } else head.push(h('span', { class: 'muted' }, 'Not run yet. The checks find out why a connection to TWS does not come up, and say how to fix it.'));
  checksHead.replaceChildren(...head);
  // Failures first, as the CLI prints them.
  const order: Record<string, number> = { fail: 0, warn: 1, running: 2, pass: 3, skip: 4 };
  const rows = [...c.checks].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9));
  checksList.replaceChildren(
    ...rows.map((r) => {
      const ev = r.evidence.length
        ? h('details', {}, h('summary', {}, `Evidence (${r.evidence.length})`), h('table', { class: 'evidence' }, ...r.evidence.map((e) => h('tr', {}, h('td', {}, e.step), h('td', {}, e.detail), h('td', { class: 'num' }, e.ms ? `${e.ms} ms` : '')))))
        : '';
      return h(
        'div',
        { class: `check check-${r.status}`, id: `check-${r.id}`, 'data-status': r.status, 'data-cause': r.cause },
        h('div', { class: 'check-title' }, h('span', { class: `icon icon-${r.status}`, 'aria-label': r.status }, CHECK_ICON[r.status]), h('strong', {}, r.title), h('span', { class: 'muted small' }, r.status)),
        h('div', { class: 'finding' }, r.finding),
        r.fix ? h('div', { class: 'fix' }, h('span', { class: 'fix-label' }, 'Fix: '), r.fix) : '',
        ev,
      );
    }),
  );
}

function renderBacktest(): void {
  const b = state!.backtest;
  const head: Node[] = [];
  if (b.running) head.push(h('vscode-progress-ring', { class: 'small-ring' }), h('span', {}, 'Backtesting…'));
  if (b.error) head.push(h('span', { class: 'down', id: 'backtest-error' }, b.error));
  if (!b.running && !b.error && !b.html) head.push(h('span', { class: 'muted' }, 'Run the policy over the S&P 500 (2015 onwards by default) through the session\'s features, sizing, risk checks and costs.'));
  backtestHead.replaceChildren(...head);
  // The report body comes from the policy's renderer: tables and inline SVG, no scripts or styles (and the CSP allows none).
  if (backtestBody.getAttribute('data-title') !== (b.title ?? '')) {
    backtestBody.innerHTML = b.html ?? '';
    backtestBody.setAttribute('data-title', b.title ?? '');
  }
}

// ------------------------------------------------------------------ messages

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isHostToWebview(e.data)) {
    dropped++;
    document.body.setAttribute('data-dropped', String(dropped));
    return;
  }
  apply(e.data);
});
vscode.postMessage({ type: 'ready' });
