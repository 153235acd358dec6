// Options and combos as the order ticket places them, over TCP against the simulator: the
// chain (expiries, strikes) and a conId per chosen option, what-if (margin, commission) for
// an option and a 3-leg combo, a butterfly (ratios 1:2:1) whose legs fill contracts x ratio
// and become positions per option conId, and a credit vertical at a negative net limit. Every
// execution, the combo's own line included, carries the manual orderRef.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerContract, OptionChain } from '../../../src/extension/broker/types';
import { connected, placedCounts } from '../../helpers/brokerFixture';

let t: Awaited<ReturnType<typeof connected>>;

before(async () => {
  t = await connected({}, { clientId: 4 });
});
after(async () => {
  await t.close();
});

/** The SMART chain of `symbol`, the expiry nearest, and calls at the first `n` strikes at or above the spot. */
async function callsAboveSpot(symbol: string, n: number): Promise<{ chain: OptionChain; calls: BrokerContract[] }> {
  const chains = await t.client.optionChain(symbol);
  const chain = chains.find((c) => c.exchange === 'SMART');
  assert.ok(chain, `a SMART chain among ${chains.map((c) => c.exchange).join(', ')}`);
  assert.equal(chain.multiplier, 100);
  const spot = (await t.client.quoteSnapshot(await t.client.resolveStock(symbol))).last!;
  const strikes = chain.strikes.filter((k) => k >= spot).slice(0, n);
  assert.equal(strikes.length, n);
  const calls = await Promise.all(strikes.map((strike) => t.client.resolveOption({ symbol, expiry: chain.expirations[0]!, strike, right: 'C' })));
  return { chain, calls };
}

async function positionOf(conId: number, quantity: number): Promise<void> {
  await t.client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === conId && p.quantity === quantity), 4000);
}

test('option chain: sorted expiries and strikes; each chosen option resolves to its own conId with multiplier 100', async () => {
  const { chain, calls } = await callsAboveSpot('AMD', 2);
  assert.deepEqual([...chain.expirations].sort(), chain.expirations);
  assert.ok(chain.expirations.every((e) => /^\d{8}$/.test(e)));
  assert.deepEqual(
    [...chain.strikes].sort((a, b) => a - b),
    chain.strikes,
  );
  assert.notEqual(calls[0]!.conId, calls[1]!.conId);
  for (const c of calls) {
    assert.equal(c.secType, 'OPT');
    assert.equal(c.right, 'C');
    assert.equal(c.multiplier, 100);
    assert.equal(c.expiry, chain.expirations[0]);
  }
  const put = await t.client.resolveOption({ symbol: 'AMD', expiry: chain.expirations[0]!, strike: calls[0]!.strike!, right: 'P' });
  assert.equal(put.right, 'P');
  assert.notEqual(put.conId, calls[0]!.conId);
});

test('an option: bid/ask quoted, what-if counts the multiplier, a manual LMT fills and the position is per conId', async () => {
  const { calls } = await callsAboveSpot('NVDA', 1);
  const call = calls[0]!;
  const q = await t.client.quoteSnapshot(call);
  assert.ok(q.bid! > 0 && q.ask! > q.bid!, JSON.stringify(q));
  const whatIf = await t.client.previewOrder({ contract: call, action: 'BUY', quantity: 3, type: 'LMT', limitPrice: q.ask! });
  // The margin is on the premium times the multiplier (the simulator's 25% of gross value; without
  // the multiplier it would be a hundredth of that).
  const premium = 3 * 100 * q.ask!;
  assert.ok(whatIf.initMarginChange! > premium * 0.2 && whatIf.initMarginChange! <= premium, JSON.stringify(whatIf));
  assert.ok(whatIf.commission! > 0);
  const ref = 'manual:1796500000000-0a0b0c0d';
  const placed = await t.client.placeOrder({ contract: call, action: 'BUY', quantity: 3, type: 'LMT', limitPrice: q.ask! + 0.5, orderRef: ref });
  const done = await t.client.orderDone(placed.orderId, 4000);
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 3);
  assert.ok(done.fills.every((f) => f.orderRef === ref && f.contract.conId === call.conId));
  await positionOf(call.conId!, 3);
  assert.equal(placedCounts(t.fx).get(placed.orderId), 1);
});

