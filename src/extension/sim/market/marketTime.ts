// US equity market calendar in America/New_York (no holiday table: weekdays only),
// and the TWS date formats the protocol uses.

const NY = 'America/New_York';
const partsFmt = new Intl.DateTimeFormat('en-US', {
  timeZone: NY,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  weekday: 'short',
});

export interface NyParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function nyParts(ms: number): NyParts {
  const p: Record<string, string> = {};
  for (const part of partsFmt.formatToParts(new Date(ms))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: WEEKDAYS[p.weekday as string] ?? 0,
  };
}

/** Offset of New York from UTC at `ms`, in minutes (e.g. -300 for EST). */
export function nyOffsetMinutes(ms: number): number {
  const p = nyParts(ms);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** Epoch ms of a New York wall time. */
export function nyTimeToMs(year: number, month: number, day: number, hour: number, minute: number, second = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second);
  const off1 = nyOffsetMinutes(guess);
  const t = guess - off1 * 60000;
  const off2 = nyOffsetMinutes(t);
  return off1 === off2 ? t : guess - off2 * 60000;
}

/** Regular trading hours: weekdays 09:30-16:00 New York. */
export function isRegularHours(ms: number): boolean {
  const p = nyParts(ms);
  if (p.weekday === 0 || p.weekday === 6) return false;
  const minutes = p.hour * 60 + p.minute;
  return minutes >= 9 * 60 + 30 && minutes < 16 * 60;
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
