// Time and timers behind an interface, so the pacers and the backoff can be unit-tested
// with a manual clock. Production code uses `systemClock`.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /**
   * Runs `fn` once the I/O that is already waiting has been handled. Timeouts decide
   * through this: after the process stalled, Node runs due timers before it reads the
   * socket, so a reply that did arrive in time must be read before "no reply" is concluded.
   */
  afterPendingIo(fn: () => void): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  afterPendingIo(fn) {
    setImmediate(fn);
  },
};

/**
 * A timeout that concludes only after pending I/O was read (see Clock.afterPendingIo).
 * If the timer itself fires much later than due, this process was stalled (busy host,
 * GC) and the peer may not have had its chance: the deadline is given one more period.
 */
export function setDeadline(clock: Clock, fn: () => void, ms: number): TimerHandle {
  let cancelled = false;
  let extended = false;
  let timer: TimerHandle;
  const arm = () => {
    const due = clock.now() + ms;
    timer = clock.setTimeout(() => {
      if (cancelled) return;
      if (!extended && clock.now() - due > Math.max(100, ms / 2)) {
        extended = true;
        arm();
        return;
      }
      clock.afterPendingIo(() => {
        if (!cancelled) fn();
      });
    }, ms);
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      timer.cancel();
    },
  };
}

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
