// Backtest throughput of the default model on the S&P 500 file.
//   npx tsx bench/backtest.ts [--runs N]
// Each figure is steps per second of the policy run (features, inference, sizing, risk checks,
// fills) excluding CSV parsing and model loading: wall clock as the CLI reports it, and in
// brackets by process CPU time of the whole runBacktest call (policy plus the buy-and-hold and
// flat baselines), which holds up when other processes share the cores. The first run in a
// process includes V8 and onnxruntime warm-up; later runs show the steady state.
import { parseArgs } from 'node:util';
import { indexAtOrAfter, parseBarDate, readBarsCsv } from '../src/extension/policy/bars';
import { runBacktest } from '../src/extension/policy/backtester';
import { BUILTIN_DATASETS, builtinDatasetPath, defaultModelDir } from '../src/extension/policy/datasets';
import { loadModel } from '../src/extension/policy/modelLoader';
import { IBKR_FIXED_US } from '../src/extension/session/fees';
import type { BacktestConfig } from '../src/extension/policy/backtester';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  const bars = { ...readBarsCsv(builtinDatasetPath(BUILTIN_DATASETS.SPX!)!), symbol: 'SPX' };
  const model = await loadModel(defaultModelDir()!);
  const periods: [string, number][] = [
    ['test period 2015-2020', indexAtOrAfter(bars, parseBarDate(model.manifest.bars.testFrom!)!.ms)],
    ['whole file 2000-2020', model.pipeline.history - 1],
  ];
  for (const [name, fromIndex] of periods) {
    const config: BacktestConfig = {
      bars,
      fromIndex,
      toIndex: bars.length - 1,
      initialCash: 100_000,
      commission: IBKR_FIXED_US,
      slippage: { bps: 2, impactCoefficient: 0 },
      sizing: model.manifest.sizing,
      risk: { symbolAllowlist: ['SPX'] },
    };
    const figures: string[] = [];
    for (let i = 0; i < runs; i++) {
      const cpu = process.cpuUsage();
      const r = await runBacktest(model, config);
      const used = process.cpuUsage(cpu);
      const cpuMs = (used.user + used.system) / 1000;
      const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
      figures.push(`${fmt(r.stepsPerSecond)} [cpu ${fmt(r.bars / (cpuMs / 1000))}]`);
    }
    console.log(`${name}, ${bars.length - fromIndex} steps, ${model.runner.batchable ? 'batched' : 'sequential'}: ${figures.join(', ')}`);
  }
  await model.dispose();
}

void main();
