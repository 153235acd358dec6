// Policy inference alone: the default model (models/ppo-sp500) through PolicyRunner.act, the
// call the session and the backtester make: batch 1 (one symbol), and one run for 10 symbols
// at once (batched across symbols). Also features + policy for one symbol (PolicyStep.target,
// what the session's decision calls), for scale. Times are wall microseconds per call,
// including onnxruntime's asynchronous hand-off.
import { readBarsCsv } from '../src/extension/policy/bars';
import { BUILTIN_DATASETS, builtinDatasetPath, defaultModelDir } from '../src/extension/policy/datasets';
import { loadModel } from '../src/extension/policy/modelLoader';
import { PolicyStep } from '../src/extension/policy/policyStep';
import { round, summary, type Bench, type BenchResult } from './lib';

const SYMBOLS = 10;

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  const n = smoke ? 300 : quick ? 3000 : 20000;
  const warm = smoke ? 100 : 1000;
  const model = await loadModel(defaultModelDir()!);
  try {
    const size = model.pipeline.size;
    const obs1 = new Float32Array(size);
    const obsN = new Float32Array(size * SYMBOLS);
    for (let i = 0; i < obsN.length; i++) obsN[i] = Math.sin(i) * 0.5;
    obs1.set(obsN.subarray(0, size));
    const out = new Float64Array(SYMBOLS);

    const time = async (iterations: number, fn: () => Promise<unknown>): Promise<number[]> => {
      const us: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = process.hrtime.bigint();
        await fn();
        us.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      return us;
    };
    await time(warm, () => model.runner.act(obs1, 1, out));
    const single = summary(await time(n, () => model.runner.act(obs1, 1, out)));
    const batched = model.runner.batchable
      ? summary(await time(warm, () => model.runner.act(obsN, SYMBOLS, out)).then(() => time(n, () => model.runner.act(obsN, SYMBOLS, out))))
      : undefined;

    // The same batched run after the process sat idle as long as between two cycles of a
    // session at simulator speed 10 (500 ms): what a cycle's policy run meets (bench/decision.ts).
    const idleRuns = smoke ? 2 : quick ? 6 : 20;
    const idleUs: number[] = [];
    for (let i = 0; i < idleRuns && model.runner.batchable; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const t0 = process.hrtime.bigint();
      model.runner.actNow(obsN, SYMBOLS, out);
      idleUs.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    const idle = idleUs.length ? summary(idleUs) : undefined;

    // Features + policy for one symbol, as the session's decision runs it.
    const bars = { ...readBarsCsv(builtinDatasetPath(BUILTIN_DATASETS.SPX!)!), symbol: 'SPX' };
    const step = new PolicyStep(model);
    const t = bars.length - 1;
    const state = { quantity: 0, avgCost: 0, cash: 10_000, equity: 10_000, price: bars.close[t]! };
    await time(warm, async () => void (await step.target(bars, t, state)));
    const withFeatures = summary(await time(n, async () => void (await step.target(bars, t, state))));

    const r1 = (x: number) => round(x, 1);
    return {
      figures: [
        { key: 'inferenceP50Us', value: r1(single.p50), unit: 'µs', what: 'policy run, batch 1 (one symbol), median' },
        { key: 'inferenceP99Us', value: r1(single.p99), unit: 'µs', what: 'policy run, batch 1, p99' },
        {
          key: 'inferenceBatch10P50Us',
          value: batched ? r1(batched.p50) : null,
          unit: 'µs',
          what: `one run for ${SYMBOLS} symbols (batched), median`,
          ...(batched ? {} : { note: 'model has a fixed batch of 1' }),
        },
        { key: 'inferenceBatch10P99Us', value: batched ? r1(batched.p99) : null, unit: 'µs', what: `one run for ${SYMBOLS} symbols (batched), p99` },
        ...(idle
          ? [
              {
                key: 'inferenceBatch10IdleP50Us',
                value: r1(idle.p50),
                unit: 'µs',
                what: `the same run after 500 ms idle (between two cycles at simulator speed 10), median of ${idle.n}`,
              },
            ]
          : []),
      ],
      details: {
        model: model.manifest.name,
        observationSize: size,
        iterations: n,
        batch1Us: mapRound(single),
        ...(batched ? { batch10Us: mapRound(batched), batch10PerSymbolP50Us: r1(batched.p50 / SYMBOLS) } : {}),
        featuresPlusPolicyUs: mapRound(withFeatures),
        ...(idle ? { batch10AfterIdleUs: mapRound(idle) } : {}),
      },
      notes: [
        `Model ${model.manifest.name} (${size} inputs, MLP 64x64) via onnxruntime-node (CPU), PolicyRunner.act awaited ${n} times after ${warm} warm-up calls; wall time per call including onnxruntime's asynchronous hand-off.`,
        `Batched: ${SYMBOLS} observations in one run; per symbol that is ${batched ? r1(batched.p50 / SYMBOLS) : '-'} µs (median) against ${r1(single.p50)} µs one by one.`,
        `Features + policy for one symbol (PolicyStep.target on the S&P 500 bars): median ${r1(withFeatures.p50)} µs, p99 ${r1(withFeatures.p99)} µs.`,
        ...(idle
          ? [
              `After 500 ms idle (${idle.n} runs, in place as the session's cycle runs it: PolicyRunner.actNow), the same batched run takes median ${r1(idle.p50)} µs, p90 ${r1(idle.p90)} µs against ${batched ? r1(batched.p50) : '-'} µs back to back: caches and the core go cold between cycles, and every step of a cycle's decision pays that, not only the policy.`,
            ]
          : []),
      ],
    };
  } finally {
    await model.dispose();
  }
};

function mapRound(s: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 1)]));
}
