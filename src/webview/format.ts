// How the panel writes numbers and times, in one style: US grouping, money in the account's
// currency (dollars by default) with two decimals, prices with 2-4, percentages with 2, a true minus sign (U+2212) and no
// "-0.00", and every time labelled with its zone (New York, the market's: EST/EDT); and the
// up/down class of a signed value.

export const MINUS = '\u2212';

const group = (x: number, min: number, max: number): string => x.toLocaleString('en-US', { minimumFractionDigits: min, maximumFractionDigits: max });

/** |x| rounded to `d` decimals is zero: shown as 0 (no "−0.00"). */
const isZero = (x: number, d: number): boolean => Math.abs(x) < 0.5 * 10 ** -d;

/** A signed number: "−" for negatives, "+" for positives only when `plus`. */
function signed(x: number, d: number, body: (abs: number) => string, plus: boolean): string {
  if (isZero(x, d)) return body(0);
  return `${x < 0 ? MINUS : plus ? '+' : ''}${body(Math.abs(x))}`;
}

const moneyFormats = new Map<string, { format: Intl.NumberFormat; prefix: string }>();

/** "$1,234.56" for USD, "CHF 1,234.56"; a code Intl does not know is written before the number. */
function absMoney(x: number, currency: string): string {
  let m = moneyFormats.get(currency);
  if (!m) {
    const plain = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    try {
      m = { format: new Intl.NumberFormat('en-US', { ...plain, style: 'currency', currency }), prefix: '' };
    } catch {
      m = { format: new Intl.NumberFormat('en-US', plain), prefix: `${currency} ` };
    }
    moneyFormats.set(currency, m);
  }
  return m.prefix + m.format.format(x);
}

const NY_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZoneName: 'short',
});
const NY_DATE_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
  timeZoneName: 'short',
});
const NY_DATE = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' });
const NY_HM = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false });

function parts(f: Intl.DateTimeFormat, ms: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(ms)) out[p.type] = p.value;
  return out;
}

function nyDateTime(ms: number, seconds: boolean): string {
  const p = parts(NY_DATE_TIME, ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}${seconds ? `:${p.second}` : ''} ${p.timeZoneName}`;
}

export const fmt = {
  qty: (x: number) => signed(x, 4, (a) => group(a, 0, 4), false),
  /** a price: 2 to 4 decimals */
  price: (x: number | undefined) => (x === undefined ? '—' : signed(x, 4, (a) => group(a, 2, 4), false)),
  /** money in the account's currency (default USD): "$1,234.56", "−$12.00", "CHF 1,234.56" */
  money: (x: number | undefined, currency = 'USD') => (x === undefined ? '—' : signed(x, 2, (a) => absMoney(a, currency), false)),
  /** a P&L or a change of money: always signed, "+$1.00", "−$3.25", "$0.00" */
  pnl: (x: number | undefined, currency = 'USD') => (x === undefined ? '—' : signed(x, 2, (a) => absMoney(a, currency), true)),
  /** the account strip's and positions' name for a signed amount of money (the same as pnl) */
  signedMoney: (x: number | undefined, currency = 'USD') => fmt.pnl(x, currency),
  /** a share already in percent: "12.35%" (no plus sign) */
  sharePct: (x: number | undefined) => (x === undefined ? '—' : signed(x, 2, (a) => `${group(a, 2, 2)}%`, false)),
  /** a change already in percent: "+1.25%", "−0.40%" */
  signedPct: (x: number | undefined) => (x === undefined ? '—' : signed(x, 2, (a) => `${group(a, 2, 2)}%`, true)),
  /** a signed price change: "+1.25", "−0.40", "0.00" */
  change: (x: number | undefined) => (x === undefined ? '—' : signed(x, 2, (a) => group(a, 2, 2), true)),
  /** a fraction as a signed percentage: 0.0123 -> "+1.23%" */
  pct: (x: number | undefined, d = 2) => (x === undefined ? '—' : signed(x * 100, d, (a) => `${group(a, d, d)}%`, true)),
  /** a plain number with `d` decimals and a true minus */
  num: (x: number | undefined, d = 2) => (x === undefined ? '—' : signed(x, d, (a) => group(a, d, d), false)),
  /** market time: "14:32:05 EST" (New York) */
  ny: (ms: number) => {
    const p = parts(NY_TIME, ms);
    return `${p.hour === '24' ? '00' : p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
  },
  /** "2026-12-05 14:32 EST" (New York) */
  nyDateTime: (ms: number) => nyDateTime(ms, false),
  /** "2026-12-05 14:32:05 EST" (New York; the trades CSV's local time) */
  nyDateTimeSeconds: (ms: number) => nyDateTime(ms, true),
  /** an axis tick: "14:30", "14:30:15" or "Dec 5" (the axis title names the zone) */
  nyTick: (ms: number, unit: 'date' | 'minutes' | 'seconds') => {
    if (unit === 'date') return NY_DATE.format(ms);
    if (unit === 'seconds') return fmt.ny(ms).split(' ')[0]!;
    const p = parts(NY_HM, ms);
    return `${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
  },
  /** the zone's short name at a time, e.g. "EST" */
  nyZone: (ms: number) => parts(NY_TIME, ms).timeZoneName ?? 'ET',
};

/** New York's offset from UTC at a time, in ms (for time ticks on whole local hours and days). */
export function nyOffsetMs(ms: number): number {
  const p = parts(NY_DATE_TIME, ms);
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return local - Math.floor(ms / 1000) * 1000;
}

export const signClass = (x: number | undefined): string => (x === undefined || Math.abs(x) < 0.005 ? '' : x > 0 ? 'up' : 'down');
