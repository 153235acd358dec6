// The protocol's view rows built from broker and session records: positions per share with
// live or portfolio P&L, orders with their last error, decisions from features to order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrackedOrder } from '../../../src/extension/broker/types';
import { decisionRow, orderRow, positionRow } from '../../../src/extension/app/viewRows';
import { decisionRecord as record, pos } from '../../helpers/panelRecords';

test('position rows: average cost per share, last and unrealized P&L from live prices (else the portfolio)', () => {
  assert.deepEqual(positionRow(pos('NVDA', 261, 127.285), 127.5, undefined), {
    key: 'DU1:1',
    symbol: 'NVDA',
    secType: 'STK',
    quantity: 261,
    avgCost: 127.285,
    last: 127.5,
    unrealized: 56.12,
  });
  const opt = {
    ...pos('SPY', 2, 350, 9),
    contract: { symbol: 'SPY', secType: 'OPT' as const, exchange: 'SMART', currency: 'USD', conId: 9, multiplier: 100, localSymbol: 'SPY 240315C00500000' },
  };
  assert.deepEqual(positionRow(opt, 4, undefined), {
    key: 'DU1:9',
    symbol: 'SPY 240315C00500000',
    secType: 'OPT',
    quantity: 2,
    avgCost: 3.5,
    last: 4,
    unrealized: 100,
  });
  assert.deepEqual(positionRow(pos('MSFT', 5, 400), undefined, { marketPrice: 410, unrealizedPnl: 50 }).unrealized, 50);
});

test('order rows: our lifecycle state, fills, the orderRef and the last error', () => {
  const o: TrackedOrder = {
    orderId: 16,
    contract: { symbol: 'NVDA', secType: 'STK', exchange: 'SMART', currency: 'USD' },
    action: 'BUY',
    type: 'MKT',
    quantity: 261,
    state: 'rejected',
    filled: 0,
    remaining: 261,
    avgFillPrice: 0,
    commission: 0,
    fills: [],
    errors: [{ code: 201, message: 'Order rejected - reason: margin', at: 1 }],
    warnings: [],
    cancelRequested: false,
    modifyPending: false,
    createdAt: 1,
    updatedAt: 2,
    orderRef: 'ibkrai:s:2:NVDA',
  };
  assert.deepEqual(orderRow(o), {
    orderId: 16,
    symbol: 'NVDA',
    action: 'BUY',
    quantity: 261,
    type: 'MKT',
    status: 'rejected',
    filled: 0,
    remaining: 261,
    avgFillPrice: 0,
    orderRef: 'ibkrai:s:2:NVDA',
    note: 'Order rejected - reason: margin',
    updatedAt: 2,
  });
});

test('decision rows: features -> model -> risk verdict -> order, and the progress of that order', () => {
  const row = decisionRow(1, record());
  assert.equal(row.features, 'close 127.33 · logReturn(lag=1)=0.000707 · logReturn(lag=5)=-0.00047 · rsi=51.2');
  assert.equal(row.action, 'buy (target 1)');
  assert.equal(row.verdict, 'ok');
  assert.equal(row.order, 'BUY 261 → sending');
  const blocked = decisionRow(2, record({ outcome: 'blocked', verdict: { allowed: false, rule: 'maxOrderQuantity', reason: '261 > 100' } }));
  assert.equal(blocked.verdict, 'BLOCKED maxOrderQuantity: 261 > 100');
  assert.equal(blocked.blocked, true);
  assert.equal(blocked.order, 'BUY 261 not sent');
  assert.equal(
    decisionRow(3, record({ outcome: 'no-order', proposal: undefined, position: 78, output: { target: null, label: 'hold' } })).order,
    'no order (holds 78)',
  );
  const filled = {
    orderRef: 'ibkrai:s:2:NVDA',
    orderId: 16,
    cycle: 2,
    symbol: 'NVDA',
    kind: 'policy',
    action: 'BUY',
    quantity: 261,
    state: 'filled',
    filled: 261,
    avgFillPrice: 127.28,
  } as const;
  assert.equal(decisionRow(1, record(), filled).order, 'BUY 261 → filled 261 @ 127.28');
  assert.equal(decisionRow(1, record(), { ...filled, state: 'partiallyFilled', filled: 100 }).order, 'BUY 261 → partiallyFilled 100/261 @ 127.28');
});
