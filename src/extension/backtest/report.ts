// The backtest report: one JSON document (figures, equity against buy-and-hold, drawdown,
// trades) that the CLI writes, the HTML renderer draws and the panel can load.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tradingDate } from '../policy/bars';
import { drawdownSeries } from './metrics';
import { renderReportHtml } from './reportHtml';
import type { BacktestConfig, BacktestResult, Metrics, Rejection, Trade } from './backtester';
import type { LoadedModel } from '../policy/modelLoader';

export const REPORT_SCHEMA = 'ibkr-ai-trader/backtest-report@1';

export interface ReportTrade {
  readonly date: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly referencePrice: number;
  readonly fillPrice: number;
  readonly commission: number;
  readonly positionAfter: number;
  readonly reason: Trade['reason'];
}

export interface BacktestReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly model: { readonly name: string; readonly dir: string; readonly sha256: string; readonly barSize: string; readonly description?: string };
  readonly data: { readonly symbol: string; readonly source: string; readonly from: string; readonly to: string; readonly bars: number };
  readonly assumptions: {
    readonly initialCash: number;
    readonly fill: 'next bar open';
    readonly commission: string;
    readonly slippageBps: number;
    readonly impactCoefficient: number;
    readonly sizing: BacktestConfig['sizing'];
    readonly risk: Record<string, unknown>;
  };
  readonly summary: { readonly policy: Metrics; readonly buyAndHold: Metrics; readonly flat: Metrics };
  readonly run: { readonly inference: BacktestResult['inference']; readonly elapsedMs: number; readonly stepsPerSecond: number };
  readonly series: {
    readonly dates: readonly string[];
    readonly equity: readonly number[];
    readonly buyAndHold: readonly number[];
    readonly drawdown: readonly number[];
    readonly buyAndHoldDrawdown: readonly number[];
    readonly position: readonly number[];
  };
  readonly trades: readonly ReportTrade[];
  readonly rejections: readonly (Omit<Rejection, 'index' | 'time'> & { readonly date: string })[];
  readonly rejectionsByRule: Readonly<Record<string, number>>;
}

export function buildReport(model: LoadedModel, config: BacktestConfig, result: BacktestResult): BacktestReport {
  const b = config.bars;
  const dates: string[] = [];
  for (let t = config.fromIndex; t <= config.toIndex; t++) dates.push(tradingDate(b.time[t]!));
  const byRule: Record<string, number> = {};
  for (const r of result.policy.rejections) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
  const risk: Record<string, unknown> = { ...config.risk };
  if (risk.tradingHours === undefined) risk.tradingHours = 'US regular hours (09:30-16:00 America/New_York, Mon-Fri)';
  return {
    schema: REPORT_SCHEMA,
    model: {
      name: model.manifest.name,
      dir: model.dir,
      sha256: model.manifest.model.sha256,
      barSize: model.manifest.bars.barSize,
      description: model.manifest.description,
    },
    data: { symbol: b.symbol, source: b.source, from: dates[0]!, to: dates[dates.length - 1]!, bars: result.bars },
    assumptions: {
      initialCash: config.initialCash,
      fill: 'next bar open',
      commission: config.commission.name,
      slippageBps: config.slippage.bps,
      impactCoefficient: config.slippage.impactCoefficient,
      sizing: config.sizing,
      risk,
    },
    summary: result.metrics,
    run: { inference: result.inference, elapsedMs: result.elapsedMs, stepsPerSecond: result.stepsPerSecond },
    series: {
      dates,
      equity: Array.from(result.policy.equity),
      buyAndHold: Array.from(result.buyAndHold.equity),
      drawdown: Array.from(drawdownSeries(result.policy.equity)),
      buyAndHoldDrawdown: Array.from(drawdownSeries(result.buyAndHold.equity)),
      position: Array.from(result.policy.position),
    },
    trades: result.policy.trades.map((t) => ({
      date: tradingDate(t.time),
      side: t.quantity > 0 ? 'buy' : 'sell',
      quantity: Math.abs(t.quantity),
      referencePrice: t.referencePrice,
      fillPrice: t.fillPrice,
      commission: t.commission,
      positionAfter: t.positionAfter,
      reason: t.reason,
    })),
    rejections: result.policy.rejections.map((r) => ({ date: tradingDate(r.time), quantity: r.quantity, rule: r.rule, reason: r.reason })),
    rejectionsByRule: byRule,
  };
}

/** Writes report.json and report.html into dir; returns their paths. */
export function writeReport(report: BacktestReport, dir: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(json, JSON.stringify(report, null, 1) + '\n');
  writeFileSync(html, renderReportHtml(report));
  return { json, html };
}
