// How TWS reports an order back: unset attributes come back with TWS's values (IB Gateway
// captures, see twsReportedOrder.ts); values a client did set are kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyOrder } from '../../../src/extension/sim/protocol/orderTypes';
import { twsReportedOrder } from '../../../src/extension/sim/protocol/twsReportedOrder';

test('unset OCA type, clearing intent and order types come back as TWS reports them', () => {
  const o = twsReportedOrder(emptyOrder({ action: 'BUY', totalQuantity: 1, orderType: 'MKT' }));
  assert.deepEqual([o.ocaType, o.clearingIntent, o.adjustedOrderType, o.deltaNeutralOrderType, o.deltaNeutralOpenClose], [3, 'IB', 'None', 'None', '?']);
  assert.deepEqual(twsReportedOrder(o), o, 'idempotent');
});

test('values the client set are kept', () => {
  const o = twsReportedOrder(
    emptyOrder({ ocaGroup: 'g', ocaType: 1, clearingIntent: 'Away', adjustedOrderType: 'STP', deltaNeutralOrderType: 'LMT', deltaNeutralOpenClose: 'O' }),
  );
  assert.deepEqual([o.ocaType, o.clearingIntent, o.adjustedOrderType, o.deltaNeutralOrderType, o.deltaNeutralOpenClose], [1, 'Away', 'STP', 'LMT', 'O']);
});
