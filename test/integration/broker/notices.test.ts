// TWS's connection notices handled as they mean: 1100 (TWS lost IB: no orders, farms
// broken), 1101 (restored, data lost: every market data and bar subscription is made
// again and positions / orders are reconciled), 1102 (restored, data maintained:
// nothing to redo, data flows on the same subscriptions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerError } from '../../../src/extension/broker/errors';
import { connected } from '../../helpers/brokerFixture';

test('1100 then 1101: orders refused while lost, then quotes and bars resubscribed and reconciled', async () => {
  const t = await connected({ faultSpecs: ['connectivity-loss:0.8,1101,0.6'], speed: 20 });
  const { client } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    const quotes = await client.subscribeQuotes(nvda);
    const bars = await client.realTimeBars(nvda);
    const dataLostReport = client.reconciliations.next((r) => r.trigger === 'dataLost', 6000);

    const lost = await client.state.when((s) => s.ibConnectivity === 'lost', 3000);
    assert.equal(lost.status, 'ready', 'the API socket itself is fine');
    assert.equal(lost.lastError?.code, 1100);
    await client.state.when((s) => s.farms.usfarm === 'broken' && s.farms.ushmds === 'broken', 1000);
    const refused = (await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e)) as BrokerError;
    assert.equal(refused.code, 1100);
    assert.equal(refused.orderSent, false);

    await client.state.when((s) => s.ibConnectivity === 'ok' && s.farms.usfarm === 'ok', 3000);
    const restoredAt = Date.now();
    await quotes.updates.next((q) => q.updatedAt > restoredAt, 3000);
    assert.equal(quotes.subscriptions, 2, 'quotes were requested again after 1101');
    await bars.bars.next(() => true, 3000);
    assert.equal(bars.subscriptions, 2, 'bars were requested again after 1101');
    const report = await dataLostReport;
    assert.equal(report.trigger, 'dataLost', 'reconciled after 1101');
    // Trading works again.
    const o = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' });
    assert.notEqual(o.state, 'rejected');
  } finally {
    await t.close();
  }
});

test('1100 then 1102: data maintained, the same subscription keeps flowing', async () => {
  const t = await connected({ faultSpecs: ['connectivity-loss:0.5,1102,0.4'] });
  const { client } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    const quotes = await client.subscribeQuotes(nvda);
    await client.state.when((s) => s.ibConnectivity === 'lost', 3000);
    await client.state.when((s) => s.ibConnectivity === 'ok', 3000);
    const restoredAt = Date.now();
    await quotes.updates.next((q) => q.updatedAt > restoredAt, 3000);
    assert.equal(quotes.subscriptions, 1, 'no resubscription after 1102');
    assert.notEqual(client.lastReconciliation?.trigger, 'dataLost');
  } finally {
    await t.close();
  }
});
