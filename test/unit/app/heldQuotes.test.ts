// The live prices of held stocks: one stream per held stock (not per tick or per sync), the
// mid when there is no last trade, a stream closed when its position is gone or the
// connection drops, and a subscription that resolves after that closed at once.
import { test } from 'node:test';
import { quoteBroker } from '../../helpers/quoteBroker';
import assert from 'node:assert/strict';
import { HeldQuotes } from '../../../src/extension/app/heldQuotes';
import { pos } from '../../helpers/panelRecords';

const settle = () => new Promise((r) => setImmediate(r));

test('held quotes: one stream per held stock, last else mid, closed when the position is gone', async () => {
  const { broker, pending, closed, answer } = quoteBroker();
  const prices: Array<[string, number]> = [];
  const q = new HeldQuotes(
    broker,
    (key, price) => prices.push([key, price]),
    () => {},
  );
  const nvda = pos('NVDA', 10, 100, 1);
  const msft = pos('MSFT', 5, 400, 2);
  q.sync([nvda, msft, pos('AAPL', 0, 0, 3), { ...pos('SPY', 1, 3, 4), contract: { ...pos('SPY', 1, 3, 4).contract, secType: 'OPT' } }]);
  q.sync([nvda, msft]);
  assert.deepEqual(
    pending.map((p) => p.contract.symbol),
    ['NVDA', 'MSFT'],
    'held stocks only, once each',
  );
  assert.equal(pending[0]!.contract.exchange, 'SMART');
  const s1 = answer({ last: 101 });
  answer({ bid: 399, ask: 401 });
  await settle();
  assert.deepEqual(prices, [
    ['DU1:1', 101],
    ['DU1:2', 400],
  ]);
  s1.apply('last', 102, false, 1);
  assert.deepEqual(prices.at(-1), ['DU1:1', 102]);
  s1.apply('lastSize', 300, false, 2);
  assert.equal(prices.length, 3, 'a size tick does not re-price');
  q.sync([msft]);
  assert.deepEqual(closed, ['NVDA'], 'sold: its stream closes');
  q.close();
  assert.deepEqual(closed, ['NVDA', 'MSFT'], 'the connection dropped: every stream closes');
});

test('held quotes: a subscription that resolves after close() is closed at once; a failed one is tried again', async () => {
  const { broker, pending, closed, answer } = quoteBroker();
  const logs: string[] = [];
  const q = new HeldQuotes(
    broker,
    () => assert.fail('no price after close'),
    (m) => logs.push(m),
  );
  q.sync([pos('NVDA', 10, 100, 1)]);
  q.close();
  answer({ last: 101 });
  await settle();
  assert.deepEqual(closed, ['NVDA']);
  q.sync([pos('MSFT', 5, 400, 2)]);
  pending.shift()!.reject(new Error('no permissions'));
  await settle();
  assert.match(logs.join(), /no quotes for MSFT: no permissions/);
  q.sync([pos('MSFT', 5, 400, 2)]);
  assert.equal(pending.length, 1, 'subscribed again at the next sync');
  broker.isReady = false;
  q.sync([pos('AAPL', 1, 1, 3)]);
  assert.equal(pending.length, 1, 'nothing subscribes while not ready');
});
