// Type guards for the panel's messages, one per direction, shared by the extension host and
// the webview (no DOM, no vscode). A message that fails its guard is dropped by the receiver.
// Every guard is built from protocol.ts: the literal values from its `as const` lists, each
// view from a spec naming a guard for every field of its interface (a field without a guard,
// or a guard of the wrong type, does not compile), each message from a table keyed by the
// protocol's message map.
import {
  ACCOUNT_BADGES,
  CHECK_STATUSES,
  CHECK_VERDICTS,
  CONNECTION_STATUSES,
  HOST_MESSAGE_TYPES,
  NOTICE_LEVELS,
  ORDER_ACTIONS,
  PANEL_ACTIONS,
  POSITION_OWNERS,
  TABS,
  WATCHLIST_OPS,
  WEBVIEW_MESSAGE_TYPES,
  type AccountView,
  type ActionProbability,
  type BacktestView,
  type CheckRow,
  type ChecksView,
  type ConnectionView,
  type DecisionRow,
  type FillRow,
  type HistorySession,
  type HistoryView,
  type PricePoint,
  type SummarySymbolRow,
  type SummaryView,
  type TradeRow,
  type HostMessageFields,
  type HostToWebview,
  type OrderRow,
  type PanelState,
  type PnlPoint,
  type PositionRow,
  type SessionNotice,
  type SessionView,
  type Tab,
  type ValueSources,
  type WatchlistRow,
  type WatchlistView,
  type WebviewMessageFields,
  type WebviewToHost,
} from './protocol';

type Rec = Record<string, unknown>;
export type Guard<T> = (v: unknown) => v is T;

const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr: Guard<string> = (v): v is string => typeof v === 'string';
const isNum: Guard<number> = (v): v is number => typeof v === 'number' && !Number.isNaN(v);
const isBool: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const opt =
  <T>(g: Guard<T>): Guard<T | undefined> =>
  (v): v is T | undefined =>
    v === undefined || g(v);
const arrayOf =
  <T>(g: Guard<T>): Guard<readonly T[]> =>
  (v): v is readonly T[] =>
    Array.isArray(v) && v.every(g);
const oneOf = <T extends string>(values: readonly T[]): Guard<T> => {
  const set = new Set<string>(values);
  return (v): v is T => isStr(v) && set.has(v);
};

/** A guard for every field of T (optional ones included), each of the field's own type. */
type Spec<T> = { readonly [K in keyof T]-?: Guard<T[K]> };

/** An object whose every field of `spec` passes its guard (fields not in the spec are ignored). */
function shape<T>(spec: Spec<T>): Guard<T> {
  const fields = Object.entries(spec) as Array<[string, Guard<unknown>]>;
  return (v): v is T => isObj(v) && fields.every(([k, g]) => g(v[k]));
}

export const isTab: Guard<Tab> = oneOf(TABS);

