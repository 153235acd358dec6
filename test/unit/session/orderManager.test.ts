// The order manager's idempotency rules, with a stand-in for our own broker client (the
// simulator-backed behaviour is covered by test/integration/session).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import { Stream } from '../../../src/extension/core/observable';
import type { PlaceOptions } from '../../../src/extension/broker/orders';
import type { Fill, OrderRequest, TrackedOrder } from '../../../src/extension/broker/types';
import { JournalError, type JournalLine } from '../../../src/extension/session/journal';
import { OrderManager, type OrderBroker, type PlaceRequest } from '../../../src/extension/session/orderManager';
import { SessionLedger } from '../../../src/extension/session/sessionLedger';
import { trackedOrder } from '../../helpers/panelRecords';

const SPY = { symbol: 'SPY', secType: 'STK' as const, exchange: 'SMART', currency: 'USD', conId: 756733 };

function tracked(orderId: number, orderRef: string, over: Partial<TrackedOrder> = {}): TrackedOrder {
  return trackedOrder({ orderId, orderRef, ...over });
}

function fill(orderId: number, orderRef: string, execId: string, shares: number, price: number, commission?: number): Fill {
  return {
    execId,
    orderId,
    contract: SPY,
    side: 'BUY',
    shares,
    price,
    cumQty: shares,
    avgPrice: price,
    time: 't',
    account: 'DU1',
    exchange: 'X',
    orderRef,
    ...(commission !== undefined ? { commission } : {}),
  };
}

class FakeBroker implements OrderBroker {
  readonly orderUpdates = new Stream<TrackedOrder>();
  readonly sent: Array<{ request: OrderRequest; journalLinesAtSend: number }> = [];
  readonly cancels: number[] = [];
  readonly known = new Map<number, TrackedOrder>();
  fills: Fill[] = [];
  nextId = 100;
  fail: BrokerError | undefined;
  constructor(private readonly journal: JournalLine[]) {}
  async placeOrder(request: OrderRequest, opts?: PlaceOptions): Promise<TrackedOrder> {
    const orderId = this.nextId++;
    if (opts?.beforeSend) {
      try {
        await opts.beforeSend({ kind: 'single', account: 'DU1', clientId: 7, createdAt: 0, legs: [{ orderId, role: 'single', request }] });
      } catch (err) {
        throw new BrokerError({ reqId: orderId, code: ClientCode.HookFailed, message: 'beforeSend failed', orderSent: false, cause: err });
      }
    }
    if (this.fail) throw this.fail;
    this.sent.push({ request, journalLinesAtSend: this.journal.length });
    const o = tracked(orderId, request.orderRef!, { quantity: request.quantity, remaining: request.quantity });
    this.known.set(orderId, o);
    return o;
  }
  async cancelOrder(orderId: number): Promise<TrackedOrder> {
    this.cancels.push(orderId);
    const o = { ...this.known.get(orderId)!, state: 'cancelled' as const };
    this.known.set(orderId, o);
    return o;
  }
  order(orderId: number): TrackedOrder | undefined {
    return this.known.get(orderId);
  }
  orders(): TrackedOrder[] {
    return [...this.known.values()];
  }
  allFills(): Fill[] {
    return this.fills;
  }
  knowsOrderRef(orderRef: string): boolean {
    return this.orders().some((o) => o.orderRef === orderRef) || this.fills.some((f) => f.orderRef === orderRef);
  }
  update(o: TrackedOrder): void {
    this.known.set(o.orderId, o);
    this.orderUpdates.emit(o);
  }
}

function setup(ledger = new SessionLedger()) {
  const journal: JournalLine[] = [];
  let failAt: string | undefined;
  const broker = new FakeBroker(journal);
  const write = (type: string, data: Record<string, unknown>) => {
    if (failAt === type) throw new JournalError('disk full while writing journal j: trading stopped, the journal so far is intact', 'disk-full');
    const line = { t: journal.length, type, ...data };
    journal.push(line);
    ledger.apply(line);
  };
  const manager = new OrderManager({
    broker,
    ledger,
    sessionId: 's1',
    write,
    // The journal's group commit resolves after the turn: so does this one.
    writeDurable: (type, data) => {
      write(type, data);
      return new Promise((resolve) => setImmediate(resolve));
    },
  });
  manager.start();
  return { journal, broker, manager, ledger, failOn: (type: string) => (failAt = type) };
}

const req = (cycle: number, quantity = 10): PlaceRequest => ({
  orderRef: `ibkrai:s1:${cycle}:SPY`,
  cycle,
  symbol: 'SPY',
  kind: 'policy',
  contract: SPY,
  action: 'BUY',
  quantity,
  marketTime: 0,
});

