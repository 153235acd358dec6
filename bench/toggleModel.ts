// A benchmark policy with the default model's shape (its 10 features, normalisation, 61-bar
// lookback and a 10 -> 64 -> 64 -> 3 actor) that trades on every decision: buy when flat, sell
// when long (through the positionSide feature), so each decision of the decision-latency
// benchmark ends in an order. Written as real ONNX; loaded by the real model loader.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../src/extension/policy/datasets';
import { buildPolicyOnnx, type Linear, type MlpWeights } from '../test/helpers/onnxFromWeights';

const HIDDEN = 64;

function zeros(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function writeToggleModel(dir: string, barSize = '5 secs'): string {
  const demoDir = defaultModelDir()!;
  const manifest = JSON.parse(readFileSync(join(demoDir, 'manifest.json'), 'utf8')) as Record<string, any>;
  const inputs = (manifest.features as unknown[]).length;
  const side = (manifest.features as Array<{ id: string }>).findIndex((f) => f.id === 'positionSide');
  if (side < 0) throw new Error('the default model has no positionSide feature');
  // h1[0] = tanh(4 * side), h2[0] = tanh(h1[0]); logits [hold, buy, sell] = [-5, 1 - 10 h2, 10 h2].
  const w1 = zeros(HIDDEN, inputs);
  w1[0]![side] = 4;
  const w2 = zeros(HIDDEN, HIDDEN);
  w2[0]![0] = 1;
  const wa = zeros(3, HIDDEN);
  wa[1]![0] = -10;
  wa[2]![0] = 10;
  const l1: Linear = { weight: w1, bias: new Array<number>(HIDDEN).fill(0) };
  const l2: Linear = { weight: w2, bias: new Array<number>(HIDDEN).fill(0) };
  const action: Linear = { weight: wa, bias: [-5, 1, 0] };
  const vf: Linear[] = [
    { weight: zeros(HIDDEN, inputs), bias: new Array<number>(HIDDEN).fill(0) },
    { weight: zeros(HIDDEN, HIDDEN), bias: new Array<number>(HIDDEN).fill(0) },
  ];
  const w: MlpWeights = { pi: [l1, l2], vf, action, value: { weight: zeros(1, HIDDEN), bias: [0] } };
  const bytes = buildPolicyOnnx(w);
  const folder = join(dir, 'bench-toggle');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'policy.onnx'), bytes);
  manifest.name = 'bench-toggle';
  manifest.description = "Benchmark policy: the default model's features and shape; buys when flat, sells when long.";
  manifest.model = { file: 'policy.onnx', sha256: createHash('sha256').update(bytes).digest('hex') };
  manifest.bars = { ...manifest.bars, barSize };
  delete manifest.training;
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return folder;
}
