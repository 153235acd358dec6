// Which bar a moment belongs to, for bars of any size, on the exchange's clock. One rule
// for the broker (building bars), the cycle clock (when a cycle closes) and the session:
//   - up to one hour, bars are aligned on multiples of their size since the epoch, as TWS
//     aligns intraday bars (5 mins at :00, :05, ...; with New York's whole-hour offsets
//     they fall on the same wall-clock minutes every day);
//   - longer bars follow the regular session in New York (US_REGULAR_HOURS: 09:30-16:00,
//     13:00 on early closes, no bars on weekends and NYSE holidays): a daily bar (86400 s)
//     is one regular session, multi-hour bars are cut from the open (2 hours: 09:30-11:30,
//     11:30-13:30, 13:30-15:30, 15:30-16:00), the last one ending at the close. Moments
//     outside the session belong to no such bar.
// So a daily cycle closes at 16:00 New York (13:00 on early closes), not at UTC midnight.
import { sessionAtOrAfter, sessionOfDay, US_REGULAR_HOURS, type SessionHours, type TradingSessionSpan } from './marketHours';

export interface BarWindow {
  /** Bar time: the first moment of the bar (epoch ms). */
  readonly start: number;
  /** The moment the bar is complete (exclusive end). */
  readonly end: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;

/** Are bars of this size cut from the regular session (longer than an hour) rather than the epoch? */
export function isSessionBar(barSeconds: number): boolean {
  return barSeconds > HOUR_S;
}

function windowIn(s: TradingSessionSpan, utcMs: number, barSeconds: number): BarWindow {
  if (barSeconds >= DAY_S) return { start: s.open, end: s.close };
  const barMs = barSeconds * 1000;
  const start = s.open + Math.floor((utcMs - s.open) / barMs) * barMs;
  return { start, end: Math.min(start + barMs, s.close) };
}

/** The bar of `barSeconds` containing `utcMs`; undefined for session bars outside the session. */
export function barWindowAt(utcMs: number, barSeconds: number, hours: SessionHours = US_REGULAR_HOURS): BarWindow | undefined {
  if (!isSessionBar(barSeconds)) {
    const barMs = barSeconds * 1000;
    const start = Math.floor(utcMs / barMs) * barMs;
    return { start, end: start + barMs };
  }
  const s = sessionOfDay(utcMs, hours);
  if (!s || utcMs < s.open || utcMs >= s.close) return undefined;
  return windowIn(s, utcMs, barSeconds);
}

/** The daily bar of the local date of `utcMs` at any time of that day (TWS dates daily bars at midnight). */
export function dailyWindowOfDate(utcMs: number, hours: SessionHours = US_REGULAR_HOURS): BarWindow | undefined {
  const s = sessionOfDay(utcMs, hours);
  return s ? { start: s.open, end: s.close } : undefined;
}

/** The first bar starting at or after `utcMs` (skipping nights, weekends and holidays for session bars). */
export function nextBarWindow(utcMs: number, barSeconds: number, hours: SessionHours = US_REGULAR_HOURS): BarWindow {
  if (!isSessionBar(barSeconds)) {
    const barMs = barSeconds * 1000;
    const start = Math.ceil(utcMs / barMs) * barMs;
    return { start, end: start + barMs };
  }
  let s = sessionAtOrAfter(utcMs, hours);
  if (utcMs <= s.open) return windowIn(s, s.open, barSeconds);
  const w = windowIn(s, utcMs, barSeconds);
  if (w.start >= utcMs) return w;
  if (w.end < s.close) return windowIn(s, w.end, barSeconds);
  s = sessionAtOrAfter(s.close, hours);
  return windowIn(s, s.open, barSeconds);
}

/** When the bar that starts at `barTime` is complete (its close as a cycle sees it). */
export function barEnd(barTime: number, barSeconds: number, hours: SessionHours = US_REGULAR_HOURS): number {
  return barWindowAt(barTime, barSeconds, hours)?.end ?? barTime + barSeconds * 1000;
}

/** The bar in progress at `utcMs`, or the next one when none is (session bars at night). */
export function currentOrNextBarStart(utcMs: number, barSeconds: number, hours: SessionHours = US_REGULAR_HOURS): number {
  return (barWindowAt(utcMs, barSeconds, hours) ?? nextBarWindow(utcMs, barSeconds, hours)).start;
}
