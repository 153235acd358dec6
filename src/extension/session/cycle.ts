// The session's cycles: each cycle of market time, per symbol, latest completed bars ->
// features -> policy -> target position -> risk checks -> order or none, the orders placed
// together and followed until they settle, every step journaled and emitted as an event.
import type { BrokerContract } from '../broker/types';
import { PolicyRuntimeError } from '../policy/errors';
import { capToHeld } from '../trading/bookRules';
import type { AccountView } from '../trading/riskEngine';
import type { Cycle } from './cycleClock';
import {
  concludeDecision,
  exitDecision,
  observeDecision,
  policyErrorDecision,
  withModelDetail,
  type DecisionInput,
  type DecisionRecord,
  type ObservedDecision,
} from './decision';
import { POLICY_FAILURE_STOP_AFTER } from './errorPolicy';
import { orderUpdateOf } from './journalOrderUpdates';
import { rejectionReason } from './orderRejections';
import type { RunningSession } from './runningSession';
import { flattenBook } from './sessionEnd';

/** Bars kept beyond the model's history (a cycle's bars are cut at its bar time). */
export const HISTORY_MARGIN = 40;

type CommonInput = Pick<DecisionInput, 'cycle' | 'symbol' | 'marketTime' | 'bars' | 'fresh' | 'position' | 'risk' | 'shadow' | 'hold'>;

/** A symbol between its observation and the policy's answer: exactly one of done, stop or (policy and observed). */
interface ObservedSymbol {
  readonly symbol: string;
  readonly common: CommonInput;
  /** decided without the policy */
  readonly done?: DecisionRecord;
  /** a stop-loss exit */
  readonly stop?: { kind: 'stop'; orderQuantity: number; orderRef: string; why: string };
  readonly policy?: Omit<DecisionInput, 'account'>;
  readonly observed?: ObservedDecision;
}

export class SessionCycles {
  private cycleRunning: Promise<void> | undefined;
  /** Cycles in a row whose every policy decision failed. */
  private policyFailureStreak = 0;
  /** Cycles that ran with some symbol's bar missing, and how many cycles each reason was given in. */
  private cyclesMissingBarsValue = 0;
  private readonly missingReasons = new Map<string, number>();

  constructor(private readonly run: RunningSession) {}

  /** The cycle running now (a stop lets it finish placing its orders first). */
  get running(): Promise<void> | undefined {
    return this.cycleRunning;
  }

  get cyclesMissingBars(): number {
    return this.cyclesMissingBarsValue;
  }

  /** The reasons bars were missing, most cycles first. */
  topMissingReasons(n: number): Array<[string, number]> {
    return [...this.missingReasons].sort((a, b) => b[1] - a[1]).slice(0, n);
  }

  /** Runs cycles until all ran or the session is ending. */
  async loop(): Promise<void> {
    const { queue, ledger, config } = this.run;
    queue.start();
    while (ledger.lastCycle < config.cycles) {
      const cycle = await queue.next();
      if (!cycle) break;
      this.cycleRunning = this.runCycle(cycle);
      try {
        await this.cycleRunning;
      } finally {
        this.cycleRunning = undefined;
      }
    }
  }

