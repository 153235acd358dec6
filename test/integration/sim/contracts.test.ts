// Contract requests through @stoqey/ib over TCP: reqContractDetails for a stock, for one
// option and for a partial option spec, an unknown symbol (error 200), and
// reqSecDefOptParams, checked against each other and against IB's conventions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, OptionType, SecType, type Contract, type ContractDetails } from '@stoqey/ib';
import { collectUntil, once, startSim, TestClient, type SimFixture } from '../../helpers/simHarness';
import { NVDA, NVDA_CON_ID, WED_10AM_NY } from '../../helpers/simData';

let fx: SimFixture;
let client: TestClient;
let nextReqId = 100;

before(async () => {
  fx = await startSim({ startMs: WED_10AM_NY });
  client = await new TestClient(fx.sim.port, 21).connect();
});
after(async () => {
  client.disconnect();
  await fx.stop();
});

async function details(contract: Contract, c: TestClient = client): Promise<ContractDetails[]> {
  const reqId = nextReqId++;
  const rows = collectUntil(c.ib, EventName.contractDetails, EventName.contractDetailsEnd, 3000, (id: number) => id === reqId);
  c.ib.reqContractDetails(reqId, contract);
  return (await rows).filter((r) => r[0] === reqId).map((r) => r[1] as ContractDetails);
}

interface OptParams {
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  multiplier: unknown;
  expirations: string[];
  strikes: number[];
}

async function optParams(c: TestClient = client): Promise<OptParams[]> {
  const reqId = nextReqId++;
  const rows = collectUntil(
    c.ib,
    EventName.securityDefinitionOptionParameter,
    EventName.securityDefinitionOptionParameterEnd,
    3000,
    (id: number) => id === reqId,
  );
  c.ib.reqSecDefOptParams(reqId, 'NVDA', '', 'STK', NVDA_CON_ID);
  return (await rows)
    .filter((r) => r[0] === reqId)
    .map((r) => ({ exchange: r[1], underlyingConId: r[2], tradingClass: r[3], multiplier: r[4], expirations: r[5], strikes: r[6] }));
}

async function spot(): Promise<number> {
  const reqId = nextReqId++;
  const bid = once(client.ib, EventName.tickPrice, 3000, (id: number, field: number) => id === reqId && field === 1);
  const ask = once(client.ib, EventName.tickPrice, 3000, (id: number, field: number) => id === reqId && field === 2);
  client.ib.reqMktData(reqId, NVDA, '', true, false);
  return ((await bid)[2] + (await ask)[2]) / 2;
}

