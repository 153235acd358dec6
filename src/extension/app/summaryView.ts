// A session summary (session/summary.ts) as the panel's data: the live session's and each
// past session's summary table.
import type { SessionSummary } from '../session/summary';
import type { SummaryView } from '../../webview/protocol';

export function summaryView(s: SessionSummary): SummaryView {
  const o = s.orders;
  return {
    sessionId: s.sessionId,
    mode: s.mode,
    account: s.account,
    ...(s.status !== undefined ? { status: s.status } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    cyclesDone: s.cycles.done,
    cyclesPlanned: s.cycles.planned,
    restarts: s.restarts,
    decisions: s.decisions,
    orders: {
      total: o.total,
      filled: o.filled,
      partiallyFilled: o.partiallyFilled,
      cancelled: o.cancelled,
      rejected: o.rejected,
      notSent: o.notSent + o.notAtTws,
      working: o.working,
    },
    blocked: Object.entries(s.blocked).map(([rule, count]) => ({ rule, count })),
    trades: s.trades,
    perSymbol: s.perSymbol.map((p) => ({
      symbol: p.symbol,
      orders: p.orders,
      fills: p.fills,
      bought: p.bought,
      sold: p.sold,
      position: p.position,
      ...(p.mark !== undefined ? { mark: p.mark } : {}),
      realized: p.realized,
      unrealized: p.unrealized,
      commissions: p.commissions,
      net: p.net,
    })),
    totals: { ...s.totals },
    ...(s.riskStop ? { riskStop: `${s.riskStop.rule}: ${s.riskStop.reason}` } : {}),
  };
}
