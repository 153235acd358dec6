// Simulated wall clock: starts at a chosen market time and runs `speed` times faster
// than real time, so a 10-minute session of 60-second cycles can finish in seconds.

export class SimClock {
  private readonly wallStart: number;

  constructor(
    readonly startMs: number,
    readonly speed: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be > 0, got ${speed}`);
    this.wallStart = wallNow();
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.startMs + (this.wallNow() - this.wallStart) * this.speed;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Wall milliseconds until simulated time reaches `simMs` (0 if already past). */
  wallDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.speed);
  }
}
