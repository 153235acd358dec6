// Typed messages between the extension host and the trading panel (both the host bundle and
// the webview bundle compile this file: types and constant lists, no code). The webview says
// `ready` first; the host answers with a full `snapshot`, then sends one message per topic as
// the topic changes (coalesced on the host: at most one per topic per 100 ms). Every message
// is checked by the guards in validate.ts on receipt; anything else is dropped.
//
// Each union is written once: a literal union as an `as const` list (its type derived from
// the list), a message union as a map from each type of message to its fields. validate.ts
// builds its guards from the same lists and maps, so a message or a value without a guard,
// or a guard without a message, does not compile (and test/unit/webview checks both ways).

export const TABS = ['positions', 'watchlist', 'orders', 'decisions', 'session', 'history', 'checks', 'backtest'] as const;
export type Tab = (typeof TABS)[number];

/** Where a configuration value came from (the setup checks' resolver words it). */
export interface ValueSources {
  readonly host: string;
  readonly port: string;
  readonly clientId: string;
}

export const CONNECTION_STATUSES = ['restricted', 'off', 'connecting', 'ready', 'reconnecting', 'failed'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** SIM: the embedded simulator; PAPER: a paper account (DU...); LIVE: a live account. */
export const ACCOUNT_BADGES = ['PAPER', 'LIVE', 'SIM'] as const;
export type AccountBadge = (typeof ACCOUNT_BADGES)[number];

export interface ConnectionView {
  readonly status: ConnectionStatus;
  readonly badge?: AccountBadge;
  readonly account?: string;
  readonly host?: string;
  readonly port?: number;
  readonly clientId?: number;
  readonly sources?: ValueSources;
  /** One line: what is going on, or why it failed (the setup checks' finding). */
  readonly detail: string;
  /** The embedded simulator, while it runs. */
  readonly simulator?: { readonly host: string; readonly port: number; readonly account: string };
}

export interface PositionRow {
  /** account:conId */
  readonly key: string;
  readonly symbol: string;
  readonly secType: string;
  readonly quantity: number;
  /** per share (IB's average cost divided by the multiplier) */
  readonly avgCost: number;
  readonly last?: number;
  readonly unrealized?: number;
  /** price x quantity x multiplier, in the account's currency */
  readonly marketValue?: number;
  /** market value as a percentage of the account's net liquidation */
  readonly pctOfNetLiq?: number;
  /** the day's P&L of this position (TWS's reqPnLSingle) */
  readonly dayChange?: number;
  /** whose shares these are: the AI session's book, external (the user's, other programs'), or both */
  readonly owner?: PositionOwner;
  /** the session book's shares of this position, when a session's book is known */
  readonly bookQuantity?: number;
}

export const POSITION_OWNERS = ['session', 'external', 'shared'] as const;
export type PositionOwner = (typeof POSITION_OWNERS)[number];

/** The account strip: TWS's account values and P&L, in the account's currency. */
export interface AccountView {
  readonly account?: string;
  /** ISO code, e.g. USD */
  readonly currency?: string;
  readonly netLiquidation?: number;
  readonly cash?: number;
  readonly buyingPower?: number;
  /** today's P&L, realized and unrealized (TWS's reqPnL) */
  readonly dailyPnl?: number;
  readonly realizedPnl?: number;
  readonly unrealizedPnl?: number;
  /** epoch ms of the latest account value */
  readonly updatedAt?: number;
}

export interface WatchlistRow {
  readonly symbol: string;
  /** traded by the current (or last) AI session */
  readonly inSession: boolean;
  /** in the user's list (the ibkrAi.watchlist setting): removable from the panel */
  readonly inUserList: boolean;
  readonly bid?: number;
  readonly ask?: number;
  readonly last?: number;
  /** last minus the previous close */
  readonly change?: number;
  /** the change as a percentage of the previous close */
  readonly changePct?: number;
  /** TWS sends delayed data (no market data subscription) */
  readonly delayed: boolean;
  /** why there are no quotes (unknown symbol, no permission ...) */
  readonly error?: string;
}

export interface WatchlistView {
  readonly rows: readonly WatchlistRow[];
  /** the last edit from the panel that was refused, and why */
  readonly error?: string;
}

/** One execution of an order, as the blotter shows it. */
export interface FillRow {
  readonly execId: string;
  readonly shares: number;
  readonly price: number;
  /** epoch ms: when the fill was seen (live) or journaled (history) */
  readonly at: number;
  readonly commission?: number;
}

/**
 * One order of the blotter. Rows are kept per session and connection: keyed by the orderRef
 * (it names its session and is never sent twice), else by the connection and the order id
 * (TWS reuses order ids across sessions and connections).
 */
export interface OrderRow {
  readonly key: string;
  readonly orderId: number;
  /** the session that placed it (from its orderRef); absent for orders of other tools */
  readonly sessionId?: string;
  readonly symbol: string;
  /** an option or a combo: what it is, e.g. `NVDA 20261218 150C`, `NVDA combo (+1 20261218 150C, -1 20261218 155C)` */
  readonly contract?: string;
  readonly action: string;
  /** shares, contracts, or combos */
  readonly quantity: number;
  readonly type: string;
  /** our lifecycle state: submitted, filled, cancelled, rejected ... */
  readonly status: string;
  readonly filled: number;
  readonly remaining: number;
  readonly avgFillPrice: number;
  readonly orderRef?: string;
  readonly note?: string;
  /** epoch ms: first seen */
  readonly placedAt: number;
  readonly updatedAt: number;
  readonly fills: readonly FillRow[];
  /** the commissions of its fills */
  readonly commission: number;
  /** the price the decision was made at (the bar's close), when a session decision placed it */
  readonly decisionPrice?: number;
  /** epoch ms: the market time of that decision (where its fills go on the price chart) */
  readonly decisionTime?: number;
  /** per share, signed so that positive costs money: BUY avg fill - decision price, SELL the reverse */
  readonly slippage?: number;
  /** a working order while the connection is down: its state may be out of date */
  readonly stale: boolean;
}

export interface ActionProbability {
  readonly label: string;
  readonly p: number;
  readonly chosen?: boolean;
}

export interface DecisionRow {
  /** increasing per decision of the extension host's life */
  readonly seq: number;
  readonly cycle: number;
  readonly symbol: string;
  readonly marketTime: number;
  /** e.g. "close 127.33 · logReturn(lag=1)=0.0007 · rsi=51.2" */
  readonly features: string;
  /** the model's output, e.g. "buy (target 1)" */
  readonly action: string;
  /** the model's action probabilities, the one taken marked: every action's (a logits head, in its manifest's order) or the taken one's alone (an index head with a log_prob output) */
  readonly probabilities?: readonly ActionProbability[];
  /** a continuous model's output before the clip to its [low, high] */
  readonly raw?: number;
  /** "ok" or "BLOCKED maxOrderQuantity: ..."; "" when no order was wanted */
  readonly verdict: string;
  readonly blocked: boolean;
  /** "BUY 261 → filled 261 @ 127.28", "no order" ... */
  readonly order: string;
  readonly outcome: string;
  readonly reason: string;
}

export interface PnlPoint {
  readonly cycle: number;
  /** epoch ms: the cycle's market time */
  readonly at: number;
  readonly net: number;
}

/** One symbol's line of a session summary. */
export interface SummarySymbolRow {
  readonly symbol: string;
  readonly orders: number;
  readonly fills: number;
  readonly bought: number;
  readonly sold: number;
  readonly position: number;
  readonly mark?: number;
  readonly realized: number;
  readonly unrealized: number;
  readonly commissions: number;
  readonly net: number;
}

/** A session's summary as data (the panel draws it as a table). */
export interface SummaryView {
  readonly sessionId: string;
  readonly mode: string;
  readonly account: string;
  readonly status?: string;
  readonly reason?: string;
  readonly cyclesDone: number;
  readonly cyclesPlanned: number;
  readonly restarts: number;
  readonly decisions: number;
  readonly orders: {
    readonly total: number;
    readonly filled: number;
    readonly partiallyFilled: number;
    readonly cancelled: number;
    readonly rejected: number;
    /** refused before TWS, or never found there */
    readonly notSent: number;
    readonly working: number;
  };
  readonly blocked: ReadonlyArray<{ readonly rule: string; readonly count: number }>;
  readonly trades: number;
  readonly perSymbol: readonly SummarySymbolRow[];
  readonly totals: { readonly realized: number; readonly unrealized: number; readonly commissions: number; readonly net: number };
  readonly riskStop?: string;
}

/** One execution of a past session, from its journal. */
export interface TradeRow {
  readonly execId: string;
  /** epoch ms it was journaled */
  readonly at: number;
  readonly orderRef: string;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: string;
  readonly shares: number;
  readonly price: number;
  readonly commission?: number;
  readonly decisionPrice?: number;
  /** epoch ms: the market time of the decision that placed the order */
  readonly decisionTime?: number;
  /** per share, positive costs money (see OrderRow.slippage) */
  readonly slippage?: number;
}

/** A bar close of a symbol, for its price chart. */
export interface PricePoint {
  readonly at: number;
  readonly price: number;
}

/** A past session found in the journal folder. */
export interface HistorySession {
  readonly sessionId: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly symbols: readonly string[];
  readonly summary: SummaryView;
  readonly points: readonly PnlPoint[];
  /** per symbol: the decision bars' closes */
  readonly prices: ReadonlyArray<{ readonly symbol: string; readonly points: readonly PricePoint[] }>;
  /** the newest executions (at most the host's limit; `tradesTotal` says how many there are) */
  readonly trades: readonly TradeRow[];
  readonly tradesTotal: number;
  /** the newest decisions (at most the host's limit; `decisionsTotal` says how many there are) */
  readonly decisions: readonly DecisionRow[];
  readonly decisionsTotal: number;
}

export interface HistoryView {
  /** the journal folder read */
  readonly dir?: string;
  readonly loading: boolean;
  readonly error?: string;
  /** newest first */
  readonly sessions: readonly HistorySession[];
  /** journals that could not be read, with why */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
}

export const NOTICE_LEVELS = ['info', 'warn'] as const;

export interface SessionNotice {
  readonly at: number;
  readonly level: (typeof NOTICE_LEVELS)[number];
  readonly message: string;
}

export interface SessionView {
  /** idle when no session ran yet */
  readonly state: string;
  readonly active: boolean;
  readonly reason?: string;
  readonly sessionId?: string;
  readonly mode?: string;
  readonly account?: string;
  readonly symbols: readonly string[];
  readonly cycle: number;
  readonly cycles: number;
  readonly pnl?: { readonly net: number; readonly realized: number; readonly unrealized: number; readonly commissions: number };
  readonly points: readonly PnlPoint[];
  /** per symbol: the closes of the bars the session decided on (its price chart; fills come from the blotter) */
  readonly prices: ReadonlyArray<{ readonly symbol: string; readonly points: readonly PricePoint[] }>;
  /** the session summary as text, once it ended */
  readonly summary?: string;
  /** the same summary as data (drawn as a table) */
  readonly summaryTable?: SummaryView;
  readonly journalPath?: string;
  readonly notices: readonly SessionNotice[];
}

export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip', 'running'] as const;
export type CheckStatusView = (typeof CHECK_STATUSES)[number];

export const CHECK_VERDICTS = ['pass', 'warn', 'fail'] as const;

export interface CheckRow {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatusView;
  readonly finding: string;
  readonly evidence: ReadonlyArray<{ readonly step: string; readonly detail: string; readonly ms: number }>;
  readonly fix: string;
  readonly cause?: string;
}

export interface ChecksView {
  readonly running: boolean;
  readonly verdict?: (typeof CHECK_VERDICTS)[number];
  /** host:port checked */
  readonly target?: string;
  /** what answered, e.g. "IBKR AI Trader embedded simulator, server version 176, ..." */
  readonly server?: string;
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly checks: readonly CheckRow[];
  /** the checks could not run at all (e.g. Restricted Mode) */
  readonly error?: string;
}

export interface BacktestView {
  readonly running: boolean;
  readonly error?: string;
  /** e.g. "ppo-sp500 on SPX 2015-01-02..2020-04-17" */
  readonly title?: string;
  /** the report body rendered by the policy's report renderer (no scripts, no styles) */
  readonly html?: string;
  readonly htmlPath?: string;
}

/** The topics of the panel's state: one field of PanelState and one delta message each. */
export const TOPICS = ['connection', 'account', 'positions', 'watchlist', 'orders', 'decisions', 'session', 'checks', 'backtest', 'history'] as const;
export type Topic = (typeof TOPICS)[number];

export interface PanelState {
  readonly connection: ConnectionView;
  readonly account: AccountView;
  readonly positions: readonly PositionRow[];
  readonly watchlist: WatchlistView;
  readonly orders: readonly OrderRow[];
  readonly decisions: readonly DecisionRow[];
  readonly session: SessionView;
  readonly checks: ChecksView;
  readonly backtest: BacktestView;
  readonly history: HistoryView;
}

/** Host -> webview: the snapshot, one delta per topic, and a tab to show. */
export const HOST_MESSAGE_TYPES = ['snapshot', ...TOPICS, 'showTab'] as const;
export type HostMessageType = (typeof HOST_MESSAGE_TYPES)[number];

/** The fields of each message from the host, besides its `type`. */
export interface HostMessageFields {
  snapshot: { state: PanelState };
  connection: { connection: ConnectionView };
  account: { account: AccountView };
  positions: { rows: readonly PositionRow[] };
  watchlist: { watchlist: WatchlistView };
  orders: { rows: readonly OrderRow[] };
  /** decisions since the last message (appended; the panel keeps the newest ones) */
  decisions: { rows: readonly DecisionRow[] };
  session: { session: SessionView };
  checks: { checks: ChecksView };
  backtest: { backtest: BacktestView };
  history: { history: HistoryView };
  showTab: { tab: Tab };
}

export type HostToWebview = { [K in HostMessageType]: { readonly type: K } & Readonly<HostMessageFields[K]> }[HostMessageType];

/** Buttons of the panel; each runs the command of the same name (as the Command Palette does). */
export const PANEL_ACTIONS = [
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
  'placeOrder',
  'flattenPosition',
  'flattenBook',
  'refreshHistory',
  'exportHistoryCsv',
] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

/** Edits of the user's watchlist (the ibkrAi.watchlist setting) from the panel. */
export const WATCHLIST_OPS = ['add', 'remove'] as const;
export type WatchlistOp = (typeof WATCHLIST_OPS)[number];

/**
 * Buttons on one row of the orders grid: the command of the same name with the row's order
 * id. The host asks everything else (a modification's values in its own input boxes) and
 * changes only orders of the order ticket.
 */
export const ORDER_ACTIONS = ['modifyOrder', 'cancelOrder'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/**
 * Webview -> host: `ready` (send me a snapshot), a button's action, a row's order action and
 * an edit of the watchlist (the host checks the symbol and writes the setting). Nothing else:
 * no message carries an order's side, quantity or price.
 */
export const WEBVIEW_MESSAGE_TYPES = ['ready', 'action', 'orderAction', 'editWatchlist'] as const;
export type WebviewMessageType = (typeof WEBVIEW_MESSAGE_TYPES)[number];

/** The fields of each message from the webview, besides its `type`: exactly these. */
export interface WebviewMessageFields {
  ready: Record<never, never>;
  action: { action: PanelAction };
  orderAction: { action: OrderAction; orderId: number };
  editWatchlist: { op: WatchlistOp; symbol: string };
}

export type WebviewToHost = { [K in WebviewMessageType]: { readonly type: K } & Readonly<WebviewMessageFields[K]> }[WebviewMessageType];

// Compile-time: the field maps hold exactly the listed types, and PanelState exactly the topics.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _ProtocolIsConsistent = [
  Expect<Exactly<keyof HostMessageFields, HostMessageType>>,
  Expect<Exactly<keyof WebviewMessageFields, WebviewMessageType>>,
  Expect<Exactly<keyof PanelState, Topic>>,
];
type Expect<T extends true> = T;
