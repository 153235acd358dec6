// The blotter: orders kept per session and connection (TWS reuses order ids), fills with
// their commissions, slippage against the decision price, stale rows while disconnected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fill, TrackedOrder } from '../../../src/extension/broker/types';
import { Blotter, slippageOf } from '../../../src/extension/app/blotter';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { isHostToWebview } from '../../../src/webview/validate';
import { decisionRecord, trackedOrder } from '../../helpers/panelRecords';

const NVDA = { symbol: 'NVDA', secType: 'STK' as const, exchange: 'SMART', currency: 'USD' };

function order(o: Partial<TrackedOrder> & { orderId: number }): TrackedOrder {
  return trackedOrder({ contract: NVDA, action: 'BUY', type: 'MKT', createdAt: 1, updatedAt: 2, ...o });
}

function fill(execId: string, shares: number, price: number, commission?: number): Fill {
  return {
    execId,
    orderId: 11,
    contract: NVDA,
    side: 'BUY',
    shares,
    price,
    cumQty: shares,
    avgPrice: price,
    time: '20250102 10:15:01 US/Eastern',
    account: 'DU1',
    exchange: 'SMART',
    ...(commission !== undefined ? { commission } : {}),
  };
}

test('two sessions with the same order id are two rows, keyed by their orderRefs', () => {
  const b = new Blotter(200, () => 1000);
  b.upsert(order({ orderId: 11, orderRef: 'ibkrai:sessA:3:NVDA', state: 'filled', filled: 10, remaining: 0, avgFillPrice: 100 }));
  b.newConnection();
  b.upsert(order({ orderId: 11, orderRef: 'ibkrai:sessB:1:NVDA' }));
  const rows = b.rows();
  assert.equal(rows.length, 2, "the new session's #11 does not overwrite the old one's");
  assert.deepEqual(
    rows.map((r) => [r.key, r.sessionId, r.orderId, r.status]),
    [
      ['ref:ibkrai:sessB:1:NVDA#11', 'sessB', 11, 'submitted'],
      ['ref:ibkrai:sessA:3:NVDA#11', 'sessA', 11, 'filled'],
    ],
  );
  // The same order again (TWS lists it after a reconnect): still one row.
  b.newConnection();
  b.upsert(order({ orderId: 11, orderRef: 'ibkrai:sessB:1:NVDA', state: 'filled', filled: 10, remaining: 0, avgFillPrice: 101 }));
  assert.equal(b.rows().length, 2);
  assert.equal(b.rows()[0]!.status, 'filled');
});

test("a manual bracket's three legs are three rows, each named by its own orderRef", () => {
  const b = new Blotter(200, () => 1000);
  const ref = 'manual:20261205T200000123Z-0a1b2c3d';
  b.upsert(order({ orderId: 16, orderRef: ref, state: 'filled', filled: 10, remaining: 0, avgFillPrice: 100 }));
  b.upsert(order({ orderId: 17, orderRef: `${ref}:tp`, action: 'SELL', type: 'LMT' }));
  b.upsert(order({ orderId: 18, orderRef: `${ref}:sl`, action: 'SELL', type: 'STP' }));
  b.upsert(order({ orderId: 18, orderRef: `${ref}:sl`, action: 'SELL', type: 'STP', state: 'cancelled' }));
  assert.deepEqual(
    b.rows().map((r) => [r.key, r.orderRef, r.status, r.sessionId]),
    [
      [`ref:${ref}:sl#18`, `${ref}:sl`, 'cancelled', undefined],
      [`ref:${ref}:tp#17`, `${ref}:tp`, 'submitted', undefined],
      [`ref:${ref}#16`, ref, 'filled', undefined],
    ],
  );
});

