// Numbers typed by the user are read strictly: what Number() would quietly reinterpret is refused with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStrictNumber, strictNumber } from '../../../src/extension/core/strictNumbers';

test('plain decimal digits (and a minus) are whole numbers; decimals take one point', () => {
  assert.deepEqual(parseStrictNumber('7', 'integer'), { value: 7 });
  assert.deepEqual(parseStrictNumber('-3', 'integer'), { value: -3 });
  assert.deepEqual(parseStrictNumber('007', 'integer'), { value: 7 });
  assert.deepEqual(parseStrictNumber('2.5', 'decimal'), { value: 2.5 });
  assert.deepEqual(parseStrictNumber('20000', 'decimal'), { value: 20000 });
});

test('0x10, 1e3, 1.0 (as a whole number), " 7", "+7", "", ".5", "7." and "Infinity" are refused, each with its reason', () => {
  const cases: Array<[string, 'integer' | 'decimal', RegExp]> = [
    ['0x10', 'integer', /^is not written in decimal digits/],
    ['0b101', 'integer', /^is not written in decimal digits/],
    ['1e3', 'integer', /^uses an exponent/],
    ['1e3', 'decimal', /^uses an exponent/],
    ['1.0', 'integer', /^is not a whole number/],
    [' 7', 'integer', /^has spaces around it/],
    ['7 ', 'decimal', /^has spaces around it/],
    ['+7', 'integer', /^has a \+ sign/],
    ['', 'integer', /^is empty/],
    ['.5', 'decimal', /^is not a number/],
    ['7.', 'decimal', /^is not a number/],
    ['Infinity', 'decimal', /^is not a number/],
    ['abc', 'integer', /^is not a number \(valid: a whole number in decimal digits, e\.g\. 7\)$/],
    ['99999999999999999999', 'integer', /^is too large/],
  ];
  for (const [text, kind, re] of cases) {
    const r = parseStrictNumber(text, kind);
    assert.equal(r.value, undefined, JSON.stringify(text));
    assert.match(r.error!, re, JSON.stringify(text));
  }
});

test('typed values (settings JSON): numbers as they are, a fraction is not a whole number, other types refused', () => {
  assert.deepEqual(strictNumber(1000, 'integer'), { value: 1000 });
  assert.match(strictNumber(2.5, 'integer').error!, /not a whole number/);
  assert.deepEqual(strictNumber(2.5, 'decimal'), { value: 2.5 });
  assert.match(strictNumber(true, 'decimal').error!, /not a number/);
  assert.match(strictNumber(Number.NaN, 'decimal').error!, /not a finite number/);
  assert.deepEqual(strictNumber('12', 'integer'), { value: 12 });
});
