// Type guards for the panel's messages, one per direction, shared by the extension host and
// the webview (no DOM, no vscode). A message that fails its guard is dropped by the receiver.
import type {
  BacktestView,
  CheckRow,
  ChecksView,
  ConnectionView,
  DecisionRow,
  HostToWebview,
  OrderRow,
  PanelAction,
  PanelState,
  PositionRow,
  SessionView,
  Tab,
  WebviewToHost,
} from './protocol';

export const TABS: readonly Tab[] = ['positions', 'orders', 'decisions', 'session', 'checks', 'backtest'];

export const PANEL_ACTIONS: readonly PanelAction[] = [
  'connect',
  'disconnect',
  'startSession',
  'stopSession',
  'killSwitch',
  'runChecks',
  'copyChecksReport',
  'runBacktest',
  'openBacktestReport',
  'startSimulator',
  'showLog',
];

type Rec = Record<string, unknown>;

const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const optStr = (v: unknown): boolean => v === undefined || isStr(v);
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
const arrayOf = <T>(v: unknown, item: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every(item);
const oneOf = <T extends string>(v: unknown, values: readonly T[]): v is T => isStr(v) && (values as readonly string[]).includes(v);

export function isTab(v: unknown): v is Tab {
  return oneOf(v, TABS);
}

export function isConnectionView(v: unknown): v is ConnectionView {
  if (!isObj(v)) return false;
  if (!oneOf(v.status, ['restricted', 'off', 'connecting', 'ready', 'reconnecting', 'failed'] as const)) return false;
  if (v.badge !== undefined && !oneOf(v.badge, ['PAPER', 'LIVE', 'SIM'] as const)) return false;
  if (!isStr(v.detail) || !optStr(v.account) || !optStr(v.host) || !optNum(v.port) || !optNum(v.clientId)) return false;
  if (v.sources !== undefined && !(isObj(v.sources) && isStr(v.sources.host) && isStr(v.sources.port) && isStr(v.sources.clientId))) return false;
  if (v.simulator !== undefined && !(isObj(v.simulator) && isStr(v.simulator.host) && isNum(v.simulator.port) && isStr(v.simulator.account))) return false;
  return true;
}

export function isPositionRow(v: unknown): v is PositionRow {
  return isObj(v) && isStr(v.key) && isStr(v.symbol) && isStr(v.secType) && isNum(v.quantity) && isNum(v.avgCost) && optNum(v.last) && optNum(v.unrealized);
}

export function isOrderRow(v: unknown): v is OrderRow {
  return (
    isObj(v) &&
    isNum(v.orderId) &&
    isStr(v.symbol) &&
    isStr(v.action) &&
    isNum(v.quantity) &&
    isStr(v.type) &&
    isStr(v.status) &&
    isNum(v.filled) &&
    isNum(v.remaining) &&
    isNum(v.avgFillPrice) &&
    optStr(v.orderRef) &&
    optStr(v.note) &&
    isNum(v.updatedAt)
  );
}

export function isDecisionRow(v: unknown): v is DecisionRow {
  return (
    isObj(v) &&
    isNum(v.seq) &&
    isNum(v.cycle) &&
    isStr(v.symbol) &&
    isNum(v.marketTime) &&
    isStr(v.features) &&
    isStr(v.action) &&
    isStr(v.verdict) &&
    isBool(v.blocked) &&
    isStr(v.order) &&
    isStr(v.outcome) &&
    isStr(v.reason)
  );
}

export function isSessionView(v: unknown): v is SessionView {
  if (!isObj(v)) return false;
  if (!isStr(v.state) || !isBool(v.active) || !isNum(v.cycle) || !isNum(v.cycles) || !arrayOf(v.symbols, isStr)) return false;
  if (!optStr(v.reason) || !optStr(v.sessionId) || !optStr(v.mode) || !optStr(v.account) || !optStr(v.summary) || !optStr(v.journalPath)) return false;
  if (v.pnl !== undefined && !(isObj(v.pnl) && isNum(v.pnl.net) && isNum(v.pnl.realized) && isNum(v.pnl.unrealized) && isNum(v.pnl.commissions))) return false;
  if (!arrayOf(v.points, (p): p is { cycle: number; net: number } => isObj(p) && isNum(p.cycle) && isNum(p.net))) return false;
  return arrayOf(v.notices, (n): n is SessionView['notices'][number] => isObj(n) && isNum(n.at) && oneOf(n.level, ['info', 'warn'] as const) && isStr(n.message));
}

export function isCheckRow(v: unknown): v is CheckRow {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.title) &&
    oneOf(v.status, ['pass', 'warn', 'fail', 'skip', 'running'] as const) &&
    isStr(v.finding) &&
    isStr(v.fix) &&
    optStr(v.cause) &&
    arrayOf(v.evidence, (e): e is CheckRow['evidence'][number] => isObj(e) && isStr(e.step) && isStr(e.detail) && isNum(e.ms))
  );
}

export function isChecksView(v: unknown): v is ChecksView {
  if (!isObj(v) || !isBool(v.running) || !arrayOf(v.checks, isCheckRow)) return false;
  if (v.verdict !== undefined && !oneOf(v.verdict, ['pass', 'warn', 'fail'] as const)) return false;
  return optStr(v.target) && optStr(v.server) && optStr(v.startedAt) && optNum(v.durationMs) && optStr(v.error);
}

export function isBacktestView(v: unknown): v is BacktestView {
  return isObj(v) && isBool(v.running) && optStr(v.error) && optStr(v.title) && optStr(v.html) && optStr(v.htmlPath);
}

export function isPanelState(v: unknown): v is PanelState {
  return (
    isObj(v) &&
    isConnectionView(v.connection) &&
    arrayOf(v.positions, isPositionRow) &&
    arrayOf(v.orders, isOrderRow) &&
    arrayOf(v.decisions, isDecisionRow) &&
    isSessionView(v.session) &&
    isChecksView(v.checks) &&
    isBacktestView(v.backtest)
  );
}

/** A message from the host, as the webview receives it. */
export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'snapshot':
      return isPanelState(v.state);
    case 'connection':
      return isConnectionView(v.connection);
    case 'positions':
      return arrayOf(v.rows, isPositionRow);
    case 'orders':
      return arrayOf(v.rows, isOrderRow);
    case 'decisions':
      return arrayOf(v.rows, isDecisionRow);
    case 'session':
      return isSessionView(v.session);
    case 'checks':
      return isChecksView(v.checks);
    case 'backtest':
      return isBacktestView(v.backtest);
    case 'showTab':
      return isTab(v.tab);
    default:
      return false;
  }
}

/** A message from the webview, as the host receives it. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v)) return false;
  // Own properties only, and nothing else: an inherited `type` or an extra key is not the protocol.
  const keys = Object.keys(v);
  if (!keys.includes('type')) return false;
  switch (v.type) {
    case 'ready':
      return keys.length === 1;
    case 'action':
      return keys.length === 2 && keys.includes('action') && oneOf(v.action, PANEL_ACTIONS);
    default:
      return false;
  }
}
