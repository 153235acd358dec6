// Data-side faults through @stoqey/ib over TCP: no-market-data (354 live, 10167 and
// 15-minute delayed ticks for type 3), competing-session (10197), pacing (100 past 50
// messages a second, 162 for an identical historical request), connectivity-loss with
// 1101 (subscriptions lost) and 1102 (data maintained), and replayCsv (bars follow the
// CSV, scaled to the symbol's price).
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BarSizeSetting, EventName, IBApi, WhatToShow } from '@stoqey/ib';
import { once, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { MSFT, NVDA, TickLog, WED_10AM_NY } from '../../helpers/simData';

const SPEED = 60;

async function withSim(opts: Parameters<typeof startSim>[0], body: (fx: SimFixture, client: TestClient, ticks: TickLog) => Promise<void>): Promise<void> {
  const fx = await startSim({ startMs: WED_10AM_NY, speed: SPEED, tickMs: 20, ...opts });
  const client = new TestClient(fx.sim.port, 61);
  const ticks = new TickLog(client.ib);
  try {
    await client.connect();
    await body(fx, client, ticks);
  } finally {
    client.disconnect();
    await fx.stop();
  }
}

/** Resolves after a reqCurrentTime round trip: everything the simulator sent before has arrived. */
async function roundTrip(client: TestClient): Promise<number> {
  const reply = once(client.ib, EventName.currentTime);
  client.ib.reqCurrentTime();
  return (await reply)[0] as number;
}

test('no-market-data: live request gets 354 and no ticks; delayed (type 3) gets 10167 then 15-minute-old delayed ticks', async () => {
  await withSim({ faultSpecs: ['no-market-data'] }, async (_fx, client, ticks) => {
    client.ib.reqMktData(1, NVDA, '', false, false);
    const e354 = await client.error(354);
    assert.equal(e354.reqId, 1);
    assert.match(e354.message, /not subscribed/);
    await roundTrip(client);
    assert.deepEqual(
      ticks.of(1).filter((e) => e.kind !== 'notice'),
      [],
      'no ticks for the refused request',
    );

    client.ib.reqMarketDataType(3);
    client.ib.reqMktData(2, NVDA, '', false, false);
    const e10167 = await client.error(10167);
    assert.equal(e10167.reqId, 2);
    await waitFor(() => new Set(ticks.of(2, 'string', 88).map((e) => e.value)).size >= 3, 5000, 'delayed updates');
    client.ib.cancelMktData(2);
    const now = await roundTrip(client);
    assert.deepEqual(
      ticks.of(2, 'type').map((e) => e.value),
      [3],
      'marketDataType 3 (delayed)',
    );
    const fields = new Set(
      ticks
        .of(2)
        .filter((e) => e.kind === 'price' || e.kind === 'size')
        .map((e) => e.field),
    );
    for (const f of [66, 67, 68]) assert.ok(fields.has(f), `delayed tick ${f}`);
    for (const f of [1, 2, 4]) assert.ok(!fields.has(f), `no live tick ${f}`);
    const bid = ticks.latest(2, 'price', 66) as number;
    const ask = ticks.latest(2, 'price', 67) as number;
    const last = ticks.latest(2, 'price', 68) as number;
    assert.ok(bid < ask && last >= bid - 0.01 && last <= ask + 0.01, `delayed ${bid}/${ask} last ${last}`);
    // Delayed data is 15 minutes old: DELAYED_LAST_TIMESTAMP (88) trails the clock by 900 s.
    const stamps = ticks.of(2, 'string', 88).map((e) => Number(e.value));
    for (const s of stamps) assert.ok(s <= now - 900 && s >= now - 900 - 5 * SPEED, `delayed stamp ${s}, now ${now}`);
    // ... and the delayed last is the price history shows at that moment.
    const lastStamp = ticks.of(2, 'string', 88).at(-1)!;
    const lastPrice = ticks
      .of(2, 'price', 68)
      .filter((e) => e.at < lastStamp.at)
      .at(-1)!.value as number;
    const at = Number(lastStamp.value);
    const end = new Date((at + 10) * 1000).toISOString().replace(/[-]/g, '').replace('T', '-').slice(0, 17);
    const bars: Array<[string, number, number, number, number]> = [];
    const onBar = (id: number, date: string, open: number, high: number, low: number, close: number) => {
      if (id === 3 && !date.startsWith('finished')) bars.push([date, open, high, low, close]);
    };
    client.ib.on(EventName.historicalData, onBar);
    const done = once(client.ib, EventName.historicalData, 3000, (id: number, date: string) => id === 3 && date.startsWith('finished'));
    client.ib.reqHistoricalData(3, NVDA, end, '60 S', BarSizeSetting.SECONDS_FIVE, WhatToShow.TRADES, 0, 2, false);
    await done;
    client.ib.off(EventName.historicalData, onBar);
    const bar = bars.find((b) => Number(b[0]) === Math.floor(at / 5) * 5);
    assert.ok(bar, `a 5-second bar at ${at}`);
    assert.ok(lastPrice >= bar[3] - 0.01 && lastPrice <= bar[2] + 0.01, `delayed last ${lastPrice} inside that bar [${bar[3]}, ${bar[2]}]`);

    client.ib.reqRealTimeBars(4, NVDA, 5, 'TRADES', false);
    const e420 = await client.error(420);
    assert.equal(e420.reqId, 4);
  });
});

test('competing-session: 10197 on the request and no ticks', async () => {
  await withSim({ faultSpecs: ['competing-session'] }, async (_fx, client, ticks) => {
    client.ib.reqMktData(1, NVDA, '', false, false);
    const e = await client.error(10197);
    assert.equal(e.reqId, 1);
    assert.match(e.message, /competing live session/);
    await roundTrip(client);
    assert.deepEqual(
      ticks.of(1).filter((x) => x.kind !== 'notice'),
      [],
    );
  });
});

test('pacing: past 50 messages in a second, error 100 for the rest', async () => {
  const fx = await startSim({ startMs: WED_10AM_NY, faultSpecs: ['pacing'] });
  // @stoqey/ib paces itself to 40 requests a second by default; lift that to break the limit.
  const ib = new IBApi({ host: '127.0.0.1', port: fx.sim.port, clientId: 62, maxReqPerSec: 1000 });
  const refused: Array<{ code: number; message: string }> = [];
  ib.on(EventName.info, (message: string, code: number) => refused.push({ code, message }));
  ib.on(EventName.error, (err: Error, code: number) => refused.push({ code, message: err.message }));
  try {
    const ready = once(ib, EventName.nextValidId);
    ib.connect();
    await ready;
    let replies = 0;
    ib.on(EventName.currentTime, () => replies++);
    for (let i = 0; i < 61; i++) ib.reqCurrentTime();
    const over = () => refused.filter((e) => e.code === 100);
    await waitFor(() => replies + over().length === 61, 3000, 'all 61 handled');
    assert.ok(replies >= 50 && over().length >= 1, `${replies} answered, ${over().length} refused`);
    assert.match(over()[0]!.message, /Max rate of messages per second has been exceeded/);
  } finally {
    ib.disconnect();
    await fx.stop();
  }
});

test('pacing: an identical historical request within 15 s gets 162; a different one is served', async () => {
  await withSim({ faultSpecs: ['pacing'] }, async (_fx, client) => {
    const hist = (reqId: number, duration: string) => {
      const done = new Promise<'data' | number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`request ${reqId} unanswered`)), 3000);
        const onData = (id: number, date: string) => {
          if (id !== reqId || !String(date).startsWith('finished')) return;
          cleanup();
          resolve('data');
        };
        const onError = (_e: Error, code: number, id: number) => {
          if (id !== reqId) return;
          cleanup();
          resolve(code);
        };
        const cleanup = () => {
          clearTimeout(t);
          client.ib.off(EventName.historicalData, onData);
          client.ib.off(EventName.error, onError);
        };
        client.ib.on(EventName.historicalData, onData);
        client.ib.on(EventName.error, onError);
      });
      client.ib.reqHistoricalData(reqId, NVDA, '', duration, BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 1, 1, false);
      return done;
    };
    assert.equal(await hist(1, '1800 S'), 'data');
    assert.equal(await hist(2, '1800 S'), 162);
    assert.match(client.errors.find((e) => e.reqId === 2)!.message, /pacing violation/);
    assert.equal(await hist(3, '3600 S'), 'data');
  });
});

