// Orders beyond the account's buying power are rejected as TWS rejects them: error 201 with
// TWS's "YOUR ORDER IS NOT ACCEPTED ..." reason, the order Inactive, nothing filled; the
// what-if of the same order returns its margin numbers with the reason as its warning text,
// and TWS's 201 follows on the what-if's id. Through the broker over TCP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrokerClient } from '../../../src/extension/broker/brokerClient';
import { BrokerError } from '../../../src/extension/broker/errors';
import type { BrokerContract } from '../../../src/extension/broker/types';
import { connected, type SimFixture } from '../../helpers/brokerFixture';

let t: Awaited<ReturnType<typeof connected>>;
let client: BrokerClient;
let fx: SimFixture;
let aapl: BrokerContract;
let price: number;

const REASON =
  /^Order rejected - reason:YOUR ORDER IS NOT ACCEPTED\. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE \[10000\.00 USD\] MUST EXCEED THE INITIAL MARGIN \[(\d+\.\d\d) USD\]$/;

before(async () => {
  // 10,000 USD: Reg T intraday margin (25%) allows positions up to 40,000 USD.
  t = await connected({ cash: 10_000 }, { clientId: 4 });
  client = t.client;
  fx = t.fx;
  aapl = await client.resolveStock('AAPL');
  const q = await client.quoteSnapshot(aapl);
  price = q.ask!;
});
after(async () => {
  await t.close();
});

test("an order beyond buying power: error 201 with TWS's reason, order Inactive, no execution, no position", async () => {
  const quantity = Math.ceil(60_000 / price); // 60,000 USD needs 15,000 USD initial margin
  const err = (await client
    .placeOrder({ contract: aapl, action: 'BUY', quantity, type: 'MKT', orderRef: 'bp/too-big' })
    .catch((e: unknown) => e)) as BrokerError;
  assert.ok(err instanceof BrokerError, String(err));
  assert.equal(err.code, 201);
  const m = REASON.exec(lastError(err.reqId));
  assert.ok(m, `reason: ${lastError(err.reqId)}`);
  assert.ok(Math.abs(Number(m[1]) - 0.25 * quantity * price) < 0.01 * quantity * price, `initial margin ${m[1]} for ${quantity} x ${price}`);
  assert.equal(client.order(err.reqId)?.state, 'rejected');
  assert.equal(fx.sim.engine.orders.get(err.reqId)?.status, 'Inactive');
  assert.equal(fx.sim.engine.executions.length, 0);
  assert.equal(client.position(aapl.conId!)?.quantity ?? 0, 0);
});

test('an affordable order fills; closing it is never refused for margin', async () => {
  const quantity = Math.floor(20_000 / price);
  const placed = await client.placeOrder({ contract: aapl, action: 'BUY', quantity, type: 'MKT', orderRef: 'bp/fits' });
  const done = await client.orderDone(placed.orderId, 4000);
  assert.equal(done.state, 'filled');
  // Another 30,000 USD on top needs 12,500 USD against about 10,000: refused.
  const more = (await client
    .placeOrder({ contract: aapl, action: 'BUY', quantity: Math.ceil(30_000 / price), type: 'MKT' })
    .catch((e: unknown) => e)) as BrokerError;
  assert.equal(more.code, 201);
  assert.match(more.message, /YOUR ORDER IS NOT ACCEPTED/);
  const close = await client.placeOrder({ contract: aapl, action: 'SELL', quantity, type: 'MKT', orderRef: 'bp/close' });
  assert.equal((await client.orderDone(close.orderId, 4000)).state, 'filled');
});

test("what-if of an unaffordable order: the margin numbers, the reason as warning text, and TWS's 201 on its id", async () => {
  const quantity = Math.ceil(60_000 / price);
  const preview = await client.previewOrder({ contract: aapl, action: 'BUY', quantity, type: 'MKT' });
  assert.ok(preview.initMarginAfter! > preview.equityWithLoanBefore!, JSON.stringify(preview));
  assert.match(preview.warningText ?? '', /YOUR ORDER IS NOT ACCEPTED.*MUST EXCEED THE INITIAL MARGIN/);
  const whatIf = fx
    .records()
    .filter((l) => l.dir === 'in' && l.name === 'placeOrder' && l.order?.whatIf && l.order.totalQuantity === quantity)
    .at(-1);
  assert.ok(whatIf?.order, 'the what-if reached the simulator');
  await waitFor(() => errorsSent(whatIf.order!.orderId).some((f) => f.includes('201')));
  // An affordable what-if carries no warning.
  const small = await client.previewOrder({ contract: aapl, action: 'BUY', quantity: 1, type: 'MKT' });
  assert.equal(small.warningText ?? '', '');
  assert.equal(fx.sim.engine.executions.filter((e) => e.execution.shares === quantity).length, 0);
});

/** The latest error message the client saw for an order id. */
function lastError(orderId: number): string {
  return client.order(orderId)?.errors.at(-1)?.message ?? '';
}

/** The error frames the simulator sent for a request id (fields joined). */
function errorsSent(reqId: number): string[] {
  return fx
    .records()
    .filter((l) => l.dir === 'out' && l.name === 'error' && l.fields.includes(String(reqId)))
    .map((l) => l.fields.join('|'));
}

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
