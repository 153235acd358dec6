// The AI trading session: each cycle of market time, per symbol, latest completed bars ->
// features -> policy -> target position -> risk checks -> order or none -> followed to its
// end, every step journaled and emitted as a typed event. No vscode: the CLI, the panel,
// tests and benchmarks all run this class.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { BrokerClient } from '../broker/brokerClient';
import type { LiveValue } from '../broker/account';
import { PACING_RETRY_MS, type BarStatus, type BarStream } from '../broker/bars';
import type { BrokerConfig, LogLevel } from '../broker/config';
import { BrokerError } from '../broker/errors';
import type { AccountPnl, Bar, BrokerContract, BrokerConnectionState as BrokerState, ReconcileReport } from '../broker/types';
import { ModelLoadError, PolicyRuntimeError } from '../policy/errors';
import { barSizeSeconds } from '../policy/manifest';
import { loadModel, type LoadedModel } from '../policy/modelLoader';
import { PolicyStep } from '../policy/policyStep';
import { CycleClock, type Cycle } from './cycleClock';
import { decide, exitDecision, type DecisionRecord } from './decision';
import { Journal, JournalError, type JournalLine, type TailRepair } from './journal';
import { acquireJournalLock, describeOwner, JournalLockError, type JournalLock } from './journalLock';
import { engageKillSwitch, flattenVerdict, type KillReport } from './killSwitch';
import { describeRefusal, POLICY_FAILURE_STOP_AFTER, refusalFor, REJECTION_STOP_AFTER } from './errorPolicy';
import { US_REGULAR_HOURS, zonedTime } from '../core/marketHours';
import { isSessionBar } from '../core/sessionBars';
import { OrderManager, type OrderUpdate, type PlaceResult } from './orderManager';
import { formatOrderRef, newRunTag, newSessionId } from './orderRef';
import { RiskEngine, type AccountView, type RiskConnectionState, type PositionView } from '../trading/riskEngine';
import { describeLeverage, leverageProblem, type SessionConfig } from './sessionConfig';
import { describeRisk, sizingWithinLimits } from '../trading/riskLimits';
import { capToHeld, describeExternal, externalQuantity } from '../trading/bookRules';
import { SESSION_EVENT_TYPES, type SessionEvent, type SessionEventMap, type SessionState } from './sessionEvents';
import { SessionLedger, type StartPosition } from './sessionLedger';
import { checkJournalDir, planJournal, resumeProblem, type JournalPlan } from './sessionResume';
import type { SizingRule } from '../trading/sizing';
import { summarize, type SessionSummary } from './summary';

/** What the session writes its journal with (Journal; tests may wrap it). */
export interface JournalSink {
  readonly path: string;
  /** The torn tail cut when the journal was opened (Journal.open journals it). */
  readonly repaired?: TailRepair | undefined;
  append(type: string, data?: Record<string, unknown>): JournalLine;
  /** Written now, on disk when `durable` resolves (see Journal.appendDurable). */
  appendDurable(type: string, data?: Record<string, unknown>): { line: JournalLine; durable: Promise<void> };
  close(): void;
}

export interface TradingSessionOptions {
  readonly config: SessionConfig;
  /** A broker client to use (connected or not); it is not disposed. Default: one built from the config, disposed at the end. */
  readonly broker?: BrokerClient;
  /** Extra broker settings (timeouts, heartbeat, reconnect) for the client the session builds. */
  readonly brokerConfig?: Partial<Omit<BrokerConfig, 'host' | 'port' | 'clientId'>>;
  /** A loaded model to use (not disposed). Default: loadModel(config.modelDir). */
  readonly model?: LoadedModel;
  /** Live mode: asks for the per-session confirmation; resolves with what the user typed. */
  readonly confirmLive?: (accountId: string) => Promise<string | undefined>;
  /** Wall ms to wait for the other symbols' bars of a cycle (default 1500). */
  readonly graceMs?: number;
  /** Wall ms a cycle waits for its orders to settle before its cycle-end event (default 500). */
  readonly settleMs?: number;
  /** Wall ms the end of the session waits for working orders before cancelling them (default 5000). */
  readonly endSettleMs?: number;
  /** Wall ms the end of the session waits for a connection that is down to come back (default 10000). */
  readonly endReconnectMs?: number;
  readonly newSessionId?: () => string;
  readonly openJournal?: (dir: string, sessionId: string) => JournalSink;
  /** The broker client's log (the session's own messages are `notice` events). */
  readonly log?: (level: LogLevel, message: string) => void;
}

/**
 * finished: every cycle ran and the session ended connected, no fault stopped it (exit 0).
 * faulted: TWS refused what the session needs (market data, orders) or the policy failed on
 * every decision: stopped, naming the cause and the fix. disconnected: the cycles ran out
 * while TWS was not connected (what happened at the end is unconfirmed). degraded: the cycles
 * ran, but for most of them bars were missing (the reason is named).
 */
export type SessionStatus = 'finished' | 'stopped' | 'refused' | 'failed' | 'faulted' | 'disconnected' | 'degraded';

/** Process exit codes of the session command, by outcome. */
export const EXIT_CODES = { finished: 0, internal: 1, config: 2, refused: 3, stopped: 4, failed: 5, faulted: 6, disconnected: 7, degraded: 8 } as const;

export interface SessionResult {
  readonly status: SessionStatus;
  readonly reason: string;
  readonly exitCode: number;
  readonly sessionId?: string;
  readonly journalPath?: string;
  readonly summary?: SessionSummary;
}

/** The state a panel shows after its `ready`: everything needed to draw, then events. */
export interface SessionSnapshot {
  readonly state: SessionState;
  readonly sessionId?: string;
  readonly journalPath?: string;
  readonly mode: string;
  readonly account?: string;
  readonly symbols: readonly string[];
  readonly cycle: number;
  readonly cycles: number;
  readonly lastDecisions: readonly DecisionRecord[];
  readonly workingOrders: readonly OrderUpdate[];
  readonly summary?: SessionSummary;
}

class SessionStop extends Error {
  constructor(
    readonly status: SessionStatus,
    reason: string,
    readonly exitCode: number,
  ) {
    super(reason);
  }
}

interface EndRequest {
  status: SessionStatus;
  reason: string;
  exitCode: number;
}

/** One line saying how the model's bar size maps to the session's cycle, when they differ. */
export function barSizeNote(model: LoadedModel, cycleSeconds: number): string | undefined {
  const trained = model.manifest.bars.barSize;
  const seconds = barSizeSeconds(trained);
  if (seconds === cycleSeconds) return undefined;
  return `model ${model.manifest.name} was trained on ${trained} bars; this session runs it on ${cycleSeconds}-second bars, one per cycle - a demo policy, not a strategy`;
}

/** Backfill request covering `bars` bars of `seconds` (with some spare), as TWS durations go. */
export function backfillDuration(bars: number, seconds: number): string {
  if (isSessionBar(seconds)) {
    // Session bars: one (daily) or a few per regular session, five sessions a week, some holidays.
    const perSession = seconds >= 86_400 ? 1 : Math.ceil((6.5 * 3600) / seconds);
    return `${Math.min(365, Math.ceil((((bars + 5) / perSession) * 7) / 5) + 5)} D`;
  }
  const total = (bars + 5) * seconds;
  if (total <= 86_400) return `${Math.max(total, 60)} S`;
  // Extended sessions are 16 hours a day; weekends and nights hold no bars.
  return `${Math.min(365, Math.ceil(total / 57_600) + 3)} D`;
}

const HISTORY_MARGIN = 40;

