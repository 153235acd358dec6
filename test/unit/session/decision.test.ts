// One symbol's decision through the real pipeline (manifest, features, onnxruntime) with
// small test policies whose rule is known, and the real risk engine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '../../../src/extension/broker/types';
import { loadModel, type LoadedModel } from '../../../src/extension/policy/modelLoader';
import { PolicyStep } from '../../../src/extension/policy/policyStep';
import { PolicyRuntimeError } from '../../../src/extension/policy/errors';
import {
  actionLabel,
  concludeDecision,
  decide,
  exitDecision,
  observeDecision,
  policyErrorDecision,
  seriesFromBars,
  withModelDetail,
  type DecisionInput,
} from '../../../src/extension/session/decision';
import { flattenVerdict } from '../../../src/extension/session/killSwitch';
import { RiskEngine, type AccountView } from '../../../src/extension/trading/riskEngine';
import type { RiskLimits } from '../../../src/extension/trading/riskLimits';
import { assertProbabilities, writeTestModel } from '../../helpers/testModels';

const T0 = Date.UTC(2024, 2, 13, 14, 0); // Wed 10:00 New York
const bars = (n: number, price = 100): Bar[] =>
  Array.from({ length: n }, (_, i) => ({ time: T0 + i * 60_000, open: price, high: price + i * 0.01, low: price, close: price + i * 0.01, volume: 100 }));

