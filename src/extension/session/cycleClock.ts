// Cycles on the MARKET clock: a cycle is the close of a bar of the cycle's length, as TWS
// reports it, for every symbol of the session. With an accelerated simulator a 60-second
// cycle passes in 60/K wall seconds; with TWS it passes in 60. Pure: bars and the wall
// time come in, cycles come out.
//
//   - a cycle fires once every symbol has its bar for that time, or `graceMs` (wall) after
//     the first symbol's bar arrived: the others are marked missing (no order for them);
//   - bars that arrive in a burst (a gap filled from history after a reconnect) feed the
//     history but fire only the newest cycle; the older ones are reported as skipped;
//   - when no bar arrives at all for about two cycles of wall time (at the market rate
//     measured from the bars), a stalled cycle fires on the expected time, so the session
//     keeps its cadence while the feed or the connection is down (no orders then).
// Cycles longer than an hour follow the regular session (common/sessionBars.ts): a daily
// cycle closes at 16:00 New York, and no cycle is expected at night, at weekends or on holidays.
import type { Bar } from '../broker/types';
import { barEnd, isSessionBar, nextBarWindow } from '../core/sessionBars';

export interface Cycle {
  /** Start of the bar that closes this cycle (epoch ms, market time). */
  readonly barTime: number;
  /** Market time at the end of the cycle: the bar's close (barTime + the cycle length, or the session's close for session bars). */
  readonly marketTime: number;
  /** Symbols with a fresh bar at barTime. */
  readonly fresh: readonly string[];
  /** Symbols without one. */
  readonly missing: readonly string[];
  /** Cycle times passed over while catching up with late bars. */
  readonly skipped: readonly number[];
  /** No bar arrived in time: the data feed (or the connection) stalled. */
  readonly stalled: boolean;
}

export interface CycleClockOptions {
  /** Wall ms to wait for the other symbols' bars after the first one arrived. */
  readonly graceMs?: number;
  /** Bars kept per symbol. */
  readonly maxBars?: number;
  /** Market-time ms per wall ms to assume until it has been measured (1 = real time). */
  readonly assumedRate?: number;
}

interface Pending {
  readonly symbols: Set<string>;
  readonly firstWall: number;
}

export class CycleClock {
  readonly cycleMs: number;
  private readonly cycleSeconds: number;
  private readonly graceMs: number;
  private readonly maxBars: number;
  private readonly bars = new Map<string, Bar[]>();
  private readonly pending = new Map<number, Pending>();
  /** Bar time of the last cycle fired (or of the newest backfilled bar). */
  private lastFired = Number.NEGATIVE_INFINITY;
  /** Wall time of the last fresh cycle, or of the last stalled one. */
  private lastFireWall: number | undefined;
  /** (market time, wall time) of recent fresh cycles, to measure the market's rate. */
  private readonly arrivals: Array<{ market: number; wall: number }> = [];
  private readonly assumedRate: number;

  constructor(
    readonly symbols: readonly string[],
    cycleSeconds: number,
    opts: CycleClockOptions = {},
  ) {
    if (symbols.length === 0) throw new RangeError('a cycle clock needs at least one symbol');
    this.cycleSeconds = cycleSeconds;
    this.cycleMs = cycleSeconds * 1000;
    this.graceMs = opts.graceMs ?? 1500;
    this.maxBars = opts.maxBars ?? 1000;
    this.assumedRate = opts.assumedRate ?? 1;
    for (const s of symbols) this.bars.set(s, []);
  }

  /** Backfilled bars: history only; cycles start after the newest of them. */
  seed(symbol: string, history: readonly Bar[]): void {
    for (const b of history) this.append(symbol, b);
    const last = history[history.length - 1];
    if (last && last.time > this.lastFired) this.lastFired = last.time;
  }

  /** The session starts waiting now: without any bar, a stalled cycle comes after about two cycles (real time until measured). */
  start(wallNow: number): void {
    this.lastFireWall ??= wallNow;
  }

  /** Bars of `symbol` so far, oldest first. */
  history(symbol: string): readonly Bar[] {
    return this.bars.get(symbol) ?? [];
  }

  /** Bar time of the last cycle fired. */
  get lastCycleTime(): number {
    return this.lastFired;
  }

