// The panel's decision log: the newest rows only, each order's progress rewriting the row of
// the decision that placed it (found by orderRef, forgotten with the row), versions per change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecisionLog } from '../../../src/extension/app/decisionLog';
import type { OrderUpdate } from '../../../src/extension/session/orderManager';
import { decisionRecord } from '../../helpers/panelRecords';

const placed = (ref: string) => decisionRecord({ proposal: { ...decisionRecord().proposal!, orderRef: ref } });
const filled = (ref: string): OrderUpdate => ({
  orderRef: ref,
  orderId: 1,
  cycle: 2,
  symbol: 'NVDA',
  kind: 'policy',
  action: 'BUY',
  quantity: 261,
  state: 'filled',
  filled: 261,
  avgFillPrice: 127.28,
});

test('decision log: keeps the newest rows; an order rewrites its own row once; a dropped row forgets its orderRef', () => {
  const log = new DecisionLog(2);
  log.add(placed('a'));
  log.add(placed('b'));
  log.add(decisionRecord({ outcome: 'shadow', proposal: { ...decisionRecord().proposal!, orderRef: 'shadow' } }));
  assert.deepEqual(
    log.rows().map((r) => r.seq),
    [2, 3],
    'the newest two',
  );
  const v = log.version;
  assert.equal(log.order(filled('a')), false, 'row a is gone, and its orderRef with it');
  assert.equal(log.order(filled('shadow')), false, 'a shadow decision placed no order');
  assert.equal(log.version, v);
  assert.equal(log.order(filled('b')), true);
  assert.equal(log.order(filled('b')), false, 'the same progress again changes nothing');
  const since = log.since(v);
  assert.deepEqual(
    since.rows.map((r) => [r.seq, r.order]),
    [[2, 'BUY 261 → filled 261 @ 127.28']],
  );
  assert.deepEqual(log.since(since.version).rows, []);
});