export class TradingSession extends EventEmitter<SessionEventMap> {
  readonly config: SessionConfig;
  private readonly options: TradingSessionOptions;
  private broker: BrokerClient | undefined;
  private ownsBroker = false;
  private model: LoadedModel | undefined;
  private ownsModel = false;
  private step: PolicyStep | undefined;
  private sizing: SizingRule | undefined;
  private journal: JournalSink | undefined;
  private journalFailure: JournalError | undefined;
  private lock: JournalLock | undefined;
  private ledger = new SessionLedger();
  private orders: OrderManager | undefined;
  private risk: RiskEngine | undefined;
  private clock: CycleClock | undefined;
  private readonly streams: BarStream[] = [];
  private readonly contracts = new Map<string, BrokerContract>();
  private capital = 0;
  private capitalPerSymbol = 0;
  private marketNow = 0;
  private stateValue: SessionState = 'idle';
  private sessionIdValue: string | undefined;
  private journalPathValue: string | undefined;
  private account: string | undefined;
  private stopping = false;
  private endRequest: EndRequest | undefined;
  private readonly queue: Cycle[] = [];
  private wake: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconciling = false;
  private cycleRunning: Promise<void> | undefined;
  private killing: Promise<KillReport | undefined> | undefined;
  private readonly cleanups: Array<() => void> = [];
  private readonly lastDecisions = new Map<string, DecisionRecord>();
  private runPromise: Promise<SessionResult> | undefined;
  private finalSummary: SessionSummary | undefined;
  /**
   * Event order of TWS's position reports and the book's fills (one counter): a position TWS
   * reported before the book's last fill in that symbol is stale (TWS sends positions on their
   * own stream, and keeps them back during an 1100), so it caps nothing until TWS reports again.
   */
  private eventSeq = 0;
  /** A resumed process's run tag in its orderRefs (see orderRef.ts): never a ref an older journal copy formed. */
  private runTag: string | undefined;
  private readonly positionSeq = new Map<number, number>();
  private readonly fillSeq = new Map<string, number>();
  /** TWS's own daily P&L of the account, journaled beside the session's (for comparison only). */
  private accountPnl: LiveValue<AccountPnl> | undefined;
  /** Per symbol: why its bars are missing now (the bar stream's status), for the cycle lines. */
  private readonly barStatus = new Map<string, BarStatus>();
  private readonly streamOffs = new Map<string, () => void>();
  /** Rejected orders in a row (no order accepted between), and the ones counted. */
  private rejectionStreak = 0;
  private readonly rejectionsCounted = new Set<string>();
  /** Cycles in a row whose every policy decision failed. */
  private policyFailureStreak = 0;
  /** Cycles that ran with some symbol's bar missing, and how many cycles each reason was given in. */
  private cyclesMissingBars = 0;
  private readonly missingReasons = new Map<string, number>();

