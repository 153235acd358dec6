// One symbol's decision in one cycle: completed bars -> features -> policy -> target ->
// sizing -> risk verdict -> order proposal. The returned record explains every step, and
// is what the journal, the CLI and the panel show.
import type { Bar } from '../broker/types';
import { seriesOfBars, type BarSeries } from '../policy/bars';
import type { PortfolioState } from '../policy/features';
import type { LoadedModel } from '../policy/modelLoader';
import type { PolicyStep } from '../policy/policyStep';
import type { AccountView, RiskEngine, RiskRule, RiskVerdict } from '../trading/riskEngine';
import { orderQuantity, targetQuantity, type SizingRule } from '../trading/sizing';
import type { OrderKind } from './orderRef';

/** Rules of the session itself, beside the risk engine's. */
export type SessionRule = 'staleData' | 'shadowMode' | 'stopping' | 'symbolSuspended';

export type DecisionVerdict =
  | { readonly allowed: true; readonly rule: null; readonly reason: string }
  | { readonly allowed: false; readonly rule: RiskRule | SessionRule; readonly reason: string };

export type DecisionOutcome =
  /** an order goes to TWS */
  | 'order'
  /** an order was wanted; a rule refused it (nothing sent) */
  | 'blocked'
  /** shadow mode: the order that would go, not sent */
  | 'shadow'
  /** the policy's target needs no order */
  | 'no-order'
  /** not decided: warming up, an order still working, no bar */
  | 'skipped';

export interface ModelOutput {
  /** target position in [-1, 1], or null to keep the position */
  readonly target: number | null;
  /** the discrete action's label, when the model has labels */
  readonly label?: string;
  /**
   * the model's action probabilities, the one taken marked: every action's in the manifest's
   * order for a logits head (softmax of the logits), the taken one's alone for an index head
   * with a log-probability output (manifest action.logProbOutput)
   */
  readonly probabilities?: ReadonlyArray<{ readonly label: string; readonly p: number; readonly chosen?: true }>;
  /** a continuous model: its output before the clip to the manifest's [low, high] */
  readonly raw?: number;
}

export interface OrderProposal {
  readonly kind: OrderKind;
  readonly action: 'BUY' | 'SELL';
  readonly quantity: number;
  /** reference price (the bar's close) for notional checks */
  readonly price: number;
  readonly orderRef: string;
}

export interface DecisionRecord {
  readonly cycle: number;
  readonly symbol: string;
  readonly marketTime: number;
  /** start of the newest bar used */
  readonly barTime?: number;
  readonly bars: number;
  readonly close?: number;
  /** raw feature values by label */
  readonly features?: Readonly<Record<string, number>>;
  /** the normalised observation the model saw */
  readonly observation?: readonly number[];
  readonly output?: ModelOutput;
  /** the book's shares before the decision */
  readonly position: number;
  readonly targetQuantity?: number;
  /** signed shares wanted (0: none) */
  readonly orderQuantity: number;
  readonly proposal?: OrderProposal;
  readonly verdict?: DecisionVerdict;
  readonly outcome: DecisionOutcome;
  /** one sentence: why this outcome */
  readonly reason: string;
}

export interface DecisionInput {
  readonly cycle: number;
  readonly symbol: string;
  readonly marketTime: number;
  readonly barSeconds: number;
  readonly bars: readonly Bar[];
  /** this cycle brought a new bar for the symbol */
  readonly fresh: boolean;
  /** the book's shares (its own fills and carried book, capped to what TWS holds): never shares held outside the book */
  readonly position: number;
  readonly avgCost: number;
  /** money the symbol is sized with */
  readonly equity: number;
  readonly sizing: SizingRule;
  readonly model: LoadedModel;
  readonly step: PolicyStep;
  readonly risk: RiskEngine;
  readonly account: AccountView;
  readonly orderRef: string;
  readonly shadow: boolean;
  /** set when the session does not place orders for this symbol now (order working, stopping...) */
  readonly hold?: { readonly rule: SessionRule | 'orderWorking'; readonly reason: string };
}

/** Bars as the columns the feature pipeline reads (one pass: it runs for every symbol of every cycle). */
export function seriesFromBars(symbol: string, bars: readonly Bar[], barSeconds: number): BarSeries {
  return seriesOfBars(symbol, 'TWS bars', bars, barSeconds);
}