test('connectivity-loss with 1101: 1100, no data during the outage, 1101, and the subscription is gone', async () => {
  await withSim({ faultSpecs: ['connectivity-loss:0.3,1101,0.3'] }, async (_fx, client, ticks) => {
    client.ib.reqMktData(1, NVDA, '', false, false);
    await waitFor(() => ticks.notice(1101) !== undefined, 4000, '1101');
    const lost = ticks.notice(1100)!;
    const restored = ticks.notice(1101)!;
    assert.ok(lost && lost.at < restored.at, '1100 before 1101');
    assert.equal(lost.reqId, -1);
    assert.match(String(restored.value), /data lost/);
    assert.ok(
      ticks.events.some((e) => e.kind === 'notice' && e.field === 2103 && e.at > lost.at),
      'market data farm broken (2103)',
    );
    assert.ok(
      ticks.events.some((e) => e.kind === 'notice' && e.field === 2104 && e.at > restored.at),
      'market data farm OK again (2104)',
    );
    // A new subscription after 1101 streams; the old one stays silent from 1100 on.
    client.ib.reqMktData(2, MSFT, '', false, false);
    await waitFor(() => new Set(ticks.of(2, 'string', 45).map((e) => e.value)).size >= 3, 5000, 'new subscription updates');
    assert.deepEqual(
      ticks.of(1).filter((e) => e.at > lost.at && e.kind !== 'notice'),
      [],
    );
  });
});

