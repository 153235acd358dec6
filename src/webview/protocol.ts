// Typed messages between the extension host and the trading panel (types only: both the
// host bundle and the webview bundle compile this file). The webview says `ready` first;
// the host answers with a full `snapshot`, then sends one message per topic as the topic
// changes (coalesced on the host: at most one per topic per 100 ms). Every message is
// checked by the guards in validate.ts on receipt; anything else is dropped.

export type Tab = 'positions' | 'orders' | 'decisions' | 'session' | 'checks' | 'backtest';

/** Where a configuration value came from (the setup checks' resolver words it). */
export interface ValueSources {
  readonly host: string;
  readonly port: string;
  readonly clientId: string;
}

export type ConnectionStatus = 'restricted' | 'off' | 'connecting' | 'ready' | 'reconnecting' | 'failed';

export interface ConnectionView {
  readonly status: ConnectionStatus;
  /** SIM: the embedded simulator; PAPER: a paper account (DU...); LIVE: a live account. */
  readonly badge?: 'PAPER' | 'LIVE' | 'SIM';
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
}

export interface OrderRow {
  readonly orderId: number;
  readonly symbol: string;
  readonly action: string;
  readonly quantity: number;
  readonly type: string;
  /** our lifecycle state: submitted, filled, cancelled, rejected ... */
  readonly status: string;
  readonly filled: number;
  readonly remaining: number;
  readonly avgFillPrice: number;
  readonly orderRef?: string;
  readonly note?: string;
  readonly updatedAt: number;
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
  readonly net: number;
}

export interface SessionNotice {
  readonly at: number;
  readonly level: 'info' | 'warn';
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
  /** the session summary as text, once it ended */
  readonly summary?: string;
  readonly journalPath?: string;
  readonly notices: readonly SessionNotice[];
}

export type CheckStatusView = 'pass' | 'warn' | 'fail' | 'skip' | 'running';

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
  readonly verdict?: 'pass' | 'warn' | 'fail';
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

export interface PanelState {
  readonly connection: ConnectionView;
  readonly positions: readonly PositionRow[];
  readonly orders: readonly OrderRow[];
  readonly decisions: readonly DecisionRow[];
  readonly session: SessionView;
  readonly checks: ChecksView;
  readonly backtest: BacktestView;
}

export type HostToWebview =
  | { readonly type: 'snapshot'; readonly state: PanelState }
  | { readonly type: 'connection'; readonly connection: ConnectionView }
  | { readonly type: 'positions'; readonly rows: readonly PositionRow[] }
  | { readonly type: 'orders'; readonly rows: readonly OrderRow[] }
  /** decisions since the last message (appended; the panel keeps the newest ones) */
  | { readonly type: 'decisions'; readonly rows: readonly DecisionRow[] }
  | { readonly type: 'session'; readonly session: SessionView }
  | { readonly type: 'checks'; readonly checks: ChecksView }
  | { readonly type: 'backtest'; readonly backtest: BacktestView }
  | { readonly type: 'showTab'; readonly tab: Tab };

/** Buttons of the panel; each runs the command of the same name (as the Command Palette does). */
export type PanelAction =
  | 'connect'
  | 'disconnect'
  | 'startSession'
  | 'stopSession'
  | 'killSwitch'
  | 'runChecks'
  | 'copyChecksReport'
  | 'runBacktest'
  | 'openBacktestReport'
  | 'startSimulator'
  | 'showLog';

export type WebviewToHost = { readonly type: 'ready' } | { readonly type: 'action'; readonly action: PanelAction };
