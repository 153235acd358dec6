// Orders end to end over TCP: market, limit, stop, stop-limit, bracket (take-profit fill
// cancels the stop), OCA, single-leg option, BAG combo, modify, cancel, what-if preview,
// beforeSend ordering, orderRef pass-through, and TWS's rejections as typed errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerClient } from '../../../src/extension/broker/brokerClient';
import { BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import type { BrokerContract, OrderIntent } from '../../../src/extension/broker/types';
import { connected, placedCounts, type SimFixture } from '../../helpers/brokerFixture';

let t: Awaited<ReturnType<typeof connected>>;
let client: BrokerClient;
let fx: SimFixture;

before(async () => {
  t = await connected({}, { clientId: 3 });
  client = t.client;
  fx = t.fx;
});
after(async () => {
  await t.close();
});

async function stock(symbol: string): Promise<BrokerContract> {
  return client.resolveStock(symbol);
}

test('market order: acknowledged, filled near the quote, commission and orderRef on the fill, position up', async () => {
  const aapl = await stock('AAPL');
  const quote = await client.quoteSnapshot(aapl);
  const fills: string[] = [];
  const off = client.fills.on((f) => fills.push(f.execId));
  const placed = await client.placeOrder({ contract: aapl, action: 'BUY', quantity: 5, type: 'MKT', orderRef: 'sess-1/cycle-7' });
  assert.ok(['submitted', 'filled'].includes(placed.state), placed.state);
  assert.equal(placed.orderRef, 'sess-1/cycle-7');
  const done = await client.orderDone(placed.orderId, 3000);
  off();
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 5);
  assert.equal(done.remaining, 0);
  assert.ok(Math.abs(done.avgFillPrice - quote.ask!) / quote.ask! < 0.01, `fill ${done.avgFillPrice} near ask ${quote.ask}`);
  assert.equal(done.commission, 1);
  assert.equal(done.fills.length, 1);
  assert.equal(done.fills[0]!.orderRef, 'sess-1/cycle-7');
  assert.equal(done.fills[0]!.commission, 1);
  assert.deepEqual(fills, [done.fills[0]!.execId]);
  await client.positions.when((m) => [...m.values()].some((p) => p.contract.conId === aapl.conId && p.quantity === 5), 3000);
});

test('limit order works until cancelled; cancelling again returns the same cancelled order', async () => {
  const msft = await stock('MSFT');
  const placed = await client.placeOrder({ contract: msft, action: 'BUY', quantity: 2, type: 'LMT', limitPrice: 1, tif: 'DAY' });
  assert.equal(placed.state, 'submitted');
  assert.equal(placed.limitPrice, 1);
  const cancelled = await client.cancelOrder(placed.orderId);
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(cancelled.filled, 0);
  const again = await client.cancelOrder(placed.orderId);
  assert.equal(again.state, 'cancelled');
});

test('stop and stop-limit orders trigger and fill', async () => {
  const amd = await stock('AMD');
  const q = await client.quoteSnapshot(amd);
  const stop = await client.placeOrder({ contract: amd, action: 'BUY', quantity: 3, type: 'STP', stopPrice: Math.floor(q.last! * 0.9) });
  const stopLimit = await client.placeOrder({
    contract: amd,
    action: 'BUY',
    quantity: 4,
    type: 'STP LMT',
    stopPrice: Math.floor(q.last! * 0.9),
    limitPrice: Math.ceil(q.ask! * 1.05),
  });
  const [a, b] = await Promise.all([client.orderDone(stop.orderId, 3000), client.orderDone(stopLimit.orderId, 3000)]);
  assert.equal(a.state, 'filled');
  assert.equal(a.type, 'STP');
  assert.equal(a.filled, 3);
  assert.equal(b.state, 'filled');
  assert.equal(b.type, 'STP LMT');
  assert.equal(b.filled, 4);
});

test('bracket: the take-profit fills and cancels the stop-loss', async () => {
  const amzn = await stock('AMZN');
  const q = await client.quoteSnapshot(amzn);
  const b = await client.placeBracket({
    contract: amzn,
    action: 'BUY',
    quantity: 10,
    entryType: 'MKT',
    takeProfitPrice: Math.floor(q.bid! - 5), // marketable once active
    stopLossPrice: Math.floor(q.bid! * 0.5),
    orderRef: 'bracket-1',
  });
  assert.equal(b.takeProfit.parentId, b.parent.orderId);
  assert.equal(b.stopLoss.parentId, b.parent.orderId);
  const [parent, tp, sl] = await Promise.all([
    client.orderDone(b.parent.orderId, 4000),
    client.orderDone(b.takeProfit.orderId, 4000),
    client.orderDone(b.stopLoss.orderId, 4000),
  ]);
  assert.equal(parent.state, 'filled');
  assert.equal(tp.state, 'filled');
  assert.equal(tp.action, 'SELL');
  assert.equal(sl.state, 'cancelled');
  assert.equal(sl.filled, 0);
  // Each leg its own orderRef (none sent twice): the exits carry the entry's with :tp / :sl.
  assert.equal(parent.fills[0]!.orderRef, 'bracket-1');
  assert.equal(tp.fills[0]!.orderRef, 'bracket-1:tp');
  assert.deepEqual([b.parent.orderRef, b.takeProfit.orderRef, b.stopLoss.orderRef], ['bracket-1', 'bracket-1:tp', 'bracket-1:sl']);
  const placed = fx
    .records()
    .filter((l) => l.name === 'placeOrder' && l.order && [b.parent.orderId, b.takeProfit.orderId, b.stopLoss.orderId].includes(l.order.orderId));
  assert.deepEqual(
    placed.map((l) => [l.order!.orderType, l.order!.parentId === b.parent.orderId, l.order!.transmit, l.order!.orderRef]),
    [
      ['MKT', false, false, 'bracket-1'],
      ['LMT', true, false, 'bracket-1:tp'],
      ['STP', true, true, 'bracket-1:sl'],
    ],
  );
});