  private async runCycle(c: Cycle): Promise<void> {
    const { config: cfg, host, journal, ledger, risk, orders, book } = this.run;
    const n = ledger.lastCycle + 1;
    const stage = host.options.onStage;
    stage?.('cycle-start', c.barTime);
    host.market.now = c.marketTime;
    journal.write('cycle-start', {
      cycle: n,
      barTime: c.barTime,
      marketTime: c.marketTime,
      stalled: c.stalled,
      fresh: c.fresh,
      missing: c.missing,
      skipped: c.skipped,
    });
    host.publish({
      type: 'cycle-start',
      at: Date.now(),
      cycle: n,
      cycles: cfg.cycles,
      barTime: c.barTime,
      marketTime: c.marketTime,
      stalled: c.stalled,
      missing: c.missing,
      skipped: c.skipped,
    });

    // TWS is the truth: shares sold outside the session since the last cycle leave the book.
    book.verifyBook('cycle');
    // Marks and the P&L at this cycle's close; the daily loss limit first.
    this.writePnl(n, c);
    const equity = this.run.capital + ledger.pnl().net;
    const limit = cfg.risk.dailyLossLimit;
    if (risk.observeEquity(equity) && limit !== undefined) {
      // Reached: from now on the risk engine refuses new risk for the rest of the trading day
      // (reducing orders still go); journaled so a restart the same day keeps it (riskLimits.ts).
      const loss = risk.dailyLoss(equity);
      const reached =
        loss >= limit
          ? `loss today ${loss.toFixed(2)} reached the daily loss limit of ${limit}`
          : `the daily loss limit of ${limit} was reached earlier in the cycle (loss now ${loss.toFixed(2)})`;
      const reason = `${reached}: only orders that reduce a position go until the next trading day`;
      journal.write('loss-limit', { rule: 'dailyLossLimit', reason, marketTime: c.marketTime, flatten: cfg.flattenOnStop });
      host.notice('warn', `dailyLossLimit: ${reason}${cfg.flattenOnStop ? '; flattening the book (--flatten-on-stop)' : ''}`);
      if (cfg.flattenOnStop) {
        this.emitCycleEnd(n, c, []);
        await flattenBook(this.run, reason);
        return;
      }
    }

    // Decide every symbol: first every symbol's observation, then one policy run for all of
    // them (one onnxruntime hop, not one per symbol), then in order sizing and the risk
    // checks, each decision seeing the orders proposed before it (the account view counts
    // them as working, the rate limit as sent), so the checks hold for the cycle as a whole.
    // Then the orders go together: their intents share one journal fsync (group commit) and
    // each leaves as soon as it is on disk. The decisions are journaled and published once the
    // orders have left: explaining them is not on the orders' path (bench/decision.ts).
    const breaches = new Set(risk.stopLossBreaches(book.accountView()).map((b) => b.symbol));
    this.run.step.clear();
    const observed = cfg.symbols.map((symbol) => this.observeSymbol(symbol, n, c, breaches.has(symbol)));
    stage?.('features', c.barTime);
    const targets = this.run.step.rows > 0 ? await this.run.step.runEach() : [];
    stage?.('inference', c.barTime);
    const decisions: DecisionRecord[] = [];
    const proposed = new Map<string, number>();
    const accountView = book.accountSnapshot();
    const toPlace: Array<{ symbol: string; p: NonNullable<DecisionRecord['proposal']>; rated: number }> = [];
    for (const o of observed) {
      const record = this.concludeSymbol(o, targets, accountView(proposed));
      decisions.push(record);
      if (record.outcome === 'shadow') risk.recordOrder();
      if (record.outcome !== 'order' || !record.proposal) continue;
      const p = record.proposal;
      proposed.set(o.symbol, (proposed.get(o.symbol) ?? 0) + (p.action === 'BUY' ? p.quantity : -p.quantity));
      toPlace.push({ symbol: o.symbol, p, rated: risk.recordOrder() });
    }
    stage?.('decided', c.barTime);
    const left: Array<Promise<void>> = [];
    const placing = toPlace.map(({ symbol, p }) => {
      let sending!: () => void;
      left.push(new Promise<void>((resolve) => (sending = resolve)));
      return orders
        .place(
          {
            orderRef: p.orderRef,
            cycle: n,
            symbol,
            kind: p.kind,
            contract: this.contract(symbol),
            action: p.action,
            quantity: p.quantity,
            marketTime: c.marketTime,
          },
          { onSending: sending },
        )
        .finally(sending);
    });
    const settled = Promise.allSettled(placing);
    // Each order is written to the socket in the turn its intent's fsync ends: after that
    // turn, every order of the cycle has left (or is queued by the pacer, or failed).
    await Promise.all(left);
    await new Promise<void>((resolve) => setImmediate(resolve));
    let explainFailure: unknown;
    try {
      decisions.forEach((d, i) => {
        const record = (decisions[i] = withModelDetail(d, this.run.step, observed[i]?.observed?.row));
        host.lastDecisions.set(record.symbol, record);
        journal.write('decision', { ...record });
        host.publish({ type: 'decision', at: Date.now(), record });
      });
    } catch (err) {
      explainFailure = err;
    }
    stage?.('explained', c.barTime);
    const results = await settled;
    const placed: string[] = [];
    let journalFailure: unknown;
    results.forEach((r, i) => {
      const { symbol, p, rated } = toPlace[i] as (typeof toPlace)[number];
      if (r.status === 'rejected') {
        risk.withdrawOrder(rated);
        journalFailure ??= r.reason;
        return;
      }
      const result = r.value;
      if (result.sent) {
        placed.push(p.orderRef);
        if (p.kind === 'stop') {
          risk.recordStopOut(symbol);
          journal.write('stop-out', { symbol, marketTime: c.marketTime, orderRef: p.orderRef });
        }
        return;
      }
      risk.withdrawOrder(rated);
      if (result.error) host.notice('warn', `${symbol}: order ${p.orderRef} not sent: ${result.error}`);
    });
    if (journalFailure !== undefined) throw journalFailure;
    if (explainFailure !== undefined) throw explainFailure;
    await orders.settle(placed, host.options.settleMs ?? 500);
    this.emitCycleEnd(n, c, decisions);
    this.checkPolicyFailures(decisions);
    this.checkAllSuspended(decisions);
  }

