// The state the trading panel, the tree view and the status bar show, kept as raw data and
// turned into the protocol's view rows only when a consumer asks (after coalescing), so a
// tick costs a map write. No vscode: unit-tested, and driven by the Trader in integration
// tests against the simulator.
import type { Position, TrackedOrder } from '../broker/types';
import { describeServer } from '../doctor/serverInfo';
import type { Check, Report } from '../doctor/types';
import type { DecisionRecord } from '../session/decision';
import type { OrderUpdate } from '../session/orderManager';
import { ENDED_STATES, type SessionEvent } from '../session/sessionEvents';
import type { SessionSnapshot } from '../session/tradingSession';
import type { SessionSummary } from '../session/summary';
import type {
  BacktestView,
  CheckRow,
  ChecksView,
  ConnectionView,
  DecisionRow,
  HostToWebview,
  OrderRow,
  PanelState,
  PositionRow,
  SessionNotice,
  SessionView,
} from '../../webview/protocol';
import type { ConnectionHealth, SessionBadge } from './statusView';
import type { RunningSimulator } from './simulatorHost';

export type Topic = 'connection' | 'positions' | 'orders' | 'decisions' | 'session' | 'checks' | 'backtest';
export const TOPICS: readonly Topic[] = ['connection', 'positions', 'orders', 'decisions', 'session', 'checks', 'backtest'];

export const LIMITS = { decisions: 500, orders: 200, points: 2000, notices: 50 } as const;

interface StoredDecision {
  row: DecisionRow;
  /** the order's orderRef, when the decision placed one */
  ref?: string;
  /** store version at its last change */
  version: number;
}

interface Portfolio {
  marketPrice: number;
  unrealizedPnl?: number;
}

const num = (x: number, d = 2): string => x.toFixed(d);
const sig = (x: number): string => String(Number(x.toPrecision(3)));

/** "close 127.33 · logReturn(lag=1)=0.000707 · ..." (the first three features). */
export function featureSummary(d: DecisionRecord): string {
  const parts: string[] = [];
  if (d.close !== undefined) parts.push(`close ${num(d.close)}`);
  if (d.features) for (const [k, v] of Object.entries(d.features).slice(0, 3)) parts.push(`${k}=${sig(v)}`);
  return parts.join(' · ') || `${d.bars} bars`;
}

export function orderText(o: Pick<OrderUpdate, 'state' | 'filled' | 'quantity' | 'avgFillPrice' | 'note'>): string {
  if (o.state === 'filled') return `filled ${o.filled} @ ${num(o.avgFillPrice)}`;
  if (o.filled > 0) return `${o.state} ${o.filled}/${o.quantity} @ ${num(o.avgFillPrice)}`;
  return `${o.state}${o.note ? ` (${o.note})` : ''}`;
}

export function decisionRow(seq: number, d: DecisionRecord, order?: OrderUpdate): DecisionRow {
  const out = d.output;
  const action = out ? `${out.label ?? ''}${out.label ? ' ' : ''}(target ${out.target === null ? 'keep' : sig(out.target)})` : '—';
  const p = d.proposal;
  const verdict = !d.verdict || !p ? '' : d.verdict.allowed ? 'ok' : `BLOCKED ${d.verdict.rule}: ${d.verdict.reason}`;
  let orderCell: string;
  switch (d.outcome) {
    case 'order':
      orderCell = `${p!.action} ${p!.quantity}${p!.kind !== 'policy' ? ` (${p!.kind})` : ''} → ${order ? orderText(order) : 'sending'}`;
      break;
    case 'shadow':
      orderCell = `would ${p!.action} ${p!.quantity} (shadow)`;
      break;
    case 'blocked':
      orderCell = `${p ? `${p.action} ${p.quantity} ` : ''}not sent`;
      break;
    case 'no-order':
      orderCell = `no order (holds ${d.position})`;
      break;
    default:
      orderCell = 'skipped';
  }
  return {
    seq,
    cycle: d.cycle,
    symbol: d.symbol,
    marketTime: d.marketTime,
    features: featureSummary(d),
    action,
    verdict,
    blocked: d.outcome === 'blocked',
    order: orderCell,
    outcome: d.outcome,
    reason: d.reason,
  };
}

