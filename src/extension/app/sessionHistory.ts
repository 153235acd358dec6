// The past sessions of a journal folder, read back from their journals: each journal replayed
// through the session's own ledger (the one fold the running and the resumed session use), so
// a past session's summary is exactly the one it printed; its equity curve from its P&L lines,
// its prices from its decisions' bars, its trades from its fills (with their commissions and
// slippage against the decision's price) and its decisions as the panel's rows.
import { join } from 'node:path';
import { sampleIndices } from '../../webview/chartScale';
import type { DecisionRecord } from '../session/decision';
import { Journal, type JournalLine } from '../session/journal';
import { orderUpdateOf } from '../session/journalOrderUpdates';
import { fillFacts, SessionLedger } from '../session/sessionLedger';
import { summarize } from '../session/summary';
import type { DecisionRow, HistorySession, HistoryView, PnlPoint, PricePoint, TradeRow } from '../../webview/protocol';
import { slippageOf } from './blotter';
import { execTimeMs } from '../tws/execTime';
import { summaryView } from './summaryView';
import { decisionRow } from './viewRows';

export interface HistoryLimits {
  /** the newest sessions read */
  readonly sessions: number;
  /** per session: the newest trades and decisions sent to the panel, and the points drawn */
  readonly trades: number;
  readonly decisions: number;
  readonly points: number;
}

export const HISTORY_LIMITS: HistoryLimits = { sessions: 20, trades: 500, decisions: 200, points: 400 };

/** One past session in full (the CSV export takes every trade; the panel a bounded view). */
export interface PastSession {
  readonly view: HistorySession;
  readonly trades: readonly TradeRow[];
}

/** Reads one journal file; throws JournalError for a journal changed by something else. */
export function readPastSession(path: string, limits: HistoryLimits = HISTORY_LIMITS): PastSession | undefined {
  const lines = Journal.read(path);
  const ledger = SessionLedger.fromLines(lines);
  const start = ledger.start;
  if (!start) return undefined;
  const summary = summarize(ledger);
  const points: PnlPoint[] = [];
  const prices = new Map<string, PricePoint[]>();
  const decisionPrice = new Map<string, number>();
  const fillAt = new Map<string, number>();
  const decisions: DecisionRecord[] = [];
  for (const line of lines) pick(line);

  function pick(line: JournalLine): void {
    const d = line as Record<string, unknown>;
    switch (line.type) {
      case 'pnl':
        if (typeof d.net === 'number' && typeof d.marketTime === 'number') points.push({ cycle: Number(d.cycle) || 0, at: d.marketTime, net: round2(d.net) });
        break;
      case 'decision': {
        const r = line as unknown as DecisionRecord;
        decisions.push(r);
        if (typeof r.close === 'number' && typeof r.marketTime === 'number') {
          let list = prices.get(r.symbol);
          if (!list) prices.set(r.symbol, (list = []));
          list.push({ at: r.marketTime, price: r.close });
        }
        if (r.outcome === 'order' && r.proposal) decisionPrice.set(r.proposal.orderRef, r.proposal.price);
        break;
      }
      case 'fill':
        if (typeof d.execId === 'string' && !fillAt.has(d.execId)) fillAt.set(d.execId, line.t);
        break;
      default:
        break;
    }
  }

  const trades: TradeRow[] = [...ledger.fills.values()].map((f) => {
    const dp = decisionPrice.get(f.orderRef);
    const decidedAt = ledger.intents.get(f.orderRef)?.marketTime;
    return {
      ...fillFacts(f),
      // TWS's time of the fill (the simulator's market clock, like the decisions and charts); else when it was journaled
      at: execTimeMs(f.time) ?? fillAt.get(f.execId) ?? 0,
      ...(f.commission !== undefined ? { commission: f.commission } : {}),
      ...(dp !== undefined ? { decisionPrice: dp, slippage: slippageOf(f.side, f.price, dp) } : {}),
      ...(typeof decidedAt === 'number' ? { decisionTime: decidedAt } : {}),
    };
  });
  const decisionRows: DecisionRow[] = decisions.slice(-limits.decisions).map((r, i) => {
    const ref = r.outcome === 'order' ? r.proposal?.orderRef : undefined;
    const intent = ref ? ledger.intents.get(ref) : undefined;
    return decisionRow(decisions.length - Math.min(decisions.length, limits.decisions) + i + 1, r, intent ? orderUpdateOf(intent) : undefined);
  });
  const view: HistorySession = {
    sessionId: start.sessionId,
    ...(ledger.firstLineAt !== undefined ? { startedAt: ledger.firstLineAt } : {}),
    ...(ledger.end && ledger.lastLineAt !== undefined ? { endedAt: ledger.lastLineAt } : {}),
    symbols: [...start.symbols],
    summary: summaryView(summary),
    points: thin(points, (p) => p.net, limits.points),
    prices: [...prices].map(([symbol, list]) => ({ symbol, points: thin(list, (p) => p.price, limits.points) })),
    trades: trades.slice(-limits.trades),
    tradesTotal: trades.length,
    decisions: decisionRows,
    decisionsTotal: decisions.length,
  };
  return { view, trades };
}

/** The newest sessions of a journal folder, newest first; journals that cannot be read are listed with why. */
export function readSessionHistory(dir: string, limits: HistoryLimits = HISTORY_LIMITS): HistoryView {
  const ids = Journal.sessions(dir).reverse();
  const sessions: HistorySession[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const id of ids) {
    if (sessions.length >= limits.sessions) break;
    const file = `${id}.jsonl`;
    try {
      const past = readPastSession(join(dir, file), limits);
      if (past) sessions.push(past.view);
      else skipped.push({ file, reason: 'no session-start line (not a session journal, or it ended before it started)' });
    } catch (err) {
      skipped.push({ file, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { dir, loading: false, sessions, skipped };
}

/** At most `max` points: all of them when few, else each bucket's extremes (sampleIndices). */
function thin<T>(list: readonly T[], value: (x: T) => number, max: number): T[] {
  if (list.length <= max) return list.slice();
  return sampleIndices([list.map(value)], list.length, max).map((i) => list[i]!);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
