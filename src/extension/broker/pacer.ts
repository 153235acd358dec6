// Pacing, so TWS never answers "100: max rate of messages exceeded" or "162: historical
// data pacing violation".
//
// MessagePacer: every outgoing message waits here. Sliding windows, by default
//   at most 45 messages in any 1000 ms  (the nominal rate, below TWS's 50/s);
//   at most 50 messages in any 1500 ms  (TWS counts on *its* clock, when it gets to each
//                                        message: if it falls up to 500 ms behind - its own
//                                        load, the network, a busy host - its one-second
//                                        window still never holds more than 50; sustained
//                                        rate 33/s, plenty for a trading session);
//   at most 15 messages in any 100 ms   (a cycle's orders for up to 15 symbols leave at
//                                        once; a start-up burst of 45 is still spread).
// This is the only queue (see LIBRARY_MAX_REQ_PER_SEC) and its length is a metric.
//
// HistoricalPacer: IBKR's historical-data rules, applied before a request reaches the
// MessagePacer: no identical request within 15 s, at most 6 requests for one contract
// (and bar source) within 2 s, at most 60 requests within 10 minutes; BID_ASK counts
// twice. TWS counts a request when *it* handles it, which can be later than when it was
// written (TWS busy, network). So a request counts as "now" from the moment it is written
// until its first answer arrives, and at the time of that answer afterwards: an upper
// bound of when TWS counted it, which keeps the windows right whatever the delay.
import { systemClock, type Clock, type TimerHandle } from '../core/clock';
import { Observable } from '../core/observable';

export interface RateRule {
  limit: number;
  windowMs: number;
}

export const TWS_MESSAGE_RULES: readonly RateRule[] = [
  { limit: 45, windowMs: 1000 },
  { limit: 50, windowMs: 1500 },
  { limit: 15, windowMs: 100 },
];

/**
 * The value given to @stoqey/ib's `maxReqPerSec` (its limiter allows maxReqPerSec/10 per
 * 100 ms). That limiter counts tokens returned by timers, not clock time: when its timers
 * fire late (a busy event loop) it holds messages the pacer already released and then lets
 * them go in a bunch (measured: 70 ms held, then 3 at once) - the bunches that made the
 * simulator count more than 50 in a second under load. So it is set
 * where the pacer's 15 per 100 ms can never reach it: the pacer is the only queue, and the
 * library's limiter is left as a flood guard only.
 */
export const LIBRARY_MAX_REQ_PER_SEC = 1000;

interface QueuedMessage {
  run: () => void;
  resolve: () => void;
  reject: (err: Error) => void;
  label: string;
}