test('connectivity-loss with 1102: 1100, no data during the outage, 1102, and the same subscription streams on', async () => {
  await withSim({ faultSpecs: ['connectivity-loss:0.3,1102,0.3'] }, async (_fx, client, ticks) => {
    client.ib.reqMktData(1, NVDA, '', false, false);
    await waitFor(() => ticks.notice(1102) !== undefined, 4000, '1102');
    const lost = ticks.notice(1100)!;
    const restored = ticks.notice(1102)!;
    assert.ok(lost && lost.at < restored.at, '1100 before 1102');
    assert.match(String(restored.value), /data maintained/);
    assert.deepEqual(
      ticks.of(1).filter((e) => e.at > lost.at && e.at < restored.at && e.kind !== 'notice'),
      [],
      'nothing during the outage',
    );
    await waitFor(
      () =>
        new Set(
          ticks
            .of(1, 'string', 45)
            .filter((e) => e.at > restored.at)
            .map((e) => e.value),
        ).size >= 3,
      5000,
      'updates after 1102',
    );
    const bid = ticks.latest(1, 'price', 1) as number;
    const ask = ticks.latest(1, 'price', 2) as number;
    assert.ok(bid < ask);
  });
});

test('replayCsv: bars are the CSV rows in order, scaled so the replay starts at the symbol price', async () => {
  const csvPath = 'node_modules/vega-datasets/data/sp500-2000.csv';
  const lines = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const col = (name: string) => header.indexOf(name);
  const rows = lines.slice(1).map((l) => {
    const f = l.split(',');
    return { open: Number(f[col('open')]), high: Number(f[col('high')]), low: Number(f[col('low')]), close: Number(f[col('close')]) };
  });
  const cents = (x: number) => Math.round(x * 100) / 100;

  await withSim({ replayCsv: csvPath }, async (_fx, client) => {
    // The last 10 minutes of 5-second bars.
    const bars: Array<{ t: number; open: number; high: number; low: number; close: number }> = [];
    const onBar = (id: number, date: string, open: number, high: number, low: number, close: number) => {
      if (id === 1 && !date.startsWith('finished')) bars.push({ t: Number(date), open, high, low, close });
    };
    client.ib.on(EventName.historicalData, onBar);
    const done = once(client.ib, EventName.historicalData, 3000, (id: number, date: string) => id === 1 && date.startsWith('finished'));
    client.ib.reqHistoricalData(1, NVDA, '', '600 S', BarSizeSetting.SECONDS_FIVE, WhatToShow.TRADES, 0, 2, false);
    await done;
    client.ib.off(EventName.historicalData, onBar);
    const full = bars.slice(0, -1); // the last bar is still forming
    assert.ok(full.length >= 100, `${full.length} bars`);

    // Find the CSV row the first bar replays: one scale factor must turn consecutive rows into the bars.
    const fits = (r: number, scale: number, b: (typeof full)[number], k: number) => {
      const row = rows[(r + k) % rows.length]!;
      return [row.open - b.open / scale, row.high - b.high / scale, row.low - b.low / scale, row.close - b.close / scale].every(
        (d) => Math.abs(d * scale) <= 0.011,
      );
    };
    const matches: Array<{ r: number; scale: number }> = [];
    for (let r = 0; r < rows.length; r++) {
      const scale = full[0]!.open / rows[r]!.open;
      if (full.every((b, k) => fits(r, scale, b, k))) matches.push({ r, scale });
    }
    assert.equal(matches.length, 1, `the bars match exactly one run of CSV rows (${matches.length})`);
    const { r, scale } = matches[0]!;
    for (const b of full) assert.equal((b.t - full[0]!.t) % 5, 0);
    // The replay began with the simulator's 5-second history, 3 days before the clock start,
    // one row per step; the row it began with opens at NVDA's price in the security master (135.40).
    const steps = (full[0]!.t - (WED_10AM_NY / 1000 - 3 * 86_400)) / 5;
    assert.ok(Number.isInteger(steps));
    const first = rows[(((r - steps) % rows.length) + rows.length) % rows.length]!;
    assert.equal(cents(first.open * scale), 135.4, `scale ${scale}`);

    // Live 5-second bars continue the same rows.
    const live: Array<{ t: number; open: number; high: number; low: number; close: number }> = [];
    client.ib.on(EventName.realtimeBar, (id: number, t: number, open: number, high: number, low: number, close: number) => {
      if (id === 2) live.push({ t, open, high, low, close });
    });
    client.ib.reqRealTimeBars(2, NVDA, 5, 'TRADES', false);
    await waitFor(() => live.length >= 4, 5000, 'real-time bars');
    client.ib.cancelRealTimeBars(2);
    for (const b of live) {
      const k = (b.t - full[0]!.t) / 5;
      assert.ok(Number.isInteger(k) && k > 0);
      assert.ok(fits(r, scale, b, k), `live bar at ${b.t} is CSV row ${(r + k) % rows.length} scaled`);
    }
  });
});