test('a butterfly (1:2:1): what-if for the whole combo, each leg fills contracts x ratio, positions per leg conId', async () => {
  const { calls } = await callsAboveSpot('MSFT', 3);
  const [low, mid, high] = calls as [BrokerContract, BrokerContract, BrokerContract];
  const fly = await t.client.comboContract([
    { conId: low.conId!, ratio: 1, action: 'BUY' },
    { conId: mid.conId!, ratio: 2, action: 'SELL' },
    { conId: high.conId!, ratio: 1, action: 'BUY' },
  ]);
  assert.deepEqual(
    fly.legs!.map((l) => [l.ratio, l.action, l.exchange]),
    [
      [1, 'BUY', 'SMART'],
      [2, 'SELL', 'SMART'],
      [1, 'BUY', 'SMART'],
    ],
  );
  const whatIf = await t.client.previewOrder({ contract: fly, action: 'BUY', quantity: 2, type: 'MKT' });
  assert.ok(whatIf.initMarginChange! > 0 && whatIf.commission! > 0, JSON.stringify(whatIf));
  assert.equal(
    t.fx.records().filter((l) => l.dir === 'in' && l.name === 'placeOrder' && l.order?.whatIf === false && l.order.symbol === 'MSFT').length,
    0,
    'the what-if placed nothing',
  );
  const ref = 'manual:1796500000001-1a2b3c4d';
  const placed = await t.client.placeOrder({ contract: fly, action: 'BUY', quantity: 2, type: 'MKT', orderRef: ref });
  const done = await t.client.orderDone(placed.orderId, 4000);
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 2, 'in combo units');
  const legFills = done.fills.filter((f) => f.contract.secType === 'OPT');
  const byLeg = new Map(legFills.map((f) => [f.contract.conId, { side: f.side, shares: f.shares }]));
  assert.deepEqual(byLeg.get(low.conId), { side: 'BUY', shares: 2 });
  assert.deepEqual(byLeg.get(mid.conId), { side: 'SELL', shares: 4 });
  assert.deepEqual(byLeg.get(high.conId), { side: 'BUY', shares: 2 });
  assert.ok(done.fills.every((f) => f.orderRef === ref));
  await positionOf(low.conId!, 2);
  await positionOf(mid.conId!, -4);
  await positionOf(high.conId!, 2);
});

test('a credit vertical at a negative net limit fills at the net; its combo execution is negative and the order is filled', async () => {
  const { calls } = await callsAboveSpot('AAPL', 2);
  const [low, high] = calls as [BrokerContract, BrokerContract];
  const [ql, qh] = await Promise.all([t.client.quoteSnapshot(low), t.client.quoteSnapshot(high)]);
  // Sell the lower call, buy the upper: a credit of (low bid - high ask) per share.
  const credit = await t.client.comboContract([
    { conId: low.conId!, ratio: 1, action: 'SELL' },
    { conId: high.conId!, ratio: 1, action: 'BUY' },
  ]);
  const net = Math.round((qh.ask! - ql.bid!) * 100) / 100;
  assert.ok(net < 0, `a credit: ${net}`);
  const ref = 'manual:1796500000002-2a2b2c2d';
  const placed = await t.client.placeOrder({ contract: credit, action: 'BUY', quantity: 1, type: 'LMT', limitPrice: net, orderRef: ref });
  assert.equal(placed.limitPrice, net);
  const done = await t.client.orderDone(placed.orderId, 4000);
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 1);
  assert.ok(done.avgFillPrice <= net + 1e-9, `filled at ${done.avgFillPrice}, at or better than ${net}`);
  const bagLine = done.fills.find((f) => f.contract.secType === 'BAG');
  assert.ok(bagLine && bagLine.price < 0, JSON.stringify(done.fills));
  assert.ok(done.fills.every((f) => f.orderRef === ref));
  await positionOf(low.conId!, -1);
  await positionOf(high.conId!, 1);
  assert.equal(t.client.state.value.status, 'ready', 'the negative combo price did not break the connection');
});