export function positionRow(p: Position, last: number | undefined, portfolio: Portfolio | undefined): PositionRow {
  const mult = p.contract.multiplier && p.contract.multiplier > 0 ? p.contract.multiplier : 1;
  const avg = p.avgCost / mult;
  const price = last ?? portfolio?.marketPrice;
  const unrealized = price !== undefined ? (price - avg) * p.quantity * mult : portfolio?.unrealizedPnl;
  return {
    key: `${p.account}:${p.contract.conId ?? p.contract.symbol}`,
    symbol: p.contract.localSymbol && p.contract.secType !== 'STK' ? p.contract.localSymbol : p.contract.symbol,
    secType: p.contract.secType,
    quantity: p.quantity,
    avgCost: Math.round(avg * 1e4) / 1e4,
    ...(price !== undefined ? { last: price } : {}),
    ...(unrealized !== undefined ? { unrealized: Math.round(unrealized * 100) / 100 } : {}),
  };
}

export function orderRow(o: TrackedOrder): OrderRow {
  return {
    orderId: o.orderId,
    symbol: o.contract?.symbol ?? '?',
    action: o.action ?? '?',
    quantity: o.quantity,
    type: o.type ?? '?',
    status: o.state,
    filled: o.filled,
    remaining: o.remaining,
    avgFillPrice: o.avgFillPrice,
    ...(o.orderRef ? { orderRef: o.orderRef } : {}),
    ...((o.note ?? o.errors[o.errors.length - 1]?.message) ? { note: o.note ?? o.errors[o.errors.length - 1]!.message } : {}),
    updatedAt: o.updatedAt,
  };
}

export function checkRow(c: Check | { id: string; title: string; status: 'running' }): CheckRow {
  if (c.status === 'running') return { id: c.id, title: c.title, status: 'running', finding: 'Checking…', evidence: [], fix: '' };
  const k = c as Check;
  return { id: k.id, title: k.title, status: k.status, finding: k.finding, evidence: k.evidence.map((e) => ({ ...e })), fix: k.fix, ...(k.cause ? { cause: k.cause } : {}) };
}

/** The first failing (else warning) check: what the status bar names as the cause. */
export function firstProblem(r: Report): Check | undefined {
  return r.checks.find((c) => c.status === 'fail') ?? r.checks.find((c) => c.status === 'warn');
}

export function connectionView(h: ConnectionHealth, sim: RunningSimulator | undefined): ConnectionView {
  const simulator = sim ? { simulator: { host: sim.host, port: sim.port, account: sim.account } } : {};
  const target = 'host' in h && 'clientId' in h ? { host: h.host, port: h.port, clientId: h.clientId, ...(h.sources ? { sources: h.sources } : {}) } : {};
  switch (h.kind) {
    case 'restricted':
      return { status: 'restricted', detail: 'Restricted Mode: trust this workspace to connect or trade.', ...simulator };
    case 'off':
    case 'starting':
    case 'simulator':
      return { status: 'off', detail: sim ? `Not connected. The embedded simulator listens on ${sim.host}:${sim.port}.` : 'Not connected.', ...simulator };
    case 'connecting':
      return { status: 'connecting', detail: `Connecting to ${h.host}:${h.port}${h.step ? ` (${h.step})` : ''}…`, ...target, ...simulator };
    case 'ready':
      return { status: 'ready', badge: h.badge, account: h.account, detail: `Ready: account ${h.account} on ${h.host}:${h.port} as client ${h.clientId}${h.serverVersion ? `, server version ${h.serverVersion}` : ''}.`, ...target, ...simulator };
    case 'reconnecting':
      return { status: 'reconnecting', ...(h.account ? { account: h.account } : {}), detail: `Connection lost${h.reason ? ` (${h.reason})` : ''}; reconnecting${h.attempt ? `, attempt ${h.attempt}` : ''}.`, ...target, ...simulator };
    case 'failed':
      return { status: 'failed', detail: h.cause ? `${h.cause.title}: ${h.cause.finding}` : h.reason, ...target, ...simulator };
    case 'error':
      return { status: 'failed', detail: h.message, ...simulator };
  }
}

