// How the panel writes numbers and times: US grouping, P&L with a true minus sign and no
// "-0.00", New York time for market times; and the up/down class of a signed value.
// Money is one style everywhere: the account's currency, two decimals, thousands separators,
// a true minus sign (U+2212), a plus sign on signed figures (P&L, changes).

const MINUS = '\u2212';

const moneyFormats = new Map<string, { format: Intl.NumberFormat; prefix: string }>();

/** "$1,234.56" for USD, "CHF 1,234.56"; an unknown code before the number ("XYZ 1,234.56"); none: "1,234.56". */
function absMoney(x: number, currency: string | undefined): string {
  const key = currency ?? '';
  let m = moneyFormats.get(key);
  if (!m) {
    const plain = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    try {
      m = { format: new Intl.NumberFormat('en-US', currency ? { ...plain, style: 'currency', currency } : plain), prefix: '' };
    } catch {
      // not an ISO 4217 code: written as it came
      m = { format: new Intl.NumberFormat('en-US', plain), prefix: `${currency} ` };
    }
    moneyFormats.set(key, m);
  }
  return m.prefix + m.format.format(x);
}

/** Rounded to the cent, without a negative zero. */
const cents = (x: number): number => {
  const v = Math.round(x * 100) / 100;
  return v === 0 ? 0 : v;
};

export const fmt = {
  qty: (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 4 }),
  price: (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })),
  pnl: (x: number | undefined) => {
    if (x === undefined) return '—';
    const v = Math.abs(x) < 0.005 ? 0 : x;
    return `${v > 0 ? '+' : v < 0 ? MINUS : ''}${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  },
  /** An amount of the account's currency: "$1,234,567.89", "−$12.00". */
  money: (x: number | undefined, currency?: string) => {
    if (x === undefined) return '—';
    const v = cents(x);
    return `${v < 0 ? MINUS : ''}${absMoney(Math.abs(v), currency)}`;
  },
  /** A signed amount (P&L, a change): "+$1,234.56", "−$12.00", "$0.00". */
  signedMoney: (x: number | undefined, currency?: string) => {
    if (x === undefined) return '—';
    const v = cents(x);
    return `${v > 0 ? '+' : v < 0 ? MINUS : ''}${absMoney(Math.abs(v), currency)}`;
  },
  /** A share: "12.35%". */
  pct: (x: number | undefined) => (x === undefined ? '—' : `${fmt.signed(x, 2, '')}%`),
  /** A signed percentage: "+1.25%", "−0.40%". */
  signedPct: (x: number | undefined) => (x === undefined ? '—' : `${fmt.signed(x, 2, '+')}%`),
  /** A signed price change: "+1.25", "−0.40", "0.00". */
  change: (x: number | undefined) => (x === undefined ? '—' : fmt.signed(x, 2, '+')),
  signed: (x: number, digits: number, plus: string) => {
    const r = Number(x.toFixed(digits));
    const v = r === 0 ? 0 : r;
    return `${v > 0 ? plus : v < 0 ? MINUS : ''}${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
  },
  ny: (ms: number) =>
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(ms),
};

export const signClass = (x: number | undefined): string => (x === undefined || Math.abs(x) < 0.005 ? '' : x > 0 ? 'up' : 'down');
