// `npm run backtest -- [--model DIR] [--data CSV | --symbol S] [--from DATE] [--to DATE] [--json]`
// With no arguments: the shipped demo model on the S&P 500 out-of-sample period.
import { BacktestError, backtestFigures, prepareBacktest, runPreparedBacktest, type BacktestRun, type PreparedBacktest } from '../backtest/prepareBacktest';
import { BUILTIN_DATASETS, DEFAULT_MODEL, DEFAULT_SYMBOL } from '../policy/datasets';
import { COMMISSION_SCHEDULES } from '../trading/fees';
import { RISK_HELP } from '../trading/riskLimits';
import { CliError, parseOptions, writableFolder } from './args';
import { RISK_OPTION_SPEC } from './riskOptions';

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
  ...RISK_OPTION_SPEC,
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
${RISK_HELP}
  --allow-bar-mismatch     run even if the data's bar size differs from the model's
  --out DIR                report folder (default backtests/<model>-<symbol>-<from>_<to>)
  --json                   print one JSON line with the figures
`;

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPEC, 'backtest');
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  writableFolder(o.out, 'out');
  let prepared: PreparedBacktest | undefined;
  let run: BacktestRun;
  try {
    prepared = await prepareBacktest({
      modelDir: o.model,
      data: o.data,
      symbol: o.symbol,
      priceColumn: o['price-column'],
      from: o.from,
      to: o.to,
      cash: o.cash,
      commission: o.commission,
      slippageBps: o['slippage-bps'],
      impact: o.impact,
      allowBarMismatch: o['allow-bar-mismatch'],
      risk: {
        maxOrderQuantity: o['max-order-qty'],
        maxPosition: o['max-position'],
        maxNotional: o['max-notional'],
        maxOrdersPerMinute: o['max-orders-per-minute'],
        dailyLossLimit: o['daily-loss-limit'],
        stopLossPct: o['stop-loss-pct'],
        anyHours: o['any-hours'],
      },
    });
    for (const note of prepared.notes) console.error(`note: ${note}`);
    run = await runPreparedBacktest(prepared, o.out);
  } catch (err) {
    if (err instanceof BacktestError) throw new CliError(err.message);
    throw err;
  } finally {
    await prepared?.model.dispose();
  }
  const { result, report, paths } = run;
  const m = prepared.model.manifest;
  const bars = prepared.config.bars;
  const p = result.metrics.policy;
  const bh = result.metrics.buyAndHold;
  if (o.json) {
    console.log(JSON.stringify(backtestFigures(run)));
  } else {
    const row = (name: string, x: typeof p): string =>
      `  ${name.padEnd(14)} ${(x.totalReturn * 100).toFixed(2).padStart(9)}% ${x.sharpe.toFixed(2).padStart(7)} ${(x.maxDrawdown * 100).toFixed(2).padStart(9)}% ${String(x.trades).padStart(7)}`;
    console.log(
      `${m.name} on ${bars.symbol} ${report.data.from}..${report.data.to}: ${result.bars} bars, ${result.inference} inference, ${Math.round(result.stepsPerSecond).toLocaleString('en-US')} steps/s`,
    );
    console.log(`  ${''.padEnd(14)} ${'return'.padStart(10)} ${'Sharpe'.padStart(7)} ${'max DD'.padStart(10)} ${'trades'.padStart(7)}`);
    console.log(row('policy', p));
    console.log(row('buy and hold', bh));
    console.log(row('flat', result.metrics.flat));
    if (result.policy.rejections.length)
      console.log(`  risk engine refused ${result.policy.rejections.length} orders: ${JSON.stringify(report.rejectionsByRule)}`);
    console.log(`report: ${paths.html}\n        ${paths.json}`);
  }
  return 0;
}
