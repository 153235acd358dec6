// The order state machine against every arrival order of its events, with duplicates:
// the final state must not depend on the order TWS's messages arrive in.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderTracker, execKey, type TrackerEvent } from '../../../src/extension/broker/orderTracker';
import type { Fill, OrderRequest, TrackedOrder } from '../../../src/extension/broker/types';

const NVDA = { symbol: 'NVDA', secType: 'STK' as const, exchange: 'SMART', currency: 'USD', conId: 4815747 };
const REQ: OrderRequest = { contract: NVDA, action: 'BUY', quantity: 5, type: 'LMT', limitPrice: 130, orderRef: 'cycle-1' };
const ID = 42;
const PERM = 900;

const placed: TrackerEvent = { type: 'placed', orderId: ID, request: REQ, account: 'DU1', clientId: 1, at: 0 };
const openOrder = (status: string): TrackerEvent => ({
  type: 'openOrder',
  ev: {
    orderId: ID,
    permId: PERM,
    clientId: 1,
    contract: NVDA,
    action: 'BUY',
    totalQuantity: 5,
    orderType: 'LMT',
    lmtPrice: 130,
    whatIf: false,
    status,
    orderRef: 'cycle-1',
  },
  at: 1,
});
const status = (s: string, filled: number, avg: number): TrackerEvent => ({
  type: 'orderStatus',
  ev: { orderId: ID, status: s, filled, remaining: 5 - filled, avgFillPrice: avg, permId: PERM, clientId: 1 },
  at: 2,
});
const fill = (n: number, shares: number, price: number, cum: number, execId = `0000000${n}.65000000.01.01`, clientId = 1, orderId = ID): Fill => ({
  execId,
  orderId,
  permId: PERM,
  clientId,
  contract: NVDA,
  side: 'BUY',
  shares,
  price,
  cumQty: cum,
  avgPrice: price,
  time: '20250102 10:00:00 US/Eastern',
  account: 'DU1',
  exchange: 'ISLAND',
  orderRef: 'cycle-1',
});
const exec = (f: Fill): TrackerEvent => ({ type: 'execution', fill: f, at: 3 });
const comm = (execId: string, commission: number): TrackerEvent => ({ type: 'commission', ev: { execId, commission, currency: 'USD' }, at: 4 });
const err = (code: number, message = `error ${code}`): TrackerEvent => ({ type: 'error', orderId: ID, code, message, at: 5 });

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i]!, ...p];
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(events: TrackerEvent[], first: TrackerEvent[] = [placed]): TrackedOrder {
  const tr = new OrderTracker();
  tr.clientId = 1;
  for (const e of [...first, ...events]) tr.apply(e);
  return tr.get(ID)!;
}

/** What must not depend on arrival order. */
function essence(o: TrackedOrder) {
  return {
    state: o.state,
    filled: o.filled,
    remaining: o.remaining,
    avgFillPrice: o.avgFillPrice,
    commission: o.commission,
    fills: o.fills.map((f) => [f.execId, f.shares, f.price, f.commission]),
    permId: o.permId,
    orderRef: o.orderRef,
  };
}

/** Every permutation, and each also with every event delivered twice at random places. */
function checkAllOrders(events: TrackerEvent[], expected: ReturnType<typeof essence>, first: TrackerEvent[] = [placed]): number {
  const random = rng(7);
  let n = 0;
  for (const p of permutations(events)) {
    assert.deepEqual(essence(run(p, first)), expected, `order: ${p.map(label).join(', ')}`);
    const withDup = [...p];
    for (const e of p) withDup.splice(Math.floor(random() * (withDup.length + 1)), 0, e);
    assert.deepEqual(essence(run(withDup, first)), expected, `with duplicates: ${withDup.map(label).join(', ')}`);
    n++;
  }
  return n;
}

function label(e: TrackerEvent): string {
  switch (e.type) {
    case 'orderStatus':
      return `status(${e.ev.status},${e.ev.filled})`;
    case 'openOrder':
      return `open(${e.ev.status})`;
    case 'execution':
      return `exec(${e.fill.execId.slice(0, 8)})`;
    case 'commission':
      return `comm(${e.ev.execId.slice(0, 8)})`;
    case 'error':
      return `err(${e.code})`;
    default:
      return e.type;
  }
}