  constructor(options: TradingSessionOptions) {
    super();
    this.options = options;
    this.config = options.config;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get sessionId(): string | undefined {
    return this.sessionIdValue;
  }

  get journalPath(): string | undefined {
    return this.journalPathValue;
  }

  /** Every event, in order, as one union (for renderers). Returns the unsubscribe. */
  onEvent(fn: (e: SessionEvent) => void): () => void {
    const listeners = SESSION_EVENT_TYPES.map((type) => {
      const l = (e: SessionEvent) => fn(e);
      this.on(type, l as never);
      return () => this.off(type, l as never);
    });
    return () => listeners.forEach((off) => off());
  }

  snapshot(): SessionSnapshot {
    return {
      state: this.stateValue,
      ...(this.sessionIdValue ? { sessionId: this.sessionIdValue } : {}),
      ...(this.journalPathValue ? { journalPath: this.journalPathValue } : {}),
      mode: this.config.mode,
      ...(this.account ? { account: this.account } : {}),
      symbols: this.config.symbols,
      cycle: this.ledger.lastCycle,
      cycles: this.config.cycles,
      lastDecisions: [...this.lastDecisions.values()],
      workingOrders: this.ledger.openIntents().map((r) => ({ orderRef: r.orderRef, orderId: r.orderId, cycle: r.cycle, symbol: r.symbol, kind: r.kind, action: r.action, quantity: r.quantity, state: r.state, filled: r.filled, avgFillPrice: r.avgFillPrice })),
      ...(this.finalSummary ? { summary: this.finalSummary } : {}),
    };
  }

  /** Runs the session to its end. Never rejects: the result says how it ended. */
  run(): Promise<SessionResult> {
    this.runPromise ??= this.execute();
    return this.runPromise;
  }

  /** Ends the session after the current cycle; its working orders are settled or cancelled. */
  stop(reason = 'stopped by the user'): void {
    this.requestEnd({ status: 'stopped', reason, exitCode: EXIT_CODES.stopped });
  }

  /**
   * The kill switch: no new orders, every working order of the session cancelled, the
   * session stopped; with `flatten` the book's own shares are closed (never more than TWS holds; shares outside the book stay).
   */
  kill(opts: { reason?: string; flatten?: boolean } = {}): Promise<KillReport | undefined> {
    const reason = opts.reason ?? 'kill switch';
    const flatten = opts.flatten ?? this.config.flattenOnStop;
    return this.engageStop('killSwitch', reason, flatten);
  }

  // ------------------------------------------------------------------ lifecycle

  private async execute(): Promise<SessionResult> {
    let result: SessionResult;
    try {
      await this.startUp();
      await this.loop();
      if (this.killing) await this.killing;
      if (!this.endRequest) await this.awaitConnectionAtEnd(this.options.endReconnectMs ?? 10_000);
      result = await this.finish(this.endRequest ?? this.completedEnd());
    } catch (err) {
      result = await this.handleFailure(err);
    } finally {
      await this.cleanup();
    }
    this.setState(result.status, result.reason);
    return result;
  }

  /** All cycles ran: finished only if the session ends connected and the bars came for most cycles. */
  /**
   * The cycles ran out while TWS was reconnecting (a drop, TWS's daily restart): wait a bounded
   * time for the connection to come back and reconcile, so the end state of orders and positions
   * is confirmed rather than guessed; if it does not, the session ends `disconnected`.
   */
  private async awaitConnectionAtEnd(ms: number): Promise<void> {
    const up = (s: BrokerState) => s.status === 'ready' && s.ibConnectivity !== 'lost';
    const broker = this.broker;
    if (!broker || up(broker.state.value) || broker.state.value.status === 'failed' || broker.state.value.status === 'disconnected') return;
    this.notice('warn', `all ${this.config.cycles} cycles ran; the connection to TWS is ${broker.state.value.status}: waiting up to ${Math.round(ms / 1000)} s for it to come back so the end state of orders and positions is confirmed`);
    await broker.state.when(up, ms).catch(() => undefined);
  }

  private completedEnd(): EndRequest {
    const n = this.config.cycles;
    const s = this.broker?.state.value;
    if (!s || s.status !== 'ready' || s.ibConnectivity === 'lost') {
      const how = !s ? 'no connection' : s.status !== 'ready' ? `the connection was ${s.status}${s.reason ? ` (${s.reason})` : ''}` : 'TWS had lost its connection to IB (1100)';
      return { status: 'disconnected', reason: `ran ${n} cycles but ended disconnected from TWS: ${how}; the end state of working orders and positions is unconfirmed (the next start on this journal reconciles it)`, exitCode: EXIT_CODES.disconnected };
    }
    if (this.cyclesMissingBars * 2 > n) {
      const top = [...this.missingReasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([why, k]) => `${why} (${k} cycles)`);
      const still = [...this.barStatus.entries()].map(([sym, st]) => `${sym} ${st.state}: ${st.reason}`);
      return {
        status: 'degraded',
        reason: `ran ${n} cycles, ${this.cyclesMissingBars} of them without every symbol's bar; why: ${top.join('; ')}${still.length ? `; still missing at the end: ${still.slice(0, 5).join('; ')}${still.length > 5 ? `; and ${still.length - 5} more` : ''}` : ''}`,
        exitCode: EXIT_CODES.degraded,
      };
    }
    return { status: 'finished', reason: `ran ${n} cycles`, exitCode: EXIT_CODES.finished };
  }

  private async startUp(): Promise<void> {
    const cfg = this.config;
    this.setState('starting');
    // The model first: a bad model is a configuration problem, found before connecting.
    try {
      this.model = this.options.model ?? (await loadModel(cfg.modelDir));
      this.ownsModel = !this.options.model;
    } catch (err) {
      if (err instanceof ModelLoadError) throw new SessionStop('failed', err.message, EXIT_CODES.config);
      throw err;
    }
    const note = barSizeNote(this.model, cfg.cycleSeconds);
    this.notice('info', note ?? `model ${this.model.manifest.name} runs on its own bar size (${this.model.manifest.bars.barSize}), one bar per cycle`);
    if (cfg.cycleSeconds >= 86_400 && cfg.risk.tradingHours === undefined) {
      this.notice('warn', 'daily cycles decide at the 16:00 New York close (the end of the session bar), when the tradingHours rule refuses orders; add --any-hours to let their DAY orders wait at TWS for the next open');
    }
    this.step = new PolicyStep(this.model);
    const s = this.model.manifest.sizing;
    // The target position is capped to the position limit, as in the backtest (riskLimits.ts).
    this.sizing = sizingWithinLimits({ maxPositionFraction: s.maxPositionFraction, lotSize: s.lotSize, rebalanceBand: s.rebalanceBand, allowShort: s.allowShort }, cfg.risk);
    // A manifest asking for more gross notional than the session may hold is refused before connecting.
    const leverage = leverageProblem(join(this.model.dir, 'manifest.json'), s.maxPositionFraction, cfg.symbols.length, cfg);
    if (leverage) throw new SessionStop('refused', leverage, EXIT_CODES.config);

    let plan: JournalPlan;
    try {
      checkJournalDir(cfg.journalDir);
      // One writer per folder: locked before its plan is trusted and before anything is sent.
      this.lock = acquireJournalLock(cfg.journalDir);
      plan = planJournal(cfg.journalDir, this.options.newSessionId ?? (() => newSessionId()));
      this.lock.setSession(plan.sessionId);
    } catch (err) {
      if (err instanceof JournalLockError) throw new SessionStop('refused', err.message, EXIT_CODES.refused);
      if (err instanceof JournalError) throw new SessionStop('failed', err.message, EXIT_CODES.failed);
      throw err;
    }
    this.sessionIdValue = plan.sessionId;

    // Connect.
    this.setState('connecting');
    const broker = this.options.broker ?? this.makeBroker();
    this.broker = broker;
    if (!broker.isReady) {
      try {
        await broker.connect();
      } catch (err) {
        throw new SessionStop('failed', `cannot connect to TWS at ${cfg.host}:${cfg.port} (client id ${cfg.clientId}): ${err instanceof Error ? err.message : String(err)}`, EXIT_CODES.failed);
      }
    }
    const account = broker.accountId ?? '';
    this.account = account;

    // Safety, before anything is journaled or subscribed: nothing is sent when refused.
    await this.checkAccount(account, broker.isPaper);
    if (plan.resume) {
      const problem = resumeProblem(plan.ledger, { account, clientId: broker.clientId, mode: cfg.mode, symbols: cfg.symbols, cycleSeconds: cfg.cycleSeconds });
      if (problem) throw new SessionStop('refused', problem, EXIT_CODES.refused);
    }
    this.marketNow = await broker.twsTime().catch(() => Date.now());
    // The daily loss limit holds for the rest of the day across sessions on the journal folder (riskLimits.ts).
    const lossLimitToday = !plan.resume && plan.previous?.rule === 'dailyLossLimit' && plan.previous.lastMarketTime !== undefined && sameMarketDay(plan.previous.lastMarketTime, this.marketNow);

    // The journal.
    try {
      this.journal = (this.options.openJournal ?? ((dir, id) => Journal.open(dir, id)))(cfg.journalDir, plan.sessionId);
    } catch (err) {
      if (err instanceof JournalError) throw new SessionStop('failed', err.message, EXIT_CODES.failed);
      throw err;
    }
    this.journalPathValue = this.journal.path;
    this.ledger = plan.resume ? plan.ledger : new SessionLedger();
    if (plan.resume) this.runTag = newRunTag();
    if (plan.resume) this.notice('info', `resuming session ${plan.sessionId} from ${this.journal.path} after cycle ${this.ledger.lastCycle}`);

    // Contracts and bars.
    for (const symbol of cfg.symbols) {
      try {
        this.contracts.set(symbol, await broker.resolveStock(symbol));
      } catch (err) {
        throw new SessionStop('failed', `symbol ${symbol}: ${err instanceof Error ? err.message : String(err)}`, EXIT_CODES.config);
      }
    }
    const history = this.model.pipeline.history;
    this.clock = new CycleClock(cfg.symbols, cfg.cycleSeconds, { graceMs: this.options.graceMs ?? 1500, maxBars: history + HISTORY_MARGIN * 5 });
    const backfill = backfillDuration(history, cfg.cycleSeconds);
    for (const symbol of cfg.symbols) {
      this.watchBars(symbol, await this.subscribeAtStart(symbol, backfill));
    }
    this.cleanups.push(() => this.streamOffs.forEach((off) => off()));

    // Capital and the risk engine (on the market clock).
    const netLiq = broker.account.value?.netLiquidation;
    const modelCash = this.model.manifest.execution?.initialCash ?? 100_000;
    this.capital = this.ledger.start?.capital ?? cfg.capital ?? Math.min(modelCash, netLiq !== undefined && netLiq > 0 ? netLiq : Infinity);
    this.capitalPerSymbol = this.capital / cfg.symbols.length;
    // Gross notional (book + working + proposed) never beyond capital x leverage (1 unless allowed).
    const limits = cfg.risk;
    const leverageCap = cfg.maxLeverage !== undefined ? this.capital * cfg.maxLeverage : undefined;
    const maxGrossNotional = leverageCap === undefined ? limits.maxGrossNotional : Math.min(limits.maxGrossNotional ?? Infinity, leverageCap);
    this.risk = new RiskEngine({ ...limits, ...(maxGrossNotional !== undefined ? { maxGrossNotional } : {}), allowShort: this.sizing.allowShort }, () => this.marketNow);
    if (lossLimitToday) this.risk.reachDailyLossLimit();

    // Start or resume line.
    if (!plan.resume) {
      // The book starts from what the folder's earlier sessions left (capped to TWS right after,
      // by verifyBook); TWS's other shares are external unless adopted on purpose.
      const startPositions: Record<string, StartPosition> = { ...plan.carried };
      const conIds: Record<string, number> = {};
      for (const symbol of cfg.symbols) {
        const conId = this.contracts.get(symbol)!.conId!;
        conIds[symbol] = conId;
        const hist = this.clock.history(symbol);
        const held = broker.position(conId)?.quantity ?? 0;
        const carried = plan.carried?.[symbol]?.quantity ?? 0;
        const adopted = cfg.adoptPositions ? held - capToHeld(carried, held) : 0;
        const quantity = cfg.adoptPositions ? held : carried;
        const price = plan.carried?.[symbol] && !cfg.adoptPositions ? plan.carried[symbol]!.price : (hist[hist.length - 1]?.close ?? 0);
        startPositions[symbol] = { quantity, price, conId, held, ...(adopted !== 0 ? { adopted } : {}) };
      }
      this.write('session-start', {
        sessionId: plan.sessionId,
        mode: cfg.mode,
        account,
        clientId: broker.clientId,
        host: cfg.host,
        port: cfg.port,
        symbols: [...cfg.symbols],
        cycleSeconds: cfg.cycleSeconds,
        cycles: cfg.cycles,
        capital: this.capital,
        capitalPerSymbol: this.capitalPerSymbol,
        model: { name: this.model.manifest.name, dir: this.model.dir, sha256: this.model.manifest.model.sha256, barSize: this.model.manifest.bars.barSize },
        risk: { ...cfg.risk },
        flattenOnStop: cfg.flattenOnStop,
        adoptPositions: cfg.adoptPositions,
        allowLeverage: cfg.allowLeverage,
        ...(cfg.maxLeverage !== undefined ? { maxLeverage: cfg.maxLeverage } : {}),
        conIds,
        startPositions,
        ...(note ? { barSizeNote: note } : {}),
      });
    } else {
      this.write('session-resume', { sessionId: plan.sessionId, afterCycle: this.ledger.lastCycle, clientId: broker.clientId, account, cycles: cfg.cycles, run: this.runTag });
      // The daily loss counts from the session's capital; stop-outs of the day stay.
      this.risk.observeEquity(this.capital);
      const now = this.marketNow;
      for (const s of this.ledger.stopOuts) {
        this.marketNow = s.marketTime;
        this.risk.recordStopOut(s.symbol);
      }
      for (const at of this.ledger.lossLimits) {
        this.marketNow = at;
        this.risk.reachDailyLossLimit();
      }
      this.marketNow = now;
    }
    this.notice('info', `session ${plan.sessionId}: ${cfg.mode} mode on ${account} (client id ${broker.clientId}), ${cfg.symbols.join(',')} every ${cfg.cycleSeconds} s for ${cfg.cycles} cycles, capital ${this.capital.toFixed(0)} (${this.capitalPerSymbol.toFixed(0)} per symbol), ${describeLeverage(cfg)}; positions: ${cfg.adoptPositions ? 'held ones adopted into the book (--adopt-positions)' : "the book's own only (others left alone)"}; risk: ${describeRisk(cfg.risk)}; delayed data ${cfg.allowDelayedData ? 'allowed (--allow-delayed-data)' : 'not allowed'}; journal ${this.journal.path}`);
    if (lossLimitToday) {
      // Journaled again here: the next session reads this session's journal only.
      const reason = `the previous session ${plan.previous!.sessionId} in ${cfg.journalDir} reached the daily loss limit today: only orders that reduce a position go until the next trading day`;
      this.write('loss-limit', { rule: 'dailyLossLimit', reason, marketTime: this.marketNow, flatten: false });
      this.notice('warn', `dailyLossLimit: ${reason}`);
    }
    if (this.lock?.tookOver) this.notice('warn', `took over the journal folder's lock from ${describeOwner(this.lock.tookOver)}, which is no longer running`);
    if (this.journal.repaired) this.notice('warn', `journal ${this.journal.path}: cut a torn last line (${this.journal.repaired.cutBytes} bytes) left by a crash before appending`);
    if (cfg.risk.symbolAllowlist) {
      const outside = cfg.symbols.filter((s) => !cfg.risk.symbolAllowlist!.includes(s));
      if (outside.length) this.notice('warn', `${outside.join(', ')} not in the symbol allowlist: their orders will be refused`);
    }
    if (cfg.mode === 'shadow') this.notice('info', 'shadow mode: decisions and risk checks only, no order is sent');

    // Orders: follow the broker, and settle what the journal left open.
    this.orders = new OrderManager({
      broker,
      ledger: this.ledger,
      sessionId: plan.sessionId,
      write: (type, data) => void this.write(type, data),
      writeDurable: (type, data) => this.writeDurable(type, data),
      onOrder: (order) => {
        this.publish({ type: 'order', at: Date.now(), order });
        this.onOrderUpdate(order);
      },
      onFill: (fill) => {
        this.fillSeq.set(fill.symbol, ++this.eventSeq);
        this.publish({ type: 'fill', at: Date.now(), fill });
      },
      onError: (err) => this.onAsyncError(err),
    });
    this.orders.start();
    this.cleanups.push(() => this.orders?.stop());
    this.cleanups.push(
      broker.positions.subscribe((now, before) => {
        for (const [key, p] of now) if (before.get(key) !== p && p.contract.conId !== undefined) this.positionSeq.set(p.contract.conId, ++this.eventSeq);
      }),
    );
    this.setState('reconciling');
    this.reconciling = true;
    try {
      this.recordReconciliation(plan.resume ? 'restart' : 'start', broker.lastReconciliation);
    } finally {
      this.reconciling = false;
    }
    for (const symbol of cfg.symbols) {
      const external = externalQuantity(this.ledger.book(symbol).quantity, this.held(symbol, true) ?? 0);
      if (external !== 0) this.notice('info', describeExternal(symbol, external));
    }
    this.accountPnl = broker.subscribePnl(account);
    this.cleanups.push(() => this.accountPnl?.close());
    this.cleanups.push(broker.reconciliations.on((r) => this.onReconciliation(r)));
    this.cleanups.push(broker.state.subscribe((s, previous) => this.onBrokerState(s, previous)));
    this.setState('running');
  }

  /**
   * A symbol's bars at the start. A refused backfill names its cause and fix (e.g. 162
   * without permissions: faulted); a pacing refusal (someone else used the budget) is said
   * and tried again after the window, a few times.
   */
  private async subscribeAtStart(symbol: string, backfill: string): Promise<BarStream> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.broker!.subscribeBars(this.contracts.get(symbol)!, { barSeconds: this.config.cycleSeconds, source: 'realtime', backfill, useRth: isSessionBar(this.config.cycleSeconds) });
      } catch (err) {
        const refusal = err instanceof BrokerError ? refusalFor(err.code, err.message, { allowDelayedData: false }) : undefined;
        if (!refusal) throw err;
        if (refusal.action === 'stop' || attempt >= 3) throw new SessionStop('faulted', describeRefusal(refusal, `bars of ${symbol}`), EXIT_CODES.faulted);
        this.notice('warn', `${describeRefusal(refusal, `bars of ${symbol}`)}; trying again in ${PACING_RETRY_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, PACING_RETRY_MS));
      }
    }
  }

  private makeBroker(): BrokerClient {
    const cfg = this.config;
    const log = this.options.log;
    this.ownsBroker = true;
    return new BrokerClient({
      host: cfg.host,
      port: cfg.port,
      clientId: cfg.clientId,
      ...this.options.brokerConfig,
      ...(log ? { log } : {}),
    });
  }

  private async checkAccount(account: string, isPaper: boolean | undefined): Promise<void> {
    const cfg = this.config;
    if (cfg.mode === 'paper' && isPaper !== true) {
      throw new SessionStop(
        'refused',
        `account ${account || '(unknown)'} is a live account and the session is in paper mode: paper mode never trades a live account. Connect to a paper account (DU...), or trade it with --mode live --allow-live and the confirmation`,
        EXIT_CODES.refused,
      );
    }
    if (cfg.mode === 'live') {
      if (isPaper) throw new SessionStop('refused', `account ${account} is a paper account; use --mode paper for it (live mode is for live accounts only)`, EXIT_CODES.refused);
      if (!cfg.allowLive) throw new SessionStop('refused', 'live trading is not allowed: set ibkrAi.allowLive (CLI --allow-live)', EXIT_CODES.refused);
      let typed = cfg.confirmLive;
      if (typed === undefined && this.options.confirmLive) typed = (await this.options.confirmLive(account))?.trim();
      if (typed === undefined || typed === '') {
        throw new SessionStop('refused', `live mode needs a confirmation for this session: type the account id ${account} when asked, or pass --confirm-live ${account} for scripted use`, EXIT_CODES.refused);
      }
      if (typed !== account) throw new SessionStop('refused', `the confirmation "${typed}" does not match the live account ${account}: nothing was sent`, EXIT_CODES.refused);
      this.notice('warn', `LIVE trading on ${account}, confirmed for this session`);
    }
    if (cfg.mode === 'shadow' && isPaper === false) this.notice('info', `account ${account} is live; shadow mode sends nothing to it`);
  }

  // ------------------------------------------------------------------ cycles

  private onBar(symbol: string, bar: Bar): void {
    const c = this.clock?.push(symbol, bar, Date.now());
    if (c) this.enqueue(c);
    this.schedulePoll();
  }

  private enqueue(c: Cycle): void {
    this.queue.push(c);
    this.wake?.();
  }

  private schedulePoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.clock || this.endRequest || this.stopping) return;
    const at = this.clock.nextDeadline();
    if (at === undefined) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      const c = this.clock?.poll(Date.now());
      if (c) this.enqueue(c);
      this.schedulePoll();
    }, Math.max(0, at - Date.now()));
  }

  private async nextCycle(): Promise<Cycle | undefined> {
    for (;;) {
      if (this.endRequest || this.stopping) return undefined;
      if (this.queue.length) {
        const newest = this.queue.pop()!;
        const passed = this.queue.splice(0);
        if (!passed.length) return newest;
        const skipped = [...passed.flatMap((c) => [...c.skipped, c.barTime]), ...newest.skipped].sort((a, b) => a - b);
        return { ...newest, skipped };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private async loop(): Promise<void> {
    this.clock?.start(Date.now());
    this.schedulePoll();
    while (this.ledger.lastCycle < this.config.cycles) {
      const cycle = await this.nextCycle();
      if (!cycle) break;
      this.cycleRunning = this.runCycle(cycle);
      try {
        await this.cycleRunning;
      } finally {
        this.cycleRunning = undefined;
      }
    }
  }

  private async runCycle(c: Cycle): Promise<void> {
    const cfg = this.config;
    const n = this.ledger.lastCycle + 1;
    this.marketNow = c.marketTime;
    this.write('cycle-start', { cycle: n, barTime: c.barTime, marketTime: c.marketTime, stalled: c.stalled, fresh: c.fresh, missing: c.missing, skipped: c.skipped });
    this.publish({ type: 'cycle-start', at: Date.now(), cycle: n, cycles: cfg.cycles, barTime: c.barTime, marketTime: c.marketTime, stalled: c.stalled, missing: c.missing, skipped: c.skipped });

    // TWS is the truth: shares sold outside the session since the last cycle leave the book.
    this.verifyBook('cycle');
    // Marks and the P&L at this cycle's close; the daily loss limit first.
    this.writePnl(n, c);
    const equity = this.capital + this.ledger.pnl().net;
    const risk = this.risk!;
    if (risk.observeEquity(equity)) {
      // Reached: from now on the risk engine refuses new risk for the rest of the trading day
      // (reducing orders still go); journaled so a restart the same day keeps it (riskLimits.ts).
      const loss = risk.dailyLoss(equity);
      const limit = cfg.risk.dailyLossLimit!;
      const reached = loss >= limit ? `loss today ${loss.toFixed(2)} reached the daily loss limit of ${limit}` : `the daily loss limit of ${limit} was reached earlier in the cycle (loss now ${loss.toFixed(2)})`;
      const reason = `${reached}: only orders that reduce a position go until the next trading day`;
      this.write('loss-limit', { rule: 'dailyLossLimit', reason, marketTime: c.marketTime, flatten: cfg.flattenOnStop });
      this.notice('warn', `dailyLossLimit: ${reason}${cfg.flattenOnStop ? '; flattening the book (--flatten-on-stop)' : ''}`);
      if (cfg.flattenOnStop) {
        this.emitCycleEnd(n, c, []);
        await this.flattenBook(reason);
        return;
      }
    }

    // Decide every symbol first, in order: each decision sees the orders proposed before it
    // (the account view counts them as working, the rate limit as sent), so the risk checks
    // hold for the cycle as a whole. Then the orders go together: their intents share one
    // journal fsync (group commit) and each leaves as soon as it is on disk, instead of one
    // fsync and one TWS round trip after another (bench/decision.ts).
    const decisions: DecisionRecord[] = [];
    const proposed = new Map<string, number>();
    const toPlace: Array<{ symbol: string; p: NonNullable<DecisionRecord['proposal']>; rated: number }> = [];
    const breaches = new Set(risk.stopLossBreaches(this.accountView()).map((b) => b.symbol));
    for (const symbol of cfg.symbols) {
      const record = await this.decideSymbol(symbol, n, c, breaches.has(symbol), proposed);
      decisions.push(record);
      this.lastDecisions.set(symbol, record);
      this.write('decision', { ...record });
      this.publish({ type: 'decision', at: Date.now(), record });
      if (record.outcome === 'shadow') risk.recordOrder();
      if (record.outcome !== 'order' || !record.proposal) continue;
      const p = record.proposal;
      proposed.set(symbol, (proposed.get(symbol) ?? 0) + (p.action === 'BUY' ? p.quantity : -p.quantity));
      toPlace.push({ symbol, p, rated: risk.recordOrder() });
    }
    const results = await Promise.allSettled(
      toPlace.map(({ symbol, p }) =>
        this.orders!.place({ orderRef: p.orderRef, cycle: n, symbol, kind: p.kind, contract: this.contracts.get(symbol)!, action: p.action, quantity: p.quantity, marketTime: c.marketTime }),
      ),
    );
    const placed: string[] = [];
    let journalFailure: unknown;
    results.forEach((r, i) => {
      const { symbol, p, rated } = toPlace[i]!;
      if (r.status === 'rejected') {
        risk.withdrawOrder(rated);
        journalFailure ??= r.reason;
        return;
      }
      const result = r.value;
      if (result.sent) {
        placed.push(p.orderRef);
        if (p.kind === 'stop') {
          risk.recordStopOut(symbol);
          this.write('stop-out', { symbol, marketTime: c.marketTime, orderRef: p.orderRef });
        }
        return;
      }
      risk.withdrawOrder(rated);
      if (result.error) this.notice('warn', `${symbol}: order ${p.orderRef} not sent: ${result.error}`);
    });
    if (journalFailure !== undefined) throw journalFailure;
    await this.orders!.settle(placed, this.options.settleMs ?? 500);
    this.emitCycleEnd(n, c, decisions);
    this.checkPolicyFailures(decisions);
    this.checkAllSuspended(decisions);
  }

  /** Every symbol suspended after TWS rejected its orders: nothing is left to trade, a fault stop naming the last reason. */
  private checkAllSuspended(decisions: readonly DecisionRecord[]): void {
    if (!decisions.length || !decisions.every((d) => d.verdict?.rule === 'symbolSuspended')) return;
    const last = [...this.ledger.intents.values()].filter((i) => i.state === 'rejected').pop();
    this.faultStop('order-rejected', this.rejectionReason(`TWS rejected the last 3 orders of every symbol (${this.rejectionStreak} in a row): all are suspended`, last?.orderRef, last?.note));
  }

  private rejectionReason(what: string, orderRef: string | undefined, note: string | undefined): string {
    const r = refusalFor(201, note ?? 'rejected');
    return `${what}; the last (${orderRef ?? '?'}): ${note ?? 'rejected'}${r ? `. Fix: ${r.fix}` : ''}`;
  }

  /** POLICY_FAILURE_STOP_AFTER cycles in a row where the policy failed on every decision it was asked for: a fault stop. */
  private checkPolicyFailures(decisions: readonly DecisionRecord[]): void {
    const failed = decisions.filter((d) => d.outcome === 'skipped' && d.reason.startsWith('policy error'));
    const answered = decisions.some((d) => d.output !== undefined);
    if (answered || failed.length === 0) {
      if (answered) this.policyFailureStreak = 0;
      return;
    }
    if (++this.policyFailureStreak < POLICY_FAILURE_STOP_AFTER) return;
    const last = failed[failed.length - 1]!;
    this.faultStop('policy', `the policy failed on every decision for ${this.policyFailureStreak} cycles in a row (${last.symbol}: ${last.reason}). Fix: check the model folder ${this.config.modelDir} (its manifest's features and input shape must match the ONNX model; npm run doctor -- --model checks it)`);
  }

  // ------------------------------------------------------------------ refusals and missing bars

  /** Follows one symbol's bars: completed bars to the clock, refusals to the error policy, held-back requests said. */
  private watchBars(symbol: string, stream: BarStream, replacing?: BarStream): void {
    this.streamOffs.get(symbol)?.();
    const i = replacing ? this.streams.indexOf(replacing) : -1;
    if (i >= 0) this.streams.splice(i, 1);
    this.streams.push(stream);
    this.clock!.seed(symbol, stream.history);
    const offs = [
      stream.bars.on((bar) => this.onBar(symbol, bar)),
      stream.notices.on((message) => this.notice('warn', message)),
      stream.status.subscribe((st) => (st ? this.barStatus.set(symbol, st) : this.barStatus.delete(symbol)), true),
      stream.error.subscribe((e) => {
        if (e) this.onBarRefused(symbol, stream, e);
      }, true),
    ];
    this.streamOffs.set(symbol, () => offs.forEach((off) => off()));
    // Held back while it was being subscribed (before these listeners): said now.
    const st = stream.status.value;
    if (st?.state === 'held-back') this.notice('warn', `bars of ${symbol}: ${st.reason}${st.until !== undefined ? ` in ${Math.max(0, Math.ceil((st.until - Date.now()) / 1000))} s` : ''}`);
  }

  /** TWS refused a symbol's bars: recover (said) or stop, by the error policy. */
  private onBarRefused(symbol: string, stream: BarStream, e: BrokerError): void {
    const refusal = refusalFor(e.code, e.message, { allowDelayedData: this.config.allowDelayedData });
    if (!refusal) {
      this.notice('warn', `bars of ${symbol}: ${e.message}`);
      return;
    }
    const delayed = refusal.id === 'market-data-permissions' || refusal.id === 'delayed-data';
    if (refusal.action === 'stop' || (delayed && stream.options.source === 'history')) {
      this.faultStop(refusal.id, describeRefusal(refusal, `bars of ${symbol}`));
      return;
    }
    if (delayed) {
      void this.switchToDelayed(symbol, stream, describeRefusal(refusal, `bars of ${symbol}`));
      return;
    }
    this.notice('warn', describeRefusal(refusal, `bars of ${symbol}`));
  }

  /**
   * --allow-delayed-data: live bars refused, so the symbol's bars come from TWS's historical
   * data kept up to date (delayed without live permissions), and the session says so.
   */
  private async switchToDelayed(symbol: string, old: BarStream, why: string): Promise<void> {
    if (why) this.notice('warn', `${why}. Trading ${symbol} on delayed bars as allowed (--allow-delayed-data): its prices may be 15-20 minutes old`);
    this.barStatus.set(symbol, { state: 'resubscribing', reason: 'switching to delayed bars' });
    try {
      // No second backfill: the history the refused stream loaded is in the clock already.
      const stream = await this.broker!.subscribeBars(this.contracts.get(symbol)!, { barSeconds: this.config.cycleSeconds, source: 'history', useRth: isSessionBar(this.config.cycleSeconds) });
      if (this.stopping || this.endRequest) {
        stream.close();
        return;
      }
      old.close();
      this.watchBars(symbol, stream, old);
    } catch (err) {
      const e = err instanceof BrokerError ? err : undefined;
      const refusal = e ? refusalFor(e.code, e.message) : undefined;
      if (refusal?.action === 'recover' && !this.stopping) {
        this.notice('warn', `${describeRefusal(refusal, `delayed bars of ${symbol}`)}; trying again in ${PACING_RETRY_MS / 1000} s`);
        this.barStatus.set(symbol, { state: 'held-back', reason: `pacing (error ${refusal.code}): delayed bars requested again in ${PACING_RETRY_MS / 1000} s`, code: refusal.code });
        const t = setTimeout(() => void this.switchToDelayed(symbol, old, ''), PACING_RETRY_MS);
        this.cleanups.push(() => clearTimeout(t));
        return;
      }
      this.faultStop(refusal?.id ?? 'market-data-permissions', refusal ? describeRefusal(refusal, `delayed bars of ${symbol}`) : `delayed bars of ${symbol}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Order rejections: Read-Only API stops at the first; other rejections after REJECTION_STOP_AFTER in a row (or once every symbol is suspended, see checkAllSuspended). */
  private onOrderUpdate(o: OrderUpdate): void {
    if (o.state === 'filled' || o.state === 'submitted' || o.filled > 0) {
      this.rejectionStreak = 0;
      return;
    }
    if (o.state !== 'rejected' || this.rejectionsCounted.has(o.orderRef)) return;
    this.rejectionsCounted.add(o.orderRef);
    this.rejectionStreak++;
    const refusal = o.errorCode !== undefined ? refusalFor(o.errorCode, o.note ?? '') : undefined;
    if (refusal?.action === 'stop') {
      this.faultStop(refusal.id, describeRefusal(refusal, `order ${o.orderRef}`));
      return;
    }
    if (this.rejectionStreak >= REJECTION_STOP_AFTER) this.faultStop('order-rejected', this.rejectionReason(`TWS rejected ${this.rejectionStreak} orders in a row`, o.orderRef, o.note));
  }

  /** A fault the session cannot trade through: no new orders, the session ends `faulted` naming the cause and the fix. */
  private faultStop(rule: string, reason: string): void {
    if (this.endRequest) return;
    this.stopping = true;
    this.publish({ type: 'risk-stop', at: Date.now(), rule, reason, flatten: false });
    // Journaled as a notice; the risk-stop event is what renderers show.
    if (this.journal && !this.journalFailure && this.ledger.start) {
      try {
        this.write('notice', { level: 'warn', message: `stopping (${rule}): ${reason}` });
      } catch {
        // handled by write
      }
    }
    this.requestEnd({ status: 'faulted', reason, exitCode: EXIT_CODES.faulted });
  }

  /** Why each symbol without a fresh bar in this cycle has none (for the cycle line). */
  private missingWhy(c: Cycle): Record<string, string> {
    const out: Record<string, string> = {};
    const missing = c.stalled ? this.config.symbols : c.missing;
    const s = this.broker?.state.value;
    for (const symbol of missing) {
      const st = this.barStatus.get(symbol);
      if (st) out[symbol] = `${st.state}: ${st.reason}${st.until !== undefined ? ` (in ${Math.max(0, Math.ceil((st.until - Date.now()) / 1000))} s)` : ''}`;
      else if (s && s.status !== 'ready') out[symbol] = `disconnected: TWS connection ${s.status}`;
      else if (s?.ibConnectivity === 'lost') out[symbol] = 'disconnected: TWS lost its connection to IB (1100)';
      else out[symbol] = 'no bar from TWS in time';
    }
    return out;
  }

  /** `proposed`: signed shares this cycle already decided to order, per symbol (not placed yet). */
  private async decideSymbol(symbol: string, n: number, c: Cycle, stopBreach: boolean, proposed?: ReadonlyMap<string, number>): Promise<DecisionRecord> {
    const cfg = this.config;
    const model = this.model!;
    const all = this.clock!.history(symbol);
    let end = all.length;
    while (end > 0 && all[end - 1]!.time > c.barTime) end--;
    const bars = all.slice(Math.max(0, end - (model.pipeline.history + HISTORY_MARGIN)), end);
    const book = this.ledger.book(symbol);
    const fresh = c.fresh.includes(symbol);
    const orders = this.orders!;
    const hold = this.stopping
      ? { rule: 'stopping' as const, reason: 'the session is stopping: no new orders' }
      : orders.hasWorking(symbol)
        ? { rule: 'orderWorking' as const, reason: `an order for ${symbol} is still working: no new order until it ends` }
        : this.suspended(symbol);
    const common = {
      cycle: n,
      symbol,
      marketTime: c.marketTime,
      bars,
      fresh,
      position: book.quantity,
      risk: this.risk!,
      account: this.accountView(proposed),
      shadow: cfg.mode === 'shadow',
      ...(hold ? { hold } : {}),
    };
    // The stop closes the book's own shares, never more than TWS holds.
    const exposure = capToHeld(book.quantity, this.held(symbol) ?? book.quantity);
    if (stopBreach && exposure !== 0 && !hold) {
      return exitDecision({ ...common, kind: 'stop', orderQuantity: -exposure, orderRef: formatOrderRef({ sessionId: this.sessionIdValue!, ...(this.runTag ? { run: this.runTag } : {}), cycle: n, symbol, kind: 'stop' }), why: `stop-loss: ${symbol} is past the ${(cfg.risk.stopLossFraction! * 100).toFixed(4)}% stop against its average price ${book.basis.toFixed(4)}` });
    }
    try {
      return await decide({
        ...common,
        barSeconds: cfg.cycleSeconds,
        avgCost: book.basis,
        equity: this.capitalPerSymbol,
        sizing: this.sizing!,
        model,
        step: this.step!,
        orderRef: formatOrderRef({ sessionId: this.sessionIdValue!, ...(this.runTag ? { run: this.runTag } : {}), cycle: n, symbol, kind: 'policy' }),
      });
    } catch (err) {
      if (!(err instanceof PolicyRuntimeError)) throw err;
      return { cycle: n, symbol, marketTime: c.marketTime, bars: bars.length, position: book.quantity, orderQuantity: 0, outcome: 'skipped', reason: `policy error, no decision: ${err.message}` };
    }
  }

  /** Three rejections in a row suspend a symbol for the rest of the session. */
  private suspended(symbol: string): { rule: 'symbolSuspended'; reason: string } | undefined {
    const mine = [...this.ledger.intents.values()].filter((i) => i.symbol === symbol);
    const last = mine.slice(-3);
    if (last.length === 3 && last.every((i) => i.state === 'rejected')) {
      return { rule: 'symbolSuspended', reason: `TWS rejected the last 3 orders for ${symbol} (${last[2]!.note ?? 'rejected'}): no more orders for it this session` };
    }
    return undefined;
  }

  /** Positions as the risk checks see them: held, plus working orders, plus `proposed` (decided this cycle, not placed yet). */
  private accountView(proposed?: ReadonlyMap<string, number>): AccountView {
    const positions = new Map<string, PositionView>();
    for (const symbol of this.config.symbols) {
      const b = this.ledger.book(symbol);
      const quantity = b.quantity + (this.orders?.workingQuantity(symbol) ?? 0) + (proposed?.get(symbol) ?? 0);
      positions.set(symbol, { quantity, avgCost: b.basis, marketPrice: b.mark ?? b.basis });
    }
    const held = new Map<string, number>();
    const external = new Map<string, number>();
    for (const symbol of this.config.symbols) {
      const h = this.held(symbol);
      if (h === undefined) continue;
      held.set(symbol, h);
      external.set(symbol, externalQuantity(this.ledger.book(symbol).quantity, h));
    }
    // What the account can still buy: TWS's BuyingPower less the buys the book has working or proposed.
    const bp = this.broker?.account.value?.buyingPower;
    let pendingBuys = 0;
    for (const symbol of this.config.symbols) {
      const b = this.ledger.book(symbol);
      const pending = (this.orders?.workingQuantity(symbol) ?? 0) + (proposed?.get(symbol) ?? 0);
      if (pending > 0) pendingBuys += pending * (b.mark ?? b.basis);
    }
    return {
      connection: this.connectionView(),
      equity: this.capital + this.ledger.pnl().net,
      positions,
      held,
      external,
      ...(bp !== undefined && Number.isFinite(bp) ? { buyingPower: bp - pendingBuys } : {}),
    };
  }

  /**
   * Shares TWS holds now in `symbol` (all owners), or undefined when not known. Unless `raw`,
   * a position TWS reported before the book's last fill is stale (positions come on their own
   * stream, after the executions, and are held back during an 1100): undefined until TWS reports again.
   */
  private held(symbol: string, raw = false): number | undefined {
    const conId = this.conIdOf(symbol);
    if (conId === undefined || !this.broker) return undefined;
    if (!raw && (this.positionSeq.get(conId) ?? 0) < (this.fillSeq.get(symbol) ?? 0)) return undefined;
    return this.broker.position(conId)?.quantity ?? 0;
  }

  private conIdOf(symbol: string): number | undefined {
    return this.contracts.get(symbol)?.conId ?? this.ledger.start?.startPositions?.[symbol]?.conId;
  }

  /**
   * TWS is the truth: where TWS holds less than the book believes (shares sold by hand or by
   * another program), the book shrinks to what TWS holds, with a notice and a journal line.
   * It never trades to restore its belief. Symbols with orders in flight wait for the next check.
   */
  private verifyBook(trigger: string, snapshot = false): void {
    if (!this.broker || this.connectionView() === 'disconnected' || this.connectionView() === 'connecting') return;
    for (const b of [...this.ledger.books.values()]) {
      if (b.quantity === 0 || this.orders?.hasWorking(b.symbol)) continue;
      // A reconciliation's positions and executions are one snapshot; otherwise a stale position waits.
      const held = this.held(b.symbol, snapshot);
      if (held === undefined) continue;
      const to = capToHeld(b.quantity, held);
      if (to === b.quantity) continue;
      const reason = `TWS holds ${held} ${b.symbol} but the book believed ${b.quantity}: the book shrinks to ${to} (shares left the account outside this session); nothing is traded to restore it`;
      this.write('book-capped', { symbol: b.symbol, from: b.quantity, to, held, trigger, reason });
      this.notice('warn', `${trigger}: ${reason}`);
    }
  }

  private connectionView(): RiskConnectionState {
    if (this.reconciling) return 'reconciling';
    const s = this.broker?.state.value;
    if (!s) return 'disconnected';
    switch (s.status) {
      case 'ready':
        return s.ibConnectivity === 'lost' ? 'disconnected' : 'connected';
      case 'syncing':
        return 'reconciling';
      case 'connecting':
      case 'reconnecting':
        return 'connecting';
      default:
        return 'disconnected';
    }
  }

  private writePnl(n: number, c: Cycle): void {
    const marks: Record<string, number> = {};
    for (const symbol of this.config.symbols) {
      const hist = this.clock!.history(symbol);
      let i = hist.length - 1;
      while (i >= 0 && hist[i]!.time > c.barTime) i--;
      if (i >= 0) marks[symbol] = hist[i]!.close;
    }
    // The snapshot at these marks (the line applies the same marks when replayed).
    for (const [symbol, price] of Object.entries(marks)) this.ledger.book(symbol).mark = price;
    const tws = this.accountPnl?.value.value;
    this.write('pnl', { cycle: n, marketTime: c.marketTime, marks, ...this.ledger.pnl(), ...(tws ? { twsAccount: { daily: tws.daily, unrealized: tws.unrealized, realized: tws.realized } } : {}) });
  }

  private emitCycleEnd(n: number, c: Cycle, decisions: DecisionRecord[]): void {
    const orders: OrderUpdate[] = [...this.ledger.intents.values()]
      .filter((i) => i.cycle === n)
      .map((r) => ({ orderRef: r.orderRef, orderId: r.orderId, cycle: r.cycle, symbol: r.symbol, kind: r.kind, action: r.action, quantity: r.quantity, state: r.state, filled: r.filled, avgFillPrice: r.avgFillPrice, ...(r.note ? { note: r.note } : {}) }));
    const missing = this.missingWhy(c);
    if (Object.keys(missing).length) this.cyclesMissingBars++;
    const bySymbols = new Map<string, string[]>();
    for (const [symbol, w] of Object.entries(missing)) {
      const why = w.replace(/ \(in \d+ s\)$/, '');
      bySymbols.set(why, [...(bySymbols.get(why) ?? []), symbol]);
    }
    for (const [why, symbols] of bySymbols) {
      const key = `${symbols.length > 6 ? `${symbols.slice(0, 6).join(',')}+${symbols.length - 6}` : symbols.join(',')} ${why}`;
      this.missingReasons.set(key, (this.missingReasons.get(key) ?? 0) + 1);
    }
    this.publish({ type: 'cycle-end', at: Date.now(), cycle: n, cycles: this.config.cycles, marketTime: c.marketTime, stalled: c.stalled, decisions, orders, pnl: this.ledger.pnl(), ...(Object.keys(missing).length ? { missing } : {}) });
  }

  // ------------------------------------------------------------------ stopping

  private requestEnd(e: EndRequest): void {
    if (!this.endRequest) this.endRequest = e;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.wake?.();
  }

  /** Risk stop or kill switch: stop deciding, cancel working orders, flatten if asked. */
  private engageStop(rule: string, reason: string, flatten: boolean): Promise<KillReport | undefined> {
    if (this.killing) return this.killing;
    this.stopping = true;
    const why = rule === 'killSwitch' ? `kill switch: ${reason}` : `${rule}: ${reason}`;
    this.requestEnd({ status: 'stopped', reason: why, exitCode: EXIT_CODES.stopped });
    this.killing = (async () => {
      // Let a cycle that is placing an order finish first (its remaining symbols see `stopping`).
      if (this.cycleRunning) await this.cycleRunning.catch(() => {});
      if (!this.orders || !this.journal || this.journalFailure) return undefined;
      this.write(rule === 'killSwitch' ? 'kill' : 'risk-stop', { rule, reason, flatten });
      this.publish({ type: 'risk-stop', at: Date.now(), rule, reason, flatten });
      this.setState('stopping', why);
      const report = await engageKillSwitch(
        {
          orders: this.orders,
          positions: () => this.config.symbols.map((symbol) => ({ symbol, quantity: this.ledger.book(symbol).quantity, ...(this.held(symbol) !== undefined ? { held: this.held(symbol)! } : {}) })),
          flattenOrder: (symbol, qty) => this.flattenOrder(symbol, qty),
          settleMs: this.options.endSettleMs ?? 5000,
        },
        { reason, flatten },
      );
      this.write('kill-report', { cancelled: report.cancelled, cancelFailures: report.cancelFailures, flattened: report.flattened.map((f) => f.orderRef), notFlattened: report.notFlattened, settled: report.settled });
      return report;
    })().catch((err: unknown) => {
      this.onAsyncError(err);
      return undefined;
    });
    return this.killing;
  }

  /** The daily loss limit with --flatten-on-stop: working orders cancelled, the book closed; the session goes on reduce-only. */
  private async flattenBook(reason: string): Promise<void> {
    if (!this.orders) return;
    const report = await engageKillSwitch(
      {
        orders: this.orders,
        positions: () => this.config.symbols.map((symbol) => ({ symbol, quantity: this.ledger.book(symbol).quantity, ...(this.held(symbol) !== undefined ? { held: this.held(symbol)! } : {}) })),
        flattenOrder: (symbol, qty) => this.flattenOrder(symbol, qty),
        settleMs: this.options.endSettleMs ?? 5000,
      },
      { reason, flatten: true },
    );
    this.write('kill-report', { cancelled: report.cancelled, cancelFailures: report.cancelFailures, flattened: report.flattened.map((f) => f.orderRef), notFlattened: report.notFlattened, settled: report.settled });
  }

  private async flattenOrder(symbol: string, qty: number): Promise<PlaceResult | { refused: string }> {
    const n = Math.max(1, this.ledger.lastCycle);
    const all = this.clock?.history(symbol) ?? [];
    const record = exitDecision({
      cycle: n,
      symbol,
      marketTime: this.marketNow,
      bars: all.slice(-1),
      fresh: true,
      position: this.ledger.book(symbol).quantity,
      risk: this.risk!,
      account: this.accountView(),
      shadow: this.config.mode === 'shadow',
      orderRef: formatOrderRef({ sessionId: this.sessionIdValue!, ...(this.runTag ? { run: this.runTag } : {}), cycle: n, symbol, kind: 'flatten' }),
      kind: 'flatten',
      orderQuantity: qty,
      why: `flatten ${symbol}: close the book's ${this.ledger.book(symbol).quantity} shares (shares held outside the book stay)`,
      adjust: flattenVerdict,
    });
    this.write('decision', { ...record });
    this.publish({ type: 'decision', at: Date.now(), record });
    if (record.outcome !== 'order' || !record.proposal) return { refused: record.reason };
    const p = record.proposal;
    const r = await this.orders!.place({ orderRef: p.orderRef, cycle: n, symbol, kind: 'flatten', contract: this.contracts.get(symbol)!, action: p.action, quantity: p.quantity, marketTime: this.marketNow });
    if (r.sent) this.risk!.recordOrder();
    return r;
  }

  private async finish(end: EndRequest): Promise<SessionResult> {
    this.stopping = true;
    if (this.orders && this.journal && !this.journalFailure) {
      // Orders still working settle (MKT orders fill quickly), then leftovers are cancelled.
      // Finished orders whose last executions are still on their way are waited for too.
      const open = [...this.orders.working(), ...this.orders.awaitingExecutions()].map((i) => i.orderRef);
      if (open.length) {
        const settled = await this.orders.settle(open, this.options.endSettleMs ?? 5000);
        if (!settled) {
          const r = await this.orders.cancelAll('session end: the order did not finish in time', this.options.endSettleMs ?? 5000);
          if (r.cancelled.length) this.notice('warn', `session end: cancelled ${r.cancelled.length} order(s) still working: ${r.cancelled.join(', ')}`);
        }
      }
    }
    return this.closeOut(end);
  }

  private closeOut(end: EndRequest): SessionResult {
    let summary: SessionSummary | undefined;
    if (this.journal && this.ledger.start) {
      summary = summarize(this.ledger, { status: end.status, reason: end.reason, plannedCycles: this.config.cycles, cyclesWithoutBars: this.cyclesMissingBars });
      if (!this.journalFailure) {
        try {
          this.write('pnl', { cycle: this.ledger.lastCycle, marketTime: this.marketNow, marks: {}, final: true, ...this.ledger.pnl() });
          this.write('session-end', { status: end.status, reason: end.reason, exitCode: end.exitCode, summary });
        } catch {
          // journalFailure is set; the result says so
        }
      }
      if (this.journalFailure && end.status !== 'failed') end = { status: 'failed', reason: this.journalFailure.message, exitCode: EXIT_CODES.failed };
      summary = summarize(this.ledger, { status: end.status, reason: end.reason, plannedCycles: this.config.cycles, cyclesWithoutBars: this.cyclesMissingBars });
      this.finalSummary = summary;
      this.publish({ type: 'summary', at: Date.now(), summary });
    }
    return {
      status: end.status,
      reason: end.reason,
      exitCode: end.exitCode,
      ...(this.sessionIdValue ? { sessionId: this.sessionIdValue } : {}),
      ...(this.journalPathValue ? { journalPath: this.journalPathValue } : {}),
      ...(summary ? { summary } : {}),
    };
  }

  private async handleFailure(err: unknown): Promise<SessionResult> {
    let end: EndRequest;
    if (err instanceof SessionStop) end = { status: err.status, reason: err.message, exitCode: err.exitCode };
    else if (err instanceof JournalError || this.journalFailure) {
      const j = this.journalFailure ?? (err as JournalError);
      end = { status: 'failed', reason: `journal: ${j.message}; trading stopped`, exitCode: EXIT_CODES.failed };
    } else if (err instanceof BrokerError) end = { status: 'failed', reason: `TWS: ${err.message}`, exitCode: EXIT_CODES.failed };
    else end = { status: 'failed', reason: err instanceof Error ? err.message : String(err), exitCode: EXIT_CODES.internal };
    this.stopping = true;
    if (this.journalFailure) {
      this.publish({ type: 'risk-stop', at: Date.now(), rule: 'journal', reason: end.reason, flatten: false });
      // Trading stops at once. Working orders are cancelled without journaling (the next start reconciles them).
      for (const o of this.orders?.working() ?? []) void this.broker?.cancelOrder(o.orderId).catch(() => {});
    } else if (this.journal && this.ledger.start && end.status === 'failed') {
      try {
        this.write('error', { message: end.reason });
      } catch {
        // closeOut reports the journal failure
      }
    }
    return this.closeOut(end);
  }

  private async cleanup(): Promise<void> {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    for (const off of this.cleanups.splice(0)) {
      try {
        off();
      } catch {
        // ignore
      }
    }
    for (const s of this.streams.splice(0)) s.close();
    if (this.ownsBroker) await this.broker?.dispose().catch(() => {});
    if (this.ownsModel) await this.model?.dispose().catch(() => {});
    try {
      this.journal?.close();
    } catch {
      // ignore
    }
    try {
      this.lock?.release();
    } catch {
      // a lock left behind names a process that is gone: the next start takes it over
    }
  }

  // ------------------------------------------------------------------ broker events

  private onBrokerState(s: BrokerState, previous: BrokerState): void {
    if (s.status === 'ready' && previous.status === 'ready' && s.ibConnectivity !== previous.ibConnectivity) {
      if (s.ibConnectivity === 'lost') this.notice('warn', `TWS lost its connection to IB (${s.lastError?.code ?? 1100}); no orders until it is restored`);
      else this.notice('info', 'TWS connectivity to IB restored');
    }
    if (s.status === previous.status) return;
    if (s.status === 'ready' && previous.status !== 'ready') this.notice('info', 'connection to TWS back and reconciled');
    if (s.status === 'reconnecting') this.notice('warn', `connection to TWS lost (${s.reason ?? 'unknown'}); reconnecting - no orders until reconciled`);
    if (s.status === 'failed') this.requestEnd({ status: 'failed', reason: `connection to TWS failed: ${s.reason ?? s.lastError?.message ?? 'unknown'}`, exitCode: EXIT_CODES.failed });
  }

  private onReconciliation(report: ReconcileReport): void {
    if (!this.orders || this.journalFailure) return;
    this.reconciling = true;
    try {
      this.recordReconciliation(report.trigger, report);
    } catch (err) {
      this.onAsyncError(err);
    } finally {
      this.reconciling = false;
    }
  }

  private recordReconciliation(trigger: string, report: ReconcileReport | undefined): void {
    const adopted = this.orders!.adopt();
    const positions: Record<string, { session: number; tws: number }> = {};
    for (const symbol of this.config.symbols) {
      const conId = this.contracts.get(symbol)?.conId;
      const tws = conId !== undefined ? (this.broker?.position(conId)?.quantity ?? 0) : 0;
      positions[symbol] = { session: this.ledger.book(symbol).quantity, tws };
    }
    const differs = Object.entries(positions).filter(([, p]) => capToHeld(p.session, p.tws) !== p.session);
    this.write('reconcile', {
      trigger,
      imported: adopted.imported,
      found: adopted.found,
      notAtTws: adopted.notAtTws,
      newFills: adopted.newFills,
      positions,
      ...(report ? { openOrders: report.openOrders, executions: report.executions, clean: report.clean } : {}),
    });
    if (adopted.notAtTws.length) this.notice('warn', `reconciliation: ${adopted.notAtTws.length} journaled order(s) unknown to TWS, closed and not resent: ${adopted.notAtTws.join(', ')}`);
    if (adopted.newFills.length) this.notice('info', `reconciliation: ${adopted.newFills.length} fill(s) found at TWS and journaled`);
    if (adopted.imported.length) this.notice('warn', `reconciliation: ${adopted.imported.length} order(s) of this session known to TWS but missing from the journal (restored from an older copy?) journaled as found, never resent: ${adopted.imported.join(', ')}`);
    if (differs.length) this.notice('warn', `reconciliation: TWS holds less than the book (book vs TWS): ${differs.map(([s, p]) => `${s} ${p.session} vs ${p.tws}`).join(', ')}`);
    // The reconciliation's positions and executions are one fresh snapshot from TWS.
    this.verifyBook(`reconciliation (${trigger})`, true);
  }

  private onAsyncError(err: unknown): void {
    if (err instanceof JournalError) {
      this.journalFailure ??= err;
      this.stopping = true;
      this.requestEnd({ status: 'failed', reason: `journal: ${err.message}; trading stopped`, exitCode: EXIT_CODES.failed });
      return;
    }
    this.notice('warn', `internal: ${err instanceof Error ? err.message : String(err)}`);
  }

  // ------------------------------------------------------------------ journal and events

  /** Appends one journal line (see Journal for which types are fsync'ed at once) and applies it to the ledger; a journal failure stops trading. */
  private write(type: string, data: Record<string, unknown>): JournalLine {
    if (this.journalFailure) throw this.journalFailure;
    if (!this.journal) throw new JournalError('the journal is not open', 'io');
    try {
      const line = this.journal.append(type, data);
      this.ledger.apply(line);
      return line;
    } catch (err) {
      throw this.journalFailed(err);
    }
  }

  /** A journal write failed: trading stops, the session ends as failed. Returns the error to throw. */
  private journalFailed(err: unknown): JournalError {
    const j = err instanceof JournalError ? err : new JournalError(`cannot write the journal: ${err instanceof Error ? err.message : String(err)}`, 'io');
    this.journalFailure ??= j;
    this.stopping = true;
    this.requestEnd({ status: 'failed', reason: `journal: ${j.message}; trading stopped`, exitCode: EXIT_CODES.failed });
    return j;
  }

  /**
   * Appends a line an action waits for (an order intent): applied to the ledger now, and
   * resolved once on disk; the lines of one turn share an fsync. A failure stops trading.
   */
  private writeDurable(type: string, data: Record<string, unknown>): Promise<void> {
    if (this.journalFailure) return Promise.reject(this.journalFailure);
    if (!this.journal) return Promise.reject(new JournalError('the journal is not open', 'io'));
    try {
      const { line, durable } = this.journal.appendDurable(type, data);
      this.ledger.apply(line);
      return durable.catch((err: unknown) => {
        throw this.journalFailed(err);
      });
    } catch (err) {
      return Promise.reject(this.journalFailed(err));
    }
  }

  private notice(level: 'info' | 'warn', message: string): void {
    this.publish({ type: 'notice', at: Date.now(), level, message });
    if (this.journal && !this.journalFailure && this.ledger.start) {
      try {
        this.write('notice', { level, message });
      } catch {
        // handled by write
      }
    }
  }

  private setState(state: SessionState, reason?: string): void {
    this.stateValue = state;
    this.publish({ type: 'state', at: Date.now(), state, ...(reason ? { reason } : {}), ...(this.sessionIdValue ? { sessionId: this.sessionIdValue } : {}) });
  }

  private publish(e: SessionEvent): void {
    try {
      this.emit(e.type, e as never);
    } catch (err) {
      this.options.log?.('warn', `a session event listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function sameMarketDay(a: number, b: number): boolean {
  return zonedTime(a, US_REGULAR_HOURS.timeZone).dateKey === zonedTime(b, US_REGULAR_HOURS.timeZone).dateKey;
}
