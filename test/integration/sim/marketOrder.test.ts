// The reference scenario: a MKT BUY 5 NVDA through @stoqey/ib over TCP gives
// orderStatus Filled 5 near the quote, execDetails and commissionReport; the position
// grows by 5 and cash falls by price x 5 + commission.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { collectUntil, once, startSim, TestClient, type SimFixture } from '../../helpers/simHarness';

const NVDA = { symbol: 'NVDA', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

let fx: SimFixture;
let client: TestClient;

before(async () => {
  fx = await startSim();
  client = await new TestClient(fx.sim.port, 11).connect();
});
after(async () => {
  client.disconnect();
  await fx.stop();
});

async function cash(): Promise<number> {
  const values = await collectUntil(client.ib, EventName.accountSummary, EventName.accountSummaryEnd, 3000);
  const row = values.find((v) => v[2] === 'TotalCashValue');
  assert.ok(row, 'accountSummary has TotalCashValue');
  return Number(row[3]);
}

async function nvdaPosition(): Promise<number> {
  const rows = await collectUntil(client.ib, EventName.position, EventName.positionEnd, 3000);
  const row = rows.find((r) => r[1].symbol === 'NVDA');
  return row ? Number(row[2]) : 0;
}

test('MKT BUY 5 NVDA fills near the quote and moves position and cash', async () => {
  // The quote first (snapshot), to check the fill is near it.
  const quoteTicks = collectUntil(client.ib, EventName.tickPrice, EventName.tickSnapshotEnd, 3000);
  client.ib.reqMktData(1, NVDA, '', true, false);
  const ticks = await quoteTicks;
  const ask = Number(ticks.find((t) => t[1] === 2)?.[2]);
  assert.ok(ask > 0, 'snapshot carried an ask');

  client.ib.reqAccountSummary(2, 'All', 'TotalCashValue');
  const cashBefore = await cash();
  client.ib.cancelAccountSummary(2);
  client.ib.reqPositions();
  const posBefore = await nvdaPosition();

  const orderId = client.takeOrderId();
  const filled = once(client.ib, EventName.orderStatus, 3000, (id: number, status: string) => id === orderId && status === 'Filled');
  const exec = once(client.ib, EventName.execDetails, 3000, (_r: number, _c: unknown, e: { orderId: number }) => e.orderId === orderId);
  const commission = once(client.ib, EventName.commissionReport, 3000);
  client.ib.placeOrder(orderId, NVDA, { action: OrderAction.BUY, totalQuantity: 5, orderType: OrderType.MKT, orderRef: 'it-mkt-1', transmit: true });

  const [, , filledQty, remaining, avgFillPrice] = await filled;
  assert.equal(filledQty, 5);
  assert.equal(remaining, 0);
  assert.ok(Math.abs(avgFillPrice - ask) / ask < 0.01, `fill ${avgFillPrice} within 1% of ask ${ask}`);

  const [reqId, contract, execution] = await exec;
  assert.equal(reqId, -1);
  assert.equal(contract.symbol, 'NVDA');
  assert.equal(contract.conId, 4815747);
  assert.equal(execution.side, 'BOT');
  assert.equal(execution.shares, 5);
  assert.equal(execution.orderRef, 'it-mkt-1');
  assert.equal(execution.acctNumber, 'DU1234567');

  const [report] = await commission;
  assert.equal(report.execId, execution.execId);
  // IBKR fixed tier: 5 x $0.005 = $0.025, below the $1.00 minimum.
  assert.equal(report.commission, 1);
  assert.equal(report.currency, 'USD');

  // The position grows by 5 (the position stream pushes the change) ...
  client.ib.cancelPositions();
  client.ib.reqPositions();
  assert.equal(await nvdaPosition(), posBefore + 5);
  // ... and cash falls by price x 5 + commission.
  client.ib.reqAccountSummary(3, 'All', 'TotalCashValue');
  const cashAfter = await cash();
  assert.ok(Math.abs(cashBefore - cashAfter - (execution.price * 5 + report.commission)) < 0.011, `cash ${cashBefore} -> ${cashAfter}`);

  // What reached "TWS" is in the record, with the order's fields.
  const placed = fx.records().filter((l) => l.dir === 'in' && l.name === 'placeOrder');
  assert.equal(placed.length, 1);
  assert.deepEqual(
    {
      orderId: placed[0]!.order!.orderId,
      symbol: placed[0]!.order!.symbol,
      action: placed[0]!.order!.action,
      qty: placed[0]!.order!.totalQuantity,
      type: placed[0]!.order!.orderType,
      ref: placed[0]!.order!.orderRef,
    },
    { orderId, symbol: 'NVDA', action: 'BUY', qty: 5, type: 'MKT', ref: 'it-mkt-1' },
  );
});