test('a bracket placed by an older version (one orderRef on its three legs) is still three rows', () => {
  const b = new Blotter(200, () => 1000);
  const ref = 'manual:1764950000000-0a1b2c3d';
  b.upsert(order({ orderId: 16, orderRef: ref, state: 'filled', filled: 10, remaining: 0, avgFillPrice: 100 }));
  b.upsert(order({ orderId: 17, orderRef: ref, action: 'SELL', type: 'LMT' }));
  b.upsert(order({ orderId: 18, orderRef: ref, action: 'SELL', type: 'STP' }));
  assert.deepEqual(
    b.rows().map((r) => [r.orderId, r.status]),
    [
      [18, 'submitted'],
      [17, 'submitted'],
      [16, 'filled'],
    ],
  );
});

test('orders without an orderRef: per connection by order id, merged by permId after a reconnect', () => {
  const b = new Blotter(200);
  b.upsert(order({ orderId: 5 }));
  b.upsert(order({ orderId: 5, permId: 900, state: 'filled', filled: 10, remaining: 0 }));
  assert.equal(b.rows().length, 1, 'one connection, one order id: one row (the permId came later)');
  b.newConnection();
  b.upsert(order({ orderId: 5, permId: 901 }));
  assert.equal(b.rows().length, 2, 'order #5 of another connection is another order');
  b.newConnection();
  b.upsert(order({ orderId: 77, permId: 900, state: 'filled', filled: 10, remaining: 0 }));
  assert.equal(b.rows().length, 2, 'TWS listing a known permId again is the same row');
});

test('fills with commissions and times seen, slippage against the decision price, signed by side', () => {
  let now = 5000;
  const b = new Blotter(200, () => now);
  const ref = 'ibkrai:s:2:NVDA';
  b.decision(decisionRecord({ proposal: { kind: 'policy', action: 'BUY', quantity: 10, price: 100, orderRef: ref } }));
  b.upsert(order({ orderId: 16, orderRef: ref, state: 'partiallyFilled', filled: 4, remaining: 6, avgFillPrice: 100.05, fills: [fill('e1', 4, 100.05, 1)] }));
  now = 6000;
  b.upsert(
    order({
      orderId: 16,
      orderRef: ref,
      state: 'filled',
      filled: 10,
      remaining: 0,
      avgFillPrice: 100.11,
      fills: [fill('e1', 4, 100.05, 1), fill('e2', 6, 100.15, 1.25)],
    }),
  );
  const [row] = b.rows();
  assert.deepEqual(
    row!.fills.map((f) => [f.execId, f.shares, f.price, f.at, f.commission]),
    [
      ['e1', 4, 100.05, 5000, 1],
      ['e2', 6, 100.15, 6000, 1.25],
    ],
    'each fill keeps the time it was first seen',
  );
  assert.equal(row!.commission, 2.25);
  assert.equal(row!.decisionPrice, 100);
  assert.equal(row!.decisionTime, decisionRecord().marketTime, "the decision's market time: where its fills go on the price chart");
  assert.equal(row!.slippage, 0.11, 'bought 0.11 above the decision price: a cost');
  assert.equal(slippageOf('SELL', 99.9, 100), 0.1, 'sold 0.10 below: a cost');
  assert.equal(slippageOf('SELL', 100.2, 100), -0.2, 'sold above: a gain');
});

test('working orders are stale while disconnected; finished ones are not', () => {
  const store = new PanelStore();
  const topics: string[] = [];
  store.onChange((t) => topics.push(t));
  store.setHealth({ kind: 'ready', host: '127.0.0.1', port: 7497, clientId: 1, account: 'DU1', badge: 'PAPER' });
  store.upsertOrder(order({ orderId: 1, orderRef: 'ibkrai:s:1:NVDA' }));
  store.upsertOrder(order({ orderId: 2, orderRef: 'ibkrai:s:2:NVDA', state: 'filled', filled: 10, remaining: 0 }));
  assert.deepEqual(
    store.orderRows().map((r) => r.stale),
    [false, false],
  );
  topics.length = 0;
  store.setHealth({ kind: 'reconnecting', host: '127.0.0.1', port: 7497, clientId: 1 });
  assert.ok(topics.includes('orders'), 'the blotter is redrawn when the connection drops');
  assert.deepEqual(
    store.orderRows().map((r) => [r.orderId, r.stale]),
    [
      [2, false],
      [1, true],
    ],
  );
  assert.ok(isHostToWebview(store.message('orders')));
});

