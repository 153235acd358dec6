// Positions, account values and summary, P&L per account and per position over TCP; the
// P&L streams come back by themselves after a reconnect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connected } from '../../helpers/brokerFixture';

test('positions and account values follow a fill; the summary answers the tags asked', async () => {
  const t = await connected();
  const { client } = t;
  try {
    const snap0 = await client.account.when((a) => a?.totalCashValue !== undefined, 2000);
    assert.equal(snap0!.account, 'DU1234567');
    assert.equal(snap0!.currency, 'USD');
    assert.equal(snap0!.totalCashValue, 1_000_000);
    assert.equal(client.positionList().length, 0);

    const tsla = await client.resolveStock('TSLA');
    const placed = await client.placeOrder({ contract: tsla, action: 'BUY', quantity: 10, type: 'MKT' });
    const done = await client.orderDone(placed.orderId, 3000);
    await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === tsla.conId && p.quantity === 10), 3000);
    const pos = client.position(tsla.conId!)!;
    assert.equal(pos.account, 'DU1234567');
    assert.equal(pos.contract.symbol, 'TSLA');
    // IB's average cost includes the commission.
    assert.ok(Math.abs(pos.avgCost - (done.avgFillPrice * 10 + done.commission) / 10) < 1e-4, `avgCost ${pos.avgCost}`);

    const expectedCash = 1_000_000 - done.avgFillPrice * 10 - done.commission;
    const snap = await client.account.when((a) => a !== undefined && Math.abs((a.totalCashValue ?? 0) - expectedCash) < 0.011, 3000);
    assert.ok(snap!.portfolio.some((p) => p.contract.conId === tsla.conId && p.quantity === 10 && p.marketValue > 0));
    assert.ok(snap!.netLiquidation! > 0);

    const rows = await client.accountSummary(['NetLiquidation', 'TotalCashValue', 'BuyingPower']);
    assert.deepEqual(rows.map((r) => r.tag).sort(), ['BuyingPower', 'NetLiquidation', 'TotalCashValue']);
    const cash = rows.find((r) => r.tag === 'TotalCashValue')!;
    assert.ok(Math.abs(Number(cash.value) - expectedCash) < 0.011);
    assert.equal(cash.currency, 'USD');
  } finally {
    await t.close();
  }
});

test('P&L per account and per position, resubscribed after a reconnect', async () => {
  const t = await connected();
  const { client, fx } = t;
  try {
    const qqq = await client.resolveStock('QQQ');
    const placed = await client.placeOrder({ contract: qqq, action: 'BUY', quantity: 20, type: 'MKT' });
    await client.orderDone(placed.orderId, 3000);
    await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === qqq.conId && p.quantity === 20), 3000);

    const pnl = client.subscribePnl();
    const posPnl = client.subscribePositionPnl(qqq.conId!);
    const a = await pnl.value.when((v) => v !== undefined, 3000);
    assert.equal(a!.account, 'DU1234567');
    assert.equal(typeof a!.daily, 'number');
    const p = await posPnl.value.when((v) => v !== undefined && v.position === 20, 3000);
    assert.equal(p!.conId, qqq.conId);
    assert.ok(p!.value > 0);

    fx.sim.dropAll(0);
    await client.state.when((s) => s.status === 'reconnecting', 2000);
    const readyAt = (await client.state.when((s) => s.status === 'ready' && s.reconnects === 1, 5000)).readySince!;
    const again = await posPnl.updates.next((v) => v.at >= readyAt, 3000);
    assert.equal(again.position, 20);
    await pnl.updates.next((v) => v.at >= readyAt, 3000);
    pnl.close();
    posPnl.close();
  } finally {
    await t.close();
  }
});
