// Market bars as columns of typed arrays (no per-bar objects), and a strict CSV reader that
// names the file, line and column of anything it cannot use.
import { readFileSync } from 'node:fs';
import { minuteOfDay, US_REGULAR_HOURS, zonedTime, zonedWallTimeToUtc } from '../core/marketHours';
import { barEnd } from '../core/sessionBars';
import { DataError } from './errors';
import { oneBarLogReturns } from './features';

export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume';
export const BAR_FIELDS: readonly BarField[] = ['open', 'high', 'low', 'close', 'volume'];

export interface BarSeries {
  readonly symbol: string;
  /** where the bars came from, for reports */
  readonly source: string;
  readonly length: number;
  /** bar start, epoch ms (daily bars: the 09:30 New York open of that date) */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** NaN when the source has no volume */
  readonly volume: Float64Array;
  /** minute of the New York day at which the bar closes (daily bars: 960 = 16:00) */
  readonly closeMinute: Float64Array;
  /** ln(close[i] / close[i-1]), NaN at 0: computed once, read by the volatility features */
  readonly logReturns: Float64Array;
  /** fields read from the source; the rest were derived (open/high/low = price, volume = NaN) */
  readonly fields: readonly BarField[];
  /** true when the source has dates without times */
  readonly dateOnly: boolean;
  /** typical spacing of the bars in seconds (1 day for daily bars) */
  readonly barSeconds: number;
}

export interface CsvBarOptions {
  /** keep rows of this symbol when the file has a symbol column; also names the series */
  readonly symbol?: string;
  /** column used as the close (default: close, else price) */
  readonly priceColumn?: string;
}

const DAY_S = 86_400;
const NY = US_REGULAR_HOURS.timeZone;
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export interface ParsedDate {
  readonly ms: number;
  readonly dateOnly: boolean;
}

/**
 * Dates as they appear in bar files: 2015-01-02, 20150102, Jan 2 2015 (date only: the New
 * York session of that day), 2015-01-02T10:30[:00][Z|+hh:mm], 2015-01-02 10:30:00 and IB's
 * 20150102 10:30:00 (no zone: New York time). Returns undefined for anything else.
 */
export function parseBarDate(text: string): ParsedDate | undefined {
  const s = text.trim();
  let m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s);
  if (m) return dateOnly(+m[1]!, +m[2]!, +m[3]!);
  m = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    return month ? dateOnly(+m[3]!, month, +m[2]!) : undefined;
  }
  m = /^(\d{4})-?(\d{2})-?(\d{2})[T ]+(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)];
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  const zone = m[7];
  if (zone === undefined) return { ms: zonedWallTimeToUtc(y, mo, d, h, mi, sec, NY), dateOnly: false };
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (zone === 'Z') return { ms: wall, dateOnly: false };
  const zm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  const offset = (zm[1] === '-' ? -1 : 1) * (+zm[2]! * 60 + +zm[3]!) * 60_000;
  return { ms: wall - offset, dateOnly: false };
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function dateOnly(y: number, mo: number, d: number): ParsedDate | undefined {
  if (!validDate(y, mo, d)) return undefined;
  return { ms: zonedWallTimeToUtc(y, mo, d, 9, 30, 0, NY), dateOnly: true };
}

/** YYYY-MM-DD of an instant in New York (the trading date). */
export function tradingDate(ms: number): string {
  const z = zonedTime(ms, NY);
  return `${z.year}-${String(z.month).padStart(2, '0')}-${String(z.day).padStart(2, '0')}`;
}

