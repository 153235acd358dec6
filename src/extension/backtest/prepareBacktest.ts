// Everything a backtest needs before it runs, in one place for the CLI (`npm run backtest`)
// and the extension (IBKR: Backtest Policy): the options (dates, fees, slippage, the risk
// options through the one risk parser), the bars (a CSV or the built-in data), the model,
// and the period. Every problem is a BacktestError whose message names the option or file
// and what would be valid; the CLI prints it, the panel shows it.
import { resolve } from 'node:path';
import { indexAtOrAfter, parseBarDate, readBarsCsv, tradingDate } from '../policy/bars';
import { BUILTIN_DATASETS, DEFAULT_MODEL, DEFAULT_SYMBOL, builtinDataset, builtinDatasetPath, defaultModelDir } from '../policy/datasets';
import { DataError, ModelLoadError, PolicyRuntimeError } from '../policy/errors';
import { barSizeSeconds } from '../policy/manifest';
import { loadModel } from '../policy/modelLoader';
import { strictNumber } from '../core/strictNumbers';
import { COMMISSION_SCHEDULES } from '../trading/fees';
import { parseRiskOptions, RISK_FLAGS, type RiskOptionsInput } from '../trading/riskLimits';
import { runBacktest, type BacktestConfig, type BacktestResult } from './backtester';
import { buildReport, writeReport, type BacktestReport } from './report';
import type { BarSeries } from '../policy/bars';
import type { LoadedModel } from '../policy/modelLoader';

/** A problem with the backtest's model, data or options, said so the user can fix it. */
export class BacktestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestError';
  }
}

export interface BacktestOptions {
  /** model folder with manifest.json and the .onnx (default: the shipped demo model) */
  readonly modelDir?: string;
  /** a bar CSV instead of the built-in data */
  readonly data?: string;
  /** built-in data to use, or the symbol to keep from a CSV with a symbol column */
  readonly symbol?: string;
  readonly priceColumn?: string;
  /** YYYY-MM-DD (default: the manifest's bars.testFrom, else the first bar with enough history) */
  readonly from?: string;
  /** YYYY-MM-DD (default: the last bar) */
  readonly to?: string;
  readonly cash?: unknown;
  readonly commission?: string;
  readonly slippageBps?: unknown;
  readonly impact?: unknown;
  readonly risk?: RiskOptionsInput;
  readonly allowBarMismatch?: boolean;
  /** relative paths (model, data, report folder) resolve against it (default: the process's) */
  readonly cwd?: string;
}

export interface PreparedBacktest {
  readonly model: LoadedModel;
  readonly config: BacktestConfig;
  /** what the user should know about the period chosen (e.g. a later start for the features' history) */
  readonly notes: readonly string[];
}

export interface BacktestRun {
  readonly result: BacktestResult;
  readonly report: BacktestReport;
  readonly paths: { readonly json: string; readonly html: string };
}

/** The model, data and runtime errors a user can fix, as BacktestErrors; anything else as it is. */
export function asBacktestError(err: unknown): unknown {
  return err instanceof ModelLoadError || err instanceof DataError || err instanceof PolicyRuntimeError ? new BacktestError(err.message) : err;
}

function dateOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? parseBarDate(value) : undefined;
  if (!d) throw new BacktestError(`${flag} "${value}" is not a date (valid: YYYY-MM-DD, e.g. 2015-01-02)`);
  return d.ms;
}

