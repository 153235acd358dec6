// A whole trading day's connection troubles over real TCP: TWS drops every socket (its
// nightly restart), comes back, and the client reconnects within its backoff with market
// data flowing again and no order sent twice; a fill that happened while it was away is
// picked up by reconciliation; a half-open socket is caught within the heartbeat bound;
// 326 on a reconnect is reported and the client id is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import type { BrokerContract } from '../../../src/extension/broker/types';
import { waitFor } from '../../helpers/simHarness';
import { connected, placedCounts, sleep } from '../../helpers/brokerFixture';

/** Time a reconnect attempt may take once TWS answers again (tcp + handshake + session + sync on loopback). */
const CONNECT_ALLOWANCE_MS = 500;

test('drop mid-session: reconnects within the backoff, market data flows again, no order sent twice', async () => {
  const t = await connected();
  const { client, fx } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    const quotes = await client.subscribeQuotes(nvda);
    const working = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 3, type: 'LMT', limitPrice: 1, orderRef: 'rc-working' });
    assert.equal(working.state, 'submitted');

    const downMs = 500;
    const droppedAt = Date.now();
    fx.sim.dropAll(downMs / 1000);
    await client.state.when((s) => s.status === 'reconnecting', 2000);
    const refused = (await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e)) as BrokerError;
    assert.equal(refused.code, ClientCode.NotReady, 'no order while reconnecting');
    assert.equal(refused.orderSent, false);

    // connect() while reconnecting waits for that reconnect instead of opening a second session.
    const viaConnect = client.connect();
    const s = await client.state.when((x) => x.status === 'ready' && x.reconnects === 1, 5000);
    assert.equal((await viaConnect).status, 'ready');
    assert.equal(fx.sim.connections.size, 1, 'one session at TWS');
    const readyAt = Date.now();
    const listenerBackAt = droppedAt + downMs;
    assert.ok(
      readyAt - listenerBackAt <= client.reconnectBoundMs + CONNECT_ALLOWANCE_MS,
      `ready ${readyAt - listenerBackAt} ms after TWS came back; backoff bound ${client.reconnectBoundMs} ms`,
    );
    assert.equal(s.clientId, 1);
    assert.equal(client.lastReconciliation?.trigger, 'reconnect');

    // Market data flows again on a fresh subscription.
    await quotes.updates.next((q) => q.updatedAt > readyAt, 3000);
    assert.equal(quotes.subscriptions, 2);

    // The working order was found open at TWS and was not sent again.
    assert.equal(client.order(working.orderId)?.state, 'submitted');
    const counts = placedCounts(fx);
    assert.equal(counts.get(working.orderId), 1);
    for (const [id, n] of counts) assert.equal(n, 1, `order ${id} sent ${n} times`);
    assert.deepEqual(client.lastReconciliation?.orders, []);
    assert.equal(client.metrics.value.reconnects, 1);
  } finally {
    await t.close();
  }
});

test('a fill that happened during the disconnect is picked up by reconciliation', async () => {
  // Each fill is split into 4 executions, one per simulator tick (300 ms): the first comes
  // at once, the rest while the client is away.
  const t = await connected({ faultSpecs: ['partial-fills:4'], tickMs: 300 });
  const { client, fx } = t;
  try {
    const nvda: BrokerContract = await client.resolveStock('NVDA');
    const placed = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 4, type: 'MKT', orderRef: 'rc-fill' });
    await client.waitForOrder(placed.orderId, (o) => o.filled >= 1, 3000);
    // Positions come on their own stream, after the executions: the position the client believes
    // at the drop is read once it has caught up with the fills seen so far.
    const filledSeen = () =>
      client
        .allFills()
        .filter((f) => f.orderId === placed.orderId)
        .reduce((s, f) => s + f.shares, 0);
    await waitFor(() => (client.position(nvda.conId!)?.quantity ?? 0) === filledSeen(), 3000, 'the position to follow the fills seen');
    const seenBefore = new Set(client.allFills().map((f) => f.execId));
    const believed = client.position(nvda.conId!)?.quantity ?? 0;
    fx.sim.dropAll(0.6);
    await client.state.when((s) => s.status === 'reconnecting', 2000);
    await client.state.when((s) => s.status === 'ready', 5000);

    const report = client.lastReconciliation!;
    assert.equal(report.trigger, 'reconnect');
    const missed = report.newFills.filter((f) => f.orderId === placed.orderId);
    assert.ok(missed.length >= 1, `reconciliation found the fills made while disconnected: ${JSON.stringify(report)}`);
    for (const f of missed) {
      assert.equal(seenBefore.has(f.execId), false);
      assert.equal(f.orderRef, 'rc-fill');
      assert.ok(f.commission !== undefined, 'commission report joined to the fill');
    }
    const diff = report.orders.find((o) => o.orderId === placed.orderId);
    assert.ok(diff, `the order is reported as changed: ${JSON.stringify(report)}`);
    assert.ok(diff.after.filled > diff.before!.filled);
    const pos = report.positions.find((p) => p.conId === nvda.conId);
    assert.ok(pos, `position difference reported: ${JSON.stringify(report.positions)}`);
    assert.equal(pos.believed, believed);
    assert.ok(pos.actual > believed);

    // In the end: filled once per execution, the position matches, nothing sent twice.
    const done = await client.orderDone(placed.orderId, 5000);
    assert.equal(done.state, 'filled');
    assert.equal(done.filled, 4);
    assert.equal(done.fills.length, 4);
    assert.equal(new Set(done.fills.map((f) => f.execId)).size, 4);
    await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === nvda.conId && p.quantity === 4), 3000);
    assert.equal(placedCounts(fx).get(placed.orderId), 1);
  } finally {
    await t.close();
  }
});

test('a half-open socket is detected within the heartbeat bound', async () => {
  let hungAt = 0;
  const t = await connected({
    faultSpecs: ['half-open:0.5'],
    log: (line: string) => {
      if (line.includes('half-open')) hungAt = Date.now();
    },
  });
  const { client } = t;
  try {
    assert.equal(client.state.value.status, 'ready');
    const s = await client.state.when((x) => x.status === 'reconnecting', 5000);
    const detectedAt = Date.now();
    assert.ok(hungAt > 0, 'the simulator hung');
    assert.equal(s.lastError?.code, ClientCode.HeartbeatLost);
    assert.match(s.lastError?.message ?? '', /half-open/);
    // +100 ms: timer scheduling on a shared machine.
    assert.ok(detectedAt - hungAt <= client.heartbeatBoundMs + 100, `detected ${detectedAt - hungAt} ms after the hang; bound ${client.heartbeatBoundMs} ms`);
  } finally {
    await t.close();
  }
});

test('326 on a reconnect is reported and the client keeps its id, retrying with backoff', async () => {
  const t = await connected({ faultSpecs: ['client-id-in-use:1@0.4'] });
  const { client, fx } = t;
  try {
    await sleep(450);
    fx.sim.dropAll(0);
    const s = await client.state.when((x) => x.status === 'reconnecting' && x.lastError?.code === 326, 3000);
    assert.match(s.lastError!.message, /client id 1 is already in use/);
    await client.state.when((x) => x.status === 'reconnecting' && (x.attempt ?? 0) >= 3, 3000);
    assert.equal(client.state.value.clientId, 1);
    const ids = new Set(
      fx
        .records()
        .filter((l) => l.name === 'startApi')
        .map((l) => l.fields[2]),
    );
    assert.deepEqual([...ids], ['1']);
  } finally {
    await t.close();
  }
});
