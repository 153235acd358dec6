// Contract resolution over TCP: stocks by symbol / exchange / currency, options by
// symbol / expiry / strike / right, combos from legs, and the typed errors for what TWS
// does not know.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerClient } from '../../../src/extension/broker/brokerClient';
import { BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import { connected } from '../../helpers/brokerFixture';

let t: Awaited<ReturnType<typeof connected>>;
let client: BrokerClient;

before(async () => {
  t = await connected();
  client = t.client;
});
after(async () => {
  await t.close();
});

test('stock by symbol, exchange and currency; resolved once, then from the cache', async () => {
  const nvda = await client.resolveStock('nvda', { exchange: 'SMART', currency: 'USD' });
  assert.equal(nvda.symbol, 'NVDA');
  assert.equal(nvda.conId, 4815747);
  assert.equal(nvda.primaryExchange, 'NASDAQ');
  assert.equal(nvda.exchange, 'SMART');
  const asked = () => t.fx.records().filter((l) => l.name === 'reqContractDetails').length;
  const n = asked();
  const again = await client.resolveStock('NVDA');
  assert.deepEqual(again, nvda);
  assert.equal(asked(), n, 'no second request');
  const [details] = await client.contractDetails(nvda);
  assert.equal(details!.longName, 'NVIDIA CORP');
  assert.ok(details!.orderTypes.includes('LMT'));
  assert.equal(details!.timeZoneId, 'US/Eastern');
});

test('unknown stocks and currencies are BrokerError 200 naming the contract', async () => {
  const err = (await client.resolveStock('NOSUCH').catch((e: unknown) => e)) as BrokerError;
  assert.ok(err instanceof BrokerError);
  assert.equal(err.code, 200);
  assert.match(err.message, /NOSUCH STK SMART USD/);
  const eur = (await client.resolveStock('NVDA', { currency: 'EUR' }).catch((e: unknown) => e)) as BrokerError;
  assert.equal(eur.code, 200);
});

test('option by symbol, expiry, strike and right; a partial spec matches many', async () => {
  const [chain] = await client.optionChain('AAPL');
  assert.ok(chain);
  assert.equal(chain.multiplier, 100);
  const expiry = chain.expirations[1]!;
  const strike = chain.strikes[Math.floor(chain.strikes.length / 2)]!;
  const put = await client.resolveOption({ symbol: 'AAPL', expiry, strike, right: 'P' });
  assert.equal(put.secType, 'OPT');
  assert.equal(put.right, 'P');
  assert.equal(put.strike, strike);
  assert.equal(put.expiry, expiry);
  assert.ok(put.conId && put.conId !== 265598);
  const all = await client.contractDetails({ symbol: 'AAPL', secType: 'OPT', exchange: 'SMART', currency: 'USD', expiry });
  assert.equal(all.length, chain.strikes.length * 2, 'every strike, calls and puts');
  const missing = (await client.resolveOption({ symbol: 'AAPL', expiry, strike: strike + 0.37, right: 'C' }).catch((e: unknown) => e)) as BrokerError;
  assert.equal(missing.code, 200);
});

test('combo from legs: conIds kept, legs resolved when given as contracts, bad legs refused', async () => {
  const [chain] = await client.optionChain('SPY');
  const expiry = chain!.expirations[0]!;
  const k = chain!.strikes[Math.floor(chain!.strikes.length / 2)]!;
  const call = await client.resolveOption({ symbol: 'SPY', expiry, strike: k, right: 'C' });
  const put = { symbol: 'SPY', secType: 'OPT' as const, exchange: 'SMART', currency: 'USD', expiry, strike: k, right: 'P' as const };
  const straddle = await client.comboContract([
    { contract: call, ratio: 1, action: 'BUY' },
    { contract: put, ratio: 1, action: 'BUY' },
  ]);
  assert.equal(straddle.secType, 'BAG');
  assert.equal(straddle.legs!.length, 2);
  assert.equal(straddle.legs![0]!.conId, call.conId);
  assert.ok(straddle.legs![1]!.conId > 0 && straddle.legs![1]!.conId !== call.conId);
  const one = (await client.comboContract([{ conId: call.conId!, ratio: 1, action: 'BUY' }]).catch((e: unknown) => e)) as BrokerError;
  assert.equal(one.code, ClientCode.InvalidRequest);
  const ratio = (await client
    .comboContract([
      { conId: call.conId!, ratio: 0, action: 'BUY' },
      { conId: call.conId!, ratio: 1, action: 'SELL' },
    ])
    .catch((e: unknown) => e)) as BrokerError;
  assert.equal(ratio.code, ClientCode.InvalidRequest);
});