/** A TWS order id: a whole number from 1 (TWS's ids are 32-bit). */
const isOrderId: Guard<number> = (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2_147_483_647;

export const isConnectionView: Guard<ConnectionView> = shape<ConnectionView>({
  status: oneOf(CONNECTION_STATUSES),
  badge: opt(oneOf(ACCOUNT_BADGES)),
  account: opt(isStr),
  host: opt(isStr),
  port: opt(isNum),
  clientId: opt(isNum),
  sources: opt(shape<ValueSources>({ host: isStr, port: isStr, clientId: isStr })),
  detail: isStr,
  simulator: opt(shape<NonNullable<ConnectionView['simulator']>>({ host: isStr, port: isNum, account: isStr })),
});

export const isPositionRow: Guard<PositionRow> = shape<PositionRow>({
  key: isStr,
  symbol: isStr,
  secType: isStr,
  quantity: isNum,
  avgCost: isNum,
  last: opt(isNum),
  unrealized: opt(isNum),
  marketValue: opt(isNum),
  pctOfNetLiq: opt(isNum),
  dayChange: opt(isNum),
  owner: opt(oneOf(POSITION_OWNERS)),
  bookQuantity: opt(isNum),
});

export const isAccountView: Guard<AccountView> = shape<AccountView>({
  account: opt(isStr),
  currency: opt(isStr),
  netLiquidation: opt(isNum),
  cash: opt(isNum),
  buyingPower: opt(isNum),
  dailyPnl: opt(isNum),
  realizedPnl: opt(isNum),
  unrealizedPnl: opt(isNum),
  updatedAt: opt(isNum),
});

export const isWatchlistRow: Guard<WatchlistRow> = shape<WatchlistRow>({
  symbol: isStr,
  inSession: isBool,
  inUserList: isBool,
  bid: opt(isNum),
  ask: opt(isNum),
  last: opt(isNum),
  change: opt(isNum),
  changePct: opt(isNum),
  delayed: isBool,
  error: opt(isStr),
});

export const isWatchlistView: Guard<WatchlistView> = shape<WatchlistView>({ rows: arrayOf(isWatchlistRow), error: opt(isStr) });
export const isFillRow: Guard<FillRow> = shape<FillRow>({ execId: isStr, shares: isNum, price: isNum, at: isNum, commission: opt(isNum) });

export const isOrderRow: Guard<OrderRow> = shape<OrderRow>({
  key: isStr,
  orderId: isNum,
  sessionId: opt(isStr),
  symbol: isStr,
  contract: opt(isStr),
  action: isStr,
  quantity: isNum,
  type: isStr,
  status: isStr,
  filled: isNum,
  remaining: isNum,
  avgFillPrice: isNum,
  orderRef: opt(isStr),
  note: opt(isStr),
  placedAt: isNum,
  updatedAt: isNum,
  fills: arrayOf(isFillRow),
  commission: isNum,
  decisionPrice: opt(isNum),
  decisionTime: opt(isNum),
  slippage: opt(isNum),
  stale: isBool,
});

export const isDecisionRow: Guard<DecisionRow> = shape<DecisionRow>({
  seq: isNum,
  cycle: isNum,
  symbol: isStr,
  marketTime: isNum,
  features: isStr,
  action: isStr,
  probabilities: opt(arrayOf(shape<ActionProbability>({ label: isStr, p: isNum, chosen: opt(isBool) }))),
  raw: opt(isNum),
  verdict: isStr,
  blocked: isBool,
  order: isStr,
  outcome: isStr,
  reason: isStr,
});

const isSymbolPrices: Guard<SessionView['prices'][number]> = shape<SessionView['prices'][number]>({
  symbol: isStr,
  points: arrayOf(shape<PricePoint>({ at: isNum, price: isNum })),
});

const isPnlPoint: Guard<PnlPoint> = shape<PnlPoint>({ cycle: isNum, at: isNum, net: isNum });

export const isSummaryView: Guard<SummaryView> = shape<SummaryView>({
  sessionId: isStr,
  mode: isStr,
  account: isStr,
  status: opt(isStr),
  reason: opt(isStr),
  cyclesDone: isNum,
  cyclesPlanned: isNum,
  restarts: isNum,
  decisions: isNum,
  orders: shape<SummaryView['orders']>({
    total: isNum,
    filled: isNum,
    partiallyFilled: isNum,
    cancelled: isNum,
    rejected: isNum,
    notSent: isNum,
    working: isNum,
  }),
  blocked: arrayOf(shape<SummaryView['blocked'][number]>({ rule: isStr, count: isNum })),
  trades: isNum,
  perSymbol: arrayOf(
    shape<SummarySymbolRow>({
      symbol: isStr,
      orders: isNum,
      fills: isNum,
      bought: isNum,
      sold: isNum,
      position: isNum,
      mark: opt(isNum),
      realized: isNum,
      unrealized: isNum,
      commissions: isNum,
      net: isNum,
    }),
  ),
  totals: shape<SummaryView['totals']>({ realized: isNum, unrealized: isNum, commissions: isNum, net: isNum }),
  riskStop: opt(isStr),
});

export const isSessionView: Guard<SessionView> = shape<SessionView>({
  state: isStr,
  active: isBool,
  reason: opt(isStr),
  sessionId: opt(isStr),
  mode: opt(isStr),
  account: opt(isStr),
  symbols: arrayOf(isStr),
  cycle: isNum,
  cycles: isNum,
  pnl: opt(shape<NonNullable<SessionView['pnl']>>({ net: isNum, realized: isNum, unrealized: isNum, commissions: isNum })),
  points: arrayOf(isPnlPoint),
  prices: arrayOf(isSymbolPrices),
  summary: opt(isStr),
  summaryTable: opt(isSummaryView),
  journalPath: opt(isStr),
  notices: arrayOf(shape<SessionNotice>({ at: isNum, level: oneOf(NOTICE_LEVELS), message: isStr })),
});

export const isCheckRow: Guard<CheckRow> = shape<CheckRow>({
  id: isStr,
  title: isStr,
  status: oneOf(CHECK_STATUSES),
  finding: isStr,
  evidence: arrayOf(shape<CheckRow['evidence'][number]>({ step: isStr, detail: isStr, ms: isNum })),
  fix: isStr,
  cause: opt(isStr),
});

export const isChecksView: Guard<ChecksView> = shape<ChecksView>({
  running: isBool,
  verdict: opt(oneOf(CHECK_VERDICTS)),
  target: opt(isStr),
  server: opt(isStr),
  startedAt: opt(isStr),
  durationMs: opt(isNum),
  checks: arrayOf(isCheckRow),
  error: opt(isStr),
});

export const isBacktestView: Guard<BacktestView> = shape<BacktestView>({
  running: isBool,
  error: opt(isStr),
  title: opt(isStr),
  html: opt(isStr),
  htmlPath: opt(isStr),
});

export const isTradeRow: Guard<TradeRow> = shape<TradeRow>({
  execId: isStr,
  at: isNum,
  orderRef: isStr,
  orderId: isNum,
  symbol: isStr,
  side: isStr,
  shares: isNum,
  price: isNum,
  commission: opt(isNum),
  decisionPrice: opt(isNum),
  decisionTime: opt(isNum),
  slippage: opt(isNum),
});

export const isHistorySession: Guard<HistorySession> = shape<HistorySession>({
  sessionId: isStr,
  startedAt: opt(isNum),
  endedAt: opt(isNum),
  symbols: arrayOf(isStr),
  summary: isSummaryView,
  points: arrayOf(isPnlPoint),
  prices: arrayOf(isSymbolPrices),
  trades: arrayOf(isTradeRow),
  tradesTotal: isNum,
  decisions: arrayOf(isDecisionRow),
  decisionsTotal: isNum,
});

export const isHistoryView: Guard<HistoryView> = shape<HistoryView>({
  dir: opt(isStr),
  loading: isBool,
  error: opt(isStr),
  sessions: arrayOf(isHistorySession),
  skipped: arrayOf(shape<HistoryView['skipped'][number]>({ file: isStr, reason: isStr })),
});

export const isPanelState: Guard<PanelState> = shape<PanelState>({
  connection: isConnectionView,
  account: isAccountView,
  positions: arrayOf(isPositionRow),
  watchlist: isWatchlistView,
  orders: arrayOf(isOrderRow),
  decisions: arrayOf(isDecisionRow),
  session: isSessionView,
  checks: isChecksView,
  backtest: isBacktestView,
  history: isHistoryView,
});

/** The guard of each message from the host, by type: exactly the protocol's types (compile-checked). */
export const HOST_MESSAGE_GUARDS: { readonly [K in keyof HostMessageFields]: Guard<HostMessageFields[K]> } = {
  snapshot: shape({ state: isPanelState }),
  connection: shape({ connection: isConnectionView }),
  account: shape({ account: isAccountView }),
  positions: shape({ rows: arrayOf(isPositionRow) }),
  watchlist: shape({ watchlist: isWatchlistView }),
  orders: shape({ rows: arrayOf(isOrderRow) }),
  decisions: shape({ rows: arrayOf(isDecisionRow) }),
  session: shape({ session: isSessionView }),
  checks: shape({ checks: isChecksView }),
  backtest: shape({ backtest: isBacktestView }),
  history: shape({ history: isHistoryView }),
  showTab: shape({ tab: isTab }),
};

const isHostMessageType = oneOf(HOST_MESSAGE_TYPES);

/** A message from the host, as the webview receives it. */
export function isHostToWebview(v: unknown): v is HostToWebview {
  return isObj(v) && isHostMessageType(v.type) && HOST_MESSAGE_GUARDS[v.type](v);
}

/**
 * Each message from the webview, by type: its fields besides `type` (exactly these: an extra
 * key is not the protocol) and their guard.
 */
export const WEBVIEW_MESSAGE_GUARDS: {
  readonly [K in keyof WebviewMessageFields]: { readonly fields: ReadonlyArray<keyof WebviewMessageFields[K]>; readonly guard: Guard<WebviewMessageFields[K]> };
} = {
  ready: { fields: [], guard: shape({}) },
  action: { fields: ['action'], guard: shape({ action: oneOf(PANEL_ACTIONS) }) },
  orderAction: { fields: ['action', 'orderId'], guard: shape({ action: oneOf(ORDER_ACTIONS), orderId: isOrderId }) },
  // The symbol is only a string here; the host checks it is a symbol before writing the setting.
  editWatchlist: { fields: ['op', 'symbol'], guard: shape({ op: oneOf(WATCHLIST_OPS), symbol: isStr }) },
};

const isWebviewMessageType = oneOf(WEBVIEW_MESSAGE_TYPES);

/** A message from the webview, as the host receives it. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v)) return false;
  // Own properties only, and nothing else: an inherited `type` or an extra key is not the protocol.
  const keys = Object.keys(v);
  if (!keys.includes('type') || !isWebviewMessageType(v.type)) return false;
  const m = WEBVIEW_MESSAGE_GUARDS[v.type];
  return keys.length === m.fields.length + 1 && m.fields.every((f) => keys.includes(f)) && m.guard(v);
}