function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export function readBarsCsv(file: string, options: CsvBarOptions = {}): BarSeries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, `cannot read the data file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseBarsCsv(text, file, options);
}

export function parseBarsCsv(text: string, file: string, options: CsvBarOptions = {}): BarSeries {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const columnList = header.join(', ') || '(none)';
  const dateCol = ['date', 'datetime', 'time', 'timestamp'].map(col).find((i) => i >= 0);
  if (dateCol === undefined) throw new DataError(file, `no date column (looked for date, datetime, time, timestamp); columns: ${columnList}`);

  let priceName = options.priceColumn?.trim().toLowerCase();
  if (priceName !== undefined && col(priceName) < 0) {
    throw new DataError(file, `unknown column "${options.priceColumn}" for the price; columns: ${columnList}`);
  }
  priceName ??= col('close') >= 0 ? 'close' : col('price') >= 0 ? 'price' : undefined;
  if (priceName === undefined) throw new DataError(file, `no close or price column; columns: ${columnList} (choose one with --price-column)`);
  const priceCol = col(priceName);
  const closeCol = col('close');
  // OHLC from the file only when they belong to the chosen price; for another price column
  // (adjusted close) they are scaled by price/close, as adjusted bars are.
  const scaleOhl = priceName !== 'close' && closeCol >= 0;
  const ohlCols = { open: col('open'), high: col('high'), low: col('low') };
  const volumeCol = col('volume');
  const symbolCol = col('symbol');

  const wanted = options.symbol;
  const symbolsSeen = new Set<string>();
  const rows: { line: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    if (symbolCol >= 0) {
      const sym = (cells[symbolCol] ?? '').trim();
      symbolsSeen.add(sym);
      if (wanted !== undefined && sym.toUpperCase() !== wanted.toUpperCase()) continue;
    }
    rows.push({ line: i + 1, cells });
  }
  if (symbolCol >= 0 && wanted === undefined && symbolsSeen.size > 1) {
    throw new DataError(file, `holds several symbols (${[...symbolsSeen].join(', ')}); choose one with --symbol`);
  }
  if (rows.length === 0) {
    const which = symbolCol >= 0 && wanted !== undefined ? ` for symbol ${wanted} (symbols: ${[...symbolsSeen].join(', ')})` : '';
    throw new DataError(file, `no data rows${which}`);
  }

  const n = rows.length;
  const columns = ohlcvColumns(n);
  const { time, open, high, low, close, volume } = columns;
  volume.fill(NaN);
  let allDateOnly = true;
  let anyDateOnly = false;

  const num = (cells: string[], c: number, name: string, line: number, positive: boolean): number => {
    const raw = (cells[c] ?? '').trim();
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || (positive ? v <= 0 : v < 0)) {
      throw new DataError(file, `line ${line}: ${name} "${raw}" is not a ${positive ? 'positive' : 'non-negative'} number`);
    }
    return v;
  };

  for (let i = 0; i < n; i++) {
    const { line, cells } = rows[i]!;
    const rawDate = (cells[dateCol] ?? '').trim();
    const d = parseBarDate(rawDate);
    if (!d)
      throw new DataError(file, `line ${line}: date "${rawDate}" is not a date (valid: YYYY-MM-DD, YYYYMMDD, "Jan 2 2015", YYYY-MM-DD HH:MM[:SS][Z|+hh:mm])`);
    if (i > 0 && d.ms <= time[i - 1]!)
      throw new DataError(file, `line ${line}: date "${rawDate}" is not after the previous row; bars must be in ascending time order without duplicates`);
    allDateOnly &&= d.dateOnly;
    anyDateOnly ||= d.dateOnly;
    time[i] = d.ms;
    const p = num(cells, priceCol, priceName, line, true);
    close[i] = p;
    const factor = scaleOhl ? p / num(cells, closeCol, 'close', line, true) : 1;
    open[i] = ohlCols.open >= 0 ? num(cells, ohlCols.open, 'open', line, true) * factor : p;
    high[i] = ohlCols.high >= 0 ? num(cells, ohlCols.high, 'high', line, true) * factor : p;
    low[i] = ohlCols.low >= 0 ? num(cells, ohlCols.low, 'low', line, true) * factor : p;
    if (volumeCol >= 0) volume[i] = num(cells, volumeCol, 'volume', line, false);
    if (high[i]! < low[i]! || close[i]! > high[i]! * (1 + 1e-9) || close[i]! < low[i]! * (1 - 1e-9)) {
      throw new DataError(file, `line ${line}: high ${high[i]} / low ${low[i]} do not contain close ${close[i]}`);
    }
  }
  if (anyDateOnly && !allDateOnly) throw new DataError(file, 'mixes dates with and without times; use one form for every row');

  const barSeconds = typicalSpacing(time, allDateOnly);
  const fields: BarField[] = ['close'];
  if (ohlCols.open >= 0) fields.push('open');
  if (ohlCols.high >= 0) fields.push('high');
  if (ohlCols.low >= 0) fields.push('low');
  if (volumeCol >= 0) fields.push('volume');
  const symbol = (wanted ?? (symbolsSeen.size === 1 ? [...symbolsSeen][0]! : '')).toUpperCase() || 'UNKNOWN';
  return barSeries({ symbol, source: file, ...columns, fields, dateOnly: allDateOnly, barSeconds });
}

/** One bar as an object (TWS's bars): the series' columns at one index. */
export interface OhlcvBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

type OhlcvColumns = Pick<BarSeries, 'time' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

function ohlcvColumns(n: number): OhlcvColumns {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Bars as the columns the feature pipeline reads (one pass: the session runs it for every symbol of every cycle). */
export function seriesOfBars(symbol: string, source: string, bars: readonly OhlcvBar[], barSeconds: number): BarSeries {
  const columns = ohlcvColumns(bars.length);
  const { time, open, high, low, close, volume } = columns;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    time[i] = b.time;
    open[i] = b.open;
    high[i] = b.high;
    low[i] = b.low;
    close[i] = b.close;
    volume[i] = b.volume;
  }
  return barSeries({ symbol, source, ...columns, fields: ['open', 'high', 'low', 'close', 'volume'], dateOnly: false, barSeconds });
}

/** A series from its columns: the derived columns (length, close minute, log returns) computed here, once. */
function barSeries(columns: Omit<BarSeries, 'length' | 'closeMinute' | 'logReturns'>): BarSeries {
  const { time, dateOnly, barSeconds } = columns;
  const n = time.length;
  const closeMinute = new Float64Array(n);
  for (let i = 0; i < n; i++) closeMinute[i] = dateOnly ? US_REGULAR_HOURS.closeMinute : minuteOfDay(barEnd(time[i]!, barSeconds), NY);
  return { ...columns, length: n, closeMinute, logReturns: oneBarLogReturns(columns.close) };
}

/** Median spacing of the bars; daily data (gaps of 1-3 calendar days) is one day. */
function typicalSpacing(time: Float64Array, dateOnly: boolean): number {
  if (time.length < 2) return dateOnly ? DAY_S : 60;
  const gaps = new Float64Array(time.length - 1);
  for (let i = 1; i < time.length; i++) gaps[i - 1] = (time[i]! - time[i - 1]!) / 1000;
  gaps.sort();
  const median = gaps[gaps.length >> 1]!;
  return dateOnly ? Math.max(DAY_S, Math.round(median / DAY_S) * DAY_S) : median;
}

/** Index of the first bar at or after `ms` (length if none). */
export function indexAtOrAfter(series: BarSeries, ms: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (series.time[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