describe('order manager', () => {
  it('journals the intent with its order id before the order is sent', async () => {
    const { journal, broker, manager } = setup();
    const r = await manager.place(req(1));
    assert.deepEqual([r.sent, r.orderId, r.state], [true, 100, 'submitted']);
    assert.equal(broker.sent.length, 1);
    const intentIndex = journal.findIndex((l) => l.type === 'intent');
    assert.ok(intentIndex >= 0 && intentIndex < broker.sent[0]!.journalLinesAtSend, 'the intent was on the journal when the order went');
    assert.deepEqual(
      {
        orderRef: journal[intentIndex]!.orderRef,
        orderId: journal[intentIndex]!.orderId,
        action: journal[intentIndex]!.action,
        quantity: journal[intentIndex]!.quantity,
      },
      { orderRef: 'ibkrai:s1:1:SPY', orderId: 100, action: 'BUY', quantity: 10 },
    );
    assert.equal(broker.sent[0]!.request.orderRef, 'ibkrai:s1:1:SPY');
    assert.equal(broker.sent[0]!.request.type, 'MKT');
  });

  it('never sends an orderRef twice', async () => {
    const { broker, manager } = setup();
    await manager.place(req(1));
    const again = await manager.place(req(1, 5));
    assert.equal(again.sent, false);
    assert.match(again.error!, /already used: an intent is never sent twice/);
    assert.equal(broker.sent.length, 1);
  });

  it('an orderRef TWS already has (a journal restored from an older copy) is journaled as found and never sent', async () => {
    const { broker, manager, ledger, journal } = setup();
    broker.fills = [fill(40, 'ibkrai:s1:3:SPY', 'e40', 10, 50)];
    const refused = await manager.place(req(3));
    assert.equal(refused.sent, false);
    assert.match(refused.error!, /already known to TWS .* never sent again/);
    assert.equal(broker.sent.length, 0);
    const report = manager.adopt();
    assert.deepEqual(report.imported, ['ibkrai:s1:3:SPY']);
    assert.equal(journal.filter((l) => l.type === 'intent').length, 1);
    assert.deepEqual([ledger.intents.get('ibkrai:s1:3:SPY')!.state, ledger.intents.get('ibkrai:s1:3:SPY')!.filled], ['filled', 10]);
    assert.equal(ledger.lastCycle, 3, 'the next cycle is numbered past it');
    assert.deepEqual(manager.adopt().imported, [], 'found once');
  });

  it('a journal that cannot record the intent: nothing is sent and the JournalError surfaces', async () => {
    const { broker, manager, failOn } = setup();
    failOn('intent');
    await assert.rejects(manager.place(req(1)), (err: unknown) => err instanceof JournalError && err.code === 'disk-full');
    assert.equal(broker.sent.length, 0);
  });

  it('an order refused before it left is closed as not sent', async () => {
    const { broker, manager, ledger, journal } = setup();
    broker.fail = new BrokerError({ code: ClientCode.NotReady, message: 'not ready to trade (connection reconnecting); nothing was sent', orderSent: false });
    const r = await manager.place(req(1));
    assert.deepEqual([r.sent, r.state], [false, 'not-sent']);
    assert.equal(ledger.intents.get('ibkrai:s1:1:SPY')!.state, 'not-sent');
    assert.match(String(journal.find((l) => l.type === 'order-not-sent')!.reason), /not ready to trade/);
    assert.equal(manager.hasWorking('SPY'), false);
  });

  it('statuses, fills and commissions are journaled once each, and an older view never undoes a newer one', async () => {
    const { broker, manager, journal, ledger } = setup();
    await manager.place(req(1));
    const ref = 'ibkrai:s1:1:SPY';
    assert.equal(manager.workingQuantity('SPY'), 10);
    broker.update(tracked(100, ref, { state: 'partiallyFilled', filled: 4, remaining: 6, fills: [fill(100, ref, 'x1', 4, 10)] }));
    assert.equal(manager.workingQuantity('SPY'), 6, 'a partial fill shrinks what is still working');
    broker.update(
      tracked(100, ref, {
        state: 'filled',
        filled: 10,
        remaining: 0,
        avgFillPrice: 10.5,
        fills: [fill(100, ref, 'x1', 4, 10, 1), fill(100, ref, 'x2', 6, 11)],
      }),
    );
    broker.update(
      tracked(100, ref, {
        state: 'filled',
        filled: 10,
        remaining: 0,
        avgFillPrice: 10.5,
        fills: [fill(100, ref, 'x1', 4, 10, 1), fill(100, ref, 'x2', 6, 11, 0.5)],
      }),
    );
    broker.update(tracked(100, ref, { state: 'submitted', filled: 0 }));
    broker.update(tracked(100, ref, { state: 'lost', filled: 10 }));
    const types = journal.map((l) => `${l.type}${l.type === 'order-status' ? `:${l.state}` : ''}`);
    assert.deepEqual(types, [
      'intent',
      'order-status:submitted',
      'fill',
      'order-status:partiallyFilled',
      'commission',
      'fill',
      'order-status:filled',
      'commission',
    ]);
    assert.equal(ledger.book('SPY').quantity, 10);
    assert.equal(ledger.book('SPY').commissions, 1.5);
    assert.equal(manager.hasWorking('SPY'), false);
    // Updates of orders that are not the session's are ignored.
    broker.update(tracked(555, 'someone-else', { state: 'filled', filled: 1, fills: [fill(555, 'someone-else', 'z', 1, 1)] }));
    assert.equal(journal.length, types.length);
  });

  it('an order TWS reports filled before its executions arrived stays working until they are journaled', async () => {
    const { broker, manager, ledger } = setup();
    await manager.place(req(1));
    const ref = 'ibkrai:s1:1:SPY';
    // TWS's final orderStatus first, with only one of the two executions so far.
    broker.update(tracked(100, ref, { state: 'filled', filled: 10, remaining: 0, avgFillPrice: 10.5, fills: [fill(100, ref, 'x1', 4, 10)] }));
    assert.equal(ledger.intents.get(ref)!.state, 'filled');
    assert.equal(ledger.book('SPY').quantity, 4);
    assert.deepEqual(
      manager.awaitingExecutions().map((i) => i.orderRef),
      [ref],
    );
    assert.equal(manager.hasWorking('SPY'), true, 'no new decision for SPY yet');
    assert.equal(manager.workingQuantity('SPY'), 6, 'the 6 shares on their way count');
    const settled = manager.settle([ref], 2000);
    assert.equal(await Promise.race([settled, new Promise((r) => setTimeout(() => r('waiting'), 30))]), 'waiting', 'the end of a session waits for them');
    broker.update(
      tracked(100, ref, { state: 'filled', filled: 10, remaining: 0, avgFillPrice: 10.5, fills: [fill(100, ref, 'x1', 4, 10), fill(100, ref, 'x2', 6, 11)] }),
    );
    assert.equal(await settled, true);
    assert.equal(ledger.book('SPY').quantity, 10);
    assert.deepEqual(manager.awaitingExecutions(), []);
    assert.equal(manager.hasWorking('SPY'), false);
    assert.equal(manager.workingQuantity('SPY'), 0);
  });

  it('after a restart: open orders found at TWS are followed, executions adopted, unknown ones closed and not resent', async () => {
    const ledger = new SessionLedger();
    const { broker, manager, journal } = setup(ledger);
    for (const [cycle, id] of [
      [1, 11],
      [2, 12],
      [3, 13],
    ] as const) {
      ledger.apply({
        t: 0,
        type: 'intent',
        orderRef: `ibkrai:s1:${cycle}:SPY`,
        orderId: id,
        cycle,
        symbol: 'SPY',
        kind: 'policy',
        action: 'BUY',
        quantity: 10,
        orderType: 'MKT',
        tif: 'DAY',
        account: 'DU1',
        clientId: 7,
        marketTime: 0,
      });
    }
    // TWS: order 11 still working (reqOpenOrders), order 12 filled (only its execution), order 13 nowhere.
    broker.known.set(11, tracked(11, 'ibkrai:s1:1:SPY'));
    broker.fills = [fill(12, 'ibkrai:s1:2:SPY', 'e12', 10, 50, 1), fill(99, 'ibkrai:other:1:SPY', 'e99', 1, 1)];
    const report = manager.adopt();
    assert.deepEqual(report, { found: ['ibkrai:s1:1:SPY', 'ibkrai:s1:2:SPY'], notAtTws: ['ibkrai:s1:3:SPY'], newFills: ['e12'], imported: [] });
    assert.equal(ledger.intents.get('ibkrai:s1:1:SPY')!.state, 'submitted');
    assert.deepEqual([ledger.intents.get('ibkrai:s1:2:SPY')!.state, ledger.intents.get('ibkrai:s1:2:SPY')!.filled], ['filled', 10]);
    assert.equal(ledger.intents.get('ibkrai:s1:3:SPY')!.state, 'not-at-tws');
    assert.equal(ledger.fills.get('e12')!.adopted, true);
    assert.equal(ledger.fills.get('e12')!.commission, 1);
    assert.equal(broker.sent.length, 0, 'nothing is resent');
    assert.equal(journal.filter((l) => l.type === 'fill').length, 1, "another session's execution is not ours");
    // A second reconciliation changes nothing.
    assert.deepEqual(manager.adopt(), { found: ['ibkrai:s1:1:SPY'], notAtTws: [], newFills: [], imported: [] });
  });

  it('cancelAll cancels each working order once and journals the request', async () => {
    const { broker, manager, journal, ledger } = setup();
    await manager.place(req(1));
    await manager.place({ ...req(1), orderRef: 'ibkrai:s1:1:QQQ', symbol: 'QQQ' });
    const r = await manager.cancelAll('kill switch');
    assert.deepEqual(r.cancelled.sort(), ['ibkrai:s1:1:QQQ', 'ibkrai:s1:1:SPY']);
    assert.deepEqual(broker.cancels.sort(), [100, 101]);
    assert.equal(journal.filter((l) => l.type === 'cancel-request').length, 2);
    assert.equal(ledger.openIntents().length, 0);
    assert.equal(await manager.settle(['ibkrai:s1:1:SPY'], 10), true);
  });
});