let dir: string;
let toggle: LoadedModel;
let keep: LoadedModel;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'decision-'));
  toggle = await loadModel(writeTestModel(dir, 'toggle'));
  keep = await loadModel(writeTestModel(dir, 'always-sell'));
});
after(async () => {
  await toggle.dispose();
  await keep.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function account(positions: Record<string, number> = {}, connection: AccountView['connection'] = 'connected'): AccountView {
  return { connection, equity: 10_000, positions: new Map(Object.entries(positions).map(([s, q]) => [s, { quantity: q, avgCost: 100, marketPrice: 100 }])) };
}

function input(model: LoadedModel, over: Partial<DecisionInput> & { limits?: RiskLimits } = {}): DecisionInput {
  const { limits, ...rest } = over;
  const b = rest.bars ?? bars(5);
  return {
    cycle: 3,
    symbol: 'SPY',
    marketTime: b[b.length - 1]!.time + 60_000,
    barSeconds: 60,
    bars: b,
    fresh: true,
    position: 0,
    avgCost: 0,
    equity: 10_000,
    sizing: { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0, allowShort: false },
    model,
    step: new PolicyStep(model),
    risk: new RiskEngine(limits ?? {}, () => b[b.length - 1]!.time + 60_000),
    account: account(),
    orderRef: 'ibkrai:s1:3:SPY',
    shadow: false,
    ...rest,
  };
}

describe('decision records', () => {
  it('explains an order: features by label, the observation, the model output, sizing, the verdict', async () => {
    const d = await decide(input(toggle));
    assert.equal(d.outcome, 'order');
    assert.equal(d.symbol, 'SPY');
    assert.equal(d.bars, 5);
    assert.equal(d.close, 100.04);
    assert.deepEqual(Object.keys(d.features!), ['logReturn(lag=1)', 'positionSide']);
    assert.ok(Math.abs(d.features!['logReturn(lag=1)']! - Math.log(100.04 / 100.03)) < 1e-8);
    assert.equal(d.features!.positionSide, 0);
    assert.equal(d.observation!.length, 2);
    assert.deepEqual(d.output, { target: 1, label: 'buy' });
    assert.equal(d.targetQuantity, 99, 'floor(10000 / 100.04)');
    assert.equal(d.orderQuantity, 99);
    assert.deepEqual(d.proposal, { kind: 'policy', action: 'BUY', quantity: 99, price: 100.04, orderRef: 'ibkrai:s1:3:SPY' });
    assert.deepEqual(d.verdict, { allowed: true, rule: null, reason: 'passed all risk checks' });
    assert.equal(d.reason, 'buy (target 1): BUY 99 passes the risk checks');
    assert.equal(JSON.parse(JSON.stringify(d)).proposal.quantity, 99, 'a plain JSON record (journaled as is)');
  });

  it('the position feeds the policy: long, the toggle policy sells it all', async () => {
    const d = await decide(input(toggle, { position: 99, avgCost: 100, account: account({ SPY: 99 }) }));
    assert.equal(d.features!.positionSide, 1);
    assert.deepEqual(d.output, { target: 0, label: 'sell' });
    assert.deepEqual([d.proposal!.action, d.proposal!.quantity, d.outcome], ['SELL', 99, 'order']);
  });

  it('no order when the target is already held', async () => {
    const d = await decide(input(keep));
    assert.equal(d.outcome, 'no-order');
    assert.equal(d.proposal, undefined);
    assert.equal(d.reason, 'model says sell (target 0): already at 0 shares');
  });

  it('a refusal names the rule and nothing is proposed for sending', async () => {
    const d = await decide(input(toggle, { limits: { maxOrderQuantity: 50 } }));
    assert.equal(d.outcome, 'blocked');
    assert.equal(d.verdict!.rule, 'maxOrderQuantity');
    assert.match(d.reason, /^buy \(target 1\): BUY 99 refused by maxOrderQuantity: order for 99 shares exceeds the maximum of 50 per order$/);
    const off = await decide(input(toggle, { account: account({}, 'reconciling') }));
    assert.equal(off.verdict!.rule, 'connection');
  });

  it('stale bars, an order still working, warming up, and shadow mode', async () => {
    const stale = await decide(input(toggle, { fresh: false }));
    assert.equal(stale.outcome, 'blocked');
    assert.equal(stale.verdict!.rule, 'staleData');
    const working = await decide(input(toggle, { hold: { rule: 'orderWorking', reason: 'an order for SPY is still working' } }));
    assert.deepEqual([working.outcome, working.reason], ['skipped', 'an order for SPY is still working']);
    const warm = await decide(input(toggle, { bars: bars(1) }));
    assert.deepEqual([warm.outcome, warm.reason], ['skipped', "warming up: 1 of the 2 bars the model's features need"]);
    const shadow = await decide(input(toggle, { shadow: true }));
    assert.equal(shadow.outcome, 'shadow');
    assert.equal(shadow.verdict!.allowed, true);
    assert.match(shadow.reason, /shadow mode sends nothing/);
  });

  it('stop-loss exits and flattening go through the same checks; flattening is exempt from size and rate limits', () => {
    const risk = new RiskEngine({ maxOrderQuantity: 10, maxOrdersPerMinute: 1 }, () => T0 + 60_000);
    const base = {
      cycle: 4,
      symbol: 'SPY',
      marketTime: T0 + 60_000,
      bars: bars(3),
      fresh: true,
      position: 99,
      risk,
      account: account({ SPY: 99 }),
      shadow: false,
      orderRef: 'ibkrai:s1:4:SPY:stop',
    };
    const stop = exitDecision({ ...base, kind: 'stop', orderQuantity: -99, why: 'stop-loss' });
    assert.deepEqual([stop.outcome, stop.verdict!.rule], ['blocked', 'maxOrderQuantity']);
    const flat = exitDecision({
      ...base,
      kind: 'flatten',
      orderQuantity: -99,
      why: 'flatten SPY',
      orderRef: 'ibkrai:s1:4:SPY:flatten',
      adjust: flattenVerdict,
    });
    assert.equal(flat.outcome, 'order');
    assert.deepEqual([flat.proposal!.action, flat.proposal!.quantity, flat.targetQuantity], ['SELL', 99, 0]);
    assert.match(flat.verdict!.reason, /flattening is exempt from maxOrderQuantity/);
    const closed = exitDecision({
      ...base,
      account: account({ SPY: 99 }, 'disconnected'),
      kind: 'flatten',
      orderQuantity: -99,
      why: 'flatten',
      adjust: flattenVerdict,
    });
    assert.equal(closed.verdict!.rule, 'connection', 'never while disconnected');
  });

  it('bars become the columns the features read; labels map back from targets', () => {
    const s = seriesFromBars('SPY', bars(3), 60);
    assert.equal(s.length, 3);
    assert.deepEqual(Array.from(s.close), [100, 100.01, 100.02]);
    assert.equal(s.closeMinute[0], 10 * 60 + 1, 'a 10:00 bar closes at 10:01 New York');
    assert.ok(Number.isNaN(s.logReturns[0]!));
    assert.equal(actionLabel(toggle, null), 'hold');
    assert.equal(actionLabel(toggle, 1), 'buy');
    assert.equal(actionLabel(toggle, 0.5), undefined);
  });

  it('a cycle batch: every symbol observed, one policy run, each decision the same as made alone', async () => {
    const step = new PolicyStep(toggle);
    const inputs = [
      input(toggle, { symbol: 'SPY', step }),
      input(toggle, { symbol: 'QQQ', step, position: 99, avgCost: 100, account: account({ QQQ: 99 }), orderRef: 'ibkrai:s1:3:QQQ' }),
      input(toggle, { symbol: 'IWM', step, bars: bars(1) }),
      input(toggle, { symbol: 'DIA', step, bars: bars(5, 50), orderRef: 'ibkrai:s1:3:DIA' }),
    ];
    step.clear();
    const observed = inputs.map((i) => observeDecision(i));
    assert.equal(step.rows, 3, 'the warming-up symbol takes no row');
    const targets = await step.runEach();
    assert.equal(targets.length, 3);
    const batched = inputs.map((i, k) => {
      const o = observed[k]!;
      return 'row' in o ? concludeDecision(i, o, targets[o.row] as number) : o;
    });
    const alone = [];
    for (const i of inputs) alone.push(await decide({ ...i, step: new PolicyStep(toggle) }));
    assert.deepEqual(batched, alone);
    assert.deepEqual(
      batched.map((d) => [d.symbol, d.outcome, d.proposal?.action]),
      [
        ['SPY', 'order', 'BUY'],
        ['QQQ', 'order', 'SELL'],
        ['IWM', 'skipped', undefined],
        ['DIA', 'order', 'BUY'],
      ],
    );
  });

  it("the model's action probabilities join the record after the fact, from the step's last run; an index head adds nothing", async () => {
    const logits = await loadModel(writeTestModel(dir, 'toggle', '1 min', 'logits'));
    try {
      const step = new PolicyStep(logits);
      const inputs = [
        input(logits, { symbol: 'SPY', step }),
        input(logits, { symbol: 'QQQ', step, position: 99, avgCost: 100, account: account({ QQQ: 99 }) }),
      ];
      step.clear();
      const observed = inputs.map((i) => observeDecision(i) as { row: number; barTime: number; price: number });
      const targets = await step.run();
      const records = inputs.map((i, k) => concludeDecision(i, observed[k]!, targets[observed[k]!.row]!));
      assert.equal(records[0]!.output?.probabilities, undefined, 'concluding computes no probabilities (the orders go first)');
      const explained = records.map((d, k) => withModelDetail(d, step, observed[k]!.row));
      assert.deepEqual(
        explained.map((d) => [d.output?.label, d.proposal?.action]),
        [
          ['buy', 'BUY'],
          ['sell', 'SELL'],
        ],
      );
      for (const d of explained) {
        assertProbabilities(d.output!.probabilities!, String(d.output!.label));
        assert.deepEqual({ ...d, output: { target: d.output!.target, label: d.output!.label } }, records[explained.indexOf(d)], 'nothing else changes');
      }
      // toggle's logits when flat: hold -5, buy 1, sell 0 (tanh(tanh(0)) = 0 in the first unit).
      const z = [-5, 1, 0].map(Math.exp);
      const sum = z.reduce((a, b) => a + b, 0);
      assert.deepEqual(
        explained[0]!.output!.probabilities!.map((p) => p.p),
        z.map((x) => Math.round((x / sum) * 1e6) / 1e6),
      );
      const failed = policyErrorDecision(inputs[0]!, new Error('test'));
      assert.equal(withModelDetail(failed, step, 0), failed, 'a record without an output stays as it is');
    } finally {
      await logits.dispose();
    }
    const step = new PolicyStep(toggle);
    const i = input(toggle, { step });
    step.clear();
    const o = observeDecision(i) as { row: number; barTime: number; price: number };
    const d = concludeDecision(i, o, (await step.run())[0]!);
    assert.equal(withModelDetail(d, step, o.row), d, 'an int64 index head gives no distribution: the record as it was');
    // The same head with its log_prob named in the manifest: the action taken and its probability.
    const named = await loadModel(writeTestModel(dir, 'toggle', '1 min', 'index-logprob'));
    try {
      const s2 = new PolicyStep(named);
      const i2 = input(named, { step: s2 });
      s2.clear();
      const o2 = observeDecision(i2) as { row: number; barTime: number; price: number };
      const d2 = withModelDetail(concludeDecision(i2, o2, (await s2.run())[0]!), s2, o2.row);
      const z = [-5, 1, 0].map(Math.exp);
      assert.deepEqual(d2.output, {
        target: 1,
        label: 'buy',
        probabilities: [{ label: 'buy', p: Math.round((z[1]! / (z[0]! + z[1]! + z[2]!)) * 1e6) / 1e6, chosen: true }],
      });
    } finally {
      await named.dispose();
    }
  });

  it('a batch whose run fails: each row runs alone, so one bad row fails only its own decision', async () => {
    // fails-at-runtime overflows to Infinity whenever logReturn != positionSide: on moving
    // prices, not on flat ones.
    const failing = await loadModel(writeTestModel(dir, 'fails-at-runtime'));
    try {
      const flat: Bar[] = bars(5).map((b) => ({ ...b, high: 100, close: 100 }));
      const step = new PolicyStep(failing);
      step.clear();
      observeDecision(input(failing, { step, bars: flat }));
      observeDecision(input(failing, { step, symbol: 'QQQ' }));
      await assert.rejects(step.run(), PolicyRuntimeError, 'the batch as a whole fails');
      const results = await step.runEach();
      assert.equal(results.length, 2);
      assert.ok(typeof results[0] === 'number' && Number.isNaN(results[0]), 'the flat row: hold');
      assert.ok(results[1] instanceof PolicyRuntimeError, 'the moving row failed alone');
    } finally {
      await failing.dispose();
    }
  });
});
