// Market data through @stoqey/ib over TCP: streaming reqMktData (quote consistency,
// day statistics, last timestamp on the simulated clock, updates over time),
// cancelMktData, snapshots, reqMarketDataType(3) when live data is available, option
// greeks, and 5-second reqRealTimeBars with cancel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BarSizeSetting, EventName, OptionType, SecType, WhatToShow, type Contract } from '@stoqey/ib';
import { collectUntil, once, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { listen, MSFT, NVDA, NVDA_CON_ID, TickLog, WED_10AM_NY } from '../../helpers/simData';

const SPEED = 60;
let fx: SimFixture;
let client: TestClient;
let ticks: TickLog;
let startedWall: number;

before(async () => {
  startedWall = Date.now();
  fx = await startSim({ startMs: WED_10AM_NY, speed: SPEED, tickMs: 20 });
  client = await new TestClient(fx.sim.port, 31).connect();
  ticks = new TickLog(client.ib);
});
after(async () => {
  client.disconnect();
  await fx.stop();
});

/** Upper bound of the simulated clock now, in epoch seconds. */
function simNowUpperBound(): number {
  return WED_10AM_NY / 1000 + ((Date.now() - startedWall) / 1000 + 1) * SPEED;
}

const T = { BID_SIZE: 0, BID: 1, ASK: 2, ASK_SIZE: 3, LAST: 4, LAST_SIZE: 5, HIGH: 6, LOW: 7, VOLUME: 8, CLOSE: 9, OPEN: 14, LAST_TIMESTAMP: 45 };

test('streaming NVDA: a consistent quote, day statistics and a last timestamp on the simulated clock, updated over time', async () => {
  const reqId = 1;
  client.ib.reqMktData(reqId, NVDA, '', false, false);
  // Updates over time: several distinct last timestamps.
  await waitFor(() => new Set(ticks.of(reqId, 'string', T.LAST_TIMESTAMP).map((e) => e.value)).size >= 4, 5000, 'four last-timestamp updates');
  client.ib.cancelMktData(reqId);

  assert.deepEqual(
    ticks.of(reqId, 'type').map((e) => e.value),
    [1],
    'live data (marketDataType 1) once',
  );
  const bids = ticks.of(reqId, 'price', T.BID).map((e) => e.value as number);
  const asks = ticks.of(reqId, 'price', T.ASK).map((e) => e.value as number);
  assert.ok(bids.length >= 2 && asks.length >= 2, 'bid and ask were updated');

  // Replay the stream in order and check the book whenever a trade is stamped (the
  // LAST_TIMESTAMP closes an update; between a new bid and its ask the book is in flux).
  const book = new Map<number, number>();
  let checked = 0;
  for (const e of ticks.of(reqId)) {
    if (e.kind === 'price' || e.kind === 'size') book.set(e.field, e.value as number);
    if (!(e.kind === 'string' && e.field === T.LAST_TIMESTAMP)) continue;
    const bid = book.get(T.BID)!;
    const ask = book.get(T.ASK)!;
    const last = book.get(T.LAST)!;
    assert.ok(bid < ask, `bid ${bid} < ask ${ask}`);
    assert.ok((ask - bid) / bid < 0.005, `spread ${bid}/${ask} is a liquid stock's`);
    assert.ok(last >= bid - 0.01 && last <= ask + 0.01, `last ${last} inside ${bid}/${ask}`);
    checked++;
  }
  assert.ok(checked >= 4);

  for (const [field, name] of [
    [T.BID_SIZE, 'bidSize'],
    [T.ASK_SIZE, 'askSize'],
    [T.LAST_SIZE, 'lastSize'],
  ] as const) {
    const sizes = ticks.of(reqId, 'size', field).map((e) => e.value as number);
    assert.ok(sizes.length > 0, `${name} sent`);
    for (const s of sizes) assert.ok(Number.isInteger(s) && s > 0, `${name} ${s}`);
  }
  const volumes = ticks.of(reqId, 'size', T.VOLUME).map((e) => e.value as number);
  assert.ok(volumes.length >= 2 && volumes[0]! > 0);
  for (let i = 1; i < volumes.length; i++) assert.ok(volumes[i]! >= volumes[i - 1]!, 'day volume never falls');

  // Day statistics: high >= low, open and every last inside [low, high]; highs only rise, lows only fall.
  const highs = ticks.of(reqId, 'price', T.HIGH).map((e) => e.value as number);
  const lows = ticks.of(reqId, 'price', T.LOW).map((e) => e.value as number);
  const open = ticks.latest(reqId, 'price', T.OPEN) as number;
  const close = ticks.latest(reqId, 'price', T.CLOSE) as number;
  for (let i = 1; i < highs.length; i++) assert.ok(highs[i]! >= highs[i - 1]!);
  for (let i = 1; i < lows.length; i++) assert.ok(lows[i]! <= lows[i - 1]!);
  const high = highs.at(-1)!;
  const low = lows.at(-1)!;
  assert.ok(low <= open && open <= high, `open ${open} in [${low}, ${high}]`);
  for (const l of ticks.of(reqId, 'price', T.LAST)) assert.ok((l.value as number) >= low - 0.01 && (l.value as number) <= high + 0.01);
  assert.ok(close > 0 && Math.abs(close - open) / open < 0.2, `previous close ${close} near open ${open}`);

  // LAST_TIMESTAMP is epoch seconds of the simulated clock (pinned start, 60x), rising.
  const stamps = ticks.of(reqId, 'string', T.LAST_TIMESTAMP).map((e) => Number(e.value));
  for (const s of stamps) assert.ok(Number.isInteger(s) && s >= WED_10AM_NY / 1000 && s <= simNowUpperBound(), `timestamp ${s}`);
  for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! >= stamps[i - 1]!);
});

