// The extension's controller: one BrokerClient (connect / disconnect), the AI session on it,
// the setup checks and backtests, with everything they report written to the PanelStore
// and the events worth a notification emitted as TraderEvents. No vscode here, and nothing
// heavy at construction: the broker (@stoqey/ib), the session (onnxruntime, when it loads a
// model) and the checks are imported on first use. Integration-tested against the simulator.
import type { BrokerClient } from '../broker/brokerClient';
import type { BrokerConfig, LogLevel } from '../broker/config';
import type { BrokerConnectionState, Fill, TrackedOrder } from '../broker/types';
import { DisposableStore } from '../core/disposables';
import type { DoctorOptions } from '../doctor/runChecks';
import type { Report } from '../doctor/types';
import type { SessionConfig } from '../session/sessionConfig';
import { ENDED_STATES, type SessionEvent } from '../session/sessionEvents';
import type { SessionResult, TradingSession } from '../session/tradingSession';
import type { BacktestOutcome, BacktestRequest } from './backtestRunner';
import type { ResolvedTarget } from './configModel';
import type { KillResult } from './killAll';
import { PanelFeeds } from './panelFeeds';
import type { PanelStore } from './panelStore';
import { SimulatorFollow } from './simulatorFollow';
import type { RunningSimulator } from './simulatorHost';
import { connectionHealth, sameTarget, targetInfo } from './connectionHealth';
import type { ConnectionHealth } from './statusView';
import { firstProblem } from './viewRows';
import { sessionEndEvent, type TraderEvent } from './traderEvents';

export type { TraderEvent } from './traderEvents';

export type TraderComponent = 'broker' | 'session' | 'checks' | 'backtest';

export interface TraderOptions {
  store: PanelStore;
  log: (component: TraderComponent, level: LogLevel, message: string) => void;
  /** the embedded simulator, when it runs (for the idle state) */
  simulator: () => RunningSimulator | undefined;
  /** true in an untrusted workspace (Restricted Mode): the idle state says so */
  restricted?: () => boolean;
  /** extra broker settings (tests shorten timeouts) */
  brokerConfig?: Partial<Omit<BrokerConfig, 'host' | 'port' | 'clientId' | 'log'>>;
}

export interface StartSessionOptions {
  /** live mode: asked once per session after connecting; resolves with the account id to confirm it */
  confirmLive?: (accountId: string) => Promise<string | undefined>;
  /** setup-check options, for finding the cause when the connection fails */
  checks?: () => DoctorOptions;
}

export class Trader {
  private broker: BrokerClient | undefined;
  private target: ResolvedTarget | undefined;
  /** What createBroker subscribed and opened; undone by dropBroker. */
  private readonly brokerScope = new DisposableStore();
  private session: TradingSession | undefined;
  private sessionRun: Promise<SessionResult> | undefined;
  private checking: Promise<Report> | undefined;
  private lastReportValue: Report | undefined;
  private cause: { title: string; finding: string; fix: string } | undefined;
  private diagnosing = false;
  private readonly listeners = new Set<(e: TraderEvent) => void>();
  private disposed = false;
  private readonly follow = new SimulatorFollow();

  constructor(private readonly options: TraderOptions) {}

  get store(): PanelStore {
    return this.options.store;
  }

