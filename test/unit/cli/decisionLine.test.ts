// The CLI's decision line says what the model gave beyond its action, as the Decisions tab
// does: the taken action's probability (the others beside it when the model gives them all),
// or a continuous model's raw value before the clip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decisionLine, modelDetailText } from '../../../src/extension/cli/sessionCommand';
import type { DecisionRecord } from '../../../src/extension/session/decision';

const base: DecisionRecord = {
  cycle: 3,
  symbol: 'NVDA',
  marketTime: Date.UTC(2024, 2, 13, 14, 3),
  bars: 100,
  close: 127.54,
  position: 0,
  orderQuantity: 0,
  outcome: 'no-order',
  reason: 'model says sell (target 0): already at 0 shares',
};

describe('CLI decision line: the model output', () => {
  it('an index head with a log-probability output: the taken action and its probability', () => {
    const d = { ...base, output: { target: 0, label: 'sell', probabilities: [{ label: 'sell', p: 0.6234, chosen: true as const }] } };
    assert.equal(modelDetailText(d.output), 'p 0.62');
    assert.match(decisionLine(d), /model sell p 0\.62 \(target 0\)/);
  });

  it('a logits head: the taken one first, every other action in brackets', () => {
    const output = {
      target: 1,
      label: 'buy',
      probabilities: [
        { label: 'hold', p: 0.31 },
        { label: 'buy', p: 0.57, chosen: true as const },
        { label: 'sell', p: 0.12 },
      ],
    };
    assert.equal(modelDetailText(output), 'p 0.57 [hold 0.31 sell 0.12]');
    assert.match(decisionLine({ ...base, output }), /model buy p 0\.57 \[hold 0\.31 sell 0\.12\] \(target 1\)/);
  });

  it('a continuous model: its raw value; a model with neither: the action alone', () => {
    assert.match(decisionLine({ ...base, output: { target: 1, raw: 1.734219 } }), /model raw 1\.734 \(target 1\)/);
    assert.match(decisionLine({ ...base, output: { target: null, label: 'hold' } }), /model hold \(target keep\) {2}pos 0/);
  });
});
