// Backtest throughput of the default model on the S&P 500 file.
//   npx tsx bench/backtest.ts [--runs N]        (standalone, prints a line per period)
//   npm run bench -- --only backtestStepsPerSec  (through the runner)
// Each figure is steps per second of the policy run (features, inference, sizing, risk checks,
// fills) excluding CSV parsing and model loading: wall clock as the CLI reports it, and in
// brackets by process CPU time of the whole runBacktest call (policy plus the buy-and-hold and
// flat baselines), which holds up when other processes share the cores. The first run in a
// process includes V8 and onnxruntime warm-up; later runs show the steady state.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { indexAtOrAfter, parseBarDate, readBarsCsv } from '../src/extension/policy/bars';
import { runBacktest } from '../src/extension/backtest/backtester';
import { BUILTIN_DATASETS, builtinDatasetPath, defaultModelDir } from '../src/extension/policy/datasets';
import { loadModel } from '../src/extension/policy/modelLoader';
import { IBKR_FIXED_US } from '../src/extension/trading/fees';
import type { BacktestConfig } from '../src/extension/backtest/backtester';
import type { Bench, BenchResult } from './lib';

interface PeriodResult {
  period: string;
  steps: number;
  mode: string;
  /** steps/s per run, wall clock (the first run is cold) */
  wall: number[];
  /** steps/s per run by process CPU time */
  cpu: number[];
}

interface Measured {
  periods: PeriodResult[];
  /** what the same fresh process paid before the first run: reading the CSV, loading the model (ms) */
  csvMs: number;
  modelMs: number;
}

async function measure(runs: number): Promise<Measured> {
  const t0 = performance.now();
  const bars = { ...readBarsCsv(builtinDatasetPath(BUILTIN_DATASETS.SPX!)!), symbol: 'SPX' };
  const t1 = performance.now();
  const model = await loadModel(defaultModelDir()!);
  const t2 = performance.now();
  const periods: [string, number][] = [
    ['test period 2015-2020', indexAtOrAfter(bars, parseBarDate(model.manifest.bars.testFrom!)!.ms)],
    ['whole file 2000-2020', model.pipeline.history - 1],
  ];
  const out: PeriodResult[] = [];
  try {
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
      const r: PeriodResult = { period: name, steps: bars.length - fromIndex, mode: model.runner.batchable ? 'batched' : 'sequential', wall: [], cpu: [] };
      for (let i = 0; i < runs; i++) {
        const cpu = process.cpuUsage();
        const res = await runBacktest(model, config);
        const used = process.cpuUsage(cpu);
        r.wall.push(Math.round(res.stepsPerSecond));
        r.cpu.push(Math.round(res.bars / ((used.user + used.system) / 1e6)));
      }
      out.push(r);
    }
  } finally {
    await model.dispose();
  }
  return { periods: out, csvMs: t1 - t0, modelMs: t2 - t1 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  const runs = smoke ? 2 : quick ? 4 : 9;
  const { periods, csvMs, modelMs } = await measure(runs);
  const whole = periods.find((p) => p.period.startsWith('whole'))!;
  const test = periods.find((p) => p.period.startsWith('test'))!;
  const warm = whole.wall.slice(1);
  const fmt = (x: number): string => x.toLocaleString('en-US');
  return {
    figures: [
      {
        key: 'backtestStepsPerSec',
        value: median(warm),
        unit: 'steps/s',
        goal: { op: '>=', value: 100_000 },
        what: 'default model, whole S&P 500 file, warm (median of runs 2..N)',
      },
      {
        key: 'backtestColdStepsPerSec',
        value: test.wall[0]!,
        unit: 'steps/s',
        goal: { op: '>=', value: 100_000 },
        what: 'first run in a fresh process, test period (what one CLI run sees)',
      },
    ],
    details: { runs, periods },
    notes: [
      `Each period run ${runs} times in one process (runBacktest, CSV parsing and model loading excluded); the first run of the process (the test period) is cold (V8 and onnxruntime warm-up).`,
      `Before the first run the same fresh process read the CSV in ${Math.round(csvMs)} ms and loaded the model (onnxruntime-node imported, session created, probe runs) in ${Math.round(modelMs)} ms: what a CLI run pays besides the steps.`,
      ...periods.map(
        (p) => `${p.period}, ${fmt(p.steps)} steps, ${p.mode}: wall ${p.wall.map(fmt).join(', ')} steps/s [by CPU time ${p.cpu.map(fmt).join(', ')}]`,
      ),
    ],
  };
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  for (const p of (await measure(Number(values.runs))).periods) {
    const fmt = (x: number): string => x.toLocaleString('en-US');
    console.log(`${p.period}, ${p.steps} steps, ${p.mode}: ${p.wall.map((w, i) => `${fmt(w)} [cpu ${fmt(p.cpu[i]!)}]`).join(', ')}`);
  }
}

if (require.main === module) void main();
