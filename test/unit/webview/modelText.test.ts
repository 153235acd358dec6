// The Decisions tab's model cell: the action, then each action's probability with the one
// taken marked (a logits model), or a continuous model's raw output; and the guard that
// lets such a row into the panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelText, probabilityText } from '../../../src/webview/modelText';
import { isDecisionRow } from '../../../src/webview/validate';
import type { DecisionRow } from '../../../src/webview/protocol';

const ps = [
  { label: 'sell', p: 0.1234 },
  { label: 'hold', p: 0.3066 },
  { label: 'buy', p: 0.57, chosen: true },
];

test("probabilities in the manifest's order, two decimals, the action taken marked", () => {
  assert.equal(probabilityText(ps), 'sell 0.12 · hold 0.31 · ▸buy 0.57');
  assert.equal(modelText({ action: 'buy: 100% long (261 sh)', probabilities: ps }), 'buy: 100% long (261 sh) — sell 0.12 · hold 0.31 · ▸buy 0.57');
});

test("an index head's log_prob: the action taken alone, marked", () => {
  assert.equal(
    modelText({ action: 'buy: 100% long (96 sh)', probabilities: [{ label: 'buy', p: 0.8731, chosen: true }] }),
    'buy: 100% long (96 sh) — ▸buy 0.87',
  );
});

test("a continuous model's raw output before the clip; a model that gives neither: the action alone", () => {
  assert.equal(modelText({ action: '100% long (261 sh)', raw: 1.37125 }), '100% long (261 sh) — raw 1.3713');
  assert.equal(modelText({ action: '30% short (−78 sh)', raw: -0.3 }), '30% short (−78 sh) — raw \u22120.3000');
  assert.equal(modelText({ action: 'hold: keep the position' }), 'hold: keep the position');
  assert.equal(modelText({ action: 'hold: keep the position', probabilities: [] }), 'hold: keep the position');
});

test('a decision row with probabilities passes the guard; a malformed one is dropped', () => {
  const row: DecisionRow = {
    seq: 1,
    cycle: 2,
    symbol: 'NVDA',
    marketTime: 0,
    features: '',
    action: 'buy',
    probabilities: ps,
    verdict: 'ok',
    blocked: false,
    order: 'BUY 1 → sending',
    outcome: 'order',
    reason: '',
  };
  assert.equal(isDecisionRow(row), true);
  assert.equal(isDecisionRow({ ...row, probabilities: undefined, raw: 0.5 }), true);
  assert.equal(isDecisionRow({ ...row, probabilities: [{ label: 'buy', p: '0.5' }] }), false);
  assert.equal(isDecisionRow({ ...row, probabilities: [{ label: 'buy', p: 0.5, chosen: 'yes' }] }), false);
  assert.equal(isDecisionRow({ ...row, probabilities: { buy: 0.5 } }), false);
  assert.equal(isDecisionRow({ ...row, raw: 'x' }), false);
});