/** OCC option symbol: root padded to 6, yyMMdd, C/P, strike x 1000 in 8 digits. */
function occ(root: string, expiry: string, right: 'C' | 'P', strike: number): string {
  return `${root.padEnd(6, ' ')}${expiry.slice(2)}${right}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}

test('stock: NVDA details carry IB conId, names, tick, exchanges, time zone and session lists', async () => {
  const rows = await details(NVDA);
  assert.equal(rows.length, 1);
  const d = rows[0]!;
  assert.equal(d.contract.conId, NVDA_CON_ID);
  assert.equal(d.contract.symbol, 'NVDA');
  assert.equal(d.contract.secType, 'STK');
  assert.equal(d.contract.primaryExch, 'NASDAQ');
  assert.equal(d.contract.currency, 'USD');
  assert.equal(d.longName, 'NVIDIA CORP');
  assert.equal(d.minTick, 0.01);
  assert.equal(d.timeZoneId, 'US/Eastern');
  const exchanges = String(d.validExchanges).split(',');
  for (const x of ['SMART', 'NASDAQ', 'ARCA', 'IEX']) assert.ok(exchanges.includes(x), `validExchanges has ${x}`);
  assert.ok(String(d.orderTypes).split(',').includes('MKT') && String(d.orderTypes).split(',').includes('LMT'));
  // Session lists in TWS's "yyyyMMdd:HHmm-yyyyMMdd:HHmm;...;yyyyMMdd:CLOSED" form, from today.
  const session = /^(\d{8}):(?:(\d{4})-(\d{8}):(\d{4})|CLOSED)$/;
  const liquid = String(d.liquidHours).split(';');
  const trading = String(d.tradingHours).split(';');
  for (const s of [...liquid, ...trading]) assert.match(s, session);
  // 2024-03-13 is a Wednesday: regular session 09:30-16:00, extended 04:00-20:00; Sat 16 / Sun 17 closed.
  assert.equal(liquid[0], '20240313:0930-20240313:1600');
  assert.equal(trading[0], '20240313:0400-20240313:2000');
  assert.ok(liquid.includes('20240316:CLOSED') && liquid.includes('20240317:CLOSED'), d.liquidHours);
  assert.ok(liquid.includes('20240318:0930-20240318:1600'), d.liquidHours);
});

test('stock by conId alone resolves to the same contract', async () => {
  const rows = await details({ conId: NVDA_CON_ID, exchange: 'SMART' });
  assert.deepEqual(
    rows.map((r) => [r.contract.symbol, r.contract.conId, r.longName]),
    [['NVDA', NVDA_CON_ID, 'NVIDIA CORP']],
  );
});

test('reqSecDefOptParams: sorted future expirations, strikes around spot, multiplier 100', async () => {
  const s = await spot();
  const params = await optParams();
  assert.ok(params.length >= 1);
  assert.ok(params.some((p) => p.exchange === 'SMART'));
  for (const p of params) {
    assert.equal(p.underlyingConId, NVDA_CON_ID);
    assert.equal(p.tradingClass, 'NVDA');
    assert.equal(String(p.multiplier), '100');
    assert.ok(p.expirations.length >= 4);
    assert.deepEqual([...p.expirations], [...p.expirations].sort(), 'expirations ascending');
    assert.equal(new Set(p.expirations).size, p.expirations.length, 'no duplicate expirations');
    for (const e of p.expirations) {
      assert.match(e, /^\d{8}$/);
      assert.ok(e >= '20240313', `expiration ${e} is not in the past`);
      // US equity options expire on Fridays (no holiday falls on these dates).
      assert.equal(new Date(Date.UTC(+e.slice(0, 4), +e.slice(4, 6) - 1, +e.slice(6, 8))).getUTCDay(), 5, `${e} is a Friday`);
    }
    // The third Friday of March 2024 (the monthly) is listed.
    assert.ok(p.expirations.includes('20240315'));
    assert.deepEqual(
      [...p.strikes],
      [...p.strikes].sort((a, b) => a - b),
      'strikes ascending',
    );
    assert.ok(p.strikes[0]! < s && p.strikes[p.strikes.length - 1]! > s, `strikes ${p.strikes[0]}..${p.strikes.at(-1)} bracket spot ${s}`);
    assert.ok(p.strikes[0]! > s * 0.5 && p.strikes[p.strikes.length - 1]! < s * 1.5, 'strikes are around spot, not arbitrary');
  }
});

test('option by symbol/expiry/strike/right: exactly one contract, OCC local symbol, underlying linked', async () => {
  const [p] = await optParams();
  const expiry = p!.expirations[0]!;
  const strike = p!.strikes[Math.floor(p!.strikes.length / 2)]!;
  const rows = await details({
    symbol: 'NVDA',
    secType: SecType.OPT,
    exchange: 'SMART',
    currency: 'USD',
    lastTradeDateOrContractMonth: expiry,
    strike,
    right: OptionType.Call,
  });
  assert.equal(rows.length, 1);
  const d = rows[0]!;
  assert.equal(d.contract.secType, 'OPT');
  assert.equal(d.contract.symbol, 'NVDA');
  assert.equal(d.contract.lastTradeDateOrContractMonth, expiry);
  assert.equal(d.contract.strike, strike);
  assert.equal(d.contract.right, 'C');
  assert.equal(String(d.contract.multiplier), '100');
  assert.equal(d.contract.localSymbol, occ('NVDA', expiry, 'C', strike));
  assert.equal(d.underConId, NVDA_CON_ID);
  assert.equal(d.contractMonth, expiry.slice(0, 6));
  assert.ok(Number(d.contract.conId) > 0 && d.contract.conId !== NVDA_CON_ID);
  // The option's conId resolves back to the same contract.
  const again = await details({ conId: d.contract.conId, exchange: 'SMART' });
  assert.deepEqual(
    again.map((r) => [r.contract.localSymbol, r.contract.conId]),
    [[d.contract.localSymbol, d.contract.conId]],
  );
});

test('partial option spec (expiry only) matches every strike of both rights for that expiry', async () => {
  const [p] = await optParams();
  const expiry = p!.expirations[1]!;
  const rows = await details({ symbol: 'NVDA', secType: SecType.OPT, exchange: 'SMART', currency: 'USD', lastTradeDateOrContractMonth: expiry });
  assert.equal(rows.length, 2 * p!.strikes.length);
  assert.ok(rows.every((r) => r.contract.lastTradeDateOrContractMonth === expiry));
  assert.deepEqual(
    [...new Set(rows.map((r) => r.contract.strike))].sort((a, b) => a! - b!),
    p!.strikes,
  );
  assert.equal(rows.filter((r) => r.contract.right === 'C').length, p!.strikes.length);
  assert.equal(rows.filter((r) => r.contract.right === 'P').length, p!.strikes.length);
  assert.equal(new Set(rows.map((r) => r.contract.conId)).size, rows.length, 'distinct conIds');
  // Strike + right without expiry: one per expiration.
  const byStrike = await details({ symbol: 'NVDA', secType: SecType.OPT, exchange: 'SMART', currency: 'USD', strike: p!.strikes[0], right: OptionType.Put });
  assert.deepEqual(byStrike.map((r) => r.contract.lastTradeDateOrContractMonth).sort(), [...p!.expirations]);
});

test('unknown symbol: error 200 on the request id, and no contractDetailsEnd for it', async () => {
  const reqId = 555;
  const ends: number[] = [];
  const onEnd = (id: number) => ends.push(id);
  client.ib.on(EventName.contractDetailsEnd, onEnd);
  try {
    client.ib.reqContractDetails(reqId, { symbol: 'ZZZZQX', secType: SecType.STK, exchange: 'SMART', currency: 'USD' });
    const e = await client.error(200);
    assert.equal(e.reqId, reqId);
    assert.equal(e.message, 'No security definition has been found for the request');
    // A later request completes; by then any end for 555 would have arrived (one ordered socket).
    await details(NVDA);
    assert.ok(!ends.includes(reqId));
  } finally {
    client.ib.off(EventName.contractDetailsEnd, onEnd);
  }
});

test('an option conId from one simulator resolves on a freshly started one (same date and seed)', async () => {
  const [p] = await optParams();
  const [d] = await details({
    symbol: 'NVDA',
    secType: SecType.OPT,
    exchange: 'SMART',
    currency: 'USD',
    lastTradeDateOrContractMonth: p!.expirations[0],
    strike: p!.strikes[0],
    right: OptionType.Put,
  });
  const fresh = await startSim({ startMs: WED_10AM_NY });
  const other = await new TestClient(fresh.sim.port, 22).connect();
  try {
    const rows = await details({ conId: d!.contract.conId, exchange: 'SMART' }, other);
    assert.deepEqual(
      rows.map((r) => r.contract.localSymbol),
      [d!.contract.localSymbol],
    );
  } finally {
    other.disconnect();
    await fresh.stop();
  }
});