  private contract(symbol: string): BrokerContract {
    const c = this.run.contracts.get(symbol);
    if (!c) throw new Error(`no contract for ${symbol}`);
    return c;
  }

  /** Every symbol suspended after TWS rejected its orders: nothing is left to trade, a fault stop naming the last reason. */
  private checkAllSuspended(decisions: readonly DecisionRecord[]): void {
    if (!decisions.length || !decisions.every((d) => d.verdict?.rule === 'symbolSuspended')) return;
    const last = [...this.run.ledger.intents.values()].filter((i) => i.state === 'rejected').pop();
    this.run.host.faultStop(
      'order-rejected',
      rejectionReason(`TWS rejected the last 3 orders of every symbol (${this.run.rejections.streak} in a row): all are suspended`, last?.orderRef, last?.note),
    );
  }

  /** POLICY_FAILURE_STOP_AFTER cycles in a row where the policy failed on every decision it was asked for: a fault stop. */
  private checkPolicyFailures(decisions: readonly DecisionRecord[]): void {
    const failed = decisions.filter((d) => d.outcome === 'skipped' && d.reason.startsWith('policy error'));
    const answered = decisions.some((d) => d.output !== undefined);
    const last = failed[failed.length - 1];
    if (answered || !last) {
      if (answered) this.policyFailureStreak = 0;
      return;
    }
    if (++this.policyFailureStreak < POLICY_FAILURE_STOP_AFTER) return;
    this.run.host.faultStop(
      'policy',
      `the policy failed on every decision for ${this.policyFailureStreak} cycles in a row (${last.symbol}: ${last.reason}). Fix: check the model folder ${this.run.config.modelDir} (its manifest's features and input shape must match the ONNX model; npm run doctor -- --model checks it)`,
    );
  }

  /**
   * A symbol's decision up to the policy: the inputs that do not depend on the other symbols'
   * orders, and its observation added to the step's batch - or its outcome already, when it
   * needs no policy (warming up, an order working, a stop-loss exit, a NaN/Inf feature).
   */
  private observeSymbol(symbol: string, n: number, c: Cycle, stopBreach: boolean): ObservedSymbol {
    const { config: cfg, host, model, clock, ledger, orders, book: bookView } = this.run;
    const all = clock.history(symbol);
    let end = all.length;
    while (end > 0 && (all[end - 1]?.time ?? 0) > c.barTime) end--;
    const bars = all.slice(Math.max(0, end - (model.pipeline.history + HISTORY_MARGIN)), end);
    const book = ledger.book(symbol);
    const hold = host.end.stopping
      ? { rule: 'stopping' as const, reason: 'the session is stopping: no new orders' }
      : orders.hasWorking(symbol)
        ? { rule: 'orderWorking' as const, reason: `an order for ${symbol} is still working: no new order until it ends` }
        : this.suspended(symbol);
    const common = {
      cycle: n,
      symbol,
      marketTime: c.marketTime,
      bars,
      fresh: c.fresh.includes(symbol),
      position: book.quantity,
      risk: this.run.risk,
      shadow: cfg.mode === 'shadow',
      ...(hold ? { hold } : {}),
    };
    // The stop closes the book's own shares, never more than TWS holds.
    const exposure = capToHeld(book.quantity, bookView.held(symbol) ?? book.quantity);
    if (stopBreach && exposure !== 0 && !hold) {
      return {
        symbol,
        common,
        stop: {
          kind: 'stop',
          orderQuantity: -exposure,
          orderRef: this.run.orderRef(n, symbol, 'stop'),
          why: `stop-loss: ${symbol} is past the ${((cfg.risk.stopLossFraction ?? NaN) * 100).toFixed(4)}% stop against its average price ${book.basis.toFixed(4)}`,
        },
      };
    }
    const policy = {
      ...common,
      barSeconds: cfg.cycleSeconds,
      avgCost: book.basis,
      equity: this.run.capitalPerSymbol,
      sizing: this.run.sizing,
      model,
      step: this.run.step,
      orderRef: this.run.orderRef(n, symbol, 'policy'),
    };
    try {
      const o = observeDecision(policy);
      return 'row' in o ? { symbol, common, policy, observed: o } : { symbol, common, done: o };
    } catch (err) {
      if (!(err instanceof PolicyRuntimeError)) throw err;
      return { symbol, common, done: policyErrorDecision(common, err) };
    }
  }

