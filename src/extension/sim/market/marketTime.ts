// US equity market calendar in America/New_York (no holiday table: weekdays only),
// and the TWS date formats the protocol uses.

import { isWithinSession, US_REGULAR_HOURS, zonedWallTimeToUtc, zoneOffsetMs } from '../../common/marketHours';

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

/** Regular trading hours: weekdays 09:30-16:00 New York. */
export function isRegularHours(ms: number): boolean {
  return isWithinSession(ms, US_REGULAR_HOURS);
}

/** The most recent weekday (today if a weekday) at the given New York time. */
export function lastWeekdayAt(nowMs: number, hour: number, minute: number): number {
  let day = nowMs;
  for (let i = 0; i < 7; i++) {
    const p = nyParts(day);
    if (p.weekday !== 0 && p.weekday !== 6) return nyTimeToMs(p.year, p.month, p.day, hour, minute);
    day -= 86_400_000;
  }
  throw new Error('unreachable');
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