export class MessagePacer {
  readonly queueLength = new Observable(0);
  sent = 0;
  maxQueued = 0;
  private readonly queue: QueuedMessage[] = [];
  private readonly priorityQueue: QueuedMessage[] = [];
  /** Send times, newest last, at most max(limit) of them. */
  private readonly times: number[] = [];
  private readonly keep: number;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly rules: readonly RateRule[] = TWS_MESSAGE_RULES,
    private readonly clock: Clock = systemClock,
  ) {
    if (rules.length === 0 || rules.some((r) => !(r.limit >= 1) || !(r.windowMs > 0))) throw new RangeError('pacer rules need limit >= 1 and windowMs > 0');
    this.keep = Math.max(...rules.map((r) => r.limit));
  }

  /** Queues one message; `run` writes it. Resolves once written, rejects if the queue is cleared first. */
  submit(run: () => void, opts: { priority?: boolean; label?: string } = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const item: QueuedMessage = { run, resolve, reject, label: opts.label ?? 'message' };
      (opts.priority ? this.priorityQueue : this.queue).push(item);
      this.changed();
      this.pump();
    });
  }

  get length(): number {
    return this.queue.length + this.priorityQueue.length;
  }

  /** Rejects everything still queued (the connection is gone: nothing of it was sent). */
  clear(err: Error): void {
    const dropped = [...this.priorityQueue.splice(0), ...this.queue.splice(0)];
    this.timer?.cancel();
    this.timer = undefined;
    this.changed();
    for (const item of dropped) item.reject(err);
  }

  /** Milliseconds until one more message may go (0 = now). */
  delayFor(now = this.clock.now()): number {
    let wait = 0;
    for (const rule of this.rules) {
      let inWindow = 0;
      for (let i = this.times.length - 1; i >= 0 && (this.times[i] as number) > now - rule.windowMs; i--) inWindow++;
      if (inWindow >= rule.limit) {
        // The oldest send that must leave the window before one more fits.
        const blocking = this.times[this.times.length - rule.limit] as number;
        wait = Math.max(wait, blocking + rule.windowMs - now);
      }
    }
    return wait;
  }

  private pump(): void {
    if (this.timer) return;
    while (this.length > 0) {
      const now = this.clock.now();
      const wait = this.delayFor(now);
      if (wait > 0) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const item = (this.priorityQueue.length ? this.priorityQueue.shift() : this.queue.shift()) as QueuedMessage;
      this.times.push(now);
      if (this.times.length > this.keep) this.times.shift();
      this.sent++;
      this.changed();
      try {
        item.run();
        item.resolve();
      } catch (err) {
        item.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  private changed(): void {
    const n = this.length;
    if (n > this.maxQueued) this.maxQueued = n;
    this.queueLength.set(n);
  }
}

export interface HistoricalRules {
  identicalMs: number;
  perContract: RateRule;
  overall: RateRule;
  /** Added to every window, for the network and TWS's own clock. */
  marginMs: number;
}

export const IBKR_HISTORICAL_RULES: HistoricalRules = {
  identicalMs: 15_000,
  perContract: { limit: 6, windowMs: 2_000 },
  overall: { limit: 60, windowMs: 600_000 },
  marginMs: 100,
};

export interface HistoricalRequestKey {
  /** Everything that makes two requests "identical" (contract, end, duration, bar size, what, RTH). */
  identity: string;
  /** Contract + exchange + tick type: the "same contract" of the 6-per-2-s rule. */
  contract: string;
  /** BID_ASK requests count twice. */
  weight?: number;
  /**
   * The pool whose `overall` window the request counts in: real-time bar requests have their
   * own 60 new requests per 10 minutes ("real time bars subscriptions combine the limitations
   * of both, top and historical market data ... no more than 60 *new* requests for real time
   * bars can be made in 10 minutes", interactivebrokers.github.io/tws-api/realtime_bars.html).
   */
  pool?: 'historical' | 'realtime';
}

/**
 * Writes the request; resolves once written, optionally with `answered`: a promise that
 * settles at TWS's first answer (wrapped in an object: a bare promise would be flattened).
 */
export type HistoricalTransmit = () => Promise<{ answered?: Promise<unknown> } | void>;

export interface ScheduleOptions {
  /** Called once when the request has to wait, with the wait in ms (to say so). */
  onHeld?: (waitMs: number) => void;
  /** Give up (reject with PacedOut) rather than wait longer than this. */
  maxWaitMs?: number;
}

/** A request that would have waited longer than its maxWaitMs: not sent. */
export class PacedOut extends Error {
  constructor(readonly waitMs: number) {
    super(`held back ${Math.ceil(waitMs / 1000)} s by IBKR's pacing: not sent`);
    this.name = 'PacedOut';
  }
}

interface HistoricalItem {
  key: HistoricalRequestKey;
  transmit: HistoricalTransmit;
  resolve: () => void;
  reject: (err: Error) => void;
  opts: ScheduleOptions;
  heldSaid?: boolean;
}

interface SentRecord {
  /** When TWS answered it (undefined while unanswered: counts as now). */
  at: number | undefined;
  identity: string;
  contract: string;
  weight: number;
  pool: string;
}

export class HistoricalPacer {
  readonly queueLength = new Observable(0);
  private readonly queue: HistoricalItem[] = [];
  private readonly sentLog: SentRecord[] = [];
  private busy = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly rules: HistoricalRules = IBKR_HISTORICAL_RULES,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Waits until the rules allow this request, then calls `transmit` (which resolves once the
   * message is written) and records the time. Resolves when transmitted.
   */
  schedule(key: HistoricalRequestKey, transmit: HistoricalTransmit, opts: ScheduleOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ key, transmit, resolve, reject, opts });
      this.queueLength.set(this.queue.length);
      // A timer armed for a held request must not hold this one too (another pool or contract may be free).
      this.timer?.cancel();
      this.timer = undefined;
      this.pump();
    });
  }

  clear(err: Error): void {
    const dropped = this.queue.splice(0);
    this.timer?.cancel();
    this.timer = undefined;
    this.queueLength.set(0);
    for (const item of dropped) item.reject(err);
  }

  /** Milliseconds until `key` may be sent (0 = now). */
  delayFor(key: HistoricalRequestKey, now = this.clock.now()): number {
    const { identicalMs, perContract, overall, marginMs } = this.rules;
    const weight = key.weight ?? 1;
    let wait = 0;
    for (const r of this.sentLog) {
      if (r.identity === key.identity) wait = Math.max(wait, (r.at ?? now) + identicalMs + marginMs - now);
    }
    wait = Math.max(
      wait,
      windowWait(
        this.sentLog.filter((r) => r.contract === key.contract),
        perContract,
        weight,
        now,
        marginMs,
      ),
    );
    const pool = key.pool ?? 'historical';
    wait = Math.max(
      wait,
      windowWait(
        this.sentLog.filter((r) => r.pool === pool),
        overall,
        weight,
        now,
        marginMs,
      ),
    );
    return Math.max(0, wait);
  }

  private pump(): void {
    if (this.busy || this.timer) return;
    this.prune();
    if (this.queue.length === 0) return;
    const now = this.clock.now();
    let best = Infinity;
    for (let i = 0; i < this.queue.length; i++) {
      const item = this.queue[i] as HistoricalItem;
      const wait = this.delayFor(item.key, now);
      if (wait <= 0) {
        this.queue.splice(i, 1);
        this.queueLength.set(this.queue.length);
        this.busy = true;
        item.transmit().then(
          (written) => {
            const record: SentRecord = {
              at: undefined,
              identity: item.key.identity,
              contract: item.key.contract,
              weight: item.key.weight ?? 1,
              pool: item.key.pool ?? 'historical',
            };
            this.sentLog.push(record);
            const settle = () => {
              record.at = this.clock.now();
              // The window may have moved earlier than the timer armed while it was unanswered.
              this.timer?.cancel();
              this.timer = undefined;
              this.pump();
            };
            const answered = written ? written.answered : undefined;
            if (answered) answered.then(settle, settle);
            else record.at = this.clock.now();
            this.busy = false;
            item.resolve();
            this.pump();
          },
          (err: Error) => {
            this.busy = false;
            item.reject(err);
            this.pump();
          },
        );
        return;
      }
      if (item.opts.maxWaitMs !== undefined && wait > item.opts.maxWaitMs) {
        this.queue.splice(i--, 1);
        this.queueLength.set(this.queue.length);
        item.reject(new PacedOut(wait));
        continue;
      }
      if (!item.heldSaid) {
        item.heldSaid = true;
        item.opts.onHeld?.(wait);
      }
      best = Math.min(best, wait);
    }
    if (best === Infinity) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, best);
  }

  private prune(): void {
    const horizon = this.clock.now() - Math.max(this.rules.identicalMs, this.rules.perContract.windowMs, this.rules.overall.windowMs) - this.rules.marginMs;
    for (let i = this.sentLog.length - 1; i >= 0; i--) {
      const at = (this.sentLog[i] as SentRecord).at;
      if (at !== undefined && at < horizon) this.sentLog.splice(i, 1);
    }
  }
}

/** Wait until `weight` more fits in `rule` given the weighted records (oldest first). */
function windowWait(records: readonly SentRecord[], rule: RateRule, weight: number, now: number, marginMs: number): number {
  const span = rule.windowMs + marginMs;
  // Unanswered requests count as happening now.
  const inWindow = records
    .map((r) => ({ at: r.at ?? now, weight: r.weight }))
    .filter((r) => r.at > now - span)
    .sort((a, b) => a.at - b.at);
  let used = inWindow.reduce((s, r) => s + r.weight, 0);
  if (used + weight <= rule.limit) return 0;
  // Drop the oldest records until the request fits; it may go when the last dropped one expires.
  for (const r of inWindow) {
    used -= r.weight;
    if (used + weight <= rule.limit) return r.at + span - now;
  }
  return 0;
}
