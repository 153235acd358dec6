// The AI trading session: each cycle of market time, per symbol, latest completed bars ->
// features -> policy -> target position -> risk checks -> order or none -> followed to its
// end, every step journaled and emitted as a typed event. No vscode: the CLI, the panel,
// tests and benchmarks all run this class. Its parts: startup.ts (to a RunningSession),
// cycle.ts (the cycles), sessionEnd.ts (stops and the end).
import { EventEmitter } from 'node:events';
import { DisposableStore } from '../core/disposables';
import { SessionCycles } from './cycle';
import type { DecisionRecord } from './decision';
import { orderUpdateOf } from './journalOrderUpdates';
import type { KillReport } from './killSwitch';
import type { OrderUpdate } from './orderManager';
import type { RunningSession } from './runningSession';
import type { SessionConfig } from './sessionConfig';
import { awaitConnectionAtEnd, closeOut, completedEnd, failedEnd, settleAtEnd, stopTrading, type EndParts } from './sessionEnd';
import { SESSION_EVENT_TYPES, type SessionEvent, type SessionEventMap, type SessionState } from './sessionEvents';
import { JournalError } from './journal';
import { SessionLedger } from './sessionLedger';
import type { TradingSessionOptions } from './sessionOptions';
import { EndControl, EXIT_CODES, type EndRequest, type SessionResult } from './sessionOutcome';
import { startSession, type StartupHost, type StartupProgress } from './startup';
import type { SessionSummary } from './summary';

export type { JournalSink } from './sessionJournal';
export type { TradingSessionOptions } from './sessionOptions';
export { EXIT_CODES, type SessionResult, type SessionStatus } from './sessionOutcome';
export { backfillDuration, barSizeNote } from './startup';

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

export class TradingSession extends EventEmitter<SessionEventMap> {
  readonly config: SessionConfig;
  private readonly options: TradingSessionOptions;
  private stateValue: SessionState = 'idle';
  private readonly end = new EndControl();
  /** Subscriptions, streams and timers of the session: undone at its end. */
  private readonly store = new DisposableStore();
  private readonly market = { now: 0 };
  private readonly lastDecisions = new Map<string, DecisionRecord>();
  private readonly progress: StartupProgress = { ledger: new SessionLedger() };
  private started: { run: RunningSession; cycles: SessionCycles } | undefined;
  private killing: Promise<KillReport | undefined> | undefined;
  private runPromise: Promise<SessionResult> | undefined;
  private finalSummary: SessionSummary | undefined;
  private readonly host: StartupHost;

  constructor(options: TradingSessionOptions) {
    super();
    this.options = options;
    this.config = options.config;
    this.host = {
      config: this.config,
      options,
      end: this.end,
      store: this.store,
      market: this.market,
      lastDecisions: this.lastDecisions,
      progress: this.progress,
      notice: (level, message) => this.notice(level, message),
      publish: (e) => this.publish(e),
      setState: (state, reason) => this.setState(state, reason),
      faultStop: (rule, reason) => this.faultStop(rule, reason),
      engageStop: (rule, reason, flatten) => this.engageStop(rule, reason, flatten),
      onAsyncError: (err) => this.onAsyncError(err),
      attach: (run) => {
        this.progress.run = run;
        this.started = { run, cycles: new SessionCycles(run) };
      },
    };
  }

  get state(): SessionState {
    return this.stateValue;
  }

  get sessionId(): string | undefined {
    return this.progress.sessionId;
  }

