// `npm run backtest -- [--model DIR] [--data CSV | --symbol S] [--from DATE] [--to DATE] [--json]`
// With no arguments: the shipped demo model on the S&P 500 out-of-sample period.
import { resolve } from 'node:path';
import { indexAtOrAfter, parseBarDate, readBarsCsv, tradingDate } from '../policy/bars';
import { runBacktest } from '../backtest/backtester';
import { BUILTIN_DATASETS, DEFAULT_MODEL, DEFAULT_SYMBOL, builtinDataset, builtinDatasetPath, defaultModelDir } from '../policy/datasets';
import { DataError, ModelLoadError, PolicyRuntimeError } from '../policy/errors';
import { barSizeSeconds } from '../policy/manifest';
import { loadModel } from '../policy/modelLoader';
import { buildReport, writeReport } from '../backtest/report';
import { COMMISSION_SCHEDULES } from '../trading/fees';
import { CliError, intOption, numberOption, parseOptions, writableFolder } from './args';
import type { BarSeries } from '../policy/bars';
import type { BacktestConfig } from '../backtest/backtester';
import type { LoadedModel } from '../policy/modelLoader';
import type { RiskLimits } from '../trading/riskEngine';

const SPEC = {
  model: { type: 'string' },
  data: { type: 'string' },
  symbol: { type: 'string' },
  'price-column': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  cash: { type: 'string' },
  commission: { type: 'string' },
  'slippage-bps': { type: 'string' },
  impact: { type: 'string' },
  'max-order-qty': { type: 'string' },
  'max-position': { type: 'string' },
  'max-notional': { type: 'string' },
  'max-orders-per-minute': { type: 'string' },
  'daily-loss-limit': { type: 'string' },
  'stop-loss-pct': { type: 'string' },
  'any-hours': { type: 'boolean' },
  'allow-bar-mismatch': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP = `usage: npm run backtest -- [options]

Runs a policy over historical bars through the live session's feature pipeline, policy
runner, sizing, risk checks, commissions and slippage. Decisions at each bar's close fill
at the next bar's open. With no options: ${DEFAULT_MODEL} on the S&P 500 test period.

  --model DIR              model folder with manifest.json and the .onnx (default ${DEFAULT_MODEL})
  --data CSV               bar file: a date column and close (or price), optionally open, high,
                           low, volume and symbol
  --symbol S               built-in data (${Object.keys(BUILTIN_DATASETS).join(', ')}; default ${DEFAULT_SYMBOL}),
                           or the symbol to keep from a --data file with a symbol column
  --price-column NAME      column used as the close (default close, else price)
  --from YYYY-MM-DD        first date (default: the manifest's bars.testFrom, else the first bar
                           with enough history)
  --to YYYY-MM-DD          last date (default: the last bar)
  --cash N                 initial cash (default: manifest execution.initialCash, else 100000)
  --commission NAME        ${Object.keys(COMMISSION_SCHEDULES).join(' | ')} (default: manifest, else ibkr-fixed)
  --slippage-bps N         fixed slippage in basis points (default: manifest, else 2)
  --impact K               square-root market impact coefficient (default 0)
  --max-order-qty N        risk: shares per order
  --max-position N         risk: shares held per symbol (sizing is capped to it too)
  --max-notional N         risk: gross notional
  --max-orders-per-minute N
  --daily-loss-limit N     risk: loss per day, in currency, after which only reducing orders go
  --stop-loss-pct P        risk: close a position P% against its average cost
  --any-hours              do not check trading hours
  --allow-bar-mismatch     run even if the data's bar size differs from the model's
  --out DIR                report folder (default backtests/<model>-<symbol>-<from>_<to>)
  --json                   print one JSON line with the figures
`;

function dateOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? parseBarDate(value) : undefined;
  if (!d) throw new CliError(`--${name} "${value}" is not a date (valid: YYYY-MM-DD, e.g. 2015-01-02)`);
  return d.ms;
}

function optionalNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : numberOption(value, name, min, max, 0);
}

function userError(err: unknown): never {
  if (err instanceof ModelLoadError || err instanceof DataError || err instanceof PolicyRuntimeError) throw new CliError(err.message);
  throw err;
}

