// Market data over TCP: streaming quotes (listeners and async iteration), snapshots,
// the delayed-data fallback when not subscribed (354 -> reqMarketDataType 3), errors
// as typed errors, 5-second real-time bars, historical bars, and bars aggregated to the
// size a policy wants from both real-time bars and keepUpToDate history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError } from '../../../src/extension/broker/errors';
import type { Bar, BrokerContract } from '../../../src/extension/broker/types';
import { connected } from '../../helpers/brokerFixture';

test('quotes stream (listener and for-await) and a snapshot', async () => {
  const t = await connected();
  const { client } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    const snap = await client.quoteSnapshot(nvda);
    assert.ok(snap.bid! > 0 && snap.ask! >= snap.bid!, JSON.stringify(snap));
    assert.equal(snap.delayed, false);
    assert.equal(snap.conId, nvda.conId);

    const stream = await client.subscribeQuotes(nvda);
    const first = stream.quote.value!;
    assert.ok(first.bid! > 0 && first.ask! > 0 && first.last! > 0);
    let n = 0;
    for await (const q of stream) {
      assert.equal(q.symbol, 'NVDA');
      if (++n >= 3) break;
    }
    assert.ok(stream.quote.value!.ticks > first.ticks);
    stream.close();
    const cancels = t.fx.records().filter((l) => l.name === 'cancelMktData');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(t.fx.records().filter((l) => l.name === 'cancelMktData').length > cancels.length, 'closing cancels at TWS');
  } finally {
    await t.close();
  }
});

test('not subscribed (354): falls back to delayed data and says so', async () => {
  const t = await connected({ faultSpecs: ['no-market-data'] });
  const { client, fx } = t;
  try {
    const aapl = await client.resolveStock('AAPL');
    const stream = await client.subscribeQuotes(aapl);
    const q = stream.quote.value!;
    assert.equal(q.delayed, true);
    assert.ok(q.bid! > 0 && q.ask! > 0);
    assert.equal(client.marketDataType, 3);
    const errs = fx
      .records()
      .filter((l) => l.dir === 'out' && l.name === 'error')
      .map((l) => l.fields[3]);
    assert.ok(errs.includes('354') && errs.includes('10167'), `TWS said 354 then 10167: ${errs.join(',')}`);
    assert.ok(fx.records().some((l) => l.name === 'reqMarketDataType' && l.fields[2] === '3'));
    const snap = await client.quoteSnapshot(aapl);
    assert.equal(snap.delayed, true);
    stream.close();
  } finally {
    await t.close();
  }
});

test('without the fallback, 354 is a typed error; an unknown contract is 200', async () => {
  const t = await connected({ faultSpecs: ['no-market-data'] }, { delayedDataFallback: false });
  const { client } = t;
  try {
    const aapl = await client.resolveStock('AAPL');
    const err = (await client.subscribeQuotes(aapl).catch((e: unknown) => e)) as BrokerError;
    assert.ok(err instanceof BrokerError);
    assert.equal(err.code, 354);
    assert.ok(err.reqId > 0);
    const bogus: BrokerContract = { symbol: 'ZZZZ', secType: 'STK', exchange: 'SMART', currency: 'USD', conId: 999999 };
    const e200 = (await client.subscribeQuotes(bogus).catch((e: unknown) => e)) as BrokerError;
    assert.equal(e200.code, 200);
  } finally {
    await t.close();
  }
});

test('5-second real-time bars and historical bars', async () => {
  const t = await connected({ speed: 20 });
  const { client } = t;
  try {
    const spy = await client.resolveStock('SPY');
    const rt = await client.realTimeBars(spy);
    const bars: Bar[] = [];
    for await (const b of rt) {
      bars.push(b);
      if (bars.length >= 3) break;
    }
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i]!;
      assert.equal(b.time % 5000, 0);
      assert.ok(b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close));
      if (i > 0) assert.equal(b.time - bars[i - 1]!.time, 5000, 'consecutive 5-second bars');
    }
    rt.close();

    const hist = await client.historicalBars(spy, { duration: '1800 S', barSize: '1 min' });
    assert.ok(hist.length >= 29 && hist.length <= 31, `${hist.length} one-minute bars`);
    for (let i = 1; i < hist.length; i++) assert.equal(hist[i]!.time - hist[i - 1]!.time, 60_000);
    const daily = await client.historicalBars(spy, { duration: '5 D', barSize: '1 day' });
    assert.ok(daily.length >= 1 && daily.every((b) => Number.isFinite(b.time)));
  } finally {
    await t.close();
  }
});

test('bars aggregated to the size a policy wants: completed 15 s bars from real-time bars, 1 min from keepUpToDate', async () => {
  const t = await connected({ speed: 60 });
  const { client } = t;
  try {
    const qqq = await client.resolveStock('QQQ');
    const fifteen = await client.subscribeBars(qqq, { barSeconds: 15, source: 'realtime' });
    const minute = await client.subscribeBars(qqq, { barSeconds: 60, source: 'history', backfill: '600 S' });
    assert.ok(minute.history.length >= 8, `backfill of completed 1-min bars: ${minute.history.length}`);
    for (const b of minute.history) assert.equal(b.time % 60_000, 0);

    const got15: Bar[] = [];
    const got60: Bar[] = [];
    const off15 = fifteen.bars.on((b) => got15.push(b));
    const off60 = minute.bars.on((b) => got60.push(b));
    // 60x: a simulated minute per wall second.
    await minute.bars.next(() => true, 4000);
    await minute.bars.next(() => true, 4000);
    await fifteen.bars.next(() => true, 4000);
    off15();
    off60();
    for (const b of got15) assert.equal(b.time % 15_000, 0);
    for (const b of got60) assert.equal(b.time % 60_000, 0);
    for (let i = 1; i < got60.length; i++) assert.equal(got60[i]!.time - got60[i - 1]!.time, 60_000, 'each minute once, in order');
    assert.ok(got60[0]!.time > minute.history[minute.history.length - 1]!.time, 'live bars continue after the backfill');
    // A 15 s bar built from real-time bars is exactly TWS's own 15 s bar.
    const tws15 = await client.historicalBars(qqq, { duration: '300 S', barSize: '15 secs' });
    const same15 = tws15.find((b) => b.time === got15[0]!.time);
    assert.ok(same15, 'TWS has the same 15 s bar');
    assert.deepEqual([got15[0]!.open, got15[0]!.high, got15[0]!.low, got15[0]!.close], [same15.open, same15.high, same15.low, same15.close]);
    // A minute completed from keepUpToDate updates is TWS's minute as of its last update:
    // same open, inside TWS's final range.
    const tws60 = await client.historicalBars(qqq, { duration: '600 S', barSize: '1 min' });
    const same60 = tws60.find((b) => b.time === got60[0]!.time);
    assert.ok(same60, 'TWS has the same minute');
    assert.equal(got60[0]!.open, same60.open);
    assert.ok(got60[0]!.high <= same60.high && got60[0]!.low >= same60.low, `${JSON.stringify(got60[0])} within ${JSON.stringify(same60)}`);
    fifteen.close();
    minute.close();
  } finally {
    await t.close();
  }
});
