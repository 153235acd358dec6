// The state the trading panel, the tree view and the status bar show, kept as raw data and
// turned into the protocol's view rows only when a consumer asks (after coalescing), so a
// tick costs a map write. No vscode: unit-tested, and driven by the Trader in integration
// tests against the simulator.
import type { Position, TrackedOrder } from '../broker/types';
import { Blotter } from './blotter';
import { summaryView } from './summaryView';
import { describeServer } from '../doctor/serverInfo';
import type { Check, Report } from '../doctor/types';
import type { OrderUpdate } from '../session/orderManager';
import { ENDED_STATES, type SessionEvent } from '../session/sessionEvents';
import type { SessionSnapshot } from '../session/tradingSession';
import type { SessionSummary } from '../session/summary';
import type {
  BacktestView,
  ChecksView,
  ConnectionView,
  DecisionRow,
  HistoryView,
  HostToWebview,
  OrderRow,
  PanelState,
  PositionRow,
  SessionNotice,
  SessionView,
  SummaryView,
  Topic,
} from '../../webview/protocol';
import { AccountState } from './accountState';
import { DecisionLog } from './decisionLog';
import type { ConnectionHealth, SessionBadge } from './statusView';
import type { RunningSimulator } from './simulatorHost';
import { checkRow, connectionView, positionRow, type Portfolio } from './viewRows';
import { WatchlistState } from './watchlist';

/** The panel's topics (protocol.ts), re-exported for the consumers of the store. */
export type { Topic } from '../../webview/protocol';

export const LIMITS = { decisions: 500, orders: 200, points: 2000, notices: 50 } as const;

export class PanelStore {
  private readonly listeners = new Set<(topic: Topic) => void>();

  health: ConnectionHealth = { kind: 'off' };
  simulator: RunningSimulator | undefined;

  private positions = new Map<string, Position>();
  private readonly quotes = new Map<string, number>();
  private readonly portfolio = new Map<string, Portfolio>();
  private readonly blotter = new Blotter(LIMITS.orders);

  private readonly decisions = new DecisionLog(LIMITS.decisions);
  /** The account strip (values, P&L, the session's book) and the watchlist. */
  readonly account = new AccountState((topic) => this.changed(topic));
  readonly watchlist = new WatchlistState(() => this.changed('watchlist'));

  private session: {
    state: string;
    active: boolean;
    reason?: string;
    sessionId?: string;
    mode?: string;
    account?: string;
    symbols: readonly string[];
    cycle: number;
    cycles: number;
    pnl?: SessionView['pnl'];
    points: Array<{ cycle: number; at: number; net: number }>;
    prices: Map<string, Array<{ at: number; price: number }>>;
    summary?: string;
    summaryTable?: SummaryView;
    journalPath?: string;
    notices: SessionNotice[];
  } = { state: 'idle', active: false, symbols: [], cycle: 0, cycles: 0, points: [], prices: new Map(), notices: [] };

  private checks: ChecksView = { running: false, checks: [] };
  private backtest: BacktestView = { running: false };
  private history: HistoryView = { loading: false, sessions: [], skipped: [] };

