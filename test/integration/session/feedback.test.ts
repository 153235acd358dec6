// Partial fills and rejections feed back into the next decisions, against the simulator's
// faults: a partly filled order is followed to its end and the next decision starts from
// the position it left; rejected orders are journaled with TWS's reason, and after three
// in a row the symbol is suspended for the session.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { flatReplay, linesOf, runSession, simPositions, tempDir } from '../../helpers/sessionFixture';

let replayCsv: string;
before(() => {
  replayCsv = flatReplay(tempDir('session-replay-'));
});

describe('fills and rejections feed back', () => {
  test('partial fills: one order, every execution journaled, the next decisions start from the filled position', async () => {
    const r = await runSession({
      sim: { speed: 120, replayCsv, faultSpecs: ['partial-fills:4'] },
      model: 'always-buy',
      config: { symbols: 'NVDA', cycles: '3', capital: '10000', clientId: '71' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.deepEqual(
      r.placed.map((o) => [o.action, o.totalQuantity]),
      [['BUY', 73]],
      'no second order while or after it filled',
    );
    const fills = linesOf(r.journal, 'fill');
    assert.deepEqual(
      fills.map((f) => f.shares),
      [19, 19, 19, 16],
    );
    const states = linesOf(r.journal, 'order-status').map((s) => `${s.state}:${s.filled}`);
    assert.ok(states.includes('partiallyFilled:19'), states.join(' '));
    assert.equal(states[states.length - 1], 'filled:73');
    const later = r.decisions.filter((d) => d.cycle > 1);
    for (const d of later) assert.ok(d.outcome === 'no-order' || d.outcome === 'skipped', `${d.cycle}: ${d.reason}`);
    assert.ok(later.some((d) => d.outcome === 'no-order' && d.position === 73));
    assert.deepEqual(simPositions(r.fx), { NVDA: 73 });
  });

  test('rejections: journaled with the reason, retried next cycle, and after three the symbol is suspended', async () => {
    const r = await runSession({
      sim: { speed: 120, replayCsv, faultSpecs: ['reject-orders:no trading permission'] },
      model: 'always-buy',
      config: { symbols: 'NVDA', cycles: '5', capital: '10000', clientId: '72' },
    });
    // Its only symbol suspended, the session has nothing left to trade: it stops as faulted
    // (never "finished"), naming the last rejection and the fix.
    assert.equal(r.result.status, 'faulted', r.result.reason);
    assert.equal(r.result.exitCode, 6);
    assert.match(r.result.reason, /rejected the last 3 orders of every symbol .*no trading permission.*Fix:/);
    assert.equal(r.placed.length, 3, 'three attempts reached the simulator, none after');
    const rejected = linesOf(r.journal, 'order-status').filter((s) => s.state === 'rejected');
    assert.equal(rejected.length, 3);
    for (const s of rejected) assert.match(s.note, /no trading permission/);
    assert.deepEqual(
      r.decisions.filter((d) => d.outcome === 'order').map((d) => d.cycle),
      [1, 2, 3],
      'retried each cycle until the third rejection',
    );
    assert.equal(r.result.summary!.orders.rejected, 3);
    assert.equal(linesOf(r.journal, 'fill').length, 0);
  });
});
