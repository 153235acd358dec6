// Loading real models in onnxruntime-node: torch exports (committed fixtures with torch's own
// outputs), models written from weight arrays in TypeScript, the shipped default model, and
// every refusal with its reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ModelLoadError, PolicyRuntimeError } from '../../../src/extension/policy/errors';
import { loadModel, sha256Hex } from '../../../src/extension/policy/modelLoader';
import { actionDetail, decodeActions, softmax } from '../../../src/extension/policy/onnxRunner';
import { buildPolicyOnnx, forwardReference, randomWeights } from '../../helpers/onnxFromWeights';
import type { ModelLoadReason } from '../../../src/extension/policy/errors';
import type { LoadedModel } from '../../../src/extension/policy/modelLoader';
import type { MlpWeights } from '../../helpers/onnxFromWeights';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'policy');
const tmp = mkdtempSync(join(tmpdir(), 'policy-loader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Reference {
  weights: MlpWeights;
  input: number[][];
  actions: number[];
  values: number[];
  log_prob: number[];
}

const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const near = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** Runs `fn` on the model loaded from `dir`, disposing of it after, whatever happened. */
async function withModel(dir: string, fn: (model: LoadedModel) => Promise<void>): Promise<void> {
  const model = await loadModel(dir);
  try {
    await fn(model);
  } finally {
    await model.dispose();
  }
}

/** Raw outputs of one run, by output position. */
async function rawRun(model: LoadedModel, rows: readonly number[][]): Promise<ArrayLike<number | bigint>[]> {
  const n = model.runner.observationSize;
  const data = Float32Array.from(rows.flat());
  const out = await model.runner.session.run(model.manifest.input.name, model.runner.session.tensor(data, rows.length, n));
  return model.runner.session.outputs.map((o) => out[o.name]!.data as ArrayLike<number | bigint>);
}

let dirCount = 0;
function modelDir(bytes: Uint8Array, manifest: Record<string, unknown>, file = 'model.onnx'): string {
  const dir = join(tmp, `m${dirCount++}`);
  cpSync(join(FIXTURES, 'sb3Discrete'), dir, { recursive: true });
  writeFileSync(join(dir, file), bytes);
  const m = { ...manifest, model: { file, sha256: sha256Hex(bytes) } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

const sb3Manifest = (): Record<string, any> => readJson(join(FIXTURES, 'sb3Discrete', 'manifest.json'));
const sb3Ref = readJson<Reference>(join(FIXTURES, 'sb3Discrete', 'reference.json'));

async function refused(dir: string, reason: ModelLoadReason, message: RegExp, file?: string): Promise<void> {
  await assert.rejects(loadModel(dir), (e: unknown) => {
    assert.ok(e instanceof ModelLoadError, String(e));
    assert.equal(e.reason, reason, e.message);
    if (file) assert.equal(e.file, file);
    assert.match(e.message, message);
    return true;
  });
}

describe('torch-exported models', () => {
  it('an SB3 PPO policy exported the documented way loads with a hand-written manifest and matches torch', async () => {
    await withModel(join(FIXTURES, 'sb3Discrete'), async (model) => {
      const outs = model.runner.session.outputs;
      assert.equal(outs.length, 3);
      assert.notEqual(outs[0]!.name, 'actions', 'the documented export leaves outputs unnamed');
      assert.equal(model.runner.binding.outputName, outs[0]!.name);
      assert.equal(model.runner.binding.decoding, 'index');
      assert.equal(model.runner.batchable, false, 'fixed batch of 1');
      const targets = new Float64Array(1);
      const labels = [NaN, 1, 0]; // hold, buy, sell
      for (let i = 0; i < sb3Ref.input.length; i++) {
        const obs = sb3Ref.input[i]!;
        const [a, v, lp] = await rawRun(model, [obs]);
        assert.equal(Number(a![0]), sb3Ref.actions[i], `row ${i} action`);
        near(Number(v![0]), sb3Ref.values[i]!, 1e-5, `row ${i} value vs torch`);
        near(Number(lp![0]), sb3Ref.log_prob[i]!, 1e-5, `row ${i} log_prob vs torch`);
        const ref = forwardReference(sb3Ref.weights, obs.map(Math.fround));
        assert.equal(ref.action, sb3Ref.actions[i], `row ${i} reference pass action`);
        near(Number(v![0]), ref.value, 1e-5, `row ${i} value vs reference pass`);
        await model.runner.act(Float32Array.from(obs), 1, targets);
        assert.ok(Object.is(targets[0], labels[sb3Ref.actions[i]!]) || targets[0] === labels[sb3Ref.actions[i]!], `row ${i} target`);
      }
      assert.ok(new Set(sb3Ref.actions).size > 1, 'the fixture exercises more than one action');
    });
  });

  it('a continuous policy with a dynamic batch axis runs all rows in one batch and matches torch', async () => {
    const ref = readJson<Reference>(join(FIXTURES, 'torchContinuous', 'reference.json'));
    await withModel(join(FIXTURES, 'torchContinuous'), async (model) => {
      assert.equal(model.runner.batchable, true);
      assert.equal(model.runner.binding.decoding, 'value');
      const [a, v] = await rawRun(model, ref.input);
      const targets = new Float64Array(ref.input.length);
      await model.runner.act(Float32Array.from(ref.input.flat()), ref.input.length, targets);
      ref.actions.forEach((x, i) => {
        near(Number(a![i]), x, 1e-5, `row ${i} mean`);
        near(Number(v![i]), ref.values[i]!, 1e-5, `row ${i} value`);
        near(targets[i]!, Math.max(-1, Math.min(1, x)), 1e-5, `row ${i} target clipped to [-1, 1]`);
      });
      assert.ok(
        ref.actions.some((x) => Math.abs(x) > 1),
        'some actions need clipping',
      );
    });
  });

  it('the shipped default model reproduces the torch forward pass recorded at training', async () => {
    const ref = readJson<Reference>(join(FIXTURES, 'ppoSp500Reference.json'));
    await withModel(join(ROOT, 'models', 'ppo-sp500'), async (model) => {
      assert.equal(model.runner.batchable, true);
      const [a, v, lp] = await rawRun(model, ref.input);
      ref.actions.forEach((x, i) => {
        assert.equal(Number(a![i]), x, `row ${i} action`);
        near(Number(v![i]), ref.values[i]!, 1e-4, `row ${i} value`);
        near(Number(lp![i]), ref.log_prob[i]!, 1e-4, `row ${i} log_prob`);
      });
    });
  });

  it('a manifest saved with a UTF-8 byte-order mark (Windows editors) loads', async () => {
    const dir = join(tmp, 'bom-model');
    cpSync(join(ROOT, 'models', 'ppo-sp500'), dir, { recursive: true });
    const path = join(dir, 'manifest.json');
    writeFileSync(path, '\uFEFF' + readFileSync(path, 'utf8'));
    assert.equal(readFileSync(path)[0], 0xef, 'the file starts with the BOM bytes');
    await withModel(dir, async (model) => {
      assert.equal(model.manifest.name, readJson<{ name: string }>(join(ROOT, 'models', 'ppo-sp500', 'manifest.json')).name);
    });
  });
});

describe('models written from weight arrays in TypeScript', () => {
  it('the fixture weights, written by onnx-proto, agree with torch and with the float64 reference pass', async () => {
    const m = sb3Manifest();
    m.input = { name: 'input', shape: ['batch', 4] };
    m.action.output = 'actions';
    const dir = modelDir(buildPolicyOnnx(sb3Ref.weights), m);
    await withModel(dir, async (model) => {
      assert.equal(model.runner.batchable, true);
      const [a, v, lp] = await rawRun(model, sb3Ref.input);
      sb3Ref.input.forEach((obs, i) => {
        const ref = forwardReference(sb3Ref.weights, obs.map(Math.fround));
        assert.equal(Number(a![i]), sb3Ref.actions[i], `row ${i} action vs torch`);
        assert.equal(Number(a![i]), ref.action, `row ${i} action vs reference`);
        near(Number(v![i]), sb3Ref.values[i]!, 1e-5, `row ${i} value vs torch`);
        near(Number(v![i]), ref.value, 1e-5, `row ${i} value vs reference`);
        near(Number(lp![i]), ref.logProb, 1e-5, `row ${i} log_prob vs reference`);
      });
    });
  });

  it('a logits head is decoded by argmax, the same actions as the int64 head', async () => {
    const w = randomWeights(7, 4, 16, 3);
    const m = sb3Manifest();
    m.input = { name: 'obs', shape: ['n', 4] };
    m.action.output = 'logits';
    const dir = modelDir(buildPolicyOnnx(w, { inputName: 'obs', batch: 'n', head: 'logits', outputNames: ['logits', 'value', 'unused'] }), m);
    await withModel(dir, async (model) => {
      assert.equal(model.runner.binding.decoding, 'logits');
      const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) - 3, Math.sin(i * i)]);
      const targets = new Float64Array(rows.length);
      await model.runner.act(Float32Array.from(rows.flat()), rows.length, targets);
      const byAction = [NaN, 1, 0];
      rows.forEach((r, i) => {
        const want = byAction[forwardReference(w, r.map(Math.fround)).action]!;
        assert.ok(Object.is(targets[i], want), `row ${i}: ${targets[i]} vs ${want}`);
      });
    });
  });
});

