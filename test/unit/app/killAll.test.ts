// The kill switch's words for what it cancelled and which positions stay open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOrder, flattenBookNotice, killNotice, openPositions } from '../../../src/extension/app/killAll';
import type { TrackedOrder } from '../../../src/extension/broker/types';
import { pos } from '../../helpers/panelRecords';

test('orders and positions in words', () => {
  const o = { orderId: 12, action: 'BUY', quantity: 10, type: 'LMT', limitPrice: 99.5, contract: { symbol: 'NVDA' } } as unknown as TrackedOrder;
  assert.equal(describeOrder(o, 'x'), 'BUY 10 NVDA limit 99.50 (#12)');
  assert.equal(describeOrder(undefined, 'ref-1'), 'ref-1');
  assert.deepEqual(openPositions([pos('NVDA', 10, 100, 1), pos('AAPL', 0, 0, 2), pos('MSFT', -5, 400, 3)]), [
    { symbol: 'NVDA', quantity: 10 },
    { symbol: 'MSFT', quantity: -5 },
  ]);
});

test('the notice says what stopped, what was cancelled and what stays open', () => {
  const n = killNotice({
    sessionStopped: true,
    cancelled: 2,
    cancelledOrders: ['BUY 10 NVDA (#12)', 'SELL 5 MSFT limit 400.00 (#13)'],
    failures: [],
    flattened: [],
    flatten: false,
    openPositions: [
      { symbol: 'NVDA', quantity: 10 },
      { symbol: 'MSFT', quantity: -5 },
    ],
  });
  assert.equal(
    n.message,
    "IBKR kill switch: AI session stopped. Cancelled 2 orders: BUY 10 NVDA (#12), SELL 5 MSFT limit 400.00 (#13). Positions still open at TWS: NVDA 10, MSFT short 5 (the session's book is not flattened: ibkrAi.risk.flattenOnStop is off).",
  );
  assert.equal(n.severity, 'warning');
  const idle = killNotice({ sessionStopped: false, cancelled: 0, cancelledOrders: [], failures: [], flattened: [], flatten: false, openPositions: [] });
  assert.equal(idle.message, 'IBKR kill switch: No AI session was running. No open orders to cancel. No positions open.');
});

test("Flatten Book's notice: the symbols being closed (from the orderRefs), the cancels, what was not flattened", () => {
  const sent = (ref: string) => ({ orderRef: ref, orderId: 40, sent: true, state: 'submitted' as const });
  const done = flattenBookNotice({
    cancelled: ['ibkrai:s1:3:NVDA'],
    cancelFailures: [],
    flattened: [sent('ibkrai:s1:4:NVDA:flatten'), sent('ibkrai:s1:4:MSFT:flatten')],
    notFlattened: [],
    settled: true,
  });
  assert.equal(done.message, "IBKR: the session's book is flattened (closing NVDA, MSFT); 1 order cancelled. Positions outside the book stay open.");
  assert.equal(done.severity, 'info');
  const empty = flattenBookNotice({ cancelled: [], cancelFailures: [], flattened: [], notFlattened: [], settled: true });
  assert.equal(empty.message, "IBKR: the session's book is flattened (it held nothing); no orders cancelled. Positions outside the book stay open.");
  const partly = flattenBookNotice({
    cancelled: ['a', 'b'],
    cancelFailures: [{ orderRef: 'ibkrai:s1:3:AAPL', error: 'no answer' }],
    flattened: [sent('ibkrai:s1:4:NVDA:flatten')],
    notFlattened: [{ symbol: 'MSFT', reason: 'outside trading hours' }],
    settled: false,
  });
  assert.equal(
    partly.message,
    "IBKR: the session's book is partly flattened (closing NVDA); 2 orders cancelled; could not cancel the AAPL order (no answer); not flattened: MSFT: outside trading hours. Positions outside the book stay open.",
  );
  assert.equal(partly.severity, 'error');
});