test('the day volume tick is the regular session volume history shows (shares, as at server version >= 159)', async () => {
  const rthVolume = async (reqId: number) => {
    let sum = 0;
    const off = listen(client.ib, EventName.historicalData, (id: number, date: string, _o: number, _h: number, _l: number, _c: number, volume: number) => {
      if (id === reqId && !String(date).startsWith('finished')) sum += volume;
    });
    const done = once(client.ib, EventName.historicalData, 3000, (id: number, date: string) => id === reqId && String(date).startsWith('finished'));
    // Today's regular session so far: 09:30 to now (a bit over 30 minutes into the day).
    client.ib.reqHistoricalData(reqId, NVDA, '', '7200 S', BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 1, 1, false);
    await done;
    off();
    return sum;
  };
  const before = await rthVolume(20);
  const end = once(client.ib, EventName.tickSnapshotEnd, 3000, (id: number) => id === 21);
  client.ib.reqMktData(21, NVDA, '', true, false);
  await end;
  const after = await rthVolume(22);
  const volume = ticks.latest(21, 'size', T.VOLUME) as number;
  assert.ok(before > 0 && volume >= before && volume <= after, `volume tick ${volume} between history sums ${before} and ${after}`);
});

test('cancelMktData stops the updates of that request', async () => {
  const reqId = 2;
  client.ib.reqMktData(reqId, NVDA, '', false, false);
  await waitFor(() => ticks.of(reqId, 'string', T.LAST_TIMESTAMP).length >= 2, 5000, 'updates before cancel');
  client.ib.cancelMktData(reqId);
  // The socket is ordered: once a request sent after the cancel is answered and has
  // streamed a few updates, nothing more for reqId may arrive.
  const probe = 3;
  client.ib.reqMktData(probe, MSFT, '', false, false);
  await waitFor(() => ticks.of(probe, 'type').length === 1, 3000, 'probe subscription');
  const cutoff = ticks.of(probe, 'type')[0]!.at;
  await waitFor(() => new Set(ticks.of(probe, 'string', T.LAST_TIMESTAMP).map((e) => e.value)).size >= 3, 5000, 'probe updates');
  client.ib.cancelMktData(probe);
  assert.deepEqual(
    ticks.of(reqId).filter((e) => e.at > cutoff),
    [],
  );
});