describe('order tracker: arrival order and duplicates do not change the outcome', () => {
  test('two partial fills to filled: 7 events, all 5040 orders, each also with duplicates', () => {
    const f1 = fill(1, 3, 129.5, 3);
    const f2 = fill(2, 2, 130, 5);
    const events = [
      openOrder('Submitted'),
      status('Submitted', 0, 0),
      exec(f1),
      comm(f1.execId, 1),
      exec(f2),
      comm(f2.execId, 0.5),
      status('Filled', 5, 129.7),
    ];
    const n = checkAllOrders(events, {
      state: 'filled',
      filled: 5,
      remaining: 0,
      avgFillPrice: 129.7,
      commission: 1.5,
      fills: [
        [f1.execId, 3, 129.5, 1],
        [f2.execId, 2, 130, 0.5],
      ],
      permId: PERM,
      orderRef: 'cycle-1',
    });
    assert.equal(n, 5040);
  });

  test('partial fill then cancel, with a stale Submitted after the cancel: cancelled with 2 filled', () => {
    const f1 = fill(1, 2, 129.9, 2);
    const events = [
      openOrder('Submitted'),
      status('Submitted', 0, 0),
      exec(f1),
      comm(f1.execId, 1),
      err(202, 'Order Canceled - reason:'),
      status('Cancelled', 2, 129.9),
      status('Submitted', 0, 0),
    ];
    checkAllOrders(events, {
      state: 'cancelled',
      filled: 2,
      remaining: 3,
      avgFillPrice: 129.9,
      commission: 1,
      fills: [[f1.execId, 2, 129.9, 1]],
      permId: PERM,
      orderRef: 'cycle-1',
    });
  });

  test('fills that arrive after a cancel confirmation win: the order filled before the cancel took', () => {
    const f1 = fill(1, 5, 130, 5);
    const events = [status('Submitted', 0, 0), err(202), status('PendingCancel', 0, 0), exec(f1), comm(f1.execId, 1)];
    checkAllOrders(events, {
      state: 'filled',
      filled: 5,
      remaining: 0,
      avgFillPrice: 130,
      commission: 1,
      fills: [[f1.execId, 5, 130, 1]],
      permId: PERM,
      orderRef: 'cycle-1',
    });
  });

  test('a rejection (201 + Inactive) in any order is rejected', () => {
    checkAllOrders([err(201, 'Order rejected - reason:no funds'), status('Inactive', 0, 0), openOrder('Inactive')], {
      state: 'rejected',
      filled: 0,
      remaining: 5,
      avgFillPrice: 0,
      commission: 0,
      fills: [],
      permId: PERM,
      orderRef: 'cycle-1',
    });
  });

  test('without the local "placed" event (orders rebuilt by reconciliation) the outcome is the same', () => {
    const f1 = fill(1, 5, 130, 5);
    checkAllOrders(
      [openOrder('Submitted'), exec(f1), comm(f1.execId, 1), status('Filled', 5, 130)],
      { state: 'filled', filled: 5, remaining: 0, avgFillPrice: 130, commission: 1, fills: [[f1.execId, 5, 130, 1]], permId: PERM, orderRef: 'cycle-1' },
      [],
    );
  });
});

