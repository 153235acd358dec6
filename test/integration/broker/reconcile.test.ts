// Reconciliation after every (re)connect: orders, fills and positions rebuilt from TWS
// and the differences from what the client believed reported - orders left by an earlier
// run of the same client id, positions that differ from the journal, orders cancelled
// at TWS while the client was away (inferred at server version 176, exact from 177 with
// completed orders), and an order that never left the client during a drop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import { connected, makeClient, placedCounts, startSim } from '../../helpers/brokerFixture';

test('a fresh connect rebuilds orders and fills an earlier run of the same client id left', async () => {
  const fx = await startSim();
  const first = makeClient(fx.sim.port, { clientId: 6 });
  const second = makeClient(fx.sim.port, { clientId: 6 });
  try {
    await first.client.connect();
    const jpm = await first.client.resolveStock('JPM');
    const working = await first.client.placeOrder({ contract: jpm, action: 'BUY', quantity: 3, type: 'LMT', limitPrice: 1, orderRef: 'run-1/a' });
    const filled = await first.client.placeOrder({ contract: jpm, action: 'BUY', quantity: 2, type: 'MKT', orderRef: 'run-1/b' });
    await first.client.orderDone(filled.orderId, 3000);
    await first.client.dispose();

    second.client.believePositions([{ conId: jpm.conId!, quantity: 5, symbol: 'JPM' }]);
    await second.client.connect();
    const report = second.client.lastReconciliation!;
    assert.equal(report.trigger, 'connect');
    assert.equal(report.openOrders, 1);
    const w = report.orders.find((o) => o.orderId === working.orderId);
    assert.equal(w?.kind, 'unknownToUs');
    assert.equal(w?.after.state, 'submitted');
    assert.equal(w?.orderRef, 'run-1/a');
    const f = report.orders.find((o) => o.orderId === filled.orderId);
    assert.equal(f?.kind, 'unknownToUs');
    assert.equal(f?.after.state, 'filled');
    assert.equal(f?.after.filled, 2);
    assert.ok(report.newFills.some((x) => x.orderId === filled.orderId && x.orderRef === 'run-1/b'));
    assert.deepEqual(report.positions, [{ account: 'DU1234567', conId: jpm.conId, symbol: 'JPM', believed: 5, actual: 2 }]);
    assert.equal(report.clean, false);
    // The rebuilt order belongs to this client id: it can be cancelled.
    const cancelled = await second.client.cancelOrder(working.orderId);
    assert.equal(cancelled.state, 'cancelled');
  } finally {
    await first.client.dispose();
    await second.client.dispose();
    await fx.stop();
  }
});

for (const serverVersion of [176, 177]) {
  test(`an order cancelled at TWS during a disconnect is settled by the reconnect (server version ${serverVersion})`, async () => {
    const t = await connected({ serverVersion });
    const { client, fx } = t;
    try {
      const ko = await client.resolveStock('IWM');
      const working = await client.placeOrder({ contract: ko, action: 'BUY', quantity: 4, type: 'LMT', limitPrice: 1 });
      fx.sim.dropAll(0.3);
      // A TWS user presses "cancel all" while the client is away.
      fx.sim.engine.cancelAll();
      await client.state.when((s) => s.status === 'reconnecting', 2000);
      await client.state.when((s) => s.status === 'ready', 5000);
      const report = client.lastReconciliation!;
      assert.equal(report.trigger, 'reconnect');
      const diff = report.orders.find((o) => o.orderId === working.orderId);
      assert.equal(diff?.kind, 'goneAtTws');
      assert.deepEqual(diff?.before, { state: 'submitted', filled: 0 });
      assert.equal(diff?.after.state, 'cancelled');
      const o = client.order(working.orderId)!;
      if (serverVersion >= 177) {
        assert.equal(o.twsStatus, 'Cancelled', 'exact status from completed orders');
      } else {
        assert.match(o.note ?? '', /no longer open at TWS/, 'inferred: acknowledged, not open, not filled');
      }
      assert.equal(placedCounts(fx).get(working.orderId), 1, 'never sent again');
    } finally {
      await t.close();
    }
  });
}

test('an order still queued when the connection drops is never sent, then or later', async () => {
  const t = await connected();
  const { client, fx } = t;
  try {
    const amd = await client.resolveStock('AMD');
    // Fill the pacer so the order waits in the queue, then drop the connection.
    const backlog = Array.from({ length: 40 }, () => client.accountSummary(['NetLiquidation']).catch((e: unknown) => e));
    const order = client.placeOrder({ contract: amd, action: 'BUY', quantity: 1, type: 'MKT', orderRef: 'queued' }).catch((e: unknown) => e);
    await client.metrics.when((m) => m.queuedMessages > 20, 2000);
    fx.sim.dropAll(0.2);
    const err = (await order) as BrokerError;
    assert.ok(err instanceof BrokerError, String(err));
    assert.equal(err.code, ClientCode.ConnectionLost);
    assert.equal(err.orderSent, false);
    const lost = client.orders().find((o) => o.orderRef === 'queued')!;
    assert.equal(lost.state, 'lost');
    for (const b of await Promise.all(backlog)) assert.ok(b instanceof BrokerError || Array.isArray(b));
    await client.state.when((s) => s.status === 'ready' && s.reconnects === 1, 5000);
    assert.equal(placedCounts(fx).get(lost.orderId), undefined, 'TWS never saw it');
    assert.equal(client.order(lost.orderId)?.state, 'lost');
  } finally {
    await t.close();
  }
});
