// The typed events a TradingSession emits. The CLI prints them and the VS Code panel renders
// them; each carries its `type` so a renderer can take them as one discriminated union.
import type { DecisionRecord } from './decision';
import type { OrderUpdate } from './orderManager';
import type { FillRecord, PnlSnapshot } from './sessionLedger';
import type { SessionSummary } from './summary';

export type SessionState =
  | 'idle'
  | 'starting'
  | 'connecting'
  | 'reconciling'
  | 'running'
  | 'stopping'
  /** ran all its cycles */
  | 'finished'
  /** stopped early: kill switch, stop() */
  | 'stopped'
  /** refused to start (safety): nothing was sent */
  | 'refused'
  /** could not go on: connection, journal, model */
  | 'failed'
  /** stopped by a refusal it cannot trade through (market data, Read-Only API, rejections, policy errors); the reason names the fix */
  | 'faulted'
  /** ran its cycles but ended disconnected from TWS */
  | 'disconnected'
  /** ran its cycles, most of them without every symbol's bar */
  | 'degraded';

/** The states a session ends in (no more events but the summary). */
export const ENDED_STATES: ReadonlySet<SessionState> = new Set<SessionState>([
  'finished',
  'stopped',
  'refused',
  'failed',
  'faulted',
  'disconnected',
  'degraded',
]);

interface Base {
  /** wall-clock epoch ms when emitted */
  readonly at: number;
}

export interface StateEvent extends Base {
  readonly type: 'state';
  readonly state: SessionState;
  readonly reason?: string;
  readonly sessionId?: string;
}

export interface NoticeEvent extends Base {
  readonly type: 'notice';
  readonly level: 'info' | 'warn';
  readonly message: string;
}

/** Which cycle of how many, at what market time, and whether the market data stalled. */
interface CycleBase extends Base {
  readonly cycle: number;
  readonly cycles: number;
  readonly marketTime: number;
  readonly stalled: boolean;
}

export interface CycleStartEvent extends CycleBase {
  readonly type: 'cycle-start';
  readonly barTime: number;
  readonly missing: readonly string[];
  readonly skipped: readonly number[];
}

export interface DecisionEvent extends Base {
  readonly type: 'decision';
  readonly record: DecisionRecord;
}

export interface OrderEvent extends Base {
  readonly type: 'order';
  readonly order: OrderUpdate;
}

export interface FillEvent extends Base {
  readonly type: 'fill';
  readonly fill: FillRecord;
}

export interface RiskStopEvent extends Base {
  readonly type: 'risk-stop';
  /** 'killSwitch', 'journal' / 'connection' failures, or a risk rule (journals before the daily loss limit went reduce-only) */
  readonly rule: string;
  readonly reason: string;
  readonly flatten: boolean;
}

export interface CycleEndEvent extends CycleBase {
  readonly type: 'cycle-end';
  readonly decisions: readonly DecisionRecord[];
  /** the orders of this cycle as they stand at its end */
  readonly orders: readonly OrderUpdate[];
  readonly pnl: PnlSnapshot;
  /** symbols without a fresh bar in this cycle -> why (held back by pacing, refused, disconnected, resubscribing) */
  readonly missing?: Readonly<Record<string, string>>;
}

export interface SummaryEvent extends Base {
  readonly type: 'summary';
  readonly summary: SessionSummary;
}

export type SessionEvent = StateEvent | NoticeEvent | CycleStartEvent | DecisionEvent | OrderEvent | FillEvent | RiskStopEvent | CycleEndEvent | SummaryEvent;

/** Event name -> listener arguments, for `session.on(name, listener)`. */
export interface SessionEventMap {
  state: [StateEvent];
  notice: [NoticeEvent];
  'cycle-start': [CycleStartEvent];
  decision: [DecisionEvent];
  order: [OrderEvent];
  fill: [FillEvent];
  'risk-stop': [RiskStopEvent];
  'cycle-end': [CycleEndEvent];
  summary: [SummaryEvent];
}

export const SESSION_EVENT_TYPES: ReadonlyArray<keyof SessionEventMap> = [
  'state',
  'notice',
  'cycle-start',
  'decision',
  'order',
  'fill',
  'risk-stop',
  'cycle-end',
  'summary',
];
