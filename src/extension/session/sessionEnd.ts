// The end of a session: the kill switch and risk stops (working orders cancelled, the book
// flattened if asked), the wait for a dropped connection when the cycles ran out, working
// orders settled or cancelled, and the closing lines (final P&L, session-end, summary); for
// a session that failed, why (its first cause), with trading stopped at once.
import type { BrokerConnectionState as BrokerState } from '../broker/types';
import { BrokerError } from '../broker/errors';
import type { SessionCycles } from './cycle';
import { exitDecision } from './decision';
import { JournalError } from './journal';
import { engageKillSwitch, flattenVerdict, type KillReport } from './killSwitch';
import type { PlaceResult } from './orderManager';
import type { RunningSession, SessionHost } from './runningSession';
import type { SessionJournal } from './sessionJournal';
import type { SessionLedger } from './sessionLedger';
import { EXIT_CODES, SessionStop, type EndRequest, type SessionResult } from './sessionOutcome';
import { summarize, type SessionSummary } from './summary';

/**
 * The cycles ran out while TWS was reconnecting (a drop, TWS's daily restart): wait a bounded
 * time for the connection to come back and reconcile, so the end state of orders and positions
 * is confirmed rather than guessed; if it does not, the session ends `disconnected`.
 */
export async function awaitConnectionAtEnd(run: RunningSession, ms: number): Promise<void> {
  const up = (s: BrokerState) => s.status === 'ready' && s.ibConnectivity !== 'lost';
  const state = run.broker.state;
  if (up(state.value) || state.value.status === 'failed' || state.value.status === 'disconnected') return;
  run.host.notice(
    'warn',
    `all ${run.config.cycles} cycles ran; the connection to TWS is ${state.value.status}: waiting up to ${Math.round(ms / 1000)} s for it to come back so the end state of orders and positions is confirmed`,
  );
  await state.when(up, ms).catch(() => undefined);
}

/** All cycles ran: finished only if the session ends connected and the bars came for most cycles. */
export function completedEnd(run: RunningSession, cycles: SessionCycles): EndRequest {
  const n = run.config.cycles;
  const s = run.broker.state.value;
  if (s.status !== 'ready' || s.ibConnectivity === 'lost') {
    const how = s.status !== 'ready' ? `the connection was ${s.status}${s.reason ? ` (${s.reason})` : ''}` : 'TWS had lost its connection to IB (1100)';
    return {
      status: 'disconnected',
      reason: `ran ${n} cycles but ended disconnected from TWS: ${how}; the end state of working orders and positions is unconfirmed (the next start on this journal reconciles it)`,
      exitCode: EXIT_CODES.disconnected,
    };
  }
  if (cycles.cyclesMissingBars * 2 > n) {
    const top = cycles.topMissingReasons(3).map(([why, k]) => `${why} (${k} cycles)`);
    const still = [...run.bars.status.entries()].map(([sym, st]) => `${sym} ${st.state}: ${st.reason}`);
    return {
      status: 'degraded',
      reason: `ran ${n} cycles, ${cycles.cyclesMissingBars} of them without every symbol's bar; why: ${top.join('; ')}${still.length ? `; still missing at the end: ${still.slice(0, 5).join('; ')}${still.length > 5 ? `; and ${still.length - 5} more` : ''}` : ''}`,
      exitCode: EXIT_CODES.degraded,
    };
  }
  return { status: 'finished', reason: `ran ${n} cycles`, exitCode: EXIT_CODES.finished };
}

/**
 * A risk stop or the kill switch on a running session (the end is already requested): once
 * the cycle placing orders is done, the stop is journaled, working orders cancelled and the
 * book flattened if asked.
 */
export async function stopTrading(
  run: RunningSession,
  cycles: SessionCycles,
  stop: { rule: string; reason: string; flatten: boolean; why: string },
): Promise<KillReport | undefined> {
  const { host, journal } = run;
  const { rule, reason, flatten } = stop;
  // Let a cycle that is placing an order finish first (its remaining symbols see `stopping`).
  const running = cycles.running;
  if (running) await running.catch(() => {});
  if (journal.failure) return undefined;
  journal.write(rule === 'killSwitch' ? 'kill' : 'risk-stop', { rule, reason, flatten });
  host.publish({ type: 'risk-stop', at: Date.now(), rule, reason, flatten });
  host.setState('stopping', stop.why);
  return cancelAndFlatten(run, reason, flatten);
}

/** The daily loss limit with --flatten-on-stop: working orders cancelled, the book closed; the session goes on reduce-only. */
export async function flattenBook(run: RunningSession, reason: string): Promise<void> {
  await cancelAndFlatten(run, reason, true);
}

/** Working orders cancelled and, when asked, the book (never shares held outside it) closed; journaled as a kill report. */
async function cancelAndFlatten(run: RunningSession, reason: string, flatten: boolean): Promise<KillReport> {
  const { host, journal, orders, config, ledger, book } = run;
  const report = await engageKillSwitch(
    {
      orders,
      positions: () =>
        config.symbols.map((symbol) => {
          const held = book.held(symbol);
          return { symbol, quantity: ledger.book(symbol).quantity, ...(held !== undefined ? { held } : {}) };
        }),
      flattenOrder: (symbol, qty) => flattenOrder(run, symbol, qty),
      settleMs: host.options.endSettleMs ?? 5000,
    },
    { reason, flatten },
  );
  journal.write('kill-report', {
    cancelled: report.cancelled,
    cancelFailures: report.cancelFailures,
    flattened: report.flattened.map((f) => f.orderRef),
    notFlattened: report.notFlattened,
    settled: report.settled,
  });
  return report;
}