/** The label of a discrete action with this target (first match), for the record. */
export function actionLabel(model: LoadedModel, target: number | null): string | undefined {
  const a = model.manifest.action;
  if (a.type !== 'discrete') return undefined;
  const i = a.targets.findIndex((t) => (t === null ? target === null : target !== null && t === target));
  return i >= 0 ? a.labels[i] : undefined;
}

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** What a decision needs before the account view (the cycle observes every symbol first, then runs the policy once for all). */
export type ObserveInput = Pick<
  DecisionInput,
  'cycle' | 'symbol' | 'marketTime' | 'barSeconds' | 'bars' | 'position' | 'avgCost' | 'equity' | 'model' | 'step' | 'hold'
>;

/** A decision waiting for the policy: its row in the step's batch. */
export interface ObservedDecision {
  readonly row: number;
  readonly barTime: number;
  readonly price: number;
}

/**
 * The first half of a decision: the outcomes that need no policy (warming up, an order still
 * working) as a finished record, else the symbol's observation added to `step`'s batch.
 * Throws PolicyRuntimeError for a NaN/Inf feature.
 */
export function observeDecision(input: ObserveInput): DecisionRecord | ObservedDecision {
  const { model, bars } = input;
  const base = { cycle: input.cycle, symbol: input.symbol, marketTime: input.marketTime, bars: bars.length, position: input.position };
  const last = bars[bars.length - 1];
  const history = model.pipeline.history;
  if (!last || bars.length < history) {
    return { ...base, orderQuantity: 0, outcome: 'skipped', reason: `warming up: ${bars.length} of the ${history} bars the model's features need` };
  }
  if (input.hold?.rule === 'orderWorking') {
    return { ...base, barTime: last.time, close: last.close, orderQuantity: 0, outcome: 'skipped', reason: input.hold.reason };
  }
  const series = seriesFromBars(input.symbol, bars, input.barSeconds);
  const price = last.close;
  const state: PortfolioState = {
    quantity: input.position,
    avgCost: input.avgCost,
    cash: input.equity - input.position * price,
    equity: input.equity,
    price,
  };
  return { row: input.step.observe(series, series.length - 1, state), barTime: last.time, price };
}

/** The record of a decision the policy could not make (a NaN/Inf feature or output): nothing is ordered. */
export function policyErrorDecision(input: Pick<DecisionInput, 'cycle' | 'symbol' | 'marketTime' | 'bars' | 'position'>, err: Error): DecisionRecord {
  return {
    cycle: input.cycle,
    symbol: input.symbol,
    marketTime: input.marketTime,
    bars: input.bars.length,
    position: input.position,
    orderQuantity: 0,
    outcome: 'skipped',
    reason: `policy error, no decision: ${err.message}`,
  };
}

/**
 * The second half, once the policy answered for the observed row (`target`: NaN keeps the
 * position): sizing, the risk verdict and the order proposal, against `input.account` (which
 * counts the orders decided before this one in the cycle).
 */
export function concludeDecision(input: DecisionInput, observed: ObservedDecision, policyTarget: number): DecisionRecord {
  const { model } = input;
  const price = observed.price;
  const target = Number.isNaN(policyTarget) ? null : policyTarget;
  const raw = input.step.rawValues(observed.row);
  const features: Record<string, number> = {};
  model.pipeline.labels.forEach((label, i) => (features[label] = round(raw[i] ?? NaN, 8)));
  const label = actionLabel(model, target);
  const output: ModelOutput = { target, ...(label !== undefined ? { label } : {}) };
  const observation = Array.from(input.step.observationOf(observed.row), (v) => round(v));
  const wanted = target === null ? undefined : targetQuantity(target, input.equity, price, input.sizing);
  const qty = orderQuantity(target, input.position, input.equity, price, input.sizing);
  const explained = {
    cycle: input.cycle,
    symbol: input.symbol,
    marketTime: input.marketTime,
    bars: input.bars.length,
    position: input.position,
    barTime: observed.barTime,
    close: price,
    features,
    observation,
    output,
    ...(wanted !== undefined ? { targetQuantity: wanted } : {}),
    orderQuantity: qty,
  };
  const said = label ? `${label} (target ${target === null ? 'keep' : target})` : `target ${target === null ? 'keep' : round(target, 4)}`;
  if (qty === 0) {
    const why =
      target === null
        ? `model says ${said}: keep ${input.position} shares`
        : wanted === input.position
          ? `model says ${said}: already at ${input.position} shares`
          : `model says ${said}: ${wanted} shares wanted, ${input.position} held; the change is inside the rebalance band`;
    return { ...explained, outcome: 'no-order', reason: why };
  }
  const proposal: OrderProposal = { kind: 'policy', action: qty > 0 ? 'BUY' : 'SELL', quantity: Math.abs(qty), price, orderRef: input.orderRef };
  return judge(explained, proposal, qty, input, said);
}

