import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore } from '../../../src/extension/core/disposables';

test('dispose undoes everything once, newest first', () => {
  const store = new DisposableStore();
  const order: string[] = [];
  store.add(() => order.push('a'));
  store.add({ dispose: () => order.push('b') });
  store.add(() => order.push('c'));
  store.dispose();
  store.dispose();
  assert.deepEqual(order, ['c', 'b', 'a']);
  assert.equal(store.disposed, true);
});

test('a teardown that throws does not stop the others, and the error is raised after', () => {
  const store = new DisposableStore();
  const order: string[] = [];
  store.add(() => order.push('first'));
  store.add(() => {
    throw new Error('boom');
  });
  store.add(() => order.push('last'));
  assert.throws(() => store.dispose(), /boom/);
  assert.deepEqual(order, ['last', 'first']);
});

test('two failing teardowns are both reported', () => {
  const store = new DisposableStore();
  store.add(() => {
    throw new Error('one');
  });
  store.add(() => {
    throw new Error('two');
  });
  assert.throws(
    () => store.dispose(),
    (err: unknown) => err instanceof AggregateError && err.errors.length === 2,
  );
});

test('what is added after dispose is undone at once', () => {
  const store = new DisposableStore();
  store.dispose();
  let undone = false;
  store.add(() => {
    undone = true;
  });
  assert.equal(undone, true);
});

test('clear undoes what is registered and the store takes more', () => {
  const store = new DisposableStore();
  let n = 0;
  store.add(() => n++);
  store.clear();
  store.add(() => n++);
  assert.equal(n, 1);
  store.dispose();
  assert.equal(n, 2);
});

test('timers registered with the store are cleared by dispose', async () => {
  const store = new DisposableStore();
  let fired = 0;
  store.setTimeout(() => fired++, 5);
  store.setInterval(() => fired++, 5);
  store.dispose();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(fired, 0);
});
