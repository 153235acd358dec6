// Coalesces bursts of changes per topic: at most one flush per topic per interval, with the
// first change of a quiet topic flushed at once (leading edge) and the rest of a burst in one
// trailing flush. Thousands of ticks per second become at most 10 panel messages per topic.
// No vscode: unit-tested with a manual clock.

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class Coalescer<K extends string> {
  private readonly last = new Map<K, number>();
  private readonly pending = new Map<K, unknown>();
  private disposed = false;

  constructor(
    private readonly flush: (key: K) => void,
    private readonly intervalMs = 100,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  /** Notes a change of `key`; the flush follows within the interval. */
  mark(key: K): void {
    if (this.disposed || this.pending.has(key)) return;
    const last = this.last.get(key);
    const delay = last === undefined ? 0 : Math.max(0, last + this.intervalMs - this.timers.now());
    const handle = this.timers.setTimeout(() => this.fire(key), delay);
    this.pending.set(key, handle);
  }

  /** Flushes `key` now if a flush is pending. */
  flushNow(key: K): void {
    if (!this.pending.has(key)) return;
    this.timers.clearTimeout(this.pending.get(key));
    this.fire(key);
  }

  /** Drops pending flushes (e.g. a full snapshot was just sent). */
  cancel(key?: K): void {
    for (const [k, h] of [...this.pending]) {
      if (key !== undefined && k !== key) continue;
      this.timers.clearTimeout(h);
      this.pending.delete(k);
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private fire(key: K): void {
    this.pending.delete(key);
    if (this.disposed) return;
    this.last.set(key, this.timers.now());
    this.flush(key);
  }

  dispose(): void {
    this.cancel();
    this.disposed = true;
  }
}
