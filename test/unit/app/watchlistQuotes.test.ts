// The watchlist's quote streams: one per symbol while connected, closed when the symbol
// leaves the list or the connection is gone, opened again when it is ready; a subscription
// that resolves after its symbol left is closed at once; a refusal is shown on the row.
import { test } from 'node:test';
import { quoteBroker } from '../../helpers/quoteBroker';
import assert from 'node:assert/strict';
import type { BrokerConnectionState } from '../../../src/extension/broker/types';
import { WatchlistQuotes } from '../../../src/extension/app/watchlistQuotes';

const settle = () => new Promise((r) => setImmediate(r));
const state = (status: BrokerConnectionState['status']) => ({ status, clientId: 1 }) as BrokerConnectionState;

test('watchlist quotes: a stream per symbol (a US stock on SMART), quotes to the row, closed when the symbol leaves', async () => {
  const { broker, pending, closed, answer } = quoteBroker();
  const quotes: Array<[string, number | undefined, boolean]> = [];
  const errors: Array<[string, string]> = [];
  const w = new WatchlistQuotes(broker, { setQuote: (s, q) => quotes.push([s, q.last, q.delayed]), setQuoteError: (s, e) => errors.push([s, e]) }, () => {});
  w.sync(['AMD', 'SPY']);
  w.sync(['AMD', 'SPY']);
  assert.deepEqual(
    pending.map((p) => [p.contract.symbol, p.contract.secType, p.contract.exchange, p.contract.currency]),
    [
      ['AMD', 'STK', 'SMART', 'USD'],
      ['SPY', 'STK', 'SMART', 'USD'],
    ],
    'one subscription per symbol, not per sync',
  );
  const amd = answer({ last: 150 });
  await settle();
  assert.deepEqual(quotes, [['AMD', 150, false]]);
  amd.apply('last', 151, true, 1);
  assert.deepEqual(quotes[1], ['AMD', 151, true]);
  // SPY leaves while its subscription is under way: the stream is closed when it arrives.
  w.sync(['AMD']);
  answer({ last: 500 });
  await settle();
  assert.deepEqual(closed, ['SPY']);
  assert.ok(!quotes.some(([s]) => s === 'SPY'), 'no quote of a symbol no longer listed');
  w.sync([]);
  assert.deepEqual(closed, ['SPY', 'AMD']);

  // A refusal (unknown symbol) is shown on the row.
  w.sync(['ZZZZ']);
  pending.shift()!.reject(new Error('200: No security definition has been found'));
  await settle();
  assert.deepEqual(errors, [['ZZZZ', '200: No security definition has been found']]);
});

test('watchlist quotes: nothing while not connected; all closed when the connection is gone, opened again when ready', async () => {
  const { broker, pending, closed, answer } = quoteBroker();
  broker.isReady = false;
  const w = new WatchlistQuotes(broker, { setQuote: () => {}, setQuoteError: () => {} }, () => {});
  w.sync(['AMD']);
  assert.equal(pending.length, 0, 'no subscription before the connection is ready');
  broker.isReady = true;
  w.onState(state('ready'));
  assert.equal(pending.length, 1);
  answer({ last: 1 });
  await settle();
  w.onState(state('reconnecting'));
  assert.deepEqual(closed, [], 'a reconnect keeps the stream (the broker resubscribes it)');
  w.onState(state('disconnected'));
  assert.deepEqual(closed, ['AMD']);
  w.onState(state('ready'));
  assert.equal(pending.length, 1, 'the list is kept and streamed again');
  w.close();
  answer({ last: 2 });
  await settle();
  assert.deepEqual(closed, ['AMD', 'AMD'], 'closed while subscribing: closed when it arrives');
});
