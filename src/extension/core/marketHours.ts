// Wall-clock time in an IANA time zone, and regular trading hours. Intl formatting costs
// microseconds, so each zone's offset transitions are found once per year (weekly samples,
// then a binary search to the minute) and later look-ups are a scan of a few segments.
import { usEquitySessionOfDate } from './usEquityCalendar';

export interface ZonedTime {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number;
  /** 0 = Sunday .. 6 = Saturday */
  readonly weekday: number;
  readonly minuteOfDay: number;
  /** yyyymmdd as a number: a cheap key for "same trading day" */
  readonly dateKey: number;
}

export interface SessionHours {
  readonly timeZone: string;
  /** minutes after local midnight; the session is [openMinute, closeMinute) */
  readonly openMinute: number;
  readonly closeMinute: number;
  /** local weekdays on which the session runs, 0 = Sunday */
  readonly weekdays: readonly number[];
  /** Holidays and short days: the session of a local date (undefined = closed); default: every listed weekday. */
  readonly calendar?: (
    year: number,
    month: number,
    day: number,
    regular: { openMinute: number; closeMinute: number },
  ) => { openMinute: number; closeMinute: number } | undefined;
}

/** NYSE/Nasdaq regular hours 09:30-16:00 America/New_York, Monday to Friday, NYSE holidays and 13:00 early closes (usEquityCalendar.ts). */
export const US_REGULAR_HOURS: SessionHours = {
  timeZone: 'America/New_York',
  openMinute: 9 * 60 + 30,
  closeMinute: 16 * 60,
  weekdays: [1, 2, 3, 4, 5],
  calendar: usEquitySessionOfDate,
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SAMPLE_MS = 7 * DAY_MS;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Constant-offset segments covering one UTC year: starts[i] .. starts[i+1] has offsets[i]. */
interface YearSegments {
  readonly starts: number[];
  readonly offsets: number[];
}

const segmentCache = new Map<string, Map<number, YearSegments>>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: callers get that at configuration time.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset by asking Intl: the slow path. */
export function computeZoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

function yearSegments(year: number, timeZone: string): YearSegments {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const starts = [start];
  const first = computeZoneOffsetMs(start, timeZone);
  const offsets = [first];
  let prevT = start;
  let prevOffset = first;
  for (let t = Math.min(start + SAMPLE_MS, end); ; t = Math.min(t + SAMPLE_MS, end)) {
    const o = computeZoneOffsetMs(t, timeZone);
    if (o !== prevOffset) {
      // the change is in (prevT, t]: narrow it to the minute
      let lo = prevT;
      let hi = t;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (computeZoneOffsetMs(mid, timeZone) === prevOffset) lo = mid;
        else hi = mid;
      }
      starts.push(hi);
      offsets.push(o);
      prevOffset = o;
    }
    prevT = t;
    if (t >= end) break;
  }
  return { starts, offsets };
}

/** The year of the last look-up: nearly every look-up falls in it (a bar series asks once per bar), and then needs no Date and no Map. */
let lastYear: { readonly timeZone: string; readonly from: number; readonly to: number; readonly seg: YearSegments } | undefined;

/** Offset of local wall time from UTC in ms (e.g. -4 h during US daylight saving time). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let seg: YearSegments;
  const last = lastYear;
  if (last !== undefined && last.timeZone === timeZone && utcMs >= last.from && utcMs < last.to) seg = last.seg;
  else {
    let years = segmentCache.get(timeZone);
    if (!years) segmentCache.set(timeZone, (years = new Map()));
    const year = new Date(utcMs).getUTCFullYear();
    let found = years.get(year);
    if (!found) years.set(year, (found = yearSegments(year, timeZone)));
    seg = found;
    lastYear = { timeZone, from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), seg };
  }
  let i = seg.starts.length - 1;
  while (i > 0 && utcMs < (seg.starts[i] ?? -Infinity)) i--;
  return seg.offsets[i] ?? 0;
}

/** Minutes after local midnight in `timeZone` (zonedTime(...).minuteOfDay without the date parts). */
export function minuteOfDay(utcMs: number, timeZone: string): number {
  const local = utcMs + zoneOffsetMs(utcMs, timeZone);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

export function zonedTime(utcMs: number, timeZone: string): ZonedTime {
  const d = new Date(utcMs + zoneOffsetMs(utcMs, timeZone));
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return {
    year,
    month,
    day,
    weekday: d.getUTCDay(),
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
    dateKey: year * 10000 + month * 100 + day,
  };
}

/** UTC instant of a local wall time. A time skipped by a DST change resolves to the later offset. */
export function zonedWallTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

/** The session of a local date in minutes of the day, or undefined when the market is closed that day. */
export function sessionOfDate(hours: SessionHours, year: number, month: number, day: number): { openMinute: number; closeMinute: number } | undefined {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (!hours.weekdays.includes(weekday)) return undefined;
  const regular = { openMinute: hours.openMinute, closeMinute: hours.closeMinute };
  return hours.calendar ? hours.calendar(year, month, day, regular) : regular;
}

/** One trading day's regular session as UTC instants [open, close). */
export interface TradingSessionSpan {
  readonly dateKey: number;
  readonly open: number;
  readonly close: number;
}

function spanOfDate(hours: SessionHours, year: number, month: number, day: number): TradingSessionSpan | undefined {
  const s = sessionOfDate(hours, year, month, day);
  if (!s) return undefined;
  const at = (minute: number) => zonedWallTimeToUtc(year, month, day, Math.floor(minute / 60), minute % 60, 0, hours.timeZone);
  return { dateKey: year * 10000 + month * 100 + day, open: at(s.openMinute), close: at(s.closeMinute) };
}

/** The session of the local date containing `utcMs` (whatever the time of day), or undefined on a closed day. */
export function sessionOfDay(utcMs: number, hours: SessionHours): TradingSessionSpan | undefined {
  const z = zonedTime(utcMs, hours.timeZone);
  return spanOfDate(hours, z.year, z.month, z.day);
}

/** The first session whose close is after `utcMs` (the one in progress, or the next), searching up to 30 days ahead. */
export function sessionAtOrAfter(utcMs: number, hours: SessionHours): TradingSessionSpan {
  for (let i = 0; i <= 30; i++) {
    const s = sessionOfDay(utcMs + i * DAY_MS, hours);
    if (s && s.close > utcMs) return s;
  }
  throw new RangeError(`no trading session within 30 days after ${new Date(utcMs).toISOString()}`);
}

/** The last session whose open is at or before `utcMs` (the one in progress, or the previous). */
export function sessionAtOrBefore(utcMs: number, hours: SessionHours): TradingSessionSpan {
  for (let i = 0; i <= 30; i++) {
    const s = sessionOfDay(utcMs - i * DAY_MS, hours);
    if (s && s.open <= utcMs) return s;
  }
  throw new RangeError(`no trading session within 30 days before ${new Date(utcMs).toISOString()}`);
}

export function isWithinSession(utcMs: number, hours: SessionHours): boolean {
  const z = zonedTime(utcMs, hours.timeZone);
  const s = sessionOfDate(hours, z.year, z.month, z.day);
  return s !== undefined && z.minuteOfDay >= s.openMinute && z.minuteOfDay < s.closeMinute;
}

export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