test('snapshot: one full quote then tickSnapshotEnd, and no stream afterwards', async () => {
  const reqId = 4;
  const end = once(client.ib, EventName.tickSnapshotEnd, 3000, (id: number) => id === reqId);
  client.ib.reqMktData(reqId, NVDA, '', true, false);
  await end;
  const endAt = ticks.of(reqId, 'snapshotEnd')[0]!.at;
  const before = ticks.of(reqId).filter((e) => e.at < endAt);
  const fields = new Set(before.filter((e) => e.kind === 'price').map((e) => e.field));
  for (const f of [T.BID, T.ASK, T.LAST, T.HIGH, T.LOW, T.CLOSE, T.OPEN]) assert.ok(fields.has(f), `snapshot has tick ${f}`);
  assert.ok((ticks.latest(reqId, 'price', T.BID) as number) < (ticks.latest(reqId, 'price', T.ASK) as number));
  const probe = 5;
  client.ib.reqMktData(probe, MSFT, '', false, false);
  await waitFor(() => new Set(ticks.of(probe, 'string', T.LAST_TIMESTAMP).map((e) => e.value)).size >= 3, 5000, 'probe updates');
  client.ib.cancelMktData(probe);
  assert.deepEqual(
    ticks.of(reqId).filter((e) => e.at > endAt),
    [],
    'nothing after tickSnapshotEnd',
  );
});

test('reqMarketDataType(3) with live entitlement: live data is served (type 1, live tick ids)', async () => {
  client.ib.reqMarketDataType(3);
  try {
    const reqId = 6;
    const end = once(client.ib, EventName.tickSnapshotEnd, 3000, (id: number) => id === reqId);
    client.ib.reqMktData(reqId, NVDA, '', true, false);
    await end;
    assert.deepEqual(
      ticks.of(reqId, 'type').map((e) => e.value),
      [1],
    );
    const priceFields = new Set(ticks.of(reqId, 'price').map((e) => e.field));
    assert.ok(priceFields.has(T.BID) && priceFields.has(T.ASK) && priceFields.has(T.LAST));
    assert.ok(![66, 67, 68].some((f) => priceFields.has(f)), 'no delayed tick ids');
  } finally {
    client.ib.reqMarketDataType(1);
  }
});

test('option: tickOptionComputation with sane greeks, model price inside the quote, put-call parity', async () => {
  const params = collectUntil(
    client.ib,
    EventName.securityDefinitionOptionParameter,
    EventName.securityDefinitionOptionParameterEnd,
    3000,
    (id: number) => id === 7,
  );
  client.ib.reqSecDefOptParams(7, 'NVDA', '', 'STK', NVDA_CON_ID);
  const [p] = await params;
  const expirations = p![5] as string[];
  const strikes = p![6] as number[];
  const expiry = expirations[1]!;
  // The strike nearest the spot, taken from the middle of the listed range.
  const strike = strikes[Math.floor(strikes.length / 2)]!;
  const opt = (right: OptionType): Contract => ({
    symbol: 'NVDA',
    secType: SecType.OPT,
    exchange: 'SMART',
    currency: 'USD',
    lastTradeDateOrContractMonth: expiry,
    strike,
    right,
    multiplier: 100,
  });

  const model = async (reqId: number, right: OptionType) => {
    const end = once(client.ib, EventName.tickSnapshotEnd, 3000, (id: number) => id === reqId);
    client.ib.reqMktData(reqId, opt(right), '', true, false);
    await end;
    const comps = ticks.of(reqId, 'option');
    assert.ok(comps.length >= 1, 'option computations sent');
    const m = comps.find((e) => e.field === 13) ?? comps[0]!;
    const [, , , iv, delta, optPrice, , gamma, vega, theta, undPrice] = m.args as number[];
    return {
      iv,
      delta,
      optPrice,
      gamma,
      vega,
      theta,
      undPrice,
      bid: ticks.latest(reqId, 'price', T.BID) as number,
      ask: ticks.latest(reqId, 'price', T.ASK) as number,
    };
  };
  const call = await model(8, OptionType.Call);
  const put = await model(9, OptionType.Put);

  assert.ok(call.delta! > 0 && call.delta! < 1, `call delta ${call.delta}`);
  assert.ok(put.delta! > -1 && put.delta! < 0, `put delta ${put.delta}`);
  // Same strike/expiry: delta(call) - delta(put) = 1 (no dividends), up to the underlying moving between the two.
  assert.ok(Math.abs(call.delta! - put.delta! - 1) < 0.05, `call-put delta ${call.delta! - put.delta!}`);
  for (const g of [call, put]) {
    assert.ok(g.gamma! > 0, `gamma ${g.gamma}`);
    assert.ok(g.vega! > 0, `vega ${g.vega}`);
    assert.ok(g.theta! < 0, `theta ${g.theta}`);
    assert.ok(g.iv! > 0.05 && g.iv! < 3, `implied vol ${g.iv}`);
    assert.ok(g.undPrice! > strike * 0.8 && g.undPrice! < strike * 1.2, `underlying ${g.undPrice}`);
    assert.ok(g.bid >= 0 && g.bid < g.ask, `option quote ${g.bid}/${g.ask}`);
    assert.ok(g.optPrice! >= g.bid - 0.05 && g.optPrice! <= g.ask + 0.05, `model ${g.optPrice} inside ${g.bid}/${g.ask}`);
  }
  // No-arbitrage bounds: C >= S - K, P >= K - S; parity C - P = S - K e^{-rT} with 0 <= r <= 10%.
  assert.ok(call.optPrice! >= call.undPrice! - strike - 0.05);
  assert.ok(put.optPrice! >= strike - put.undPrice! - 0.05);
  const years = (Date.UTC(+expiry.slice(0, 4), +expiry.slice(4, 6) - 1, +expiry.slice(6, 8), 21) - WED_10AM_NY) / (365 * 86_400_000);
  const s = (call.undPrice! + put.undPrice!) / 2;
  const parity = call.optPrice! - put.optPrice! - s;
  // C - P moves one for one with S; the two snapshots may see slightly different S.
  const slack = Math.abs(call.undPrice! - put.undPrice!) + 0.1;
  assert.ok(parity <= -strike * Math.exp(-0.1 * years) + slack && parity >= -strike - slack, `C - P - S = ${parity}, K = ${strike}, T = ${years}`);
});

