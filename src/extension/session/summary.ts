// The session summary: trades, realized and unrealized P&L and commissions, per symbol and
// in total, computed from the journal's ledger (so a resumed session's summary covers the
// whole session, before and after the restart).
import type { OrderCounts } from './archivedOrders';
import type { PnlSnapshot, SessionLedger, SymbolBook, SymbolPnl } from './sessionLedger';

/** One symbol: its orders, its book's fills and its shares at the start and now, its P&L (the ledger's). */
export type SymbolSummary = Readonly<Pick<SymbolBook, 'symbol' | 'fills' | 'bought' | 'sold'> & Omit<SymbolPnl, 'mark'>> & {
  readonly orders: number;
  readonly startPosition: number;
  readonly mark?: number;
};

export interface SessionSummary {
  readonly sessionId: string;
  readonly mode: string;
  readonly account: string;
  readonly status?: string;
  readonly reason?: string;
  readonly cycles: { readonly done: number; readonly planned: number; /** cycles of this run without every symbol's bar */ readonly withoutBars?: number };
  readonly restarts: number;
  readonly decisions: number;
  /** the ledger's counts, and the orders that may still be working */
  readonly orders: Readonly<Omit<OrderCounts, 'bySymbol'>> & { readonly working: number };
  /** refusals by rule (risk engine and session rules) */
  readonly blocked: Readonly<Record<string, number>>;
  readonly trades: number;
  readonly perSymbol: readonly SymbolSummary[];
  readonly totals: Readonly<Omit<PnlSnapshot, 'perSymbol'>>;
  readonly riskStop?: { readonly rule: string; readonly reason: string };
}

export function summarize(
  ledger: SessionLedger,
  extra: { status?: string; reason?: string; plannedCycles?: number; cyclesWithoutBars?: number } = {},
): SessionSummary {
  const start = ledger.start;
  const counts = ledger.orderCounts();
  const pnl = ledger.pnl();
  const symbols = start?.symbols ?? [...ledger.books.keys()];
  const perSymbol: SymbolSummary[] = symbols.map((symbol) => {
    const b = ledger.book(symbol);
    const p = pnl.perSymbol[symbol] ?? { realized: 0, unrealized: 0, commissions: 0, net: 0, position: 0, mark: undefined };
    return {
      symbol,
      orders: counts.bySymbol[symbol] ?? 0,
      fills: b.fills,
      bought: b.bought,
      sold: b.sold,
      startPosition: b.startQuantity,
      position: b.quantity,
      ...(b.mark !== undefined ? { mark: b.mark } : {}),
      realized: p.realized,
      unrealized: p.unrealized,
      commissions: p.commissions,
      net: p.net,
    };
  });
  const status = extra.status ?? ledger.end?.status;
  const reason = extra.reason ?? ledger.end?.reason;
  return {
    sessionId: start?.sessionId ?? '',
    mode: start?.mode ?? '',
    account: start?.account ?? '',
    ...(status !== undefined ? { status } : {}),
    ...(reason !== undefined ? { reason } : {}),
    cycles: {
      done: ledger.lastCycle,
      planned: extra.plannedCycles ?? start?.cycles ?? ledger.lastCycle,
      ...(extra.cyclesWithoutBars ? { withoutBars: extra.cyclesWithoutBars } : {}),
    },
    restarts: ledger.restarts,
    decisions: ledger.decisions,
    orders: {
      total: counts.total,
      filled: counts.filled,
      partiallyFilled: counts.partiallyFilled,
      cancelled: counts.cancelled,
      rejected: counts.rejected,
      notSent: counts.notSent,
      notAtTws: counts.notAtTws,
      working: ledger.openIntents().length,
    },
    blocked: Object.fromEntries(ledger.blocks),
    trades: ledger.fillCount,
    perSymbol,
    totals: { realized: pnl.realized, unrealized: pnl.unrealized, commissions: pnl.commissions, net: pnl.net },
    ...(ledger.riskStop ? { riskStop: { rule: ledger.riskStop.rule, reason: ledger.riskStop.reason } } : {}),
  };
}

const money = (x: number): string => (Object.is(Math.round(x * 100), -0) ? 0 : x).toFixed(2);

/** The summary as text: a header, one row per symbol, totals. */
export function formatSummary(s: SessionSummary): string {
  const rows: string[][] = [['symbol', 'orders', 'fills', 'bought', 'sold', 'position', 'mark', 'realized', 'unrealized', 'commissions', 'net']];
  for (const p of s.perSymbol) {
    rows.push([
      p.symbol,
      String(p.orders),
      String(p.fills),
      String(p.bought),
      String(p.sold),
      String(p.position),
      p.mark !== undefined ? p.mark.toFixed(2) : '-',
      money(p.realized),
      money(p.unrealized),
      money(p.commissions),
      money(p.net),
    ]);
  }
  const t = s.totals;
  rows.push(['total', String(s.orders.total), String(s.trades), '', '', '', '', money(t.realized), money(t.unrealized), money(t.commissions), money(t.net)]);
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const table = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '));
  const o = s.orders;
  const blocked = Object.entries(s.blocked);
  const lines = [
    `session ${s.sessionId} (${s.mode}, account ${s.account})${s.status ? `: ${s.status}${s.reason ? ` - ${s.reason}` : ''}` : ''}`,
    `cycles ${s.cycles.done}/${s.cycles.planned}${s.cycles.withoutBars ? ` (${s.cycles.withoutBars} without every symbol's bar)` : ''}${s.restarts ? `, resumed ${s.restarts}x` : ''}; ${s.decisions} decisions; orders ${o.total}: ${o.filled} filled, ${o.partiallyFilled} partly filled, ${o.cancelled} cancelled, ${o.rejected} rejected, ${o.notSent + o.notAtTws} never reached TWS, ${o.working} working`,
    `blocked by rules: ${blocked.length ? blocked.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`,
    ...table,
  ];
  if (s.riskStop) lines.push(`stopped by ${s.riskStop.rule}: ${s.riskStop.reason}`);
  return lines.join('\n');
}