function loadBars(opts: { data?: string; symbol?: string; 'price-column'?: string }): BarSeries {
  try {
    if (opts.data !== undefined) return readBarsCsv(resolve(opts.data), { symbol: opts.symbol, priceColumn: opts['price-column'] });
    const symbol = opts.symbol ?? DEFAULT_SYMBOL;
    const ds = builtinDataset(symbol);
    if (!ds) throw new CliError(`--symbol "${symbol}" has no built-in data (valid: ${Object.keys(BUILTIN_DATASETS).join(', ')}); pass --data CSV for other symbols`);
    const path = builtinDatasetPath(ds);
    if (!path) throw new CliError(`built-in data for ${ds.symbol} needs the vega-datasets package (node_modules/${ds.file} not found; run npm install)`);
    const bars = readBarsCsv(path, { symbol: ds.multiSymbol ? ds.symbol : undefined, priceColumn: opts['price-column'] });
    return ds.multiSymbol ? bars : { ...bars, symbol: ds.symbol };
  } catch (err) {
    return userError(err);
  }
}

function checkCompatible(model: LoadedModel, bars: BarSeries, allowBarMismatch: boolean): void {
  const want = barSizeSeconds(model.manifest.bars.barSize)!;
  const ratio = bars.barSeconds / want;
  if (!allowBarMismatch && (ratio < 0.5 || ratio > 2)) {
    const days = (bars.barSeconds / 86_400).toFixed(1);
    throw new CliError(
      `${bars.source}: bars are about ${bars.barSeconds >= 86_400 ? `${days} days` : `${bars.barSeconds} s`} apart but ${model.manifest.name} was trained on "${model.manifest.bars.barSize}" bars ` +
        '(features would mean something else); use data of that bar size, or --allow-bar-mismatch',
    );
  }
  const missing = model.pipeline.columns.filter((c) => !bars.fields.includes(c));
  if (missing.length) {
    throw new CliError(
      `${bars.source}: the model's features (${model.pipeline.labels.join(', ')}) read ${missing.join(', ')}, which the file lacks ` +
        `(it has ${bars.fields.join(', ')}${bars.fields.length < 5 ? '; the other fields would be derived from the price' : ''})`,
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPEC, 'backtest');
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  writableFolder(o.out, 'out');
  const fromMs = dateOption(o.from, 'from');
  const toMs = dateOption(o.to, 'to');
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new CliError(`--to ${o.to} must be after --from ${o.from}`);
  const commissionName = o.commission;
  if (commissionName !== undefined && !COMMISSION_SCHEDULES[commissionName]) {
    throw new CliError(`--commission "${commissionName}" is not known (valid: ${Object.keys(COMMISSION_SCHEDULES).join(', ')})`);
  }
  const stopLossPct = optionalNumber(o['stop-loss-pct'], 'stop-loss-pct', 0.01, 100);
  const risk: RiskLimits = {
    tradingHours: o['any-hours'] ? null : undefined,
    maxOrderQuantity: o['max-order-qty'] === undefined ? undefined : intOption(o['max-order-qty'], 'max-order-qty', 1, 1e12, 0),
    maxPositionPerSymbol: o['max-position'] === undefined ? undefined : intOption(o['max-position'], 'max-position', 1, 1e12, 0),
    maxGrossNotional: optionalNumber(o['max-notional'], 'max-notional', 0, 1e15),
    maxOrdersPerMinute: o['max-orders-per-minute'] === undefined ? undefined : intOption(o['max-orders-per-minute'], 'max-orders-per-minute', 1, 1e6, 0),
    dailyLossLimit: optionalNumber(o['daily-loss-limit'], 'daily-loss-limit', 0, 1e15),
    stopLossFraction: stopLossPct === undefined ? undefined : stopLossPct / 100,
  };

  let modelDir = o.model;
  if (modelDir === undefined) {
    modelDir = defaultModelDir();
    if (!modelDir) throw new CliError(`--model not given and the default model ${DEFAULT_MODEL} was not found; pass --model DIR (a folder with manifest.json)`);
  }
  const bars = loadBars(o);
  let model: LoadedModel;
  try {
    model = await loadModel(modelDir);
  } catch (err) {
    return userError(err);
  }
  try {
    checkCompatible(model, bars, o['allow-bar-mismatch'] ?? false);
    const m = model.manifest;
    const firstUsable = model.pipeline.history - 1;
    const testFrom = m.bars.testFrom === undefined ? undefined : parseBarDate(m.bars.testFrom)?.ms;
    let fromIndex = indexAtOrAfter(bars, fromMs ?? testFrom ?? -Infinity);
    if (fromIndex < firstUsable) {
      if (fromMs !== undefined) console.error(`note: starting at ${tradingDate(bars.time[firstUsable]!)}, the first bar with the ${model.pipeline.history} bars of history the features need`);
      fromIndex = firstUsable;
    }
    const toIndex = toMs === undefined ? bars.length - 1 : indexAtOrAfter(bars, toMs + 1) - 1;
    const range = `${tradingDate(bars.time[0]!)}..${tradingDate(bars.time[bars.length - 1]!)}`;
    if (fromIndex >= bars.length || toIndex - fromIndex < 1) {
      throw new CliError(`${bars.source}: the period ${o.from ?? m.bars.testFrom ?? 'start'}..${o.to ?? 'end'} holds fewer than two bars (the data covers ${range})`);
    }
    const maxShares = risk.maxPositionPerSymbol;
    const config: BacktestConfig = {
      bars,
      fromIndex,
      toIndex,
      initialCash: optionalNumber(o.cash, 'cash', 1, 1e15) ?? m.execution?.initialCash ?? 100_000,
      commission: COMMISSION_SCHEDULES[commissionName ?? m.execution?.commission ?? 'ibkr-fixed'] ?? COMMISSION_SCHEDULES['ibkr-fixed']!,
      slippage: {
        bps: optionalNumber(o['slippage-bps'], 'slippage-bps', 0, 1000) ?? m.execution?.slippageBps ?? 2,
        impactCoefficient: optionalNumber(o.impact, 'impact', 0, 100) ?? 0,
      },
      sizing: { ...m.sizing, ...(maxShares === undefined ? {} : { maxPositionShares: maxShares }) },
      risk: { ...risk, symbolAllowlist: [bars.symbol] },
    };
    const result = await runBacktest(model, config);
    const report = buildReport(model, config, result);
    const outDir = resolve(o.out ?? `backtests/${m.name}-${bars.symbol}-${report.data.from}_${report.data.to}`);
    const paths = writeReport(report, outDir);
    const p = result.metrics.policy;
    const bh = result.metrics.buyAndHold;
    if (o.json) {
      console.log(
        JSON.stringify({
          model: m.name,
          symbol: bars.symbol,
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
        }),
      );
    } else {
      const row = (name: string, x: typeof p): string =>
        `  ${name.padEnd(14)} ${(x.totalReturn * 100).toFixed(2).padStart(9)}% ${x.sharpe.toFixed(2).padStart(7)} ${(x.maxDrawdown * 100).toFixed(2).padStart(9)}% ${String(x.trades).padStart(7)}`;
      console.log(`${m.name} on ${bars.symbol} ${report.data.from}..${report.data.to}: ${result.bars} bars, ${result.inference} inference, ${Math.round(result.stepsPerSecond).toLocaleString('en-US')} steps/s`);
      console.log(`  ${''.padEnd(14)} ${'return'.padStart(10)} ${'Sharpe'.padStart(7)} ${'max DD'.padStart(10)} ${'trades'.padStart(7)}`);
      console.log(row('policy', p));
      console.log(row('buy and hold', bh));
      console.log(row('flat', result.metrics.flat));
      if (result.policy.rejections.length) console.log(`  risk engine refused ${result.policy.rejections.length} orders: ${JSON.stringify(report.rejectionsByRule)}`);
      console.log(`report: ${paths.html}\n        ${paths.json}`);
    }
    return 0;
  } catch (err) {
    return userError(err);
  } finally {
    await model.dispose();
  }
}
