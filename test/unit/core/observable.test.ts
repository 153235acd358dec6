// The small typed building blocks: a value with listeners and an event stream with async
// iteration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventHub, Observable, Stream } from '../../../src/extension/core/observable';

test('Observable: listeners on change only, when() resolves on the first match', async () => {
  const o = new Observable(1);
  const seen: Array<[number, number]> = [];
  const off = o.subscribe((v, prev) => seen.push([v, prev]));
  o.set(1);
  o.set(2);
  o.update((v) => v + 1);
  off();
  o.set(9);
  assert.deepEqual(seen, [
    [2, 1],
    [3, 2],
  ]);
  const later = o.when((v) => v > 10, 1000);
  o.set(11);
  assert.equal(await later, 11);
  assert.equal(await o.when((v) => v === 11), 11, 'the current value counts');
  await assert.rejects(
    o.when((v) => v < 0, 10),
    /not reached/,
  );
});

test('Observable with a custom equality skips equal values; a throwing listener does not stop the others', () => {
  const o = new Observable({ a: 1 }, (x, y) => x.a === y.a);
  let n = 0;
  const origError = console.error;
  console.error = () => {};
  try {
    o.subscribe(() => {
      throw new Error('listener bug');
    });
    o.subscribe(() => n++);
    o.set({ a: 1 });
    o.set({ a: 2 });
  } finally {
    console.error = origError;
  }
  assert.equal(n, 1);
});

test('Stream: for-await gets every value in order, ends when the stream ends', async () => {
  const s = new Stream<number>();
  const got: number[] = [];
  const loop = (async () => {
    for await (const v of s) got.push(v);
  })();
  for (let i = 0; i < 5; i++) s.emit(i);
  await new Promise((r) => setImmediate(r));
  s.emit(5);
  s.end();
  await loop;
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5]);
  s.emit(6);
  assert.equal(s.isEnded, true);
});

test('Stream: a slow iterator keeps the newest values up to its buffer; end(err) throws into it', async () => {
  const s = new Stream<number>(3);
  const it = s[Symbol.asyncIterator]();
  for (let i = 0; i < 10; i++) s.emit(i);
  assert.deepEqual([(await it.next()).value, (await it.next()).value, (await it.next()).value], [7, 8, 9]);
  const pending = it.next();
  s.end(new Error('connection closed'));
  await assert.rejects(pending, /connection closed/);
});

test('Stream.next and EventHub.once', async () => {
  const s = new Stream<number>();
  const even = s.next((v) => v % 2 === 0, 1000);
  s.emit(1);
  s.emit(4);
  assert.equal(await even, 4);
  await assert.rejects(
    s.next(() => true, 5),
    /no matching event/,
  );
  const hub = new EventHub<{ tick: [id: number, v: number] }>();
  const { promise } = hub.once('tick', (id) => id === 2);
  hub.emit('tick', 1, 10);
  hub.emit('tick', 2, 20);
  assert.deepEqual(await promise, [2, 20]);
});
