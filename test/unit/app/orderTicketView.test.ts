// The order ticket's confirmation words: TWS's what-if line by line, the margin change signed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whatIfLines } from '../../../src/extension/app/orderTicketView';

test('the initial margin change is signed: a buy adds margin, a closing sale frees it (a true minus, never "+-")', () => {
  assert.deepEqual(whatIfLines({ initMarginChange: 1234.5, initMarginAfter: 2000 }), ['Initial margin: +1,234.50 (after: 2,000.00)']);
  assert.deepEqual(whatIfLines({ initMarginChange: -159.41, initMarginAfter: 58.63 }), ['Initial margin: \u2212159.41 (after: 58.63)']);
  assert.deepEqual(whatIfLines({ initMarginAfter: 58.63 }), ['Initial margin: ? (after: 58.63)']);
  assert.deepEqual(whatIfLines({ initMarginChange: Number.MAX_VALUE }), [], "IB's sentinel for an unknown value is left out");
});
