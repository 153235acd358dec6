// Parsing of reqHistoricalData's text parameters as TWS validates them:
// durationStr ("60 S", "1 D", "2 W", "1 M", "1 Y"), barSizeSetting ("5 secs", "1 min",
// "1 hour", "1 day", ...) and endDateTime ("", "yyyyMMdd HH:mm:ss[ zone]", "yyyyMMdd-HH:mm:ss").
import { nyTimeToMs } from '../market/marketTime';

const DAY = 86_400;

export function parseDuration(s: string): number | undefined {
  const m = /^\s*(\d+)\s+([SDWMY])\s*$/i.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] as string).toUpperCase();
  const seconds = { S: 1, D: DAY, W: 7 * DAY, M: 30 * DAY, Y: 365 * DAY }[unit] as number;
  return n > 0 ? n * seconds : undefined;
}

/** Bar size in seconds, or undefined if TWS would reject the setting. */
export function parseBarSize(s: string): number | undefined {
  const m = /^\s*(\d+)\s+(secs?|mins?|hours?|days?|weeks?|months?)\s*$/i.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] as string).toLowerCase().replace(/s$/, '');
  const valid: Record<string, number[]> = {
    sec: [1, 5, 10, 15, 30],
    min: [1, 2, 3, 5, 10, 15, 20, 30],
    hour: [1, 2, 3, 4, 8],
    day: [1],
    week: [1],
    month: [1],
  };
  if (!valid[unit]?.includes(n)) return undefined;
  const unitSeconds = { sec: 1, min: 60, hour: 3600, day: DAY, week: 7 * DAY, month: 30 * DAY }[unit] as number;
  return n * unitSeconds;
}

/** End time in epoch ms; "" means now. Undefined when the text is not a TWS date. */
export function parseEndDateTime(s: string, nowMs: number): number | undefined {
  const t = s.trim();
  if (t === '') return nowMs;
  let m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(t);
  if (m) return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  m = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2}))?(?:\s+(\S+))?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = [+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 23), +(m[5] ?? 59), +(m[6] ?? 59)];
  const zone = (m[7] ?? 'US/Eastern').toUpperCase();
  if (zone === 'UTC' || zone === 'GMT') return Date.UTC(y, mo - 1, d, h, mi, se);
  if (zone === 'US/EASTERN' || zone === 'AMERICA/NEW_YORK' || zone === 'EST' || zone === 'EDT' || zone === 'EST5EDT') return nyTimeToMs(y, mo, d, h, mi, se);
  return undefined;
}