/**
 * The record with the model's whole output for its row of `step`'s last run (the action
 * probabilities of a logits head, a continuous model's raw value): added once the cycle's
 * orders have left, off their path. The record as it was when the model gives none.
 */
export function withModelDetail(d: DecisionRecord, step: PolicyStep, row: number | undefined): DecisionRecord {
  const detail = d.output && row !== undefined ? step.detail(row) : undefined;
  if (!d.output || !detail) return d;
  const action = step.model.manifest.action;
  const ps = action.type === 'discrete' ? detail.probabilities : undefined;
  // the first largest, as decodeActions takes the first largest logit
  const best = ps ? ps.reduce((b, p, j) => (p > (ps[b] ?? p) ? j : b), 0) : -1;
  const taken = action.type === 'discrete' && detail.chosen ? action.labels[detail.chosen.index] : undefined;
  const probabilities =
    ps && action.type === 'discrete'
      ? action.labels.map((label, j) => ({ label, p: round(ps[j] ?? NaN), ...(j === best ? { chosen: true as const } : {}) }))
      : taken !== undefined && detail.chosen
        ? [{ label: taken, p: round(detail.chosen.p), chosen: true as const }]
        : undefined;
  return {
    ...d,
    output: { ...d.output, ...(probabilities ? { probabilities } : {}), ...(detail.raw !== undefined ? { raw: round(detail.raw, 8) } : {}) },
  };
}

/** Runs one decision on its own (observe, the policy for one row, conclude). Throws PolicyRuntimeError for a NaN/Inf feature or model output. */
export async function decide(input: DecisionInput): Promise<DecisionRecord> {
  input.step.clear();
  const observed = observeDecision(input);
  if (!('row' in observed)) return observed;
  const [target] = await input.step.run();
  return concludeDecision(input, observed, target ?? NaN);
}

/** A stop-loss exit or a flattening order (signed `orderQuantity`) through the same checks, as a record. */
export function exitDecision(
  input: Pick<DecisionInput, 'cycle' | 'symbol' | 'marketTime' | 'bars' | 'position' | 'risk' | 'account' | 'fresh' | 'shadow' | 'hold' | 'orderRef'> & {
    readonly kind: 'stop' | 'flatten';
    readonly orderQuantity: number;
    readonly why: string;
    /** replaces the risk engine's verdict (flattening is exempt from some rules) */
    readonly adjust?: (v: RiskVerdict) => DecisionVerdict;
  },
): DecisionRecord {
  const last = input.bars[input.bars.length - 1];
  const price = last?.close ?? 0;
  const qty = input.orderQuantity;
  const base = {
    cycle: input.cycle,
    symbol: input.symbol,
    marketTime: input.marketTime,
    bars: input.bars.length,
    position: input.position,
    ...(last ? { barTime: last.time, close: price } : {}),
    targetQuantity: input.position + qty,
    orderQuantity: qty,
  };
  const proposal: OrderProposal = { kind: input.kind, action: qty > 0 ? 'BUY' : 'SELL', quantity: Math.abs(qty), price, orderRef: input.orderRef };
  return judge(base, proposal, qty, input, input.why, input.adjust);
}

function judge(
  explained: Omit<DecisionRecord, 'outcome' | 'reason'>,
  proposal: OrderProposal,
  qty: number,
  input: Pick<DecisionInput, 'risk' | 'account' | 'fresh' | 'shadow' | 'hold' | 'symbol'>,
  said: string,
  adjust?: (v: RiskVerdict) => DecisionVerdict,
): DecisionRecord {
  const wantText = `${proposal.action} ${proposal.quantity}`;
  const risk: RiskVerdict = input.risk.check({ symbol: input.symbol, quantity: qty, price: proposal.price }, input.account);
  const checked: DecisionVerdict = adjust ? adjust(risk) : risk;
  let verdict: DecisionVerdict = checked;
  if (checked.allowed && input.hold) verdict = { allowed: false, rule: input.hold.rule as SessionRule, reason: input.hold.reason };
  else if (checked.allowed && !input.fresh) verdict = { allowed: false, rule: 'staleData', reason: 'no new bar this cycle: no order on stale prices' };
  if (!verdict.allowed) {
    return { ...explained, proposal, verdict, outcome: 'blocked', reason: `${said}: ${wantText} refused by ${verdict.rule}: ${verdict.reason}` };
  }
  if (input.shadow) {
    return { ...explained, proposal, verdict, outcome: 'shadow', reason: `${said}: ${wantText} passes the risk checks; shadow mode sends nothing` };
  }
  return { ...explained, proposal, verdict, outcome: 'order', reason: `${said}: ${wantText} passes the risk checks` };
}
