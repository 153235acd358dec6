// Backtester: bars go through the same FeaturePipeline, PolicyRunner, sizing, risk engine,
// commission and slippage modules the live session uses. Decisions are made at a bar's
// close and fill at the next bar's open, so nothing trades on a price it could not see.
//
// Speed: when the only portfolio features are side-valued (e.g. positionSide), the policy
// is evaluated for every bar and every reachable side in a few large batches, and the
// walk through the bars picks the row of the side actually held; otherwise (continuous
// portfolio features, or a model with a fixed batch of 1) it runs one observation per bar.
import { performance } from 'node:perf_hooks';
import { commission as commissionFor } from '../trading/fees';
import { RiskEngine } from '../trading/riskEngine';
import { fillPrice } from '../trading/slippage';
import { orderQuantity } from '../trading/sizing';
import { sizingWithinLimits } from '../trading/riskLimits';
import { reachableSides } from '../policy/manifest';
import { annualVolatility, cagr, maxDrawdown, periodsPerYear, sharpeRatio, totalReturn } from './metrics';
import { PolicyStep } from '../policy/policyStep';
import type { CommissionSchedule } from '../trading/fees';
import type { AccountView, PositionView, RiskRule } from '../trading/riskEngine';
import type { RiskLimits } from '../trading/riskLimits';
import type { SlippageModel } from '../trading/slippage';
import type { SizingRule } from '../trading/sizing';
import type { BarSeries } from '../policy/bars';
import type { PortfolioState } from '../policy/features';
import type { LoadedModel } from '../policy/modelLoader';

/** Rows per onnxruntime run in the batched path. A first run of thousands of rows grows
 *  onnxruntime's buffers by megabytes (5 - 8 ms of CPU in a cold process, against ~3 ms for the
 *  same rows in runs of 256, whose intermediate tensors stay in the CPU cache). */
const RUN_ROWS = 256;

export interface BacktestConfig {
  readonly bars: BarSeries;
  /** first bar of the period: equity starts here and the first decision is made at its close */
  readonly fromIndex: number;
  /** last bar of the period (inclusive) */
  readonly toIndex: number;
  readonly initialCash: number;
  readonly commission: CommissionSchedule;
  readonly slippage: SlippageModel;
  readonly sizing: SizingRule;
  readonly risk: RiskLimits;
}

export interface Trade {
  /** bar index of the fill */
  readonly index: number;
  readonly time: number;
  /** signed shares */
  readonly quantity: number;
  /** the bar's open the order filled against */
  readonly referencePrice: number;
  readonly fillPrice: number;
  readonly commission: number;
  readonly positionAfter: number;
  readonly reason: 'policy' | 'stopLoss';
}

export interface Rejection {
  readonly index: number;
  readonly time: number;
  readonly quantity: number;
  readonly rule: RiskRule;
  readonly reason: string;
}

/** A run's trading costs, in a simulation and in its metrics. */
export interface Costs {
  readonly commissions: number;
  /** cost of fills versus the reference price */
  readonly slippageCost: number;
}

export interface SimulationResult extends Costs {
  /** equity marked at each bar's close, fromIndex..toIndex */
  readonly equity: Float64Array;
  /** shares held at each bar's close */
  readonly position: Float64Array;
  readonly trades: readonly Trade[];
  readonly rejections: readonly Rejection[];
}

export interface Metrics extends Costs {
  readonly totalReturn: number;
  readonly cagr: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly volatility: number;
  readonly trades: number;
  /** fraction of bars closed with a position */
  readonly exposure: number;
  readonly finalEquity: number;
}

export interface BacktestResult {
  readonly policy: SimulationResult;
  readonly buyAndHold: SimulationResult;
  readonly flat: SimulationResult;
  readonly metrics: { readonly policy: Metrics; readonly buyAndHold: Metrics; readonly flat: Metrics };
  readonly bars: number;
  readonly inference: 'batched' | 'sequential';
  /** policy run only: features, inference and the walk through the bars */
  readonly elapsedMs: number;
  readonly stepsPerSecond: number;
}

/** The simulated account: the same arithmetic scripts/train/sim.py uses for the training report. */
class SimAccount {
  cash: number;
  quantity = 0;
  avgCost = 0;
  equity: number;
  pending = 0;
  pendingReason: Trade['reason'] = 'policy';
  commissions = 0;
  slippageCost = 0;
  readonly trades: Trade[] = [];
  readonly rejections: Rejection[] = [];
  readonly equityCurve: Float64Array;
  readonly positionCurve: Float64Array;
  private readonly risk: RiskEngine;
  /** the config's sizing with the target capped to the position limit, as in the live session */
  private readonly sizing: SizingRule;
  private now = 0;
  private readonly positions = new Map<string, PositionView>();
  private readonly view: { connection: 'connected'; equity: number; positions: Map<string, PositionView> };
  private readonly watchEquity: boolean;
  private readonly watchStops: boolean;