describe("the model's output beyond its target, through onnxruntime", () => {
  it("a logits head: each action's probability is the softmax of the model's logits, they sum to 1, and the largest is the action taken", async () => {
    const w = randomWeights(7, 4, 16, 3);
    const m = sb3Manifest();
    m.input = { name: 'input', shape: ['batch', 4] };
    m.action.output = 'actions';
    await withModel(modelDir(buildPolicyOnnx(w, { head: 'logits' }), m), async (model) => {
      assert.equal(model.runner.binding.decoding, 'logits');
      const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) - 3, Math.sin(i * i)]);
      const targets = new Float64Array(rows.length);
      const data = await model.runner.act(Float32Array.from(rows.flat()), rows.length, targets);
      const taken = new Set<number>();
      rows.forEach((r, i) => {
        const ref = forwardReference(w, r.map(Math.fround));
        const d = actionDetail(model.manifest.action, model.runner.binding.decoding, data, i);
        assert.ok(d?.probabilities, `row ${i}: probabilities`);
        const p = d.probabilities;
        assert.equal(p.length, 3);
        near(
          p.reduce((a, b) => a + b, 0),
          1,
          1e-12,
          `row ${i} sums to 1`,
        );
        const lse = Math.log(ref.logits.reduce((a, z) => a + Math.exp(z), 0));
        ref.logits.forEach((z, j) => near(p[j]!, Math.exp(z - lse), 1e-5, `row ${i} action ${j} vs the reference logits`));
        const best = p.indexOf(Math.max(...p));
        assert.equal(best, ref.action, `row ${i}: the largest probability is the action taken`);
        assert.ok(Object.is(targets[i], [NaN, 1, 0][best]), `row ${i}: its target`);
        near(Math.log(p[best]!), ref.logProb, 1e-5, `row ${i}: log of the chosen probability = the torch-style log_prob`);
        taken.add(best);
      });
      assert.ok(taken.size > 1, 'the rows take more than one action');
    });
  });

  it('a continuous model: the raw output before the clip; an int64 index head gives no distribution', async () => {
    const ref = readJson<Reference>(join(FIXTURES, 'torchContinuous', 'reference.json'));
    await withModel(join(FIXTURES, 'torchContinuous'), async (model) => {
      const targets = new Float64Array(ref.input.length);
      const data = await model.runner.act(Float32Array.from(ref.input.flat()), ref.input.length, targets);
      ref.actions.forEach((x, i) => {
        const raw = actionDetail(model.manifest.action, model.runner.binding.decoding, data, i)?.raw;
        near(raw!, x, 1e-5, `row ${i} raw vs torch`);
        near(targets[i]!, Math.max(-1, Math.min(1, raw!)), 1e-12, `row ${i}: the target is the raw value clipped`);
      });
    });
    const sb3 = await loadModel(join(FIXTURES, 'sb3Discrete'));
    try {
      const data = await sb3.runner.act(Float32Array.from(sb3Ref.input[0]!), 1, new Float64Array(1));
      assert.equal(actionDetail(sb3.manifest.action, sb3.runner.binding.decoding, data, 0), undefined);
    } finally {
      await sb3.dispose();
    }
  });

  it('an index head with action.logProbOutput: the action taken and its probability, exp(log_prob), as torch computed it', async () => {
    // The shipped model names SB3's log_prob output; the fixture's unnamed outputs are referred to by position.
    const shipped = await loadModel(join(ROOT, 'models', 'ppo-sp500'));
    try {
      assert.equal(shipped.runner.binding.logProbName, 'log_prob');
      const ref = readJson<Reference>(join(FIXTURES, 'ppoSp500Reference.json'));
      const out = await shipped.runner.act(Float32Array.from(ref.input.flat()), ref.input.length, new Float64Array(ref.input.length));
      ref.actions.forEach((a, i) => {
        const d = actionDetail(shipped.manifest.action, shipped.runner.binding.decoding, out, i)?.chosen;
        assert.equal(d?.index, a, `row ${i} action`);
        near(d!.p, Math.exp(ref.log_prob[i]!), 1e-4, `row ${i} probability`);
        assert.ok(d!.p > 0 && d!.p <= 1);
      });
    } finally {
      await shipped.dispose();
    }
    const m = sb3Manifest();
    m.action.logProbOutput = 2;
    await withModel(modelDir(readFileSync(join(FIXTURES, 'sb3Discrete', 'model.onnx')), m), async (model) => {
      const out = await model.runner.act(Float32Array.from(sb3Ref.input[0]!), 1, new Float64Array(1));
      near(actionDetail(model.manifest.action, model.runner.binding.decoding, out, 0)!.chosen!.p, Math.exp(sb3Ref.log_prob[0]!), 1e-5, 'fixture row 0');
    });
  });

  it('action.logProbOutput is refused when it names no float [batch] output, or beside a logits head', async () => {
    const bytes = readFileSync(join(FIXTURES, 'sb3Discrete', 'model.onnx'));
    const withRef = (ref: unknown) => {
      const m = sb3Manifest();
      m.action.logProbOutput = ref;
      return modelDir(bytes, m);
    };
    await refused(withRef('nope'), 'output-name', /has no output "nope" \(action\.logProbOutput\)/);
    await refused(withRef(0), 'output-type', /output "[^"]+" \(action\.logProbOutput\) is int64 \[1\]; a log-probability is float \[batch\]/);
    const w = randomWeights(7, 4, 16, 3);
    const lm = sb3Manifest();
    lm.input = { name: 'input', shape: ['batch', 4] };
    lm.action.output = 'actions';
    lm.action.logProbOutput = 'values';
    await refused(modelDir(buildPolicyOnnx(w, { head: 'logits' }), lm), 'output-type', /a logits output already gives every action's probability/);
  });

  it('softmax does not overflow on large logits', () => {
    const p = softmax([1000, 1000, 0]);
    assert.deepEqual(
      p.map((x) => Math.round(x * 1e6) / 1e6),
      [0.5, 0.5, 0],
    );
  });
});

