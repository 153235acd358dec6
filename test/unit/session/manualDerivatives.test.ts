// The chain the option ticket picks from: TWS answers reqSecDefOptParams with a row per
// exchange and trading class; the ticket takes the SMART row of the class named like the
// stock (an adjusted class after a split has other deliverables), else what there is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainFacts } from '../../../src/extension/session/manualDerivatives';
import type { OptionChain } from '../../../src/extension/broker/types';

const row = (exchange: string, tradingClass: string, strikes: number[], multiplier = 100): OptionChain => ({
  exchange,
  underlyingConId: 1,
  tradingClass,
  multiplier,
  expirations: ['20261218'],
  strikes,
});

test('the SMART row of the standard trading class, whatever the order of the rows', () => {
  const rows = [row('CBOE', 'NVDA', [100]), row('SMART', '2NVDA', [33.33], 10), row('SMART', 'NVDA', [100, 105])];
  assert.deepEqual(chainFacts(rows, 'NVDA'), { expirations: ['20261218'], strikes: [100, 105], multiplier: 100, tradingClass: 'NVDA' });
});

test('no standard class: the first SMART row; no SMART row: every row together', () => {
  assert.equal(chainFacts([row('SMART', 'SPXW', [5000]), row('SMART', 'SPX', [5000, 5100])], 'XSP').tradingClass, 'SPXW');
  assert.deepEqual(chainFacts([row('CBOE', 'X', [10, 15]), row('AMEX', 'X', [12.5, 15])], 'X'), {
    expirations: ['20261218'],
    strikes: [10, 12.5, 15],
    multiplier: 100,
  });
});