test('OCA group: one fills, the other is cancelled', async () => {
  const meta = await stock('META');
  const q = await client.quoteSnapshot(meta);
  // The resting order first: a member that fills before the others are placed has no one to cancel.
  const [far, fillsNow] = await client.placeOcaGroup(
    [
      { contract: meta, action: 'BUY', quantity: 2, type: 'LMT', limitPrice: 1 },
      { contract: meta, action: 'BUY', quantity: 2, type: 'LMT', limitPrice: Math.ceil(q.ask! + 5) },
    ],
    'oca-test-1',
  );
  const [a, b] = await Promise.all([client.orderDone(fillsNow!.orderId, 3000), client.orderDone(far!.orderId, 3000)]);
  assert.equal(a.state, 'filled');
  assert.equal(b.state, 'cancelled');
  assert.equal(a.ocaGroup, 'oca-test-1');
});

test('single-leg option order', async () => {
  const nvda = await stock('NVDA');
  const [chain] = await client.optionChain('NVDA', nvda.conId);
  assert.ok(chain && chain.expirations.length > 0 && chain.strikes.length > 0);
  const spot = (await client.quoteSnapshot(nvda)).last!;
  const strike = chain.strikes.reduce((best, k) => (Math.abs(k - spot) < Math.abs(best - spot) ? k : best));
  const call = await client.resolveOption({ symbol: 'NVDA', expiry: chain.expirations[0]!, strike, right: 'C' });
  assert.equal(call.secType, 'OPT');
  assert.equal(call.multiplier, 100);
  assert.ok(call.conId);
  const placed = await client.placeOrder({ contract: call, action: 'BUY', quantity: 1, type: 'MKT' });
  const done = await client.orderDone(placed.orderId, 3000);
  assert.equal(done.state, 'filled');
  assert.equal(done.fills[0]!.contract.secType, 'OPT');
  assert.equal(done.fills[0]!.contract.conId, call.conId);
});

test('BAG combo from legs with conIds', async () => {
  const [chain] = await client.optionChain('MSFT');
  const spot = (await client.quoteSnapshot(await stock('MSFT'))).last!;
  const strikes = chain!.strikes.filter((k) => k >= spot).slice(0, 2);
  const expiry = chain!.expirations[0]!;
  const lower = await client.resolveOption({ symbol: 'MSFT', expiry, strike: strikes[0]!, right: 'C' });
  const upper = await client.resolveOption({ symbol: 'MSFT', expiry, strike: strikes[1]!, right: 'C' });
  const spread = await client.comboContract([
    { conId: lower.conId!, ratio: 1, action: 'BUY' },
    { contract: upper, ratio: 1, action: 'SELL' },
  ]);
  assert.equal(spread.secType, 'BAG');
  assert.equal(spread.symbol, 'MSFT');
  assert.deepEqual(
    spread.legs!.map((l) => [l.conId, l.action]),
    [
      [lower.conId, 'BUY'],
      [upper.conId, 'SELL'],
    ],
  );
  const placed = await client.placeOrder({ contract: spread, action: 'BUY', quantity: 2, type: 'MKT', orderRef: 'spread-1' });
  const done = await client.orderDone(placed.orderId, 3000);
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 2, 'filled in combo units');
  const legConIds = new Set(done.fills.filter((f) => f.contract.secType === 'OPT').map((f) => f.contract.conId));
  assert.deepEqual(legConIds, new Set([lower.conId, upper.conId]));
});

