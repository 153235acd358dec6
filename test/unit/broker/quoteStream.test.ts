// A quote stream keeps its figures in place and hands out only immutable snapshots: a
// snapshot a consumer keeps never changes, the next tick makes a new one, TWS's -1 withdraws
// a price, the last-trade time arrives in seconds, and the per-tick `ticks` channel carries
// only the kind while the figures are read from the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuoteStream } from '../../../src/extension/broker/quoteStream';
import type { TickKind } from '../../../src/extension/broker/linkEvents';
import type { Quote } from '../../../src/extension/broker/types';

const nvda = () => new QuoteStream({ symbol: 'NVDA', secType: 'STK', exchange: 'SMART', currency: 'USD', conId: 4815747 }, () => {});

test('quote stream: nothing before the first tick, then frozen snapshots that later ticks do not change', () => {
  const s = nvda();
  assert.ok(s.quote.value === undefined, 'nothing before the first tick');
  assert.equal(s.price, undefined);
  assert.equal(s.hasPrice, false);
  s.apply('bid', 100, false, 1_000);
  s.apply('ask', 100.5, false, 1_001);
  const kept = s.quote.value!;
  assert.deepEqual(kept, { conId: 4815747, symbol: 'NVDA', delayed: false, updatedAt: 1_001, ticks: 2, bid: 100, ask: 100.5 });
  assert.ok(Object.isFrozen(kept));
  assert.ok(s.quote.value === kept, 'one snapshot per tick, shared');
  assert.equal(s.price, 100.25, 'no last trade: the mid');
  s.apply('last', 100.4, false, 1_002);
  s.apply('lastTimestamp', 1_700_000_000, false, 1_003);
  assert.deepEqual(kept, { conId: 4815747, symbol: 'NVDA', delayed: false, updatedAt: 1_001, ticks: 2, bid: 100, ask: 100.5 }, 'the kept quote did not change');
  const now = s.quote.value as Quote;
  assert.ok(now !== kept, 'a new snapshot after a tick');
  assert.equal(now.last, 100.4);
  assert.equal(now.lastTimestamp, 1_700_000_000_000, 'seconds -> epoch ms');
  assert.equal(s.price, 100.4, 'the last trade');
  s.apply('bid', -1, false, 1_004);
  assert.equal(s.value('bid'), undefined, '-1 withdraws the bid');
  assert.equal('bid' in s.quote.value!, false);
  s.apply('bidSize', -1, false, 1_005);
  assert.equal(s.value('bidSize'), -1, 'a size of -1 is a value, not a withdrawal');
});

test('quote stream: ticks carry the kind; updates and quote listeners get snapshots with the previous one', () => {
  const s = nvda();
  const kinds: TickKind[] = [];
  const seen: number[] = [];
  s.ticks.on((k) => {
    kinds.push(k);
    seen.push(s.value(k)!);
  });
  const updates: Quote[] = [];
  const offU = s.updates.on((q) => updates.push(q));
  const changes: Array<[Quote | undefined, Quote | undefined]> = [];
  const offQ = s.quote.subscribe((q, prev) => changes.push([q, prev]));
  s.apply('last', 10, false, 1);
  s.apply('lastSize', 300, true, 2);
  assert.deepEqual(kinds, ['last', 'lastSize']);
  assert.deepEqual(seen, [10, 300]);
  assert.deepEqual(
    updates.map((q) => [q.last, q.lastSize, q.delayed, q.ticks]),
    [
      [10, undefined, false, 1],
      [10, 300, true, 2],
    ],
  );
  assert.ok(updates.every((q) => Object.isFrozen(q)));
  assert.equal(changes.length, 2);
  assert.equal(changes[1]![1], changes[0]![0], 'previous: the snapshot before the tick');
  assert.equal(changes[1]![0], updates[1], 'quote and updates listeners share the snapshot');
  offU();
  offQ();
  s.apply('last', 11, false, 3);
  assert.equal(updates.length, 2);
  assert.equal(s.quote.value!.last, 11, 'read on demand without listeners');
  s.setDelayed(false, 4);
  assert.equal(s.quote.value!.delayed, false);
  assert.equal(s.quote.value!.updatedAt, 3, 'the data type does not move the tick time');
  s.close();
  assert.equal(s.ticks.isEnded && s.updates.isEnded, true);
});