describe('refusals name the file and the reason', () => {
  const good = buildPolicyOnnx(sb3Ref.weights);
  const goodManifest = (): Record<string, any> => {
    const m = sb3Manifest();
    m.input = { name: 'input', shape: ['batch', 4] };
    m.action.output = 'actions';
    return m;
  };

  it('missing folder or manifest', async () => {
    const dir = join(tmp, 'nothing-here');
    await refused(dir, 'missing-file', /manifest\.json: missing-file: the model manifest .* does not exist/, join(dir, 'manifest.json'));
  });

  it('missing model file', async () => {
    const dir = modelDir(good, goodManifest());
    rmSync(join(dir, 'model.onnx'));
    await refused(
      dir,
      'missing-file',
      /model\.onnx: missing-file: the model file named by manifest\.json \(model\.file\) does not exist/,
      join(dir, 'model.onnx'),
    );
  });

  it('manifest that is not JSON', async () => {
    const dir = modelDir(good, goodManifest());
    writeFileSync(join(dir, 'manifest.json'), '{ "schemaVersion": 1,');
    await refused(dir, 'manifest-invalid', /is not valid JSON/, join(dir, 'manifest.json'));
  });

  it('hash mismatch: a changed byte', async () => {
    const dir = modelDir(good, goodManifest());
    const bytes = readFileSync(join(dir, 'model.onnx'));
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(join(dir, 'model.onnx'), bytes);
    await refused(dir, 'hash-mismatch', new RegExp(`sha256 is ${sha256Hex(bytes)} but manifest\\.json says ${sha256Hex(good)}`), join(dir, 'model.onnx'));
  });

  it('corrupted model whose hash was updated: onnxruntime cannot parse it', async () => {
    await refused(modelDir(good.subarray(0, Math.floor(good.length / 2)), goodManifest()), 'onnx-invalid', /onnxruntime cannot load the model/);
    await refused(modelDir(new TextEncoder().encode('not a model at all'), goodManifest()), 'onnx-invalid', /model\.onnx: onnx-invalid/);
  });

  it('input name mismatch', async () => {
    const m = goodManifest();
    m.input.name = 'obs';
    await refused(modelDir(good, m), 'input-name', /has no input "obs" \(the manifest's input\.name\); its inputs: "input" float32\["batch",4\]/);
  });

  it('input shape mismatch: feature count, fixed vs symbolic batch, unsupported fixed batch', async () => {
    const five = buildPolicyOnnx(randomWeights(3, 5, 8, 3));
    await refused(modelDir(five, goodManifest()), 'input-shape', /input "input" has shape \["batch",5\] but the manifest says \["batch",4\]/);
    const m = goodManifest();
    m.input.shape = [1, 4];
    await refused(modelDir(good, m), 'input-shape', /has shape \["batch",4\] but the manifest says \[1,4\]/);
    const m2 = goodManifest();
    m2.input.shape = [2, 4];
    await refused(modelDir(buildPolicyOnnx(sb3Ref.weights, { batch: 2 }), m2), 'input-shape', /fixed batch size 2 is not supported/);
  });

  it('action output missing, out of range, wrong type or wrong shape', async () => {
    const m = goodManifest();
    m.action.output = 'action';
    await refused(modelDir(good, m), 'output-name', /has no output "action" \(action\.output\); its outputs: "actions" int64/);
    m.action.output = 3;
    await refused(modelDir(good, m), 'output-name', /has no output #3/);
    const m4 = goodManifest();
    m4.action = { type: 'discrete', output: 'actions', labels: ['a', 'b', 'c', 'd'], targets: [null, 1, 0, 0.5] };
    const logits = buildPolicyOnnx(sb3Ref.weights, { head: 'logits' });
    await refused(modelDir(logits, m4), 'output-shape', /logits must be \[batch, 4\] for 4 actions/);
    const mc = goodManifest();
    mc.action = { type: 'continuous', output: 'actions', low: 0, high: 1 };
    await refused(modelDir(good, mc), 'output-type', /action output "actions" is int64; a continuous action is float/);
  });

  it('NaN weights: the probe run finds non-finite outputs', async () => {
    const w = JSON.parse(JSON.stringify(sb3Ref.weights)) as { value: { bias: number[] } };
    w.value.bias[0] = NaN;
    await refused(modelDir(buildPolicyOnnx(w as unknown as MlpWeights), goodManifest()), 'non-finite', /probe run .*model output "values" holds NaN/);
  });

  it('unknown feature in the manifest', async () => {
    const m = goodManifest();
    m.features[3] = { id: 'sentiment' };
    await refused(modelDir(good, m), 'unknown-feature', /features\[3\]\.id "sentiment" is not a known feature/);
  });
});

describe('policy runtime checks', () => {
  it('a NaN observation yields a non-finite refusal, not a trade', async () => {
    await withModel(join(FIXTURES, 'torchContinuous'), async (model) => {
      await assert.rejects(
        model.runner.act(Float32Array.from([NaN, 0, 0]), 1, new Float64Array(1)),
        (e: unknown) => e instanceof PolicyRuntimeError && e.reason === 'non-finite',
      );
    });
  });

  it('an action index outside the labels is refused as bad-action', () => {
    const action = { type: 'discrete' as const, output: 0, labels: ['hold', 'buy'], targets: [null, 1] };
    assert.throws(
      () => decodeActions(action, 'index', BigInt64Array.from([1n, 2n]), 2, new Float64Array(2)),
      (e: unknown) => e instanceof PolicyRuntimeError && e.reason === 'bad-action' && /index 2 at row 1/.test(e.message),
    );
  });
});

describe('lazy onnxruntime', () => {
  it('policy modules, manifests and features load without onnxruntime; loadModel loads it', () => {
    const script = `
      const loaded = () => process.report.getReport().sharedObjects.some((s) => /onnxruntime/.test(s));
      const { readManifest, loadModel } = require('./src/extension/policy/modelLoader');
      require('./src/extension/backtest/backtester');
      require('./src/extension/cli/backtestCommand');
      readManifest('models/ppo-sp500');
      const before = loaded();
      loadModel('models/ppo-sp500').then((m) => { console.log(JSON.stringify({ before, after: loaded() })); return m.dispose(); });
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { before: false, after: true });
  });
});
