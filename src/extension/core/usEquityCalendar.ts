// The US equity (NYSE/Nasdaq) calendar, computed by rule for any year: full-day holidays
// and the 13:00 early closes. One place for the simulator, the broker and the session.
//
// Rules (NYSE Rule 7.2, and NYSE Group's yearly holiday announcements, e.g. "NYSE Group
// Announces 2022, 2023 and 2024 Holiday and Early Closings Calendar", Business Wire 2021-12-27):
//   - a holiday on a Saturday is observed the Friday before, unless that Friday ends a
//     monthly or yearly accounting period: New Year's Day on a Saturday is not observed
//     (2022: no holiday; 2010-12-31 was open);
//   - a holiday on a Sunday is observed the Monday after;
//   - Juneteenth (June 19) is a holiday from 2022; Good Friday is two days before Easter;
//   - early close at 13:00 New York: July 3 when it is Monday-Thursday, the day after
//     Thanksgiving, and December 24 when it is Monday-Thursday.
// Closures outside the rules (national days of mourning) are listed in SPECIAL_CLOSURES.

export interface MarketHoliday {
  /** yyyymmdd of the day the market is closed */
  readonly dateKey: number;
  readonly name: string;
}

/** Full-day closures not given by a rule (NYSE announcements). */
const SPECIAL_CLOSURES: readonly MarketHoliday[] = [
  { dateKey: 20181205, name: 'National Day of Mourning (George H.W. Bush)' },
  { dateKey: 20250109, name: 'National Day of Mourning (Jimmy Carter)' },
];

/** Minute of the New York day at which an early-close session ends. */
export const EARLY_CLOSE_MINUTE = 13 * 60;

const key = (y: number, m: number, d: number): number => y * 10000 + m * 100 + d;
const weekdayOf = (y: number, m: number, d: number): number => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** The n-th (1-based) `weekday` of a month, or the last one for n = -1. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = weekdayOf(y, m, 1);
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  }
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekdayOf(y, m, days);
  return days - ((last - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian; the anonymous "Meeus/Jones/Butcher" algorithm). */
function easter(y: number): { month: number; day: number } {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

/** A fixed-date holiday moved by Rule 7.2; undefined when it is not observed. */
function observed(y: number, m: number, d: number, name: string): MarketHoliday | undefined {
  const wd = weekdayOf(y, m, d);
  const t = new Date(Date.UTC(y, m - 1, d));
  if (wd === 6) {
    if (m === 1 && d === 1) return undefined; // Friday Dec 31 ends the year: no holiday
    t.setUTCDate(t.getUTCDate() - 1);
  } else if (wd === 0) {
    t.setUTCDate(t.getUTCDate() + 1);
  }
  return { dateKey: key(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()), name };
}

const yearCache = new Map<number, readonly MarketHoliday[]>();

/** The full-day closures of a calendar year, in date order. */
export function nyseHolidays(year: number): readonly MarketHoliday[] {
  const cached = yearCache.get(year);
  if (cached) return cached;
  const e = easter(year);
  const goodFriday = new Date(Date.UTC(year, e.month - 1, e.day - 2));
  const list: Array<MarketHoliday | undefined> = [
    observed(year, 1, 1, "New Year's Day"),
    { dateKey: key(year, 1, nthWeekday(year, 1, 1, 3)), name: 'Martin Luther King, Jr. Day' },
    { dateKey: key(year, 2, nthWeekday(year, 2, 1, 3)), name: "Washington's Birthday" },
    { dateKey: key(year, goodFriday.getUTCMonth() + 1, goodFriday.getUTCDate()), name: 'Good Friday' },
    { dateKey: key(year, 5, nthWeekday(year, 5, 1, -1)), name: 'Memorial Day' },
    year >= 2022 ? observed(year, 6, 19, 'Juneteenth National Independence Day') : undefined,
    observed(year, 7, 4, 'Independence Day'),
    { dateKey: key(year, 9, nthWeekday(year, 9, 1, 1)), name: 'Labor Day' },
    { dateKey: key(year, 11, nthWeekday(year, 11, 4, 4)), name: 'Thanksgiving Day' },
    observed(year, 12, 25, 'Christmas Day'),
    ...SPECIAL_CLOSURES.filter((s) => Math.floor(s.dateKey / 10000) === year),
  ];
  const out = list.filter((h): h is MarketHoliday => h !== undefined).sort((a, b) => a.dateKey - b.dateKey);
  yearCache.set(year, out);
  return out;
}

/** The holiday closing the market on a local date (yyyymmdd), if any. */
export function nyseHoliday(dateKey: number): MarketHoliday | undefined {
  return nyseHolidays(Math.floor(dateKey / 10000)).find((h) => h.dateKey === dateKey);
}

/** Does the regular session of this (trading) date end at 13:00? */
export function isEarlyClose(dateKey: number): boolean {
  const y = Math.floor(dateKey / 10000);
  const m = Math.floor(dateKey / 100) % 100;
  const d = dateKey % 100;
  const wd = weekdayOf(y, m, d);
  if (nyseHoliday(dateKey) || wd === 0 || wd === 6) return false;
  if (m === 7 && d === 3) return wd >= 1 && wd <= 4;
  if (m === 12 && d === 24) return wd >= 1 && wd <= 4;
  if (m === 11) {
    const thanksgiving = nthWeekday(y, 11, 4, 4);
    return d === thanksgiving + 1;
  }
  return false;
}

/**
 * The regular session of a New York date in minutes of the day: undefined on weekends and
 * holidays; 09:30-13:00 on early-close days; else the given regular hours.
 */
export function usEquitySessionOfDate(
  year: number,
  month: number,
  day: number,
  regular: { openMinute: number; closeMinute: number },
): { openMinute: number; closeMinute: number } | undefined {
  const wd = weekdayOf(year, month, day);
  if (wd === 0 || wd === 6) return undefined;
  const k = key(year, month, day);
  if (nyseHoliday(k)) return undefined;
  return isEarlyClose(k) ? { openMinute: regular.openMinute, closeMinute: Math.min(regular.closeMinute, EARLY_CLOSE_MINUTE) } : regular;
}