  get journalPath(): string | undefined {
    return this.progress.journal?.path;
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
    const { sessionId, journalPath } = this;
    const account = this.progress.account;
    return {
      state: this.stateValue,
      ...(sessionId ? { sessionId } : {}),
      ...(journalPath ? { journalPath } : {}),
      mode: this.config.mode,
      ...(account ? { account } : {}),
      symbols: this.config.symbols,
      cycle: this.progress.ledger.lastCycle,
      cycles: this.config.cycles,
      lastDecisions: [...this.lastDecisions.values()],
      workingOrders: this.progress.ledger.openIntents().map((r) => orderUpdateOf(r)),
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
    this.end.requestEnd({ status: 'stopped', reason, exitCode: EXIT_CODES.stopped });
  }

  /**
   * The kill switch: no new orders, every working order of the session cancelled, the
   * session stopped; with `flatten` the book's own shares are closed (never more than TWS holds; shares outside the book stay).
   * `by` names what stopped it in the end's reason ("kill switch: <reason>" unless told, e.g.
   * "Flatten Book"); null leaves the reason alone.
   */
  kill(opts: { reason?: string; flatten?: boolean; by?: string | null } = {}): Promise<KillReport | undefined> {
    const reason = opts.reason ?? 'kill switch';
    const flatten = opts.flatten ?? this.config.flattenOnStop;
    const by = opts.by === undefined ? 'kill switch' : opts.by;
    return this.engageStop('killSwitch', reason, flatten, by === null ? reason : `${by}: ${reason}`);
  }

  // ------------------------------------------------------------------ lifecycle

  private async execute(): Promise<SessionResult> {
    let result: SessionResult;
    try {
      await startSession(this.host);
      // Startup attached the running session (see host.attach) before it reconciled.
      const started = this.started;
      if (!started) throw new Error('startup ended without a running session');
      const { run, cycles } = started;
      await cycles.loop();
      if (this.killing) await this.killing;
      if (!this.end.request) await awaitConnectionAtEnd(run, this.options.endReconnectMs ?? 10_000);
      const end = this.end.request ?? completedEnd(run, cycles);
      this.end.stopping = true;
      await settleAtEnd(run);
      result = this.closeOut(end);
    } catch (err) {
      result = this.closeOut(failedEnd(this.endParts(), this.started?.run, err));
    } finally {
      await this.cleanup();
    }
    this.setState(result.status, result.reason);
    return result;
  }

  private endParts(): EndParts {
    return {
      host: this.host,
      ledger: this.progress.ledger,
      journal: this.progress.journal,
      cyclesWithoutBars: this.started?.cycles.cyclesMissingBars ?? 0,
      sessionId: this.progress.sessionId,
    };
  }

  private closeOut(end: EndRequest): SessionResult {
    const { result, summary } = closeOut(this.endParts(), end);
    if (summary) this.finalSummary = summary;
    return result;
  }

  /** Risk stop or kill switch: stop deciding, cancel working orders, flatten if asked. */
  private engageStop(rule: string, reason: string, flatten: boolean, why = `${rule}: ${reason}`): Promise<KillReport | undefined> {
    if (this.killing) return this.killing;
    this.end.stopping = true;
    this.end.requestEnd({ status: 'stopped', reason: why, exitCode: EXIT_CODES.stopped });
    // Before startup built the session there is nothing to cancel: it ends at once.
    const started = this.started;
    this.killing = started
      ? stopTrading(started.run, started.cycles, { rule, reason, flatten, why }).catch((err: unknown) => {
          this.onAsyncError(err);
          return undefined;
        })
      : Promise.resolve(undefined);
    return this.killing;
  }

  /** A fault the session cannot trade through: no new orders, the session ends `faulted` naming the cause and the fix. */
  private faultStop(rule: string, reason: string): void {
    if (this.end.request) return;
    this.end.stopping = true;
    this.publish({ type: 'risk-stop', at: Date.now(), rule, reason, flatten: false });
    // Journaled as a notice; the risk-stop event is what renderers show.
    this.journalNotice('warn', `stopping (${rule}): ${reason}`);
    this.end.requestEnd({ status: 'faulted', reason, exitCode: EXIT_CODES.faulted });
  }

  private onAsyncError(err: unknown): void {
    if (err instanceof JournalError && this.progress.journal) {
      this.progress.journal.fail(err);
      return;
    }
    this.notice('warn', `internal: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Subscriptions, streams and timers first, then the broker and model the session made, then the journal and its folder's lock (held until the client id is free). */
  private async cleanup(): Promise<void> {
    try {
      this.store.dispose();
    } catch {
      // the rest must still be undone
    }
    const { ownedBroker, ownedModel, journal, lock } = this.progress;
    if (ownedBroker) await ownedBroker.dispose().catch(() => {});
    if (ownedModel) await ownedModel.dispose().catch(() => {});
    try {
      journal?.close();
    } catch {
      // ignore
    }
    try {
      lock?.release();
    } catch {
      // a lock left behind names a process that is gone: the next start takes it over
    }
  }

  // ------------------------------------------------------------------ events

  private notice(level: 'info' | 'warn', message: string): void {
    this.publish({ type: 'notice', at: Date.now(), level, message });
    this.journalNotice(level, message);
  }

  /** Notices go in the journal once it has the session's start line (and while it works). */
  private journalNotice(level: 'info' | 'warn', message: string): void {
    const journal = this.progress.journal;
    if (!journal?.takesNotices) return;
    try {
      journal.write('notice', { level, message });
    } catch {
      // the journal's failure is set and ends the session
    }
  }

  private setState(state: SessionState, reason?: string): void {
    this.stateValue = state;
    const sessionId = this.progress.sessionId;
    this.publish({ type: 'state', at: Date.now(), state, ...(reason ? { reason } : {}), ...(sessionId ? { sessionId } : {}) });
  }

  private publish(e: SessionEvent): void {
    try {
      this.emit(e.type, e as never);
    } catch (err) {
      this.options.log?.('warn', `a session event listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
