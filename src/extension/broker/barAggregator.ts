// Bars of the size a policy wants, from smaller completed bars (5-second real-time bars,
// or history bars), and completion of TWS's keepUpToDate bars (each update revises the
// bar in progress; a newer bar time means the previous bar is final). Pure.
// Bars longer than an hour follow the regular session in New York (common/sessionBars.ts):
// a daily bar is one session, 09:30-16:00, whatever the source bars' size.
import { barWindowAt, dailyWindowOfDate, isSessionBar, type BarWindow } from '../core/sessionBars';
import type { Bar } from './types';

/** Legal TWS bar sizes in seconds and their setting text. */
export const BAR_SIZES: ReadonlyArray<[number, string]> = [
  [5, '5 secs'],
  [10, '10 secs'],
  [15, '15 secs'],
  [30, '30 secs'],
  [60, '1 min'],
  [120, '2 mins'],
  [180, '3 mins'],
  [300, '5 mins'],
  [600, '10 mins'],
  [900, '15 mins'],
  [1200, '20 mins'],
  [1800, '30 mins'],
  [3600, '1 hour'],
  [7200, '2 hours'],
  [10800, '3 hours'],
  [14400, '4 hours'],
  [28800, '8 hours'],
  [86400, '1 day'],
];

/**
 * The largest legal TWS bar size that divides `barSeconds` (what to request to build it).
 * Multi-hour session bars start at 09:30: TWS's hour bars start on the hour, its 30-minute
 * bars on :00 and :30, so those are built from 30-minute bars.
 */
export function sourceBarSize(barSeconds: number): [number, string] {
  if (isSessionBar(barSeconds) && barSeconds < 86_400) return [1800, '30 mins'];
  let best: [number, string] | undefined;
  for (const entry of BAR_SIZES) if (entry[0] <= barSeconds && barSeconds % entry[0] === 0) best = entry;
  if (!best) throw new RangeError(`bar size ${barSeconds} s cannot be built from TWS bars (use a multiple of 5 seconds)`);
  return best;
}

export class BarAggregator {
  private current: Bar | undefined;
  private lastSourceTime = Number.NEGATIVE_INFINITY;
  private readonly sourceMs: number;

  constructor(
    readonly barSeconds: number,
    readonly sourceSeconds: number,
  ) {
    if (!(barSeconds > 0) || !(sourceSeconds > 0) || barSeconds % sourceSeconds !== 0) {
      throw new RangeError(`bar size ${barSeconds} s must be a positive multiple of the source bar size ${sourceSeconds} s`);
    }
    this.sourceMs = sourceSeconds * 1000;
  }

  /** Bar time of the target bar a source bar at `sourceTime` belongs to (undefined: outside the session). */
  bucketOf(sourceTime: number): number | undefined {
    return this.windowOf(sourceTime)?.start;
  }

  /** The target bar a source bar belongs to (undefined: outside the session, dropped). */
  private windowOf(sourceTime: number): BarWindow | undefined {
    // TWS dates daily source bars at New York midnight: they stand for that date's session.
    return this.sourceSeconds >= 86_400 ? dailyWindowOfDate(sourceTime) : barWindowAt(sourceTime, this.barSeconds);
  }

  /** The bar being built (not complete yet). */
  get partial(): Bar | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  /** Start time of the newest source bar taken in. */
  get lastSource(): number {
    return this.lastSourceTime;
  }

  /**
   * Takes one completed source bar; returns the bars it completes (usually 0 or 1; with a
   * gap, the interrupted bar is returned as it stands). Older or repeated bars are ignored,
   * and so are source bars outside the session for session bars (after the close they
   * complete the session's last bar).
   */
  push(src: Bar): Bar[] {
    if (!(src.time > this.lastSourceTime)) return [];
    this.lastSourceTime = src.time;
    const out: Bar[] = [];
    const w = this.windowOf(src.time);
    if (this.current && this.current.time !== w?.start) {
      out.push(this.current);
      this.current = undefined;
    }
    if (!w) return out;
    this.current = this.current ? merge(this.current, src) : { ...src, time: w.start };
    if (src.time + this.sourceMs >= w.end) {
      out.push(this.current);
      this.current = undefined;
    }
    return out;
  }

  /** Continue after `sourceTime`: source bars at or before it are ignored, the partial bar is dropped. */
  resumeAfter(sourceTime: number): void {
    this.lastSourceTime = sourceTime;
    this.current = undefined;
  }

  /** Ends the series: the partial bar, if any. */
  flush(): Bar | undefined {
    const c = this.current;
    this.current = undefined;
    return c;
  }
}

function merge(a: Bar, b: Bar): Bar {
  const volume = a.volume + b.volume;
  const out: Bar = { time: a.time, open: a.open, high: Math.max(a.high, b.high), low: Math.min(a.low, b.low), close: b.close, volume };
  if (a.wap !== undefined && b.wap !== undefined) out.wap = volume > 0 ? (a.wap * a.volume + b.wap * b.volume) / volume : b.wap;
  if (a.count !== undefined || b.count !== undefined) out.count = (a.count ?? 0) + (b.count ?? 0);
  return out;
}

/** keepUpToDate: the in-progress bar is revised by each update; a newer bar time completes it. */
export class UpdatingBar {
  private current: Bar | undefined;

  get partial(): Bar | undefined {
    return this.current;
  }

  /** Returns the bar this update completed, if any. */
  push(update: Bar): Bar | undefined {
    if (!this.current || update.time === this.current.time) {
      if (!this.current || update.time >= this.current.time) this.current = update;
      return undefined;
    }
    if (update.time < this.current.time) return undefined;
    const done = this.current;
    this.current = update;
    return done;
  }

  /** Seeds the in-progress bar (the last bar of the initial history). */
  seed(bar: Bar | undefined): void {
    if (bar && (!this.current || bar.time >= this.current.time)) this.current = bar;
  }
}