test('reqRealTimeBars: 5-second bars on 5-second boundaries with consistent OHLC, until cancelled', async () => {
  const reqId = 10;
  const probeId = 11;
  // Every real-time bar in arrival order.
  const arrivals: Array<{ id: number; bar: number[] }> = [];
  const onBar = (id: number, ...bar: number[]) => arrivals.push({ id, bar });
  client.ib.on(EventName.realtimeBar, onBar);
  try {
    client.ib.reqRealTimeBars(reqId, NVDA, 5, 'TRADES', false);
    await waitFor(() => arrivals.filter((a) => a.id === reqId).length >= 6, 5000, 'six real-time bars');
    client.ib.cancelRealTimeBars(reqId);
    const bars = arrivals.filter((a) => a.id === reqId).map((a) => a.bar);
    for (const [time, open, high, low, close, volume, wap, count] of bars as Array<[number, number, number, number, number, number, number, number]>) {
      assert.equal(time % 5, 0, `bar time ${time} on a 5-second boundary`);
      assert.ok(time >= WED_10AM_NY / 1000 - 5 && time <= simNowUpperBound(), `bar time ${time} on the simulated clock`);
      assert.ok(high >= Math.max(open, close) && low <= Math.min(open, close) && low > 0, `OHLC ${open} ${high} ${low} ${close}`);
      assert.ok(wap >= low - 0.01 && wap <= high + 0.01, `wap ${wap} in [${low}, ${high}]`);
      assert.ok(volume > 0 && count > 0);
    }
    for (let i = 1; i < bars.length; i++) assert.equal(bars[i]![0]! - bars[i - 1]![0]!, 5, 'consecutive bars, 5 s apart');
    // A subscription made after the cancel streams bars; the cancelled one sends none after its first.
    client.ib.reqRealTimeBars(probeId, MSFT, 5, 'TRADES', false);
    await waitFor(() => arrivals.filter((a) => a.id === probeId).length >= 3, 5000, 'probe bars');
    client.ib.cancelRealTimeBars(probeId);
    const firstProbe = arrivals.findIndex((a) => a.id === probeId);
    assert.deepEqual(
      arrivals.slice(firstProbe).filter((a) => a.id === reqId),
      [],
    );
  } finally {
    client.ib.off(EventName.realtimeBar, onBar);
  }
});
