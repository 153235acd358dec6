// Short calls and what covers them: shares (a contract's multiplier each), or a long call on
// the same stock expiring no earlier; the preview's note when an order uncovers more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncoveredCallWarning, uncoveredCalls, type Holding } from '../../../src/extension/trading/callCoverage';

const stock = (quantity: number): Holding => ({ secType: 'STK', quantity, label: 'MSFT' });
const call = (strike: number, expiry: string, quantity: number, right = 'C'): Holding => ({
  secType: 'OPT',
  right,
  expiry,
  quantity,
  label: `MSFT ${expiry} ${strike}${right}`,
});

test('shares cover a contract per 100; a long call covers a short one expiring no later; puts are not calls', () => {
  assert.deepEqual(uncoveredCalls([stock(250), call(430, '20261218', -3)]), [{ label: 'MSFT 20261218 430C', contracts: 1 }]);
  assert.deepEqual(uncoveredCalls([stock(300), call(430, '20261218', -3)]), []);
  assert.deepEqual(uncoveredCalls([call(425, '20261218', 2), call(430, '20261218', -2)]), [], 'a vertical');
  assert.deepEqual(
    uncoveredCalls([call(425, '20261120', 2), call(430, '20261218', -2)]),
    [{ label: 'MSFT 20261218 430C', contracts: 2 }],
    'the long expires first',
  );
  assert.deepEqual(uncoveredCalls([call(425, '20270115', 1), call(430, '20261218', -1)]), [], 'a diagonal: the long outlives the short');
  assert.deepEqual(
    uncoveredCalls([call(425, '20261218', 5, 'P'), call(430, '20261218', -1)]),
    [{ label: 'MSFT 20261218 430C', contracts: 1 }],
    'a long put covers no call',
  );
  assert.deepEqual(uncoveredCalls([stock(-100), call(430, '20261218', -1)]), [{ label: 'MSFT 20261218 430C', contracts: 1 }], 'short shares cover nothing');
  assert.deepEqual(uncoveredCalls([stock(100), call(430, '20261218', -1), { ...call(430, '20261218', 0), multiplier: 10 }]), []);
});

test('the latest-expiring shorts take the long calls that can cover them; the rest fall to the shares', () => {
  // The December long can cover only the November short... or both; the January short needs the January long or shares.
  const h = [call(400, '20270115', 1), call(420, '20261218', 1), call(430, '20270115', -1), call(440, '20261120', -1), stock(100)];
  assert.deepEqual(uncoveredCalls(h), []);
  assert.deepEqual(uncoveredCalls([call(420, '20261218', 1), call(430, '20270115', -1), call(440, '20261120', -1)]), [
    { label: 'MSFT 20270115 430C', contracts: 1 },
  ]);
});

test('the note: only when the order leaves more short calls uncovered than before', () => {
  const covered = [stock(100), call(430, '20261218', -1)];
  assert.equal(
    uncoveredCallWarning('MSFT', covered, [stock(0), call(430, '20261218', -1)]),
    'after this order 1 short call contract on MSFT is uncovered, with no limit to the loss (MSFT 20261218 430C x1)',
  );
  assert.equal(uncoveredCallWarning('MSFT', covered, [stock(50), call(430, '20261218', -1)])?.startsWith('after this order 1 short'), true, 'half the shares');
  assert.equal(uncoveredCallWarning('MSFT', covered, [stock(200), call(430, '20261218', -1)]), undefined, 'buying more shares');
  const naked = [call(430, '20261218', -2)];
  assert.equal(uncoveredCallWarning('MSFT', naked, [call(430, '20261218', -1)]), undefined, 'buying back part of a naked call');
  assert.equal(
    uncoveredCallWarning('MSFT', naked, [call(430, '20261218', -3)]),
    'after this order 3 short call contracts on MSFT are uncovered, with no limit to the loss (MSFT 20261218 430C x3); 2 before it',
  );
  assert.equal(uncoveredCallWarning('MSFT', [], [call(425, '20261218', 1), call(430, '20261218', -1)]), undefined, 'a vertical opened at once');
});