test('order rows: our lifecycle state, fills, the orderRef and the last error', () => {
  const b = new Blotter(200, () => 1);
  b.setConnected(true);
  b.upsert(
    order({
      orderId: 16,
      quantity: 261,
      remaining: 261,
      state: 'rejected',
      orderRef: 'ibkrai:s:2:NVDA',
      errors: [{ code: 201, message: 'Order rejected - reason: margin', at: 1 }],
    }),
  );
  assert.deepEqual(b.rows()[0], {
    key: 'ref:ibkrai:s:2:NVDA#16',
    orderId: 16,
    sessionId: 's',
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
    placedAt: 1,
    updatedAt: 2,
    fills: [],
    commission: 0,
    stale: false,
  });
});

test('an option and a combo say what they are; a combo fills in its own units, its legs paying the commissions', () => {
  const b = new Blotter(200, () => 1000);
  const call = (strike: number, conId: number) => ({
    ...NVDA,
    secType: 'OPT' as const,
    conId,
    expiry: '20261218',
    strike,
    right: 'C' as const,
    multiplier: 100,
  });
  b.upsert(order({ orderId: 21, orderRef: 'manual:a', contract: call(150, 701), quantity: 2 }));
  const bag = {
    ...NVDA,
    secType: 'BAG' as const,
    legs: [
      { conId: 701, ratio: 1, action: 'BUY' as const },
      { conId: 702, ratio: 1, action: 'SELL' as const },
    ],
  };
  b.upsert(order({ orderId: 22, orderRef: 'manual:b', contract: bag, quantity: 3 }));
  const text = () => new Map(b.rows().map((r) => [r.orderId, r.contract]));
  assert.equal(text().get(21), 'NVDA 20261218 150C');
  assert.equal(text().get(22), 'NVDA combo (+1 #701, -1 #702)', 'legs not filled yet: by conId');
  const legFill = (execId: string, contract: ReturnType<typeof call>, side: 'BUY' | 'SELL', price: number): Fill => ({
    ...fill(execId, 3, price, 1.95),
    orderId: 22,
    contract,
    side,
  });
  b.upsert(
    order({
      orderId: 22,
      orderRef: 'manual:b',
      contract: bag,
      quantity: 3,
      state: 'filled',
      filled: 3,
      remaining: 0,
      avgFillPrice: 1.9,
      fills: [legFill('e1', call(150, 701), 'BUY', 5.1), legFill('e2', call(155, 702), 'SELL', 3.2), { ...fill('e3', 3, 1.9), orderId: 22, contract: bag }],
    }),
  );
  const combo = b.rows().find((r) => r.orderId === 22)!;
  assert.equal(combo.contract, 'NVDA combo (+1 20261218 150C, -1 20261218 155C)');
  assert.deepEqual(
    combo.fills.map((f) => [f.shares, f.price]),
    [[3, 1.9]],
    'the combo line only',
  );
  assert.equal(combo.commission, 3.9, "the legs' commissions");
  assert.equal(
    b.rows().find((r) => r.orderId === 11),
    undefined,
  );
  const stock = new Blotter(200, () => 1000);
  stock.upsert(order({ orderId: 31 }));
  assert.equal(stock.rows()[0]!.contract, undefined, 'a stock row has no contract text');
  assert.ok(isHostToWebview({ type: 'orders', rows: b.rows() }), 'the rows pass the panel guard');
  assert.equal(isHostToWebview({ type: 'orders', rows: [{ ...combo, contract: 7 }] }), false, 'a contract text that is not a string is dropped');
});