async function flattenOrder(run: RunningSession, symbol: string, qty: number): Promise<PlaceResult | { refused: string }> {
  const { host, ledger, clock, journal, orders, risk, book } = run;
  const n = Math.max(1, ledger.lastCycle);
  const all = clock.history(symbol);
  const record = exitDecision({
    cycle: n,
    symbol,
    marketTime: host.market.now,
    bars: all.slice(-1),
    fresh: true,
    position: ledger.book(symbol).quantity,
    risk,
    account: book.accountView(),
    shadow: run.config.mode === 'shadow',
    orderRef: run.orderRef(n, symbol, 'flatten'),
    kind: 'flatten',
    orderQuantity: qty,
    why: `flatten ${symbol}: close the book's ${ledger.book(symbol).quantity} shares (shares held outside the book stay)`,
    adjust: flattenVerdict,
  });
  journal.write('decision', { ...record });
  host.publish({ type: 'decision', at: Date.now(), record });
  if (record.outcome !== 'order' || !record.proposal) return { refused: record.reason };
  const p = record.proposal;
  const contract = run.contracts.get(symbol);
  if (!contract) return { refused: `no contract for ${symbol}` };
  const r = await orders.place({
    orderRef: p.orderRef,
    cycle: n,
    symbol,
    kind: 'flatten',
    contract,
    action: p.action,
    quantity: p.quantity,
    marketTime: host.market.now,
  });
  if (r.sent) risk.recordOrder();
  return r;
}

/** Orders still working settle (MKT orders fill quickly), then leftovers are cancelled; finished orders whose last executions are on their way are waited for too. */
export async function settleAtEnd(run: RunningSession): Promise<void> {
  const { orders, journal, host } = run;
  if (journal.failure) return;
  const open = [...orders.working(), ...orders.awaitingExecutions()].map((i) => i.orderRef);
  if (!open.length) return;
  const settled = await orders.settle(open, host.options.endSettleMs ?? 5000);
  if (settled) return;
  const r = await orders.cancelAll('session end: the order did not finish in time', host.options.endSettleMs ?? 5000);
  if (r.cancelled.length) host.notice('warn', `session end: cancelled ${r.cancelled.length} order(s) still working: ${r.cancelled.join(', ')}`);
}

/** What the closing lines need; the journal is there once startup opened it. */
export interface EndParts {
  readonly host: SessionHost;
  readonly ledger: SessionLedger;
  readonly journal: SessionJournal | undefined;
  readonly cyclesWithoutBars: number;
  readonly sessionId: string | undefined;
}

/** The closing lines (final P&L, session-end) and the summary; a journal that failed makes the end `failed`. */
export function closeOut(parts: EndParts, end: EndRequest): { result: SessionResult; summary?: SessionSummary } {
  const { host, ledger, journal } = parts;
  let summary: SessionSummary | undefined;
  if (journal && ledger.start) {
    const plannedCycles = host.config.cycles;
    summary = summarize(ledger, { status: end.status, reason: end.reason, plannedCycles, cyclesWithoutBars: parts.cyclesWithoutBars });
    if (!journal.failure) {
      try {
        journal.write('pnl', { cycle: ledger.lastCycle, marketTime: host.market.now, marks: {}, final: true, ...ledger.pnl() });
        journal.write('session-end', { status: end.status, reason: end.reason, exitCode: end.exitCode, summary });
      } catch {
        // the journal's failure is set; the result says so
      }
    }
    if (journal.failure && end.status !== 'failed') end = { status: 'failed', reason: journal.failure.message, exitCode: EXIT_CODES.failed };
    summary = summarize(ledger, { status: end.status, reason: end.reason, plannedCycles, cyclesWithoutBars: parts.cyclesWithoutBars });
    host.publish({ type: 'summary', at: Date.now(), summary });
  }
  const result: SessionResult = {
    status: end.status,
    reason: end.reason,
    exitCode: end.exitCode,
    ...(parts.sessionId ? { sessionId: parts.sessionId } : {}),
    ...(journal ? { journalPath: journal.path } : {}),
    ...(summary ? { summary } : {}),
  };
  return { result, ...(summary ? { summary } : {}) };
}

/**
 * The session failed (a SessionStop from startup, the journal, TWS, or a bug): how it ends,
 * with trading stopped at once. A journal failure cancels working orders without journaling
 * (the next start reconciles them); other failures are journaled as an error line.
 */
export function failedEnd(parts: EndParts, run: RunningSession | undefined, err: unknown): EndRequest {
  const { host, journal, ledger } = parts;
  let end: EndRequest;
  if (err instanceof SessionStop) end = { status: err.status, reason: err.message, exitCode: err.exitCode };
  else if (err instanceof JournalError || journal?.failure) {
    const j = journal?.failure ?? (err as JournalError);
    end = { status: 'failed', reason: `journal: ${j.message}; trading stopped`, exitCode: EXIT_CODES.failed };
  } else if (err instanceof BrokerError) end = { status: 'failed', reason: `TWS: ${err.message}`, exitCode: EXIT_CODES.failed };
  else end = { status: 'failed', reason: err instanceof Error ? err.message : String(err), exitCode: EXIT_CODES.internal };
  host.end.stopping = true;
  if (journal?.failure) {
    host.publish({ type: 'risk-stop', at: Date.now(), rule: 'journal', reason: end.reason, flatten: false });
    if (run) for (const o of run.orders.working()) void run.broker.cancelOrder(o.orderId).catch(() => {});
  } else if (journal && ledger.start && end.status === 'failed') {
    try {
      journal.write('error', { message: end.reason });
    } catch {
      // closeOut reports the journal failure
    }
  }
  return end;
}