  constructor(private readonly c: BacktestConfig) {
    this.cash = c.initialCash;
    this.equity = c.initialCash;
    const n = c.toIndex - c.fromIndex + 1;
    this.equityCurve = new Float64Array(n);
    this.positionCurve = new Float64Array(n);
    this.risk = new RiskEngine(c.risk, () => this.now);
    this.sizing = sizingWithinLimits(c.sizing, c.risk);
    this.view = { connection: 'connected', equity: 0, positions: this.positions };
    this.watchEquity = c.risk.dailyLossLimit !== undefined;
    this.watchStops = c.risk.stopLossFraction !== undefined;
  }

  /** Fills the order decided at the previous close against bar t's open, if the risk engine agrees. */
  fillPending(t: number): void {
    const q = this.pending;
    if (q === 0) return;
    this.pending = 0;
    const b = this.c.bars;
    const open = b.open[t]!;
    this.now = b.time[t]!;
    const order = { symbol: b.symbol, quantity: q, price: open };
    const verdict = this.risk.check(order, this.accountAt(open));
    if (!verdict.allowed) {
      this.rejections.push({ index: t, time: this.now, quantity: q, rule: verdict.rule, reason: verdict.reason });
      return;
    }
    const price = fillPrice(this.c.slippage, q, open, b.volume[t]!);
    const fee = commissionFor(q, price, this.c.commission);
    this.cash -= q * price + fee;
    const before = this.quantity;
    const after = before + q;
    if (after === 0) this.avgCost = 0;
    else if (before === 0 || Math.sign(after) !== Math.sign(before)) this.avgCost = price;
    else if (Math.abs(after) > Math.abs(before)) this.avgCost = (this.avgCost * Math.abs(before) + price * Math.abs(q)) / Math.abs(after);
    this.quantity = after;
    this.commissions += fee;
    this.slippageCost += Math.abs(q * (price - open));
    this.trades.push({
      index: t,
      time: this.now,
      quantity: q,
      referencePrice: open,
      fillPrice: price,
      commission: fee,
      positionAfter: after,
      reason: this.pendingReason,
    });
    this.risk.recordOrder();
    if (this.pendingReason === 'stopLoss') this.risk.recordStopOut(b.symbol);
  }

  /** Marks equity at bar t's close. Returns true when a stop-loss exit was queued instead of a policy decision. */
  mark(t: number): boolean {
    const b = this.c.bars;
    const close = b.close[t]!;
    this.equity = this.cash + this.quantity * close;
    const i = t - this.c.fromIndex;
    this.equityCurve[i] = this.equity;
    this.positionCurve[i] = this.quantity;
    this.now = b.dateOnly ? b.time[t]! + (b.closeMinute[t]! - 570) * 60_000 : b.time[t]! + b.barSeconds * 1000;
    if (this.watchEquity) this.risk.observeEquity(this.equity);
    if (this.watchStops && this.quantity !== 0) {
      const breaches = this.risk.stopLossBreaches(this.accountAt(close));
      if (breaches.length > 0) {
        this.pending = breaches[0]!.order.quantity;
        this.pendingReason = 'stopLoss';
        return true;
      }
    }
    return false;
  }

  /** Queues the order that moves the position toward `target` (NaN = hold), sized at bar t's close. */
  decide(t: number, target: number): void {
    this.pending = orderQuantity(Number.isNaN(target) ? null : target, this.quantity, this.equity, this.c.bars.close[t]!, this.sizing);
    this.pendingReason = 'policy';
  }

  get side(): number {
    return Math.sign(this.quantity);
  }

  portfolio(t: number): PortfolioState {
    return { quantity: this.quantity, avgCost: this.avgCost, cash: this.cash, equity: this.equity, price: this.c.bars.close[t]! };
  }

  result(): SimulationResult {
    return {
      equity: this.equityCurve,
      position: this.positionCurve,
      trades: this.trades,
      rejections: this.rejections,
      commissions: this.commissions,
      slippageCost: this.slippageCost,
    };
  }

  private accountAt(price: number): AccountView {
    this.positions.clear();
    if (this.quantity !== 0) this.positions.set(this.c.bars.symbol, { quantity: this.quantity, avgCost: this.avgCost, marketPrice: price });
    this.view.equity = this.cash + this.quantity * price;
    return this.view;
  }
}

/** Walks the period with a fixed target (buy-and-hold: 1, flat: 0) through the same account. */
export function simulateConstant(config: BacktestConfig, target: number): SimulationResult {
  const acct = new SimAccount(config);
  for (let t = config.fromIndex; t <= config.toIndex; t++) {
    acct.fillPending(t);
    if (!acct.mark(t) && t < config.toIndex) acct.decide(t, target);
  }
  return acct.result();
}

