// US equity market time in America/New_York (the calendar itself, holidays and early
// closes, is common/usEquityCalendar.ts through US_REGULAR_HOURS), and the TWS date
// formats the protocol uses.

import { isWithinSession, sessionOfDate, US_REGULAR_HOURS, zonedWallTimeToUtc, zoneOffsetMs } from '../../core/marketHours';

const NY = 'America/New_York';

export interface NyParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

export function nyParts(ms: number): NyParts {
  const d = new Date(ms + zoneOffsetMs(ms, NY));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/** Offset of New York from UTC at `ms`, in minutes (e.g. -300 for EST). */
export function nyOffsetMinutes(ms: number): number {
  return Math.round(zoneOffsetMs(ms, NY) / 60000);
}

/** Epoch ms of a New York wall time. */
export function nyTimeToMs(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  return zonedWallTimeToUtc(year, month, day, hour, minute, second, NY);
}

/** Regular trading hours: 09:30-16:00 New York on trading days (13:00 on early closes). */
export function isRegularHours(ms: number): boolean {
  return isWithinSession(ms, US_REGULAR_HOURS);
}

/** The regular session of the New York date of `ms` in minutes of the day, or undefined on weekends and holidays. */
export function nySessionOfDay(ms: number): { openMinute: number; closeMinute: number } | undefined {
  const p = nyParts(ms);
  return sessionOfDate(US_REGULAR_HOURS, p.year, p.month, p.day);
}

/** The most recent trading day (today if one: not a weekend or an NYSE holiday) at the given New York time. */
export function lastTradingDayAt(nowMs: number, hour: number, minute: number): number {
  let day = nowMs;
  for (let i = 0; i < 14; i++) {
    const p = nyParts(day);
    if (sessionOfDate(US_REGULAR_HOURS, p.year, p.month, p.day)) return nyTimeToMs(p.year, p.month, p.day, hour, minute);
    day -= 86_400_000;
  }
  throw new Error('unreachable: no trading day in two weeks');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `yyyyMMdd HH:mm:ss` in New York plus the zone, as TWS prints its connection time. */
export function twsConnectionTime(ms: number): string {
  const p = nyParts(ms);
  const zone = nyOffsetMinutes(ms) === -240 ? 'EDT' : 'EST';
  return `${p.year}${pad(p.month)}${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${zone}`;
}

/** `yyyyMMdd HH:mm:ss US/Eastern`: historical bar times with formatDate=1. */
export function twsBarTime(ms: number): string {
  const p = nyParts(ms);
  return `${p.year}${pad(p.month)}${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} US/Eastern`;
}

/** `yyyyMMdd`: daily bar dates. */
export function twsDate(ms: number): string {
  const p = nyParts(ms);
  return `${p.year}${pad(p.month)}${pad(p.day)}`;
}

/** `yyyyMMdd-HH:mm:ss` in UTC, the execution-time and head-timestamp style. */
export function twsUtcTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `yyyyMMdd HH:mm:ss` in New York (execution times as TWS reports them in the account's zone). */
export function twsLocalTime(ms: number): string {
  const p = nyParts(ms);
  return `${p.year}${pad(p.month)}${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} US/Eastern`;
}

/** The first New York wall time HH:MM at or after `afterMs` (epoch ms). */
export function nextNyTime(afterMs: number, hour: number, minute: number): number {
  for (let day = 0; day < 3; day++) {
    const p = nyParts(afterMs + day * 86_400_000);
    const at = nyTimeToMs(p.year, p.month, p.day, hour, minute);
    if (at >= afterMs) return at;
  }
  throw new Error('unreachable');
}
