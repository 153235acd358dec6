// Small real ONNX policies with known behaviour, written to a folder with their manifest,
// for session tests: the whole pipeline (manifest check, onnxruntime, action decoding)
// runs; only the decision rule is simple enough to predict.
//   toggle:     buy when flat, sell when long (reads the positionSide feature)
//   always-buy: buy whatever the position
//   always-sell (target 0): never buys
//   fails-at-runtime: passes the load probe (every feature 0, 1 or -1) but its value output
//     overflows to Infinity whenever logReturn != positionSide, i.e. on almost every real bar
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPolicyOnnx, type MlpWeights } from './onnxFromWeights';

export type TestPolicy = 'toggle' | 'always-buy' | 'always-sell' | 'fails-at-runtime';

const zero2 = {
  weight: [
    [0, 0],
    [0, 0],
  ],
  bias: [0, 0],
};

function weights(kind: TestPolicy): MlpWeights {
  if (kind === 'fails-at-runtime') {
    // h = tanh(tanh(1e4 * (logReturn - positionSide))) in both units: 0 on the probes, about +-0.76 on a moving price;
    // value = 3e38 * (h1 + h2) is past float32's maximum (3.4e38) then: Infinity.
    const diff = [
      {
        weight: [
          [1e4, -1e4],
          [1e4, -1e4],
        ],
        bias: [0, 0],
      },
      {
        weight: [
          [1, 0],
          [0, 1],
        ],
        bias: [0, 0],
      },
    ];
    return {
      pi: diff,
      vf: diff,
      action: {
        weight: [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        bias: [5, 0, 0],
      },
      value: { weight: [[3e38, 3e38]], bias: [0] },
    };
  }
  // pi: h = tanh(tanh(4 * positionSide)) in the first unit (0 flat, 0.76 long).
  const pi = [
    {
      weight: [
        [0, 4],
        [0, 0],
      ],
      bias: [0, 0],
    },
    {
      weight: [
        [1, 0],
        [0, 1],
      ],
      bias: [0, 0],
    },
  ];
  // logits over [hold, buy, sell]
  const action =
    kind === 'toggle'
      ? {
          weight: [
            [0, 0],
            [-10, 0],
            [10, 0],
          ],
          bias: [-5, 1, 0],
        }
      : kind === 'always-buy'
        ? {
            weight: [
              [0, 0],
              [0, 0],
              [0, 0],
            ],
            bias: [0, 5, 0],
          }
        : {
            weight: [
              [0, 0],
              [0, 0],
              [0, 0],
            ],
            bias: [0, 0, 5],
          };
  return { pi, vf: [zero2, zero2], action, value: { weight: [[0, 0]], bias: [0] } };
}

/**
 * Writes `<dir>/<kind>/{policy.onnx,manifest.json}` and returns the folder. `head`: the
 * action output, an int64 index (SB3's export), the same with its log_prob output named in
 * the manifest (`<dir>/<kind>-index-logprob/`) or the float logits (`<dir>/<kind>-logits/`).
 */
export function writeTestModel(dir: string, kind: TestPolicy, barSize = '1 min', head: 'index' | 'index-logprob' | 'logits' = 'index'): string {
  const folder = join(dir, head === 'index' ? kind : `${kind}-${head}`);
  mkdirSync(folder, { recursive: true });
  const bytes = buildPolicyOnnx(weights(kind), head === 'logits' ? { head: 'logits' } : {});
  writeFileSync(join(folder, 'policy.onnx'), bytes);
  const manifest = {
    schemaVersion: 1,
    name: `test-${kind}`,
    description: `test policy: ${kind}`,
    model: { file: 'policy.onnx', sha256: createHash('sha256').update(bytes).digest('hex') },
    input: { name: 'input', shape: ['batch', 2] },
    features: [{ id: 'logReturn', params: { lag: 1 } }, { id: 'positionSide' }],
    normalization: { type: 'none' },
    bars: { barSize, lookback: 2, fields: ['close'] },
    action: {
      type: 'discrete',
      output: 'actions',
      labels: ['hold', 'buy', 'sell'],
      targets: [null, 1, 0],
      ...(head === 'index-logprob' ? { logProbOutput: 'log_prob' } : {}),
    },
    sizing: { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0, allowShort: false },
    execution: { fill: 'nextOpen', slippageBps: 0, commission: 'ibkr-fixed', initialCash: 10000 },
  };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return folder;
}

/** A logits model's decision output: every label's probability in the manifest's order, summing to 1, the action taken (and only it) marked. */
export function assertProbabilities(
  ps: ReadonlyArray<{ label: string; p: number; chosen?: true }>,
  chosen: string,
  labels: readonly string[] = ['hold', 'buy', 'sell'],
): void {
  assert.deepEqual(
    ps.map((p) => p.label),
    labels,
  );
  assert.ok(Math.abs(ps.reduce((a, p) => a + p.p, 0) - 1) < 1e-5, JSON.stringify(ps));
  assert.deepEqual(
    ps.filter((p) => p.chosen).map((p) => p.label),
    [chosen],
    'the action taken is marked',
  );
}
