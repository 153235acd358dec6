// How a session ends: its statuses and exit codes, and the end request the first cause sets
// (a stop, the kill switch, a fault, a failure), which every part of the session reads.
import type { SessionSummary } from './summary';

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

export interface EndRequest {
  status: SessionStatus;
  reason: string;
  exitCode: number;
}

/** Thrown by startup (and the cycles) to end the session with this status and reason. */
export class SessionStop extends Error {
  constructor(
    readonly status: SessionStatus,
    reason: string,
    readonly exitCode: number,
  ) {
    super(reason);
  }
}

/**
 * The session's end, as its parts see it: the first request stands (later ones do not change
 * how it ends); `stopping` means no new orders (a fault, the kill switch, the end), which a
 * plain stop() does not set: the current cycle still decides.
 */
export class EndControl {
  stopping = false;
  private requestValue: EndRequest | undefined;
  private readonly listeners = new Set<() => void>();

  get request(): EndRequest | undefined {
    return this.requestValue;
  }

  requestEnd(e: EndRequest): void {
    if (!this.requestValue) this.requestValue = e;
    for (const fn of this.listeners) fn();
  }

  /** Called at every end request (e.g. to wake a wait for the next cycle). Returns the unsubscribe. */
  onRequest(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