describe('order tracker: transitions', () => {
  test('pendingSubmit -> submitted -> partiallyFilled -> filled, and updates are emitted only on change', () => {
    const tr = new OrderTracker();
    tr.clientId = 1;
    const seen: string[] = [];
    tr.updates.on((o) => seen.push(o.state));
    tr.apply(placed);
    tr.apply(status('Submitted', 0, 0));
    tr.apply(status('Submitted', 0, 0));
    tr.apply(exec(fill(1, 2, 130, 2)));
    tr.apply(exec(fill(1, 2, 130, 2)));
    tr.apply(exec(fill(2, 3, 130, 5)));
    assert.deepEqual(seen, ['pendingSubmit', 'submitted', 'partiallyFilled', 'filled']);
  });

  test('a refused cancel (161) leaves the order working; a refused modification keeps the old price', () => {
    const tr = new OrderTracker();
    tr.clientId = 1;
    tr.apply(placed);
    tr.apply(openOrder('Submitted'));
    tr.apply({ type: 'cancelRequested', orderId: ID, at: 6 });
    assert.equal(tr.get(ID)!.cancelRequested, true);
    tr.apply(err(161, 'Cancel attempted when order is not in a cancellable state'));
    assert.equal(tr.get(ID)!.state, 'submitted');
    assert.equal(tr.get(ID)!.cancelRequested, false);
    tr.apply({ type: 'modifyRequested', orderId: ID, request: { ...REQ, limitPrice: 131 }, at: 7 });
    assert.equal(tr.get(ID)!.limitPrice, 131);
    tr.apply(err(201, 'Order rejected - reason:price too far'));
    const o = tr.get(ID)!;
    assert.equal(o.state, 'submitted', 'a refused modification does not reject the order');
    assert.equal(o.limitPrice, 130);
    assert.equal(o.modifyPending, false);
    assert.equal(o.errors.length, 2);
  });

  test('a modification settles when TWS echoes the new values', () => {
    const tr = new OrderTracker();
    tr.clientId = 1;
    tr.apply(placed);
    tr.apply(openOrder('Submitted'));
    tr.apply({ type: 'modifyRequested', orderId: ID, request: { ...REQ, limitPrice: 131, quantity: 6 }, at: 7 });
    tr.apply(openOrder('Submitted'));
    assert.equal(tr.get(ID)!.modifyPending, true, 'the old values do not settle it');
    const echoed = openOrder('Submitted') as Extract<TrackerEvent, { type: 'openOrder' }>;
    tr.apply({ ...echoed, ev: { ...echoed.ev, lmtPrice: 131, totalQuantity: 6 } });
    const o = tr.get(ID)!;
    assert.equal(o.modifyPending, false);
    assert.equal(o.quantity, 6);
    assert.equal(o.limitPrice, 131);
  });

  test('warnings (399) do not fail an order', () => {
    const tr = new OrderTracker();
    tr.apply(placed);
    tr.apply(err(399, 'Order Message: Warning: your order will not be placed at the exchange until the regular trading session opens.'));
    const o = tr.get(ID)!;
    assert.equal(o.state, 'pendingSubmit');
    assert.equal(o.warnings.length, 1);
    assert.equal(o.errors.length, 0);
  });

  test('an execution correction replaces the execution it corrects', () => {
    const tr = new OrderTracker();
    tr.apply(placed);
    tr.apply(exec(fill(1, 5, 130, 5, '00000001.65000000.01.01')));
    tr.apply(exec(fill(1, 5, 129.8, 5, '00000001.65000000.01.02')));
    tr.apply(exec(fill(1, 5, 130, 5, '00000001.65000000.01.01')));
    const o = tr.get(ID)!;
    assert.equal(o.fills.length, 1);
    assert.equal(o.fills[0]!.execId, '00000001.65000000.01.02');
    assert.equal(o.avgFillPrice, 129.8);
    assert.equal(execKey('00000001.65000000.01.02'), '00000001.65000000.01');
  });

  test('a commission report before its execution is joined when the execution arrives', () => {
    const tr = new OrderTracker();
    const f = fill(1, 5, 130, 5);
    tr.apply(comm(f.execId, 1.25));
    tr.apply(exec(f));
    assert.equal(tr.get(ID)!.commission, 1.25);
    assert.equal(tr.fills()[0]!.commission, 1.25);
  });

  test('fills of other client ids are account fills, not our orders', () => {
    const tr = new OrderTracker();
    tr.clientId = 1;
    const seen: string[] = [];
    tr.newFills.on((f) => seen.push(f.execId));
    tr.apply(exec(fill(9, 1, 100, 1, '00000009.65000000.01.01', 2, 7)));
    assert.equal(tr.get(7), undefined);
    assert.equal(tr.fills().length, 1);
    assert.deepEqual(seen, ['00000009.65000000.01.01']);
  });

  test('a combo order counts combo executions, not leg executions', () => {
    const tr = new OrderTracker();
    const bag = { symbol: 'MSFT', secType: 'BAG' as const, exchange: 'SMART', currency: 'USD', legs: [] };
    tr.apply({ ...placed, request: { ...REQ, contract: bag, quantity: 2, type: 'MKT' } } as TrackerEvent);
    const leg = (n: number): Fill => ({ ...fill(n, 2, 3.1, 2), contract: { ...NVDA, secType: 'OPT' } });
    tr.apply(exec(leg(1)));
    tr.apply(exec(leg(2)));
    assert.equal(tr.get(ID)!.filled, 0);
    tr.apply(exec({ ...fill(3, 2, 1.2, 2), contract: bag }));
    const o = tr.get(ID)!;
    assert.equal(o.filled, 2);
    assert.equal(o.state, 'filled');
    assert.equal(o.avgFillPrice, 1.2);
    assert.equal(o.fills.length, 3);
  });

  test('reconciliation: not open at TWS -> cancelled if TWS had acknowledged it, lost if not, filled if the fills say so', () => {
    const gone = (events: TrackerEvent[]) => run([...events, { type: 'notOpenAtTws', orderId: ID, at: 9 }]);
    assert.equal(gone([status('Submitted', 0, 0)]).state, 'cancelled');
    assert.equal(gone([]).state, 'lost');
    assert.equal(gone([status('Submitted', 0, 0), exec(fill(1, 5, 130, 5))]).state, 'filled');
    const partial = gone([status('Submitted', 0, 0), exec(fill(1, 2, 130, 2))]);
    assert.equal(partial.state, 'cancelled');
    assert.match(partial.note ?? '', /filled 2 of 5/);
    const notSent = run([{ type: 'notSent', orderId: ID, reason: 'not transmitted: connection lost', at: 9 }]);
    assert.equal(notSent.state, 'lost');
    assert.match(notSent.note ?? '', /not transmitted/);
  });

  test('what-if open orders are not tracked', () => {
    const tr = new OrderTracker();
    const o = openOrder('PreSubmitted') as Extract<TrackerEvent, { type: 'openOrder' }>;
    tr.apply({ ...o, ev: { ...o.ev, whatIf: true } });
    assert.equal(tr.all().length, 0);
  });
});

