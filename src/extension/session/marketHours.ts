// Wall-clock time in an IANA time zone, and regular trading hours. Intl formatting costs
// microseconds, so zone offsets are cached per 15-minute bucket: every zone in use today
// changes its offset on a quarter hour, so the offset is constant inside a bucket.

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
}

/** NYSE/Nasdaq regular hours 09:30-16:00 America/New_York, Monday to Friday (holidays not modelled). */
export const US_REGULAR_HOURS: SessionHours = {
  timeZone: 'America/New_York',
  openMinute: 9 * 60 + 30,
  closeMinute: 16 * 60,
  weekdays: [1, 2, 3, 4, 5],
};

const BUCKET_MS = 15 * 60_000;
const MAX_CACHE = 200_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number>>();

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

function computeOffset(utcMs: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** Offset of local wall time from UTC in ms (e.g. -4 h during US daylight saving time). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) offsetCaches.set(timeZone, (cache = new Map()));
  const bucket = Math.floor(utcMs / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    if (cache.size >= MAX_CACHE) cache.clear();
    offset = computeOffset(bucket * BUCKET_MS, timeZone);
    cache.set(bucket, offset);
  }
  return offset;
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
export function zonedWallTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return wall - zoneOffsetMs(guess, timeZone);
}

export function isWithinSession(utcMs: number, hours: SessionHours): boolean {
  const z = zonedTime(utcMs, hours.timeZone);
  return hours.weekdays.includes(z.weekday) && z.minuteOfDay >= hours.openMinute && z.minuteOfDay < hours.closeMinute;
}

export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
