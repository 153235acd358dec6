// The time TWS gives an execution (Execution.time): "yyyyMMdd HH:mm:ss ZONE" in the zone TWS
// names (today's TWS and IB Gateway, e.g. "20261120 10:15:02 US/Eastern"), "yyyyMMdd-HH:mm:ss"
// in UTC (the API's UTC form), or "yyyyMMdd HH:mm:ss" in TWS's local zone, which the message
// does not name (older releases: not an instant we can know). TWS's time of a fill is the
// truth; the host's clock when the fill was journaled is only a fallback.
import { zonedWallTimeToUtc } from '../core/marketHours';

const ZONED = /^(\d{4})(\d{2})(\d{2})[ -](\d{2}):(\d{2}):(\d{2})(?:\s+(\S+))?$/;

/** Epoch ms of an execution time, or undefined when it names no zone or is not a valid time. */
export function execTimeMs(text: string): number | undefined {
  const m = ZONED.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = text.trim()[8] === '-';
  const zone = utc ? 'UTC' : m[7];
  if (!zone) return undefined;
  try {
    return zonedWallTimeToUtc(year, month, day, hour, minute, second, zone);
  } catch {
    return undefined; // a zone Intl does not know
  }
}
