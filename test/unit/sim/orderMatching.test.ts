// When a working order of the simulated TWS trades (its price against the touch, its stop
// trigger), when a DAY order expires, and the orders TWS refuses outright.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayOrderExpired, fillPrice } from '../../../src/extension/sim/account/orderMatching';
import { orderRejection } from '../../../src/extension/sim/account/orderValidation';
import type { SimOrder } from '../../../src/extension/sim/account/simOrder';
import { contractFor } from '../../../src/extension/sim/market/instrumentContract';
import { nyTimeToMs } from '../../../src/extension/sim/market/marketTime';
import type { WireContract } from '../../../src/extension/sim/protocol/contractTypes';
import { emptyOrder, type WireOrder } from '../../../src/extension/sim/protocol/orderTypes';
import { UNSET_DOUBLE } from '../../../src/extension/tws/wire';

// The simulator's stock fields with AAPL's own.
const AAPL: WireContract = { ...contractFor(undefined, 265598), symbol: 'AAPL', primaryExch: 'NASDAQ', localSymbol: 'AAPL', tradingClass: 'NMS' };
const QUOTE = { bid: 99.9, ask: 100.1, last: 100 };

function working(over: Partial<WireOrder>): SimOrder {
  const order = emptyOrder({ action: 'BUY', totalQuantity: 10, orderType: 'MKT', ...over });
  return {
    orderId: 1,
    clientId: 0,
    permId: 1,
    contract: AAPL,
    order,
    status: 'Submitted',
    filled: 0,
    remaining: order.totalQuantity,
    avgFillPrice: 0,
    lastFillPrice: 0,
    commission: 0,
    comboCharges: 0,
    whyHeld: '',
    triggered: false,
    held: false,
    submittedAt: 0,
  };
}

test('market orders take the touch on their side', () => {
  assert.equal(fillPrice(working({ action: 'BUY' }), QUOTE), 100.1);
  assert.equal(fillPrice(working({ action: 'SELL' }), QUOTE), 99.9);
});

test('a limit order trades at the touch only when the touch reaches its limit', () => {
  assert.equal(fillPrice(working({ orderType: 'LMT', lmtPrice: 100.05 }), QUOTE), undefined);
  assert.equal(fillPrice(working({ orderType: 'LMT', lmtPrice: 100.2 }), QUOTE), 100.1, 'a buy limit above the ask fills at the ask');
  assert.equal(fillPrice(working({ action: 'SELL', orderType: 'LMT', lmtPrice: 99.95 }), QUOTE), undefined);
  assert.equal(fillPrice(working({ action: 'SELL', orderType: 'LMT', lmtPrice: 99.9 }), QUOTE), 99.9);
});

test('a stop waits for the last price to reach it, then stays triggered', () => {
  const stop = working({ action: 'SELL', orderType: 'STP', auxPrice: 99 });
  assert.equal(fillPrice(stop, QUOTE), undefined);
  assert.equal(stop.triggered, false);
  assert.equal(fillPrice(stop, { bid: 98.9, ask: 99.1, last: 99 }), 98.9);
  assert.equal(stop.triggered, true);
  assert.equal(fillPrice(stop, QUOTE), 99.9, 'once triggered it trades as a market order even after the price recovers');
});

test('a triggered stop limit still needs its limit', () => {
  const stopLimit = working({ orderType: 'STP LMT', auxPrice: 101, lmtPrice: 101.5 });
  assert.equal(fillPrice(stopLimit, { bid: 101.9, ask: 102.1, last: 102 }), undefined);
  assert.equal(stopLimit.triggered, true);
  assert.equal(fillPrice(stopLimit, { bid: 101.2, ask: 101.4, last: 101.3 }), 101.4);
});

test('a DAY order expires at the close of the day it was placed, 13:00 on an early close', () => {
  const placed = nyTimeToMs(2024, 11, 26, 10, 0);
  assert.equal(dayOrderExpired(placed, nyTimeToMs(2024, 11, 26, 15, 59)), false);
  assert.equal(dayOrderExpired(placed, nyTimeToMs(2024, 11, 26, 16, 0)), true);
  const dayAfterThanksgiving = nyTimeToMs(2024, 11, 29, 10, 0);
  assert.equal(dayOrderExpired(dayAfterThanksgiving, nyTimeToMs(2024, 11, 29, 12, 59)), false);
  assert.equal(dayOrderExpired(dayAfterThanksgiving, nyTimeToMs(2024, 11, 29, 13, 0)), true);
  assert.equal(
    dayOrderExpired(nyTimeToMs(2024, 11, 26, 17, 0), nyTimeToMs(2024, 11, 26, 18, 0)),
    false,
    'placed after the close: it waits for the next session',
  );
});

test('TWS refuses malformed orders with its codes before taking them', () => {
  const code = (over: Partial<WireOrder>, contract = AAPL) =>
    orderRejection(contract, emptyOrder({ action: 'BUY', totalQuantity: 10, orderType: 'LMT', lmtPrice: 100, ...over }))?.code;
  assert.equal(code({}), undefined);
  assert.equal(code({ orderType: 'TRAIL' }), 387);
  assert.equal(code({ totalQuantity: 0 }), 434);
  assert.equal(code({ action: 'HOLD' }), 201);
  assert.equal(code({ lmtPrice: UNSET_DOUBLE }), 201);
  assert.equal(code({ orderType: 'STP', auxPrice: UNSET_DOUBLE }), 201);
  assert.equal(code({ tif: 'GTD' }), 201);
  assert.equal(code({}, { ...AAPL, conId: 0 }), 200);
});