export class PanelStore {
  private readonly listeners = new Set<(topic: Topic) => void>();
  private version = 0;

  health: ConnectionHealth = { kind: 'off' };
  simulator: RunningSimulator | undefined;

  private positions = new Map<string, Position>();
  private readonly quotes = new Map<string, number>();
  private readonly portfolio = new Map<string, Portfolio>();
  private readonly orders = new Map<number, TrackedOrder>();

  private readonly decisions: StoredDecision[] = [];
  private readonly decisionByRef = new Map<string, StoredDecision>();
  private readonly recordByRef = new Map<string, DecisionRecord>();
  private seq = 0;

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
    points: Array<{ cycle: number; net: number }>;
    summary?: string;
    journalPath?: string;
    notices: SessionNotice[];
  } = { state: 'idle', active: false, symbols: [], cycle: 0, cycles: 0, points: [], notices: [] };

  private checks: ChecksView = { running: false, checks: [] };
  private backtest: BacktestView = { running: false };

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
    for (const it of items) this.portfolio.set(keyOf(it), { marketPrice: it.marketPrice, ...(it.unrealizedPnl !== undefined ? { unrealizedPnl: it.unrealizedPnl } : {}) });
    this.changed('positions');
  }

  positionKeys(): Position[] {
    return [...this.positions.values()];
  }

  positionRows(): PositionRow[] {
    return [...this.positions.entries()].map(([k, p]) => positionRow(p, this.quotes.get(k), this.portfolio.get(k))).sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  upsertOrder(o: TrackedOrder): void {
    this.orders.set(o.orderId, o);
    if (this.orders.size > LIMITS.orders * 2) {
      const drop = [...this.orders.keys()].sort((a, b) => a - b).slice(0, this.orders.size - LIMITS.orders);
      for (const id of drop) this.orders.delete(id);
    }
    this.changed('orders');
  }

  orderRows(): OrderRow[] {
    return [...this.orders.values()]
      .sort((a, b) => b.orderId - a.orderId)
      .slice(0, LIMITS.orders)
      .map(orderRow);
  }

  clearBrokerData(): void {
    this.positions.clear();
    this.quotes.clear();
    this.portfolio.clear();
    this.changed('positions');
  }

  // ------------------------------------------------------------- session

  /** A new session: its configuration, before its first event. */
  beginSession(s: SessionSnapshot): void {
    this.session = { state: s.state, active: true, mode: s.mode, symbols: [...s.symbols], cycle: s.cycle, cycles: s.cycles, points: [], notices: [], ...(s.account ? { account: s.account } : {}) };
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
        this.addDecision(e.record);
        break;
      case 'order':
        this.decisionOrder(e.order);
        break;
      case 'risk-stop':
        this.notice('warn', `STOP (${e.rule}): ${e.reason}${e.flatten ? ' - flattening the session\'s positions' : ''}`, e.at);
        break;
      case 'cycle-end':
        s.cycle = e.cycle;
        s.cycles = e.cycles;
        s.pnl = { net: e.pnl.net, realized: e.pnl.realized, unrealized: e.pnl.unrealized, commissions: e.pnl.commissions };
        s.points.push({ cycle: e.cycle, net: round2(e.pnl.net) });
        if (s.points.length > LIMITS.points) s.points.splice(0, s.points.length - LIMITS.points);
        for (const o of e.orders) this.decisionOrder(o);
        this.changed('session');
        break;
      case 'summary':
        this.setSummary(e.summary);
        break;
      default:
        break;
    }
  }

  private summaryText: ((s: SessionSummary) => string) | undefined;

  /** How the summary is written as text (the CLI's formatter; injected to keep this module light). */
  setSummaryFormatter(fn: (s: SessionSummary) => string): void {
    this.summaryText = fn;
  }

  private setSummary(sum: SessionSummary): void {
    const s = this.session;
    s.summary = this.summaryText ? this.summaryText(sum) : JSON.stringify(sum, null, 2);
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
      notices: s.notices.slice(),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      ...(s.sessionId ? { sessionId: s.sessionId } : {}),
      ...(s.mode ? { mode: s.mode } : {}),
      ...(s.account ? { account: s.account } : {}),
      ...(s.pnl ? { pnl: { ...s.pnl } } : {}),
      ...(s.summary ? { summary: s.summary } : {}),
      ...(s.journalPath ? { journalPath: s.journalPath } : {}),
    };
  }

  sessionBadge(): SessionBadge | undefined {
    const s = this.session;
    if (s.state === 'idle') return undefined;
    return { state: s.state, active: s.active, cycle: s.cycle, cycles: s.cycles, mode: s.mode ?? '', ...(s.pnl ? { pnl: s.pnl.net } : {}) };
  }

  // ------------------------------------------------------------- decisions

  private addDecision(d: DecisionRecord): void {
    const seq = ++this.seq;
    const ref = d.proposal?.orderRef;
    const item: StoredDecision = { row: decisionRow(seq, d), version: ++this.version, ...(ref && d.outcome === 'order' ? { ref } : {}) };
    this.decisions.push(item);
    if (this.decisions.length > LIMITS.decisions) {
      for (const old of this.decisions.splice(0, this.decisions.length - LIMITS.decisions)) {
        if (old.ref) {
          this.decisionByRef.delete(old.ref);
          this.recordByRef.delete(old.ref);
        }
      }
    }
    if (ref && d.outcome === 'order') {
      this.decisionByRef.set(ref, item);
      this.recordByRef.set(ref, d);
    }
    this.changed('decisions');
  }

  private decisionOrder(o: OrderUpdate): void {
    const item = this.decisionByRef.get(o.orderRef);
    const record = this.recordByRef.get(o.orderRef);
    if (!item || !record) return;
    const row = decisionRow(item.row.seq, record, o);
    if (row.order === item.row.order) return;
    item.row = row;
    item.version = ++this.version;
    this.changed('decisions');
  }

  /** Decision rows changed after `version` (new or updated), and the version to ask from next. */
  decisionsSince(version: number): { rows: DecisionRow[]; version: number } {
    return { rows: this.decisions.filter((d) => d.version > version).map((d) => d.row), version: this.version };
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

  // ------------------------------------------------------------- messages

  snapshot(): PanelState {
    return {
      connection: this.connectionView(),
      positions: this.positionRows(),
      orders: this.orderRows(),
      decisions: this.decisions.map((d) => d.row),
      session: this.sessionView(),
      checks: this.checksView(),
      backtest: this.backtestView(),
    };
  }

  get decisionVersion(): number {
    return this.version;
  }

  /** The message for a topic (decisions: the rows changed since `since`). */
  message(topic: Exclude<Topic, 'decisions'>): HostToWebview {
    switch (topic) {
      case 'connection':
        return { type: 'connection', connection: this.connectionView() };
      case 'positions':
        return { type: 'positions', rows: this.positionRows() };
      case 'orders':
        return { type: 'orders', rows: this.orderRows() };
      case 'session':
        return { type: 'session', session: this.sessionView() };
      case 'checks':
        return { type: 'checks', checks: this.checksView() };
      case 'backtest':
        return { type: 'backtest', backtest: this.backtestView() };
    }
  }
}

function keyOf(p: Position): string {
  return `${p.account}:${p.contract.conId ?? p.contract.symbol}`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
