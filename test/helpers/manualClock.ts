// A manual clock for unit tests of the broker's timers (our own code's seam, not TWS).
import type { Clock, TimerHandle } from '../../src/extension/core/clock';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers: Pending[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(p);
    return { cancel: () => (p.cancelled = true) };
  }

  afterPendingIo(fn: () => void): void {
    queueMicrotask(fn);
  }

  /** Advances time to `now + ms`, running due timers in time order (and the microtasks they queue). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const live = this.timers.filter((p) => !p.cancelled && p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = live[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flush();
  }

  get pending(): number {
    return this.timers.filter((p) => !p.cancelled).length;
  }
}

/** Lets every queued microtask (and the ones they queue) run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Largest number of timestamps within any window of `windowMs` (half-open: (t - w, t]). */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let j = 0;
  const ts = [...times].sort((a, b) => a - b);
  for (let i = 0; i < ts.length; i++) {
    while ((ts[i] as number) - (ts[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