/** A number read strictly (see strictNumbers.ts), within [min, max]. */
function amount(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const { value: n, error } = strictNumber(value, 'decimal');
  if (n === undefined) {
    const why = error!.replace(/ \(valid:.*$/, '');
    throw new BacktestError(
      `${flag} ${JSON.stringify(value)} is not a number (valid: ${min}..${max})${why === 'is not a number' ? '' : `: it ${why} (plain decimal digits only)`}`,
    );
  }
  if (n < min || n > max) throw new BacktestError(`${flag} ${n} is out of range (valid: ${min}..${max})`);
  return n;
}

function loadBars(o: BacktestOptions, cwd: string): BarSeries {
  if (o.data !== undefined) return readBarsCsv(resolve(cwd, o.data), { symbol: o.symbol, priceColumn: o.priceColumn });
  const symbol = o.symbol ?? DEFAULT_SYMBOL;
  const ds = builtinDataset(symbol);
  if (!ds)
    throw new BacktestError(
      `--symbol "${symbol}" has no built-in data (valid: ${Object.keys(BUILTIN_DATASETS).join(', ')}); pass --data CSV for other symbols`,
    );
  const path = builtinDatasetPath(ds, undefined, cwd);
  if (!path) throw new BacktestError(`built-in data for ${ds.symbol} needs the vega-datasets package (node_modules/${ds.file} not found; run npm install)`);
  const bars = readBarsCsv(path, { symbol: ds.multiSymbol ? ds.symbol : undefined, priceColumn: o.priceColumn });
  return ds.multiSymbol ? bars : { ...bars, symbol: ds.symbol };
}

function checkCompatible(model: LoadedModel, bars: BarSeries, allowBarMismatch: boolean): void {
  const want = barSizeSeconds(model.manifest.bars.barSize)!;
  const ratio = bars.barSeconds / want;
  if (!allowBarMismatch && (ratio < 0.5 || ratio > 2)) {
    const days = (bars.barSeconds / 86_400).toFixed(1);
    throw new BacktestError(
      `${bars.source}: bars are about ${bars.barSeconds >= 86_400 ? `${days} days` : `${bars.barSeconds} s`} apart but ${model.manifest.name} was trained on "${model.manifest.bars.barSize}" bars ` +
        '(features would mean something else); use data of that bar size, or --allow-bar-mismatch',
    );
  }
  const missing = model.pipeline.columns.filter((c) => !bars.fields.includes(c));
  if (missing.length) {
    throw new BacktestError(
      `${bars.source}: the model's features (${model.pipeline.labels.join(', ')}) read ${missing.join(', ')}, which the file lacks ` +
        `(it has ${bars.fields.join(', ')}${bars.fields.length < 5 ? '; the other fields would be derived from the price' : ''})`,
    );
  }
}

/**
 * Checks the options, reads the bars, loads the model and works out the period. The caller
 * owns the model: run it (runPreparedBacktest) and dispose of it (`model.dispose()`).
 */
export async function prepareBacktest(o: BacktestOptions): Promise<PreparedBacktest> {
  const cwd = o.cwd ?? process.cwd();
  // The options first: a typo fails before anything is read.
  const fromMs = dateOption(o.from, '--from');
  const toMs = dateOption(o.to, '--to');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new BacktestError(`--to ${o.to} must be after --from ${o.from}`);
  if (o.commission !== undefined && !COMMISSION_SCHEDULES[o.commission]) {
    throw new BacktestError(`--commission "${o.commission}" is not known (valid: ${Object.keys(COMMISSION_SCHEDULES).join(', ')})`);
  }
  const risk = parseRiskOptions(o.risk ?? {});
  if (risk.problems.length) throw new BacktestError(risk.problems.map((p) => `${RISK_FLAGS[p.key]} ${p.message}`).join('; '));
  const cash = amount(o.cash, '--cash', 1, 1e15);
  const slippageBps = amount(o.slippageBps, '--slippage-bps', 0, 1000);
  const impact = amount(o.impact, '--impact', 0, 100);
  // A model folder is loaded as given (messages then name it as the user typed it), against cwd when one is set.
  const modelDir = o.modelDir === undefined ? defaultModelDir(o.cwd) : o.cwd !== undefined ? resolve(o.cwd, o.modelDir) : o.modelDir;
  if (!modelDir)
    throw new BacktestError(`--model not given and the default model ${DEFAULT_MODEL} was not found; pass --model DIR (a folder with manifest.json)`);

  let bars: BarSeries;
  let model: LoadedModel;
  try {
    bars = loadBars(o, cwd);
    model = await loadModel(modelDir);
  } catch (err) {
    throw asBacktestError(err);
  }
  try {
    checkCompatible(model, bars, o.allowBarMismatch ?? false);
    const m = model.manifest;
    const notes: string[] = [];
    const firstUsable = model.pipeline.history - 1;
    const testFrom = m.bars.testFrom === undefined ? undefined : parseBarDate(m.bars.testFrom)?.ms;
    let fromIndex = indexAtOrAfter(bars, fromMs ?? testFrom ?? -Infinity);
    if (fromIndex < firstUsable) {
      if (fromMs !== undefined)
        notes.push(`starting at ${tradingDate(bars.time[firstUsable]!)}, the first bar with the ${model.pipeline.history} bars of history the features need`);
      fromIndex = firstUsable;
    }
    const toIndex = toMs === undefined ? bars.length - 1 : indexAtOrAfter(bars, toMs + 1) - 1;
    if (fromIndex >= bars.length || toIndex - fromIndex < 1) {
      const range = `${tradingDate(bars.time[0]!)}..${tradingDate(bars.time[bars.length - 1]!)}`;
      throw new BacktestError(
        `${bars.source}: the period ${o.from ?? m.bars.testFrom ?? 'start'}..${o.to ?? 'end'} holds fewer than two bars (the data covers ${range})`,
      );
    }
    const config: BacktestConfig = {
      bars,
      fromIndex,
      toIndex,
      initialCash: cash ?? m.execution?.initialCash ?? 100_000,
      commission: COMMISSION_SCHEDULES[o.commission ?? m.execution?.commission ?? 'ibkr-fixed'] ?? COMMISSION_SCHEDULES['ibkr-fixed']!,
      slippage: { bps: slippageBps ?? m.execution?.slippageBps ?? 2, impactCoefficient: impact ?? 0 },
      // The position limit caps the target inside the backtester (sizingWithinLimits), as in a session.
      sizing: { ...m.sizing },
      risk: { ...risk.limits, symbolAllowlist: [bars.symbol] },
    };
    return { model, config, notes };
  } catch (err) {
    await model.dispose();
    throw asBacktestError(err);
  }
}

/** The report folder by default: backtests/<model>-<symbol>-<from>_<to> under cwd. */
export function defaultReportDir(report: BacktestReport, cwd: string = process.cwd()): string {
  return resolve(cwd, 'backtests', `${report.model.name}-${report.data.symbol}-${report.data.from}_${report.data.to}`);
}

/** Runs a prepared backtest and writes its report (JSON and HTML) into outDir (default: defaultReportDir). */
export async function runPreparedBacktest(p: PreparedBacktest, outDir?: string, cwd: string = process.cwd()): Promise<BacktestRun> {
  let result: BacktestResult;
  try {
    result = await runBacktest(p.model, p.config);
  } catch (err) {
    throw asBacktestError(err);
  }
  const report = buildReport(p.model, p.config, result);
  const paths = writeReport(report, outDir !== undefined ? resolve(cwd, outDir) : defaultReportDir(report, cwd));
  return { result, report, paths };
}

/** The run's figures: what `npm run backtest -- --json` prints as one line. */
export function backtestFigures({ result, report, paths }: BacktestRun): Record<string, unknown> {
  const p = result.metrics.policy;
  const bh = result.metrics.buyAndHold;
  return {
    model: report.model.name,
    symbol: report.data.symbol,
    from: report.data.from,
    to: report.data.to,
    bars: result.bars,
    totalReturn: p.totalReturn,
    cagr: p.cagr,
    sharpe: p.sharpe,
    maxDrawdown: p.maxDrawdown,
    trades: p.trades,
    commissions: p.commissions,
    exposure: p.exposure,
    buyAndHoldReturn: bh.totalReturn,
    buyAndHoldSharpe: bh.sharpe,
    buyAndHoldMaxDrawdown: bh.maxDrawdown,
    flatReturn: result.metrics.flat.totalReturn,
    rejected: result.policy.rejections.length,
    rejectionsByRule: report.rejectionsByRule,
    inference: result.inference,
    elapsedMs: result.elapsedMs,
    stepsPerSecond: result.stepsPerSecond,
    reportJson: paths.json,
    reportHtml: paths.html,
  };
}