  onChange(fn: (topic: Topic) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(topic: Topic): void {
    for (const fn of [...this.listeners]) fn(topic);
  }

  // ------------------------------------------------------------- connection

  setHealth(h: ConnectionHealth): void {
    this.health = h;
    this.changed('connection');
    if (this.blotter.setConnected(h.kind === 'ready')) this.changed('orders');
  }

  setSimulator(sim: RunningSimulator | undefined): void {
    this.simulator = sim;
    this.changed('connection');
  }

  connectionView(): ConnectionView {
    return connectionView(this.health, this.simulator);
  }

  // ------------------------------------------------------------- positions and orders

  setPositions(list: Iterable<Position>): void {
    const next = new Map<string, Position>();
    for (const p of list) if (p.quantity !== 0) next.set(keyOf(p), p);
    this.positions = next;
    this.changed('positions');
  }

  /** A price tick of a held contract: one map write, the view row is built at flush time. */
  setQuote(key: string, last: number): void {
    if (this.quotes.get(key) === last) return;
    this.quotes.set(key, last);
    if (this.positions.has(key)) this.changed('positions');
  }

  setPortfolio(items: Iterable<Position & { marketPrice: number; unrealizedPnl?: number }>): void {
    this.portfolio.clear();
    for (const it of items)
      this.portfolio.set(keyOf(it), { marketPrice: it.marketPrice, ...(it.unrealizedPnl !== undefined ? { unrealizedPnl: it.unrealizedPnl } : {}) });
    this.changed('positions');
  }

  positionKeys(): Position[] {
    return [...this.positions.values()];
  }

  positionRows(): PositionRow[] {
    return [...this.positions.entries()]
      .map(([k, p]) => this.account.decorate(positionRow(p, this.quotes.get(k), this.portfolio.get(k)), p))
      .sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  /** An order's state at TWS (the blotter keeps it per session and connection: see blotter.ts). */
  upsertOrder(o: TrackedOrder): void {
    this.blotter.upsert(o);
    this.changed('orders');
  }

  orderRows(): OrderRow[] {
    return this.blotter.rows();
  }

  clearBrokerData(): void {
    this.positions.clear();
    this.quotes.clear();
    this.portfolio.clear();
    this.account.clear();
    this.watchlist.clearQuotes();
    this.blotter.newConnection();
    this.changed('positions');
  }

  // ------------------------------------------------------------- session

  /** A new session: its configuration, before its first event. */
  beginSession(s: SessionSnapshot): void {
    this.session = {
      state: s.state,
      active: true,
      mode: s.mode,
      symbols: [...s.symbols],
      cycle: s.cycle,
      cycles: s.cycles,
      points: [],
      prices: new Map(),
      notices: [],
      ...(s.account ? { account: s.account } : {}),
    };
    this.watchlist.setSession(s.symbols);
    this.changed('session');
  }

  sessionEvent(e: SessionEvent, snapshot?: () => SessionSnapshot): void {
    const s = this.session;
    switch (e.type) {
      case 'state': {
        s.state = e.state;
        s.active = e.state !== 'idle' && !ENDED_STATES.has(e.state);
        if (e.reason !== undefined) s.reason = e.reason;
        if (e.sessionId) s.sessionId = e.sessionId;
        const snap = snapshot?.();
        if (snap?.account) s.account = snap.account;
        if (snap?.journalPath) s.journalPath = snap.journalPath;
        this.changed('session');
        break;
      }
      case 'notice':
        this.notice(e.level, e.message, e.at);
        break;
      case 'cycle-start':
        s.cycles = e.cycles;
        this.changed('session');
        break;
      case 'decision':
        this.decisions.add(e.record);
        this.changed('decisions');
        this.price(e.record.symbol, e.record.marketTime, e.record.close);
        if (this.blotter.decision(e.record)) this.changed('orders');
        break;
      case 'order':
        this.decisionOrder(e.order);
        break;
      case 'risk-stop':
        this.notice('warn', `STOP (${e.rule}): ${e.reason}${e.flatten ? " - flattening the session's positions" : ''}`, e.at);
        break;
      case 'cycle-end':
        s.cycle = e.cycle;
        s.cycles = e.cycles;
        s.pnl = { net: e.pnl.net, realized: e.pnl.realized, unrealized: e.pnl.unrealized, commissions: e.pnl.commissions };
        s.points.push({ cycle: e.cycle, at: e.marketTime, net: round2(e.pnl.net) });
        if (s.points.length > LIMITS.points) s.points.splice(0, s.points.length - LIMITS.points);
        for (const o of e.orders) this.decisionOrder(o);
        this.account.setBook(s.account, new Map(Object.entries(e.pnl.perSymbol).map(([sym, p]) => [sym, p.position])));
        this.changed('session');
        break;
      case 'summary':
        this.setSummary(e.summary);
        // The final book: a kill switch or Flatten Book changes it after the last cycle-end.
        this.account.setBook(s.account ?? e.summary.account, new Map(e.summary.perSymbol.map((p) => [p.symbol, p.position])));
        break;
      default:
        break;
    }
  }

  /** A bar close the session decided on: its symbol's price chart (shown with the session's tab). */
  private price(symbol: string, at: number, close: number | undefined): void {
    if (close === undefined) return;
    const m = this.session.prices;
    let list = m.get(symbol);
    if (!list) m.set(symbol, (list = []));
    if (list.length && list[list.length - 1]!.at === at) return;
    list.push({ at, price: close });
    if (list.length > LIMITS.points) list.splice(0, list.length - LIMITS.points);
  }

  private summaryText: ((s: SessionSummary) => string) | undefined;

  /** How the summary is written as text (the CLI's formatter; injected to keep this module light). */
  setSummaryFormatter(fn: (s: SessionSummary) => string): void {
    this.summaryText = fn;
  }

  private setSummary(sum: SessionSummary): void {
    const s = this.session;
    s.summary = this.summaryText ? this.summaryText(sum) : JSON.stringify(sum, null, 2);
    s.summaryTable = summaryView(sum);
    s.pnl = { ...sum.totals };
    s.cycle = sum.cycles.done;
    this.changed('session');
  }

  notice(level: 'info' | 'warn', message: string, at = Date.now()): void {
    const n = this.session.notices;
    n.push({ at, level, message });
    if (n.length > LIMITS.notices) n.splice(0, n.length - LIMITS.notices);
    this.changed('session');
  }

  /** The session could not be created or ended before its first event (config, connection). */
  sessionFailed(reason: string): void {
    this.session = { ...this.session, state: 'failed', active: false, reason };
    this.changed('session');
  }

  sessionView(): SessionView {
    const s = this.session;
    return {
      state: s.state,
      active: s.active,
      symbols: [...s.symbols],
      cycle: s.cycle,
      cycles: s.cycles,
      points: s.points.slice(),
      prices: [...s.prices].map(([symbol, points]) => ({ symbol, points: points.slice() })),
      notices: s.notices.slice(),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      ...(s.sessionId ? { sessionId: s.sessionId } : {}),
      ...(s.mode ? { mode: s.mode } : {}),
      ...(s.account ? { account: s.account } : {}),
      ...(s.pnl ? { pnl: { ...s.pnl } } : {}),
      ...(s.summary ? { summary: s.summary } : {}),
      ...(s.summaryTable ? { summaryTable: s.summaryTable } : {}),
      ...(s.journalPath ? { journalPath: s.journalPath } : {}),
    };
  }

  sessionBadge(): SessionBadge | undefined {
    const s = this.session;
    if (s.state === 'idle') return undefined;
    return { state: s.state, active: s.active, cycle: s.cycle, cycles: s.cycles, mode: s.mode ?? '', ...(s.pnl ? { pnl: s.pnl.net } : {}) };
  }

  // ------------------------------------------------------------- decisions

  private decisionOrder(o: OrderUpdate): void {
    if (this.decisions.order(o)) this.changed('decisions');
  }

  /** Decision rows changed after `version` (new or updated), and the version to ask from next. */
  decisionsSince(version: number): { rows: DecisionRow[]; version: number } {
    return this.decisions.since(version);
  }

  // ------------------------------------------------------------- checks and backtest

  checksStarted(): void {
    this.checks = { running: true, checks: [] };
    this.changed('checks');
  }

  checkDone(c: Check): void {
    const rows = this.checks.checks.filter((r) => r.id !== c.id);
    rows.push(checkRow(c));
    this.checks = { ...this.checks, checks: rows };
    this.changed('checks');
  }

  checksFinished(r: Report): void {
    this.checks = {
      running: false,
      verdict: r.verdict,
      target: r.target.host !== undefined && r.target.port !== undefined ? `${r.target.host}:${r.target.port}` : undefined,
      ...(r.server ? { server: describeServer(r.server) } : {}),
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      checks: r.checks.map(checkRow),
    };
    if (this.checks.target === undefined) delete (this.checks as { target?: string }).target;
    this.changed('checks');
  }

  checksFailed(error: string): void {
    this.checks = { running: false, checks: [], error };
    this.changed('checks');
  }

  checksView(): ChecksView {
    return this.checks;
  }

  setBacktest(b: BacktestView): void {
    this.backtest = b;
    this.changed('backtest');
  }

  backtestView(): BacktestView {
    return this.backtest;
  }

  /** The past sessions of the journal folder (app/sessionHistory.ts reads them). */
  setHistory(h: HistoryView): void {
    this.history = h;
    this.changed('history');
  }

  historyView(): HistoryView {
    return this.history;
  }

  // ------------------------------------------------------------- messages

  snapshot(): PanelState {
    return {
      connection: this.connectionView(),
      account: this.account.view(),
      positions: this.positionRows(),
      watchlist: this.watchlist.view(),
      orders: this.orderRows(),
      decisions: this.decisions.rows(),
      session: this.sessionView(),
      checks: this.checksView(),
      backtest: this.backtestView(),
      history: this.historyView(),
    };
  }

  get decisionVersion(): number {
    return this.decisions.version;
  }

  /** The message for a topic (decisions: the rows changed since `since`). */
  message(topic: Exclude<Topic, 'decisions'>): HostToWebview {
    switch (topic) {
      case 'connection':
        return { type: 'connection', connection: this.connectionView() };
      case 'account':
        return { type: 'account', account: this.account.view() };
      case 'positions':
        return { type: 'positions', rows: this.positionRows() };
      case 'watchlist':
        return { type: 'watchlist', watchlist: this.watchlist.view() };
      case 'orders':
        return { type: 'orders', rows: this.orderRows() };
      case 'session':
        return { type: 'session', session: this.sessionView() };
      case 'checks':
        return { type: 'checks', checks: this.checksView() };
      case 'backtest':
        return { type: 'backtest', backtest: this.backtestView() };
      case 'history':
        return { type: 'history', history: this.historyView() };
    }
  }
}

function keyOf(p: Position): string {
  return `${p.account}:${p.contract.conId ?? p.contract.symbol}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