  onEvent(fn: (e: TraderEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: TraderEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch (err) {
        this.options.log('broker', 'warn', `an event listener threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  get connected(): boolean {
    return this.broker?.isReady === true;
  }
  get brokerClient(): BrokerClient | undefined {
    return this.broker;
  }

  get connectionState(): BrokerConnectionState | undefined {
    return this.broker?.state.value;
  }

  get currentTarget(): ResolvedTarget | undefined {
    return this.target;
  }

  get sessionActive(): boolean {
    return this.session !== undefined && !ENDED_STATES.has(this.session.state);
  }

  get activeSession(): TradingSession | undefined {
    return this.sessionActive ? this.session : undefined;
  }

  /** Resolves when the current session (if any) has ended. */
  sessionDone(): Promise<SessionResult | undefined> {
    return this.sessionRun ?? Promise.resolve(undefined);
  }

  /** What the status bar shows when nothing is connected. */
  idleHealth(): ConnectionHealth {
    if (this.options.restricted?.()) return { kind: 'restricted' };
    const sim = this.options.simulator();
    return sim ? { kind: 'simulator', ...sim } : { kind: 'off' };
  }

  /** Re-derives the connection health (after the simulator starts or stops, trust changes...). */
  refreshHealth(): void {
    this.store.setHealth(this.health());
  }

  private health(): ConnectionHealth {
    const b = this.broker;
    const t = this.target;
    if (!b || !t) return this.idleHealth();
    return connectionHealth(b.state.value, t, { cause: this.cause, diagnosing: this.diagnosing, idle: () => this.idleHealth() });
  }

  // ---------------------------------------------------------------- connection

  /**
   * Connects to the target (a no-op when already connected to it). On failure the status
   * shows the broker's reason at once, then the setup checks' cause when `checks` is given.
   */
  async connect(target: ResolvedTarget, opts: { checks?: () => DoctorOptions } = {}): Promise<boolean> {
    if (this.disposed) return false;
    this.follow.forget();
    if (target.problems.length) {
      this.target = target;
      this.store.setHealth({ kind: 'failed', ...targetInfo(target), reason: `invalid configuration: ${target.problems.join('; ')}` });
      return false;
    }
    if (this.broker && this.target && sameTarget(this.target, target)) {
      this.target = target;
      if (this.broker.isReady) return true;
    } else if (this.broker) {
      if (this.sessionActive) throw new Error(`an AI session is running on ${this.target!.host}:${this.target!.port}; stop it before connecting elsewhere`);
      await this.dropBroker();
    }
    this.target = target;
    this.cause = undefined;
    if (!this.broker) await this.createBroker(target);
    const broker = this.broker!;
    this.options.log(
      'broker',
      'info',
      `connecting to ${target.host}:${target.port} as client ${target.clientId} (host from ${target.sources.host}, port from ${target.sources.port}, client id from ${target.sources.clientId})`,
    );
    try {
      await broker.connect();
      return true;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.options.log('broker', 'warn', `connect failed: ${reason}`);
      if (opts.checks) await this.diagnose(opts.checks(), reason);
      else this.emit({ type: 'connect-failed', reason });
      return false;
    }
  }

  /** Runs the setup checks after a failed connect and puts their first finding in the status. */
  private async diagnose(options: DoctorOptions, reason: string): Promise<void> {
    this.diagnosing = true;
    this.refreshHealth();
    let cause: { title: string; finding: string; fix: string } | undefined;
    try {
      const report = await this.runChecks(options);
      const p = firstProblem(report);
      if (p) cause = { title: p.title, finding: p.finding, fix: p.fix };
    } catch (err) {
      this.options.log('checks', 'warn', `setup checks failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.diagnosing = false;
    }
    if (this.broker?.state.value.status === 'failed') this.cause = cause;
    this.refreshHealth();
    this.emit({ type: 'connect-failed', reason, ...(cause ? { cause } : {}) });
  }

  private async createBroker(target: ResolvedTarget): Promise<void> {
    const { BrokerClient } = await import('../broker/brokerClient');
    const log = this.options.log;
    const broker = new BrokerClient({
      host: target.host,
      port: target.port,
      clientId: target.clientId,
      ...this.options.brokerConfig,
      log: (level, message) => log('broker', level, message),
    });
    this.broker = broker;
    const store = this.store;
    const scope = this.brokerScope;
    scope.add(new PanelFeeds(broker, store, (level, message) => log('broker', level, message)));
    scope.add(broker.state.subscribe((s, prev) => this.onState(s, prev)));
    scope.add(broker.orderUpdates.on((o) => this.onOrder(o)));
    scope.add(broker.fills.on((f) => this.onFill(f)));
    for (const o of broker.orders()) store.upsertOrder(o);
  }

  private readonly orderStates = new Map<number, string>();
  /** the connection was lost after being ready, and is being re-established */
  private lost = false;

  private onOrder(o: TrackedOrder): void {
    this.store.upsertOrder(o);
    const prev = this.orderStates.get(o.orderId);
    this.orderStates.set(o.orderId, o.state);
    if (o.state === 'rejected' && prev !== 'rejected') {
      const err = o.errors[o.errors.length - 1];
      this.emit({
        type: 'reject',
        symbol: o.contract?.symbol ?? '?',
        orderId: o.orderId,
        message: o.note ?? (err ? `${err.code}: ${err.message}` : 'rejected by TWS'),
      });
    }
  }

  private onFill(f: Fill): void {
    // Executions found by the sync after a (re)connect are history, not news.
    if (!this.broker?.isReady) return;
    this.emit({
      type: 'fill',
      symbol: f.contract.symbol,
      side: f.side,
      shares: f.shares,
      price: f.price,
      orderId: f.orderId,
      ...(f.orderRef ? { orderRef: f.orderRef } : {}),
      inSession: this.sessionActive,
    });
  }

  private onState(s: BrokerConnectionState, prev: BrokerConnectionState): void {
    if (s.status !== prev.status) {
      this.options.log(
        'broker',
        s.status === 'failed' || s.status === 'reconnecting' ? 'warn' : 'info',
        `connection ${prev.status} -> ${s.status}${s.reason ? ` (${s.reason})` : ''}`,
      );
      if (prev.status === 'ready' && s.status === 'reconnecting') {
        this.lost = true;
        this.emit({ type: 'disconnected', reason: s.reason ?? 'connection lost' });
      }
      if (this.lost && s.status === 'failed') this.emit({ type: 'disconnected', reason: s.reason ?? 'gave up reconnecting' });
      if (this.lost && s.status === 'ready') this.emit({ type: 'reconnected', account: s.accountId ?? '?' });
      if (s.status === 'ready' || s.status === 'failed' || s.status === 'disconnected') this.lost = false;
      if (s.status !== 'failed') this.cause = undefined;
    }
    this.refreshHealth();
  }

  /** Drops a connection that failed or was closed, so the idle state (e.g. the simulator) shows again. */
  async forgetIdleConnection(): Promise<void> {
    const s = this.broker?.state.value.status;
    if (s !== 'failed' && s !== 'disconnected') return;
    await this.dropBroker();
    this.cause = undefined;
    this.refreshHealth();
  }

  /** Disconnects (the session, if one runs, is stopped first and awaited). */
  async disconnect(): Promise<void> {
    this.follow.forget();
    if (this.sessionActive) {
      this.session!.stop('the user disconnected');
      await this.sessionRun;
    }
    await this.dropBroker();
    this.refreshHealth();
  }

  private async dropBroker(): Promise<void> {
    const b = this.broker;
    if (!b) return;
    this.brokerScope.clear();
    this.broker = undefined;
    this.lost = false;
    this.orderStates.clear();
    await b.dispose().catch(() => {});
    this.store.clearBrokerData();
    this.options.log('broker', 'info', 'disconnected');
  }

  // ---------------------------------------------------------------- session

  /**
   * Connects if needed and starts an AI session on this connection. Resolves with the
   * running session, or undefined when it could not start (the reason is in the store, the
   * log and a notification).
   */
  async startSession(config: SessionConfig, target: ResolvedTarget, opts: StartSessionOptions = {}): Promise<TradingSession | undefined> {
    if (this.sessionActive) throw new Error('an AI session is already running: stop it first');
    if (!(await this.connect(target, opts.checks ? { checks: opts.checks } : {}))) {
      const s = this.broker?.state.value;
      const reason = `cannot connect to ${target.host}:${target.port}: ${target.problems.join('; ') || s?.reason || 'not connected'}`;
      this.store.sessionFailed(reason);
      return undefined;
    }
    const [{ TradingSession }, { formatSummary }] = await Promise.all([import('../session/tradingSession'), import('../session/summary')]);
    this.store.setSummaryFormatter(formatSummary);
    const session = new TradingSession({
      config,
      broker: this.broker!,
      ...(opts.confirmLive ? { confirmLive: opts.confirmLive } : {}),
      log: (level, message) => this.options.log('session', level, message),
    });
    this.session = session;
    this.store.beginSession(session.snapshot());
    const off = session.onEvent((e) => this.onSessionEvent(session, e));
    this.options.log(
      'session',
      'info',
      `starting: ${config.mode} mode, ${config.symbols.join(',')} every ${config.cycleSeconds} s for ${config.cycles} cycles, model ${config.modelDir}, journal ${config.journalDir}`,
    );
    this.sessionRun = session.run().then((result) => {
      off();
      this.options.log('session', result.status === 'finished' ? 'info' : 'warn', `ended: ${result.status} - ${result.reason}`);
      if (!result.summary) this.store.sessionFailed(result.reason);
      this.emit(sessionEndEvent(result, formatSummary));
      return result;
    });
    return session;
  }

  private onSessionEvent(session: TradingSession, e: SessionEvent): void {
    this.store.sessionEvent(e, () => session.snapshot());
    if (e.type === 'notice') this.options.log('session', e.level, e.message);
    if (e.type === 'risk-stop') {
      this.options.log('session', 'warn', `STOP (${e.rule}): ${e.reason}`);
      this.emit({ type: 'risk-stop', rule: e.rule, reason: e.reason, flatten: e.flatten });
    }
    if (e.type === 'state') this.refreshHealth();
  }

  /** Ends the session after its current cycle. */
  stopSession(reason = 'stopped by the user'): boolean {
    if (!this.sessionActive) return false;
    this.session!.stop(reason);
    return true;
  }

  /**
   * The kill switch: the session (if any) stops at once and cancels its working orders
   * (flattening if asked); then every other open order of this connection is cancelled too.
   */
  async kill(opts: { flatten?: boolean; reason?: string } = {}): Promise<KillResult> {
    const { killAll } = await import('./killAll');
    // The session prefixes "kill switch: ", so the reason says only who pressed it.
    const r = await killAll(this.activeSession, this.broker, { ...opts, reason: opts.reason ?? 'pressed in VS Code' });
    const failed = r.failures.length ? `; failed: ${r.failures.join(', ')}` : '';
    this.options.log(
      'session',
      'warn',
      `kill switch: ${r.sessionStopped ? 'session stopped, ' : ''}cancelled ${r.cancelledOrders.join(', ') || 'nothing'}${failed}`,
    );
    return r;
  }

  // ---------------------------------------------------------------- the embedded simulator

  /**
   * The embedded simulator is about to stop on purpose. A connection to it closes quietly
   * (not a lost connection: no warning, no retries of a dead port), a session on it is
   * stopped first (its working orders cancelled), and the connection follows the simulator
   * when it starts again.
   */
  async simulatorStopping(): Promise<void> {
    const s = this.broker?.state.value.status;
    if (!this.follow.stopping(this.target, s !== undefined && s !== 'disconnected')) return;
    this.options.log('broker', 'info', 'the TWS simulator is stopping: closing the connection to it (it follows the simulator when it starts again)');
    if (this.sessionActive) {
      await this.session!.kill({ reason: 'the TWS simulator was stopped', flatten: false, by: null });
      await Promise.race([this.sessionRun, new Promise((r) => setTimeout(r, 10_000))]);
    }
    await this.dropBroker();
    this.refreshHealth();
  }

  /** A connection closed by the simulator's stop waits for its next start. */
  get followsSimulator(): boolean {
    return this.follow.following;
  }

  /** The embedded simulator started: a connection closed by its stop reconnects, to its new port. */
  async simulatorStarted(sim: RunningSimulator): Promise<boolean> {
    const next = this.follow.started(sim);
    if (!next || this.broker || this.disposed) return false;
    this.options.log('broker', 'info', `following the TWS simulator to ${sim.host}:${sim.port}`);
    return this.connect(next);
  }

  // ---------------------------------------------------------------- checks

  /** The last completed setup-check report. */
  get lastReport(): Report | undefined {
    return this.lastReportValue;
  }

  /** Runs the setup checks (one run at a time); while connected, they use another client id. */
  runChecks(options: DoctorOptions): Promise<Report> {
    if (this.checking) return this.checking;
    this.store.checksStarted();
    const s = this.broker?.state.value;
    const busy = s && s.status !== 'disconnected' && s.status !== 'failed';
    const probeClientId = busy ? (s.clientId + 1000) % 2_147_483_647 : undefined;
    this.checking = (async () => {
      const { runChecks } = await import('../doctor/runChecks');
      const report = await runChecks({ ...options, ...(probeClientId !== undefined ? { probeClientId } : {}), onCheck: (c) => this.store.checkDone(c) });
      this.lastReportValue = report;
      this.store.checksFinished(report);
      const p = firstProblem(report);
      this.options.log(
        'checks',
        report.verdict === 'fail' ? 'warn' : 'info',
        `setup checks: ${report.verdict}${p ? ` - ${p.title}: ${p.finding}` : ''} (${Math.round(report.durationMs)} ms)`,
      );
      return report;
    })()
      .catch((err: unknown) => {
        this.store.checksFailed(err instanceof Error ? err.message : String(err));
        throw err;
      })
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  // ---------------------------------------------------------------- backtests

  private backtesting: Promise<BacktestOutcome> | undefined;

  /** Runs a backtest in-process (one at a time) and shows its report in the panel. */
  runBacktest(request: BacktestRequest): Promise<BacktestOutcome> {
    if (this.backtesting) return this.backtesting;
    const before = this.store.backtestView();
    this.store.setBacktest({ ...before, running: true, error: undefined } as typeof before);
    this.backtesting = (async () => {
      const { runBacktestInProcess } = await import('./backtestRunner');
      const out = await runBacktestInProcess({ ...request, log: (line) => this.options.log('backtest', 'info', line) });
      this.store.setBacktest({ running: false, title: out.title, html: out.html, htmlPath: out.reportHtml });
      this.options.log('backtest', 'info', `${out.title}: report ${out.reportHtml} (${out.elapsedMs} ms)`);
      return out;
    })()
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.store.setBacktest({ running: false, error: message });
        this.options.log('backtest', 'error', message);
        throw err;
      })
      .finally(() => (this.backtesting = undefined));
    return this.backtesting;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Deactivation: the session stops (working orders settled or cancelled), the socket closes. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.sessionActive) {
      this.session!.stop('VS Code is closing the extension');
      await Promise.race([this.sessionRun, new Promise((r) => setTimeout(r, 8000))]);
    }
    await this.dropBroker();
    this.listeners.clear();
  }
}
