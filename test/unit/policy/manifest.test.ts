import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelLoadError } from '../../../src/extension/policy/errors';
import { barSizeSeconds, parseManifest, reachableSides } from '../../../src/extension/policy/manifest';
import type { ModelLoadReason } from '../../../src/extension/policy/errors';

const FILE = '/models/x/manifest.json';

function valid(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    name: 'x',
    model: { file: 'policy.onnx', sha256: 'a'.repeat(64) },
    input: { name: 'input', shape: ['batch', 3] },
    features: [{ id: 'logReturn', params: { lag: 1 } }, { id: 'rsi', params: { period: 14 } }, { id: 'positionSide' }],
    normalization: { type: 'standard', mean: [0, 50, 0], std: [0.01, 10, 1], clip: 5 },
    bars: { barSize: '1 day', lookback: 15, fields: ['close'] },
    action: { type: 'discrete', output: 'actions', labels: ['hold', 'buy', 'sell'], targets: [null, 1, 0] },
    sizing: { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0.05, allowShort: false },
  };
}

function refuses(mutate: (m: Record<string, any>) => void, reason: ModelLoadReason, message: RegExp): void {
  const m = valid() as Record<string, any>;
  mutate(m);
  assert.throws(
    () => parseManifest(m, FILE),
    (e: unknown) => {
      assert.ok(e instanceof ModelLoadError, String(e));
      assert.equal(e.reason, reason, e.message);
      assert.equal(e.file, FILE);
      assert.ok(e.message.startsWith(`${FILE}: ${reason}: `), e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe('manifest validation', () => {
  it('accepts a valid manifest and fills defaults', () => {
    const m = parseManifest(valid(), FILE);
    assert.equal(m.features.length, 3);
    assert.deepEqual(m.features[2]!.params, {});
    assert.equal(m.bars.lookback, 15);
    assert.deepEqual(m.action, { type: 'discrete', output: 'actions', labels: ['hold', 'buy', 'sell'], targets: [null, 1, 0] });
  });

  it('unknown feature: names it and lists the known ones', () => {
    refuses((m) => (m.features[1] = { id: 'macd' }), 'unknown-feature', /features\[1\]\.id "macd" is not a known feature \(known: logReturn, .*positionSide/);
  });

  it('feature parameters: missing, unknown, out of range, not whole', () => {
    refuses((m) => (m.features[0] = { id: 'logReturn' }), 'manifest-invalid', /features\[0\]\.params\.lag is required/);
    refuses((m) => (m.features[0].params.window = 3), 'manifest-invalid', /features\[0\]\.params\.window is not a parameter of logReturn \(valid: lag\)/);
    refuses((m) => (m.features[0].params.lag = 0), 'manifest-invalid', /lag must be in \[1, 5000\]/);
    refuses((m) => (m.features[0].params.lag = 1.5), 'manifest-invalid', /lag must be a whole number/);
  });

  it('input shape must match the feature count and be [batch, n]', () => {
    refuses((m) => (m.input.shape = ['batch', 4]), 'input-shape', /has 4 features but the manifest lists 3/);
    refuses((m) => (m.input.shape = [3]), 'manifest-invalid', /input\.shape must be \[batch, features\]/);
    refuses((m) => (m.input.dtype = 'float64'), 'manifest-invalid', /input\.dtype must be float32/);
  });

  it('normalisation arrays: one positive std per feature', () => {
    refuses((m) => (m.normalization.mean = [0, 1]), 'manifest-invalid', /normalization\.mean must have 3 entries \(one per feature\), has 2/);
    refuses((m) => (m.normalization.std[1] = 0), 'manifest-invalid', /normalization\.std\[1\] must be > 0/);
    refuses((m) => (m.normalization.type = 'minmax'), 'manifest-invalid', /normalization\.type must be "none", "standard" or "scale"/);
    refuses((m) => (m.normalization.mean[0] = 'x'), 'manifest-invalid', /normalization\.mean\[0\] must be a finite number/);
  });

  it('bars: bar size, lookback long enough, fields the features read', () => {
    refuses((m) => (m.bars.barSize = 'daily'), 'manifest-invalid', /bars\.barSize "daily" is not a bar size/);
    refuses((m) => (m.bars.lookback = 10), 'manifest-invalid', /bars\.lookback is 10 but the features need 15 bars/);
    refuses(
      (m) => m.features.push({ id: 'closeLocation' }) && (m.input.shape[1] = 4) && m.normalization.mean.push(0) && m.normalization.std.push(1),
      'manifest-invalid',
      /bars\.fields lacks "high"/,
    );
    refuses((m) => (m.bars.testFrom = '2015/01/01'), 'manifest-invalid', /bars\.testFrom must be YYYY-MM-DD/);
  });

  it('action: type, labels and targets', () => {
    refuses((m) => (m.action.type = 'multi'), 'manifest-invalid', /action\.type must be "discrete" or "continuous"/);
    refuses((m) => (m.action.targets = [null, 1]), 'manifest-invalid', /action\.targets must have one entry per label \(3\), has 2/);
    refuses((m) => (m.action.targets = [null, 2, 0]), 'manifest-invalid', /action\.targets\[1\] must be in \[-1, 1\]/);
    refuses((m) => (m.action = { type: 'continuous', output: 0, low: 0.5, high: 0.5 }), 'manifest-invalid', /low 0\.5 must be below high 0\.5/);
    refuses((m) => (m.action.targets = [null, 1, -1]), 'manifest-invalid', /sizing\.allowShort is false but the action has negative targets/);
    refuses((m) => (m.action.logProbOutput = true), 'manifest-invalid', /action\.logProbOutput/);
    refuses((m) => (m.action = { type: 'continuous', output: 0, logProbOutput: 2 }), 'manifest-invalid', /action\.logProbOutput is not a known field/);
    const withLogProb = valid() as Record<string, any>;
    withLogProb.action.logProbOutput = 'log_prob';
    assert.equal((parseManifest(withLogProb, FILE).action as { logProbOutput?: unknown }).logProbOutput, 'log_prob');
  });

  it('model: sha256 form and a file inside the folder', () => {
    refuses((m) => (m.model.sha256 = 'abc'), 'manifest-invalid', /model\.sha256 must be 64 hex digits/);
    refuses((m) => (m.model.file = '../other.onnx'), 'manifest-invalid', /model\.file must be a file name inside the model folder/);
    refuses((m) => delete m.model, 'manifest-invalid', /model must be an object/);
  });

  it('schema version and unknown fields', () => {
    refuses((m) => (m.schemaVersion = 2), 'manifest-invalid', /schemaVersion must be 1, got 2/);
    refuses((m) => (m.extra = true), 'manifest-invalid', /manifest\.extra is not a known field/);
    refuses((m) => (m.sizing.maxPositionFraction = -1), 'manifest-invalid', /sizing\.maxPositionFraction must be in \[0, 10\]/);
  });

  it('bar sizes in seconds', () => {
    assert.equal(barSizeSeconds('1 day'), 86_400);
    assert.equal(barSizeSeconds('5 mins'), 300);
    assert.equal(barSizeSeconds('1 hour'), 3600);
    assert.equal(barSizeSeconds('30 secs'), 30);
    assert.equal(barSizeSeconds('daily'), undefined);
  });

  it('reachable sides follow the action semantics', () => {
    assert.deepEqual(reachableSides({ type: 'discrete', output: 0, labels: ['h', 'b', 's'], targets: [null, 1, 0] }), [0, 1]);
    assert.deepEqual(reachableSides({ type: 'discrete', output: 0, labels: ['s', 'b'], targets: [-0.5, 1] }), [-1, 0, 1]);
    assert.deepEqual(reachableSides({ type: 'continuous', output: 0, low: 0, high: 1 }), [0, 1]);
  });
});
