// When the next cycle runs: completed bars go to the cycle clock, which closes a cycle when
// every symbol's bar is in (or its grace passed, polled here); the loop takes the newest
// closed cycle, the ones it passed over counted as skipped.
import type { Bar } from '../broker/types';
import type { DisposableStore } from '../core/disposables';
import type { Cycle, CycleClock } from './cycleClock';
import type { EndControl } from './sessionOutcome';

export class CycleQueue {
  private readonly queue: Cycle[] = [];
  private wake: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: CycleClock,
    private readonly end: EndControl,
    store: DisposableStore,
    /** Benchmarks: a completed bar closed a cycle (its bar time). */
    private readonly onClosed?: (barTime: number) => void,
  ) {
    // An end request stops the polling and wakes a wait for the next cycle.
    store.add(end.onRequest(() => this.interrupt()));
    store.add(() => this.clearPoll());
  }

  /** Starts the clock's grace polling (the cycles begin). */
  start(): void {
    this.clock.start(Date.now());
    this.schedulePoll();
  }

  onBar(symbol: string, bar: Bar): void {
    const c = this.clock.push(symbol, bar, Date.now());
    if (c) {
      this.onClosed?.(c.barTime);
      this.enqueue(c);
    }
    this.schedulePoll();
  }

  /** The next cycle to run, or undefined once the session is ending. */
  async next(): Promise<Cycle | undefined> {
    for (;;) {
      if (this.end.request || this.end.stopping) return undefined;
      const newest = this.queue.pop();
      if (newest) {
        const passed = this.queue.splice(0);
        if (!passed.length) return newest;
        const skipped = [...passed.flatMap((c) => [...c.skipped, c.barTime]), ...newest.skipped].sort((a, b) => a - b);
        return { ...newest, skipped };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  private interrupt(): void {
    this.clearPoll();
    this.wake?.();
  }

  private enqueue(c: Cycle): void {
    this.queue.push(c);
    this.wake?.();
  }

  private clearPoll(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private schedulePoll(): void {
    this.clearPoll();
    if (this.end.request || this.end.stopping) return;
    const at = this.clock.nextDeadline();
    if (at === undefined) return;
    this.pollTimer = setTimeout(
      () => {
        this.pollTimer = undefined;
        const c = this.clock.poll(Date.now());
        if (c) this.enqueue(c);
        this.schedulePoll();
      },
      Math.max(0, at - Date.now()),
    );
  }
}