  /** Market-time ms per wall ms, measured from recent cycles (undefined until measured). */
  get measuredRate(): number | undefined {
    const a = this.arrivals[0];
    const b = this.arrivals[this.arrivals.length - 1];
    if (this.arrivals.length < 3 || !a || !b) return undefined;
    const wall = b.wall - a.wall;
    if (wall < 200) return undefined;
    return (b.market - a.market) / wall;
  }

  /** A completed bar of one symbol; returns the cycle it completes, if any. */
  push(symbol: string, bar: Bar, wallNow: number): Cycle | undefined {
    if (!this.bars.has(symbol)) return undefined;
    if (!this.append(symbol, bar)) return undefined;
    if (bar.time <= this.lastFired) return undefined; // a late bar: history only
    let p = this.pending.get(bar.time);
    if (!p) this.pending.set(bar.time, (p = { symbols: new Set(), firstWall: wallNow }));
    p.symbols.add(symbol);
    let ready: number | undefined;
    for (const [t, q] of this.pending) if (q.symbols.size === this.symbols.length && (ready === undefined || t > ready)) ready = t;
    return ready === undefined ? undefined : this.fire(ready, wallNow, false);
  }

  /** Wall-time checks: the grace for missing symbols, and a stalled feed. */
  poll(wallNow: number): Cycle | undefined {
    let expired: number | undefined;
    for (const [t, q] of this.pending) if (wallNow - q.firstWall >= this.graceMs && (expired === undefined || t > expired)) expired = t;
    if (expired !== undefined) return this.fire(expired, wallNow, false);
    if (this.pending.size === 0 && this.lastFireWall !== undefined && Number.isFinite(this.lastFired) && wallNow >= this.stallDeadline(this.lastFireWall)) {
      return this.fire(this.nextBarTime(), wallNow, true);
    }
    return undefined;
  }

  /** Wall time at which poll() may next fire something (undefined: only bars can). */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const q of this.pending.values()) next = next === undefined ? q.firstWall + this.graceMs : Math.min(next, q.firstWall + this.graceMs);
    if (next === undefined && this.lastFireWall !== undefined && Number.isFinite(this.lastFired)) next = this.stallDeadline(this.lastFireWall);
    return next;
  }

  /** Bar time of the cycle expected after the last one (the next session's for session bars). */
  private nextBarTime(): number {
    if (!isSessionBar(this.cycleSeconds)) return this.lastFired + this.cycleMs;
    return nextBarWindow(barEnd(this.lastFired, this.cycleSeconds), this.cycleSeconds).start;
  }

  /** Two cycles of market time (through the night or a weekend for session bars), in wall time at the market's rate. */
  private stallDeadline(lastFireWall: number): number {
    const rate = this.measuredRate ?? this.assumedRate;
    const lastEnd = barEnd(this.lastFired, this.cycleSeconds);
    const next = nextBarWindow(lastEnd, this.cycleSeconds);
    const marketMs = Math.max(this.cycleMs, next.end - lastEnd) + (next.end - next.start);
    return lastFireWall + marketMs / rate + this.graceMs;
  }

  private fire(barTime: number, wallNow: number, stalled: boolean): Cycle {
    const p = this.pending.get(barTime);
    const got = p?.symbols ?? new Set<string>();
    const skipped = [...this.pending.keys()].filter((t) => t < barTime).sort((a, b) => a - b);
    for (const t of [...this.pending.keys()]) if (t <= barTime) this.pending.delete(t);
    this.lastFired = barTime;
    this.lastFireWall = wallNow;
    if (!stalled) {
      this.arrivals.push({ market: barTime, wall: p?.firstWall ?? wallNow });
      if (this.arrivals.length > 6) this.arrivals.shift();
    }
    return {
      barTime,
      marketTime: barEnd(barTime, this.cycleSeconds),
      fresh: this.symbols.filter((s) => got.has(s)),
      missing: this.symbols.filter((s) => !got.has(s)),
      skipped,
      stalled,
    };
  }

  private append(symbol: string, bar: Bar): boolean {
    const list = this.bars.get(symbol);
    if (!list) return false;
    const last = list[list.length - 1];
    if (last && bar.time <= last.time) return false;
    list.push(bar);
    if (list.length > this.maxBars) list.splice(0, list.length - this.maxBars);
    return true;
  }
}