test('modify: a working limit order moved to a marketable price fills; modify of a filled order is refused', async () => {
  const intc = await stock('INTC');
  const q = await client.quoteSnapshot(intc);
  const placed = await client.placeOrder({ contract: intc, action: 'BUY', quantity: 7, type: 'LMT', limitPrice: 1 });
  assert.equal(placed.state, 'submitted');
  const modified = await client.modifyOrder(placed.orderId, { limitPrice: Math.ceil(q.ask! + 1), quantity: 8 });
  assert.equal(modified.modifyPending, false);
  const done = await client.orderDone(placed.orderId, 3000);
  assert.equal(done.state, 'filled');
  assert.equal(done.filled, 8);
  assert.equal(done.limitPrice, Math.ceil(q.ask! + 1));
  const err = (await client.modifyOrder(placed.orderId, { limitPrice: 2 }).catch((e: unknown) => e)) as BrokerError;
  assert.ok(err instanceof BrokerError);
  assert.equal(err.code, 104);
  // One placeOrder and one modification on the wire, nothing more.
  assert.equal(placedCounts(fx).get(placed.orderId), 2);
});

test('what-if preview returns margin and commission and places nothing', async () => {
  const spy = await stock('SPY');
  const before = client.orders().length;
  const preview = await client.previewOrder({ contract: spy, action: 'BUY', quantity: 100, type: 'MKT' });
  assert.ok(preview.initMarginChange! > 0, JSON.stringify(preview));
  assert.ok(preview.maintMarginAfter! >= preview.maintMarginBefore!);
  assert.ok(preview.commission! > 0);
  assert.equal(preview.commissionCurrency, 'USD');
  assert.equal(client.orders().length, before, 'no tracked order');
  const whatIfs = fx.records().filter((l) => l.name === 'placeOrder' && l.order?.symbol === 'SPY');
  assert.ok(whatIfs.length >= 1 && whatIfs.every((l) => l.order!.whatIf));
  assert.equal(
    client.positionList().some((p) => p.contract.symbol === 'SPY'),
    false,
  );
});

test('beforeSend runs after ids are assigned and before the bytes go out; a failing hook sends nothing', async () => {
  const jpm = await stock('JPM');
  const seen: OrderIntent[] = [];
  let onWireDuringHook = -1;
  const placed = await client.placeOrder(
    { contract: jpm, action: 'BUY', quantity: 1, type: 'MKT', orderRef: 'journal-1' },
    {
      beforeSend: async (intent) => {
        seen.push(intent);
        await new Promise((r) => setTimeout(r, 50));
        onWireDuringHook = placedCounts(fx).get(intent.legs[0]!.orderId) ?? 0;
      },
    },
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.legs[0]!.orderId, placed.orderId);
  assert.equal(seen[0]!.legs[0]!.request.orderRef, 'journal-1');
  assert.equal(seen[0]!.account, 'DU1234567');
  assert.equal(seen[0]!.clientId, 3);
  assert.equal(onWireDuringHook, 0, 'nothing reached TWS while the hook ran');
  assert.equal(placedCounts(fx).get(placed.orderId), 1);

  let hookedId = -1;
  const err = (await client
    .placeOrder(
      { contract: jpm, action: 'BUY', quantity: 1, type: 'MKT' },
      {
        beforeSend: (intent) => {
          hookedId = intent.legs[0]!.orderId;
          throw new Error('journal is full');
        },
      },
    )
    .catch((e: unknown) => e)) as BrokerError;
  assert.equal(err.code, ClientCode.HookFailed);
  assert.equal(err.orderSent, false);
  assert.match(err.message, /journal is full/);
  assert.equal(placedCounts(fx).get(hookedId), undefined, 'nothing was sent');
});

test('invalid requests are refused before anything is sent', async () => {
  const jpm = await stock('JPM');
  const err = (await client.placeOrder({ contract: jpm, action: 'BUY', quantity: 1, type: 'LMT' }).catch((e: unknown) => e)) as BrokerError;
  assert.equal(err.code, ClientCode.InvalidRequest);
  assert.match(err.message, /limitPrice/);
  const bad = (await client
    .placeBracket({ contract: jpm, action: 'BUY', quantity: 1, entryType: 'MKT', takeProfitPrice: 10, stopLossPrice: 20 })
    .catch((e: unknown) => e)) as BrokerError;
  assert.equal(bad.code, ClientCode.InvalidRequest);
});

test('TWS rejections are typed errors: 201 (rejected) and 321 (read-only API)', async () => {
  for (const [fault, code] of [
    ['reject-orders:Insufficient buying power', 201],
    ['read-only', 321],
  ] as const) {
    const r = await connected({ faultSpecs: [fault] });
    try {
      const nvda = await r.client.resolveStock('NVDA');
      const err = (await r.client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e)) as BrokerError;
      assert.ok(err instanceof BrokerError, String(err));
      assert.equal(err.code, code);
      assert.equal(err.orderSent, true);
      assert.ok(err.reqId > 0);
      assert.equal(r.client.order(err.reqId)?.state, 'rejected');
      if (fault === 'read-only') {
        const pv = (await r.client.previewOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e)) as BrokerError;
        assert.equal(pv.code, 321);
      } else {
        assert.match(err.message, /Insufficient buying power/);
      }
    } finally {
      await r.close();
    }
  }
});