/** Runs the model's policy over the period. */
export async function simulatePolicy(model: LoadedModel, config: BacktestConfig): Promise<{ result: SimulationResult; inference: 'batched' | 'sequential' }> {
  const { pipeline, runner, manifest } = model;
  const { bars, fromIndex, toIndex } = config;
  if (fromIndex < pipeline.history - 1) {
    throw new RangeError(
      `the period starts at bar ${fromIndex} but the features need ${pipeline.history} bars of history (first usable bar: ${pipeline.history - 1})`,
    );
  }
  const acct = new SimAccount(config);
  const n = pipeline.size;
  const decisions = toIndex - fromIndex; // no decision at the last bar: nothing fills after it

  if (runner.batchable && pipeline.sideEnumerable) {
    const sides = pipeline.hasPortfolioFeatures ? reachableSides(manifest.action) : [0];
    const k = sides.length;
    const sideSlot = new Int8Array(3).fill(-1); // side + 1 -> column of the table
    sides.forEach((s, j) => (sideSlot[s + 1] = j));
    const table = new Float64Array(decisions * k);
    const chunkBars = Math.max(1, Math.floor(runner.maxRows / k));
    const obs = new Float32Array(Math.min(decisions, chunkBars) * k * n);
    const out = new Float64Array(Math.min(decisions, chunkBars) * k);
    for (let start = 0; start < decisions; start += chunkBars) {
      const count = Math.min(chunkBars, decisions - start);
      const rows = count * k;
      const rowsObs = rows * n === obs.length ? obs : obs.subarray(0, rows * n);
      pipeline.fillBatch(bars, fromIndex + start, count, sides, rowsObs);
      for (let r = 0; r < rows; r += RUN_ROWS) {
        const m = Math.min(RUN_ROWS, rows - r);
        await runner.act(rowsObs.subarray(r * n, (r + m) * n), m, out.subarray(r, r + m));
      }
      table.set(rows === out.length ? out : out.subarray(0, rows), start * k);
    }
    for (let t = fromIndex; t <= toIndex; t++) {
      acct.fillPending(t);
      if (acct.mark(t) || t === toIndex) continue;
      const j = sideSlot[acct.side + 1]!;
      if (j < 0) throw new Error(`internal: side ${acct.side} was not enumerated (${sides.join(',')})`);
      acct.decide(t, table[(t - fromIndex) * k + j]!);
    }
    return { result: acct.result(), inference: 'batched' };
  }

  const step = new PolicyStep(model);
  for (let t = fromIndex; t <= toIndex; t++) {
    acct.fillPending(t);
    if (acct.mark(t) || t === toIndex) continue;
    acct.decide(t, (await step.target(bars, t, acct.portfolio(t))) ?? NaN);
  }
  return { result: acct.result(), inference: 'sequential' };
}

export function metricsOf(sim: SimulationResult, barSeconds: number): Metrics {
  const ppy = periodsPerYear(barSeconds);
  let exposed = 0;
  for (let i = 0; i < sim.position.length; i++) if (sim.position[i] !== 0) exposed++;
  return {
    totalReturn: totalReturn(sim.equity),
    cagr: cagr(sim.equity, ppy),
    sharpe: sharpeRatio(sim.equity, ppy),
    maxDrawdown: maxDrawdown(sim.equity),
    volatility: annualVolatility(sim.equity, ppy),
    trades: sim.trades.length,
    exposure: sim.position.length ? exposed / sim.position.length : 0,
    commissions: sim.commissions,
    slippageCost: sim.slippageCost,
    finalEquity: sim.equity[sim.equity.length - 1] ?? 0,
  };
}

/** The policy, buy-and-hold (target 1 through the same sizing, costs and risk checks) and flat. */
export async function runBacktest(model: LoadedModel, config: BacktestConfig): Promise<BacktestResult> {
  if (!(config.fromIndex >= 0 && config.toIndex > config.fromIndex && config.toIndex < config.bars.length)) {
    throw new RangeError(`backtest period ${config.fromIndex}..${config.toIndex} is not inside the ${config.bars.length} bars (it needs two bars or more)`);
  }
  const t0 = performance.now();
  const { result: policy, inference } = await simulatePolicy(model, config);
  const elapsedMs = performance.now() - t0;
  // Buy-and-hold holds all it can afford, within the same risk limits (a position limit caps it too).
  const bh = simulateConstant({ ...config, sizing: { ...config.sizing, maxPositionFraction: 1, maxPositionShares: undefined } }, 1);
  const flat = simulateConstant(config, 0);
  const bars = config.toIndex - config.fromIndex + 1;
  const bs = config.bars.barSeconds;
  return {
    policy,
    buyAndHold: bh,
    flat,
    metrics: { policy: metricsOf(policy, bs), buyAndHold: metricsOf(bh, bs), flat: metricsOf(flat, bs) },
    bars,
    inference,
    elapsedMs,
    stepsPerSecond: bars / (elapsedMs / 1000),
  };
}