  /** The rest of a symbol's decision, in the cycle's order: `account` counts the orders the cycle decided before it (not placed yet). */
  private concludeSymbol(o: ObservedSymbol, targets: ReadonlyArray<number | PolicyRuntimeError>, account: AccountView): DecisionRecord {
    if (o.done) return o.done;
    if (o.stop) return exitDecision({ ...o.common, ...o.stop, account });
    if (!o.policy || !o.observed) throw new Error(`${o.symbol}: a decision with neither an outcome nor an observation`);
    const target = targets[o.observed.row];
    if (target instanceof PolicyRuntimeError) return policyErrorDecision(o.common, target);
    if (target === undefined) throw new Error(`${o.symbol}: the policy returned no target for row ${o.observed.row}`);
    return concludeDecision({ ...o.policy, account }, o.observed, target);
  }

  /** Three rejections in a row suspend a symbol for the rest of the session. */
  private suspended(symbol: string): { rule: 'symbolSuspended'; reason: string } | undefined {
    const mine = [...this.run.ledger.intents.values()].filter((i) => i.symbol === symbol);
    const last = mine.slice(-3);
    if (last.length === 3 && last.every((i) => i.state === 'rejected')) {
      return {
        rule: 'symbolSuspended',
        reason: `TWS rejected the last 3 orders for ${symbol} (${last[2]?.note ?? 'rejected'}): no more orders for it this session`,
      };
    }
    return undefined;
  }

  private writePnl(n: number, c: Cycle): void {
    const { config, clock, ledger, journal, accountPnl } = this.run;
    const marks: Record<string, number> = {};
    for (const symbol of config.symbols) {
      const hist = clock.history(symbol);
      let i = hist.length - 1;
      while (i >= 0 && (hist[i]?.time ?? 0) > c.barTime) i--;
      const bar = hist[i];
      if (bar) marks[symbol] = bar.close;
    }
    // The snapshot at these marks (the line applies the same marks when replayed).
    for (const [symbol, price] of Object.entries(marks)) ledger.book(symbol).mark = price;
    const tws = accountPnl.value.value;
    journal.write('pnl', {
      cycle: n,
      marketTime: c.marketTime,
      marks,
      ...ledger.pnl(),
      ...(tws ? { twsAccount: { daily: tws.daily, unrealized: tws.unrealized, realized: tws.realized } } : {}),
    });
  }

  private emitCycleEnd(n: number, c: Cycle, decisions: DecisionRecord[]): void {
    const { ledger, bars, host, config } = this.run;
    const orders = [...ledger.intents.values()].filter((i) => i.cycle === n).map((r) => orderUpdateOf(r));
    const missing = bars.missingWhy(c);
    if (Object.keys(missing).length) this.cyclesMissingBarsValue++;
    const bySymbols = new Map<string, string[]>();
    for (const [symbol, w] of Object.entries(missing)) {
      const why = w.replace(/ \(in \d+ s\)$/, '');
      bySymbols.set(why, [...(bySymbols.get(why) ?? []), symbol]);
    }
    for (const [why, symbols] of bySymbols) {
      const key = `${symbols.length > 6 ? `${symbols.slice(0, 6).join(',')}+${symbols.length - 6}` : symbols.join(',')} ${why}`;
      this.missingReasons.set(key, (this.missingReasons.get(key) ?? 0) + 1);
    }
    host.publish({
      type: 'cycle-end',
      at: Date.now(),
      cycle: n,
      cycles: config.cycles,
      marketTime: c.marketTime,
      stalled: c.stalled,
      decisions,
      orders,
      pnl: ledger.pnl(),
      ...(Object.keys(missing).length ? { missing } : {}),
    });
  }
}
