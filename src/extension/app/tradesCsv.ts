// A past session's trades and fills as CSV (RFC 4180: CRLF line ends, a field with a comma,
// a quote, CR or LF quoted and its quotes doubled). Times in ISO 8601 UTC and as New York
// local time with its zone; money as plain numbers (a spreadsheet's own format applies).
import { fmt } from '../../webview/format';
import type { TradeRow } from '../../webview/protocol';

/** One CSV field per RFC 4180. A field a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with ' . */
export function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRows(rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export const TRADE_CSV_HEADER = [
  'session',
  'time_utc',
  'time_new_york',
  'symbol',
  'side',
  'shares',
  'price',
  'commission',
  'decision_price',
  'slippage_per_share',
  'order_id',
  'order_ref',
  'exec_id',
] as const;

/** A session's fills, oldest first, one line each. */
export function tradesCsv(sessionId: string, trades: readonly TradeRow[]): string {
  const rows = [...trades]
    .sort((a, b) => a.at - b.at)
    .map((t) => [
      sessionId,
      t.at ? new Date(t.at).toISOString() : '',
      t.at ? fmt.nyDateTimeSeconds(t.at) : '',
      t.symbol,
      t.side,
      t.shares,
      t.price,
      t.commission,
      t.decisionPrice,
      t.slippage,
      t.orderId,
      t.orderRef,
      t.execId,
    ]);
  return csvRows([[...TRADE_CSV_HEADER], ...rows]);
}