test('a long session keeps the newest 1,000 settled orders in full: older ones are dropped a minute after they settled, their late events ignored, their executions kept', () => {
  const t = new OrderTracker();
  t.clientId = 1;
  const settle = (id: number, at: number) => {
    const f: Fill = { ...fill(1, 5, 130, 5, `0000${String(id).padStart(4, '0')}.65000000.01.01`), orderId: id, permId: 10_000 + id };
    t.apply({ type: 'placed', orderId: id, request: REQ, account: 'DU1', clientId: 1, at });
    t.apply({ type: 'orderStatus', ev: { orderId: id, status: 'Filled', filled: 5, remaining: 0, avgFillPrice: 130, permId: 10_000 + id, clientId: 1 }, at });
    t.apply({ type: 'execution', fill: f, at });
    t.apply({ type: 'commission', ev: { execId: f.execId, commission: 1, currency: 'USD' }, at });
  };
  for (let id = 1; id <= 1200; id++) settle(id, id); // all within the first minute: nothing dropped yet
  assert.equal(t.all().length, 1200);
  // A working order is never dropped, however old.
  t.apply({ type: 'placed', orderId: 5000, request: REQ, account: 'DU1', clientId: 1, at: 0 });
  settle(1201, 120_000);
  assert.equal(t.all().length, 1000 + 1, 'the newest 1,000 settled and the working one');
  assert.equal(t.get(1), undefined);
  assert.equal(t.get(201), undefined, 'orders 1-201 dropped (1,201 settled, 1,000 kept)');
  assert.equal(t.get(202)?.state, 'filled');
  assert.equal(t.get(5000)?.state, 'pendingSubmit');
  assert.equal(t.fills().length, 1201, "the day's executions are all kept");
  // A late duplicate status for a dropped order does not bring it back.
  t.apply({ type: 'orderStatus', ev: { orderId: 1, status: 'Filled', filled: 5, remaining: 0, avgFillPrice: 130, permId: 10_001, clientId: 1 }, at: 120_001 });
  assert.equal(t.get(1), undefined);
  assert.equal(t.orderIdByPermId(10_001), undefined);
});

test("knowsOrderRef: refs of placed and open orders and of every client's executions, and no others", () => {
  const t = new OrderTracker();
  t.clientId = 1;
  assert.equal(t.knowsOrderRef('cycle-1'), false);
  t.apply(openOrder('Submitted'));
  assert.equal(t.knowsOrderRef('cycle-1'), true, 'from openOrder');
  const other = new OrderTracker();
  other.clientId = 1;
  other.apply(exec({ ...fill(1, 5, 130, 5, '00000009.65000000.01.01', 2, 77), orderRef: 'other-program' }));
  assert.equal(other.knowsOrderRef('other-program'), true, "another client's execution counts: TWS has that ref");
  const mine = new OrderTracker();
  mine.apply(placed);
  assert.equal(mine.knowsOrderRef('cycle-1'), true, 'from our own placeOrder');
  assert.equal(mine.knowsOrderRef('cycle-2'), false);
});
