// pick keeps exactly the named fields (a missing one as undefined, like `{ k: o.k }`), in the
// order named; definedFields leaves out the undefined ones and keeps null, 0, '' and false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definedFields, pick } from '../../../src/extension/core/objects';

test('pick: the named fields only, in the order named, a missing one present as undefined', () => {
  const o: { a: number; b?: string; c: boolean; extra: string } = { c: true, a: 1, extra: 'dropped' };
  const p = pick(o, ['a', 'b', 'c']);
  assert.deepEqual(Object.keys(p), ['a', 'b', 'c']);
  assert.equal(p.a, 1);
  assert.ok('b' in p && p.b === undefined);
  assert.equal(p.c, true);
  assert.ok(!('extra' in p));
});

test('definedFields: undefined values left out, every other value kept', () => {
  const d = definedFields({ a: undefined, b: 0, c: '', d: false, e: null, f: 'x' });
  assert.deepEqual(d, { b: 0, c: '', d: false, e: null, f: 'x' });
  assert.ok(!('a' in d));
  assert.deepEqual(definedFields({ a: undefined }), {});
});
