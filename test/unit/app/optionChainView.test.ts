// The option chain as the order ticket lists it: expiries with their days to go, strikes with
// their bid and ask (the one nearest the stock marked), and quotes only for the strikes near it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expiryItems, QUOTED_STRIKES, strikeItems, strikeQuotes, type ChainBroker } from '../../../src/extension/app/optionChainView';
import type { BrokerContract, ContractDetails } from '../../../src/extension/broker/types';

test('expiries say how many days they have to go', () => {
  const today = Date.UTC(2026, 11, 4, 15);
  assert.deepEqual(expiryItems(['20261204', '20261205', '20261218'], today), [
    { label: '20261204', description: 'expires today' },
    { label: '20261205', description: 'in 1 day' },
    { label: '20261218', description: 'in 14 days' },
  ]);
});

test('strikes show their quote, or that there is none; the one nearest the stock is marked', () => {
  assert.deepEqual(strikeItems([{ strike: 145 }, { strike: 150, bid: 5.1, ask: 5.2 }, { strike: 155, ask: 3 }], 151.2), [
    { label: '145', description: 'no quote', strike: 145 },
    { label: '150', description: 'bid 5.10 / ask 5.20  (nearest the stock, 151.20)', strike: 150 },
    { label: '155', description: 'bid ? / ask 3.00', strike: 155 },
  ]);
});

test('only the strikes nearest the stock are quoted, from one contract-details request', async () => {
  const strikes = Array.from({ length: 30 }, (_, i) => 100 + 5 * i);
  const asked: BrokerContract[] = [];
  const quoted: number[] = [];
  const broker: ChainBroker = {
    optionChain: async () => [],
    resolveStock: async () => ({ symbol: 'X', secType: 'STK', exchange: 'SMART', currency: 'USD' }),
    contractDetails: async (c) => {
      asked.push(c);
      return strikes.map((strike, i) => ({ contract: { ...c, conId: 1000 + i, strike } }) as ContractDetails);
    },
    quoteSnapshot: async (c) => {
      quoted.push(c.strike!);
      return { bid: c.strike! / 100, ask: c.strike! / 100 + 0.1 };
    },
  };
  const rows = await strikeQuotes(broker, 'X', { expirations: ['20261218'], strikes }, '20261218', 'P', 171);
  assert.equal(asked.length, 1);
  assert.deepEqual([asked[0]!.secType, asked[0]!.expiry, asked[0]!.right], ['OPT', '20261218', 'P']);
  assert.equal(quoted.length, QUOTED_STRIKES);
  assert.deepEqual(
    [...quoted].sort((a, b) => a - b),
    [150, 155, 160, 165, 170, 175, 180, 185, 190, 195],
  );
  assert.equal(rows.length, strikes.length);
  assert.deepEqual(
    rows.find((r) => r.strike === 170),
    { strike: 170, bid: 1.7, ask: 1.8 },
  );
  assert.deepEqual(
    rows.find((r) => r.strike === 100),
    { strike: 100 },
  );
  const blind = await strikeQuotes(broker, 'X', { expirations: ['20261218'], strikes }, '20261218', 'P', undefined);
  assert.equal(asked.length, 1, 'no stock price: nothing asked');
  assert.ok(blind.every((r) => r.bid === undefined));
});
