// Historical data through @stoqey/ib over TCP: minute bars for "1 D" (session filtering,
// both date formats), daily / weekly bars for calendar durations, consistency between
// minute and daily bars, keepUpToDate updates and their cancel, validation errors (321)
// and reqHeadTimestamp. Expected bar times are derived independently of the simulator:
// from the request's end time and the US stock sessions (04:00-20:00 extended,
// 09:30-16:00 regular, weekdays, America/New_York) computed here with Intl.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BarSizeSetting, EventName, WhatToShow, type Contract } from '@stoqey/ib';
import { once, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { listen, NVDA, ny, WED_10AM_NY } from '../../helpers/simData';

let fx: SimFixture;
let client: TestClient;
let nextReqId = 1;

before(async () => {
  fx = await startSim({ startMs: WED_10AM_NY, speed: 30, tickMs: 20 });
  client = await new TestClient(fx.sim.port, 41).connect();
});
after(async () => {
  client.disconnect();
  await fx.stop();
});

interface HBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
  wap: number;
}

interface History {
  reqId: number;
  bars: HBar[];
  startDate: string;
  endDate: string;
}

function toBar(args: unknown[]): HBar {
  const [, date, open, high, low, close, volume, count, wap] = args as [number, string, number, number, number, number, number, number, number];
  return { date, open, high, low, close, volume, count, wap };
}

async function history(durationStr: string, barSize: string, useRTH: 0 | 1, formatDate: 1 | 2, endDateTime = '', contract: Contract = NVDA): Promise<History> {
  const reqId = nextReqId++;
  const bars: HBar[] = [];
  const onBar = (id: number, ...rest: unknown[]) => {
    if (id === reqId && !String(rest[0]).startsWith('finished')) bars.push(toBar([id, ...rest]));
  };
  client.ib.on(EventName.historicalData, onBar);
  try {
    const [, marker] = await (async () => {
      const done = once(client.ib, EventName.historicalData, 5000, (id: number, date: string) => id === reqId && String(date).startsWith('finished'));
      client.ib.reqHistoricalData(reqId, contract, endDateTime, durationStr, barSize as BarSizeSetting, WhatToShow.TRADES, useRTH, formatDate, false);
      return done;
    })();
    // "finished-<start>-<end>", the dates in the request's format.
    const m = /^finished-(.+)-(.+)$/.exec(String(marker));
    assert.ok(m, `end marker ${marker}`);
    return { reqId, bars, startDate: m[1]!, endDate: m[2]! };
  } finally {
    client.ib.off(EventName.historicalData, onBar);
  }
}

function assertOhlc(b: HBar): void {
  assert.ok(b.low > 0 && b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close), `OHLC ${JSON.stringify(b)}`);
  assert.ok(b.wap >= b.low - 0.01 && b.wap <= b.high + 0.01, `wap ${JSON.stringify(b)}`);
  assert.ok(b.volume > 0 && b.count > 0, `volume/count ${JSON.stringify(b)}`);
}

const isWeekday = (ms: number) => !['Sat', 'Sun'].includes(ny(ms).weekday);
const inExtended = (ms: number) => isWeekday(ms) && ny(ms).minutesOfDay >= 4 * 60 && ny(ms).minutesOfDay < 20 * 60;
const inRegular = (ms: number) => isWeekday(ms) && ny(ms).minutesOfDay >= 9 * 60 + 30 && ny(ms).minutesOfDay < 16 * 60;

/** Start times (epoch s) of the one-minute bars of (end - seconds, end] inside a session. */
function expectedMinuteBars(endS: number, seconds: number, session: (ms: number) => boolean): number[] {
  const out: number[] = [];
  for (let t = Math.floor((endS - seconds) / 60) * 60; t <= endS; t += 60) if (session(t * 1000)) out.push(t);
  return out;
}

test('"1 D" of "1 min" bars, all hours: every minute of the extended sessions in the last 24 h, in order, sane OHLC', async () => {
  const h = await history('1 D', '1 min', 0, 2);
  const endS = Number(h.endDate);
  assert.ok(endS >= WED_10AM_NY / 1000 && endS < WED_10AM_NY / 1000 + 3600, `end ${h.endDate}`);
  assert.equal(Number(h.startDate), endS - 86_400);
  const times = h.bars.map((b) => Number(b.date));
  // Tuesday 10:00-20:00 and Wednesday 04:00-now: no overnight bars.
  assert.deepEqual(times, expectedMinuteBars(endS, 86_400, inExtended));
  assert.ok(times.length > 900, `${times.length} bars`);
  for (const b of h.bars) assertOhlc(b);
  // Consecutive minutes inside a session continue the price: each open is near the previous close.
  for (let i = 1; i < h.bars.length; i++) {
    if (times[i]! - times[i - 1]! !== 60) continue;
    assert.ok(Math.abs(h.bars[i]!.open - h.bars[i - 1]!.close) / h.bars[i - 1]!.close < 0.01, `gap at ${times[i]}`);
  }
});

test("no trading at night: price gaps over the closed hours are small next to the regular sessions' moves", async () => {
  // Six stocks of the built-in security master, three days of 5-minute bars (all hours).
  const symbols = ['NVDA', 'MSFT', 'AAPL', 'TSLA', 'JPM', 'SPY'];
  let closedVariance = 0;
  let regularVariance = 0;
  let gaps = 0;
  for (const symbol of symbols) {
    const h = await history('3 D', '5 mins', 0, 2, '', { ...NVDA, symbol });
    for (let i = 1; i < h.bars.length; i++) {
      const [a, b] = [h.bars[i - 1]!, h.bars[i]!];
      const [ta, tb] = [Number(a.date) * 1000, Number(b.date) * 1000];
      if (tb - ta > 300_000) {
        // 20:00 -> 04:00 (or a weekend): nothing traded in between.
        closedVariance += Math.log(b.open / a.close) ** 2;
        gaps++;
      } else if (inRegular(ta) && inRegular(tb)) {
        regularVariance += Math.log(b.close / a.close) ** 2;
      }
    }
  }
  assert.ok(gaps >= 2 * symbols.length, `${gaps} overnight gaps`);
  assert.ok(closedVariance < 0.25 * regularVariance, `closed-hours variance ${closedVariance} vs regular-session variance ${regularVariance}`);
});

test('formatDate 1 gives "yyyyMMdd HH:mm:ss US/Eastern" for the same bars formatDate 2 gives as epoch seconds', async () => {
  const epoch = await history('1800 S', '1 min', 0, 2);
  const text = await history('1800 S', '1 min', 0, 1);
  const byText = new Map(epoch.bars.map((b) => [`${ny(Number(b.date) * 1000).ymd} ${ny(Number(b.date) * 1000).hms} US/Eastern`, b]));
  for (const b of text.bars) assert.match(b.date, /^\d{8} \d{2}:\d{2}:00 US\/Eastern$/);
  assert.match(text.endDate, /^20240313 \d{2}:\d{2}:\d{2} US\/Eastern$/);
  // All completed bars match one for one (the clock may have moved into a new minute in between).
  const completed = text.bars.slice(0, -1);
  const matched = completed.filter((b) => {
    const e = byText.get(b.date);
    return e && e.open === b.open && e.high === b.high && e.low === b.low && e.volume === b.volume;
  });
  assert.ok(completed.length >= 28 && matched.length >= completed.length - 1, `${matched.length}/${completed.length} bars match across formats`);
});

test('useRTH=1: only 09:30-16:00 New York bars, all of them', async () => {
  const h = await history('1 D', '1 min', 1, 2);
  const endS = Number(h.endDate);
  const times = h.bars.map((b) => Number(b.date));
  assert.deepEqual(times, expectedMinuteBars(endS, 86_400, inRegular));
  for (const t of times) {
    const m = ny(t * 1000).minutesOfDay;
    assert.ok(m >= 570 && m < 960, `bar at ${ny(t * 1000).hms}`);
  }
  // Today's session is there from its first minute.
  assert.ok(times.some((t) => ny(t * 1000).ymd === '20240313' && ny(t * 1000).hms === '09:30:00'));
});

// NYSE's published full-day closures in the year before 2024-03-13 (no daily bar on them).
const NYSE_CLOSED = new Set(['20230407', '20230529', '20230619', '20230704', '20230904', '20231123', '20231225', '20240101', '20240115', '20240219']);

test('"1 Y" of "1 day" bars: one per trading day (weekdays but NYSE holidays) of the last 365 days, dated yyyyMMdd, today last and near the quote', async () => {
  const h = await history('1 Y', '1 day', 1, 2);
  const endMs = Number(h.endDate) * 1000;
  const from = ny(endMs - 365 * 86_400_000).ymd;
  const expected: string[] = [];
  for (let t = endMs - 366 * 86_400_000; t <= endMs; t += 86_400_000) {
    const d = ny(t);
    if (d.ymd > from && isWeekday(t) && !NYSE_CLOSED.has(d.ymd) && !expected.includes(d.ymd)) expected.push(d.ymd);
  }
  assert.deepEqual(
    h.bars.map((b) => b.date),
    expected,
  );
  assert.ok(h.bars.length >= 250 && h.bars.length <= 262, `${h.bars.length} daily bars in a year`);
  for (const b of h.bars) assertOhlc(b);
  assert.equal(h.bars.at(-1)!.date, '20240313');
  // Today's (partial) bar closes at the current price.
  const reqId = nextReqId++;
  const last = once(client.ib, EventName.tickPrice, 3000, (id: number, field: number) => id === reqId && field === 4);
  client.ib.reqMktData(reqId, NVDA, '', true, false);
  const price = (await last)[2] as number;
  assert.ok(Math.abs(h.bars.at(-1)!.close - price) / price < 0.01, `today's close ${h.bars.at(-1)!.close} vs last ${price}`);
});

test('daily bars agree with the minute bars of the same session', async () => {
  const minutes = await history('2 D', '1 min', 1, 2);
  const days = await history('5 D', '1 day', 1, 1);
  assert.equal(days.bars.length, 5, '"5 D" is five trading days');
  const tuesday = minutes.bars.filter((b) => ny(Number(b.date) * 1000).ymd === '20240312');
  assert.equal(tuesday.length, 390, 'a full regular session of minutes');
  const daily = days.bars.find((b) => b.date === '20240312');
  assert.ok(daily);
  assert.equal(daily.open, tuesday[0]!.open);
  assert.equal(daily.close, tuesday.at(-1)!.close);
  assert.equal(daily.high, Math.max(...tuesday.map((b) => b.high)));
  assert.equal(daily.low, Math.min(...tuesday.map((b) => b.low)));
  assert.equal(
    daily.volume,
    tuesday.reduce((s, b) => s + b.volume, 0),
  );
});

test('"1 hour" bars with useRTH: the session\'s first bar is 09:30-10:00, and the hours add up to the day', async () => {
  const hours = await history('2 D', '1 hour', 1, 2);
  const days = await history('5 D', '1 day', 1, 1);
  const tuesday = hours.bars.filter((b) => ny(Number(b.date) * 1000).ymd === '20240312');
  assert.deepEqual(
    tuesday.map((b) => ny(Number(b.date) * 1000).hms),
    ['09:30:00', '10:00:00', '11:00:00', '12:00:00', '13:00:00', '14:00:00', '15:00:00'],
  );
  const daily = days.bars.find((b) => b.date === '20240312')!;
  assert.equal(tuesday[0]!.open, daily.open);
  assert.equal(tuesday.at(-1)!.close, daily.close);
  assert.equal(Math.max(...tuesday.map((b) => b.high)), daily.high);
  assert.equal(Math.min(...tuesday.map((b) => b.low)), daily.low);
  assert.equal(
    tuesday.reduce((s, b) => s + b.volume, 0),
    daily.volume,
  );
});

test('"1 W" of daily bars is five bars; "1 Y" of weekly bars aggregates the daily bars by week', async () => {
  const week = await history('1 W', '1 day', 1, 1);
  assert.deepEqual(
    week.bars.map((b) => b.date),
    ['20240307', '20240308', '20240311', '20240312', '20240313'],
  );
  const daily = await history('1 Y', '1 day', 1, 1);
  const weekly = await history('1 Y', '1 week', 1, 1);
  assert.ok(weekly.bars.length >= 52 && weekly.bars.length <= 54, `${weekly.bars.length} weekly bars`);
  const mondayOf = (ymd: string) => {
    const d = new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8)));
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return d.toISOString().slice(0, 10);
  };
  for (const w of weekly.bars) {
    const days = daily.bars.filter((d) => mondayOf(d.date) === mondayOf(w.date));
    assert.ok(days.length >= 1 && days.length <= 5);
    assert.equal(w.date, days[0]!.date, 'dated by its first trading day');
    assert.equal(w.open, days[0]!.open);
    // This week's bar still moves with today's price (the clock ran between the two requests).
    if (w === weekly.bars.at(-1)) continue;
    assert.equal(w.close, days.at(-1)!.close);
    assert.equal(w.high, Math.max(...days.map((d) => d.high)));
    assert.equal(w.low, Math.min(...days.map((d) => d.low)));
  }
});

test('keepUpToDate: historicalDataUpdate carries the in-progress bar; cancelHistoricalData stops it', async () => {
  const reqId = nextReqId++;
  const probeId = nextReqId++;
  const initial: HBar[] = [];
  const arrivals: Array<{ id: number; bar: HBar }> = [];
  const onBar = (id: number, ...rest: unknown[]) => {
    if (id === reqId && !String(rest[0]).startsWith('finished')) initial.push(toBar([id, ...rest]));
  };
  const onUpdate = (id: number, ...rest: unknown[]) => arrivals.push({ id, bar: toBar([id, ...rest]) });
  client.ib.on(EventName.historicalData, onBar);
  client.ib.on(EventName.historicalDataUpdate, onUpdate);
  try {
    const done = once(client.ib, EventName.historicalData, 5000, (id: number, date: string) => id === reqId && String(date).startsWith('finished'));
    client.ib.reqHistoricalData(reqId, NVDA, '', '1800 S', BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 0, 2, true);
    await done;
    await waitFor(() => arrivals.filter((a) => a.id === reqId).length >= 5, 5000, 'five updates');
    client.ib.cancelHistoricalData(reqId);
    const updates = arrivals.filter((a) => a.id === reqId).map((a) => a.bar);
    const lastInitial = initial.at(-1)!;
    for (const u of updates) {
      assertOhlc(u);
      assert.equal(Number(u.date) % 60, 0, 'minute bar start');
      assert.ok(Number(u.date) >= Number(lastInitial.date), `update ${u.date} is not older than the history`);
    }
    for (let i = 1; i < updates.length; i++) assert.ok(Number(updates[i]!.date) >= Number(updates[i - 1]!.date));
    // An update of the bar the history ended with continues it: same open, range only widens.
    for (const u of updates.filter((x) => x.date === lastInitial.date)) {
      assert.equal(u.open, lastInitial.open);
      assert.ok(u.high >= lastInitial.high && u.low <= lastInitial.low);
    }
    // Another subscription made after the cancel gets updates; the cancelled one none.
    client.ib.reqHistoricalData(probeId, NVDA, '', '600 S', BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 0, 2, true);
    await waitFor(() => arrivals.filter((a) => a.id === probeId).length >= 3, 5000, 'probe updates');
    client.ib.cancelHistoricalData(probeId);
    const firstProbe = arrivals.findIndex((a) => a.id === probeId);
    assert.deepEqual(
      arrivals.slice(firstProbe).filter((a) => a.id === reqId),
      [],
    );
  } finally {
    client.ib.off(EventName.historicalData, onBar);
    client.ib.off(EventName.historicalDataUpdate, onUpdate);
  }
});

test("keepUpToDate with daily bars updates today's bar", async () => {
  const reqId = nextReqId++;
  const initial: HBar[] = [];
  const updates: HBar[] = [];
  const offBar = listen(client.ib, EventName.historicalData, (id: number, ...rest: unknown[]) => {
    if (id === reqId && !String(rest[0]).startsWith('finished')) initial.push(toBar([id, ...rest]));
  });
  const offUpdate = listen(client.ib, EventName.historicalDataUpdate, (id: number, ...rest: unknown[]) => {
    if (id === reqId) updates.push(toBar([id, ...rest]));
  });
  try {
    const done = once(client.ib, EventName.historicalData, 5000, (id: number, date: string) => id === reqId && String(date).startsWith('finished'));
    client.ib.reqHistoricalData(reqId, NVDA, '', '5 D', BarSizeSetting.DAYS_ONE, WhatToShow.TRADES, 1, 1, true);
    await done;
    await waitFor(() => updates.length >= 3, 5000, 'three updates');
    client.ib.cancelHistoricalData(reqId);
    const today = initial.at(-1)!;
    assert.equal(today.date, '20240313');
    for (const u of updates) {
      assert.equal(u.date, '20240313', "the bar being updated is today's");
      assert.equal(u.open, today.open, 'same session open');
      assert.ok(u.high >= today.high && u.low <= today.low && u.volume >= today.volume, 'the day only widens and accumulates');
      assertOhlc(u);
    }
  } finally {
    offBar();
    offUpdate();
  }
});

test('invalid bar size, duration or end date/time: error 321 on the request, naming the bad value', async () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['7 mins', '1 D', '', false],
    ['1 min', '1 X', '', false],
    ['1 min', 'one day', '', false],
    ['1 min', '1 D', '2024-03-13 10:00', false],
  ];
  for (const [barSize, duration, end, keep] of cases) {
    const reqId = nextReqId++;
    const err = new Promise<{ code: number; message: string }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no error for ${reqId}`)), 3000);
      const on = (e: Error, code: number, id: number) => {
        if (id !== reqId) return;
        clearTimeout(t);
        client.ib.off(EventName.error, on);
        resolve({ code, message: e.message });
      };
      client.ib.on(EventName.error, on);
    });
    client.ib.reqHistoricalData(reqId, NVDA, end, duration, barSize as BarSizeSetting, WhatToShow.TRADES, 0, 1, keep);
    const e = await err;
    assert.equal(e.code, 321, `${barSize} / ${duration} / ${end}: ${e.message}`);
    const bad = barSize === '7 mins' ? barSize : end || duration;
    assert.ok(e.message.includes(bad), `"${e.message}" names "${bad}"`);
  }
  // keepUpToDate with an end date is refused too.
  const reqId = nextReqId++;
  client.ib.reqHistoricalData(reqId, NVDA, '20240312 16:00:00 US/Eastern', '1 D', BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 0, 1, true);
  await waitFor(() => client.errors.some((e) => e.reqId === reqId && e.code === 321), 3000, '321 for keepUpToDate with an end date');
});

test('an explicit end date/time ends the bars there', async () => {
  const h = await history('3600 S', '5 mins', 1, 2, '20240312 16:00:00 US/Eastern');
  const times = h.bars.map((b) => Number(b.date));
  // 15:00-16:00 on Tuesday 2024-03-12 (EDT, UTC-4): twelve 5-minute bars, 15:00 to 15:55.
  const t1500 = Date.UTC(2024, 2, 12, 19, 0, 0) / 1000;
  assert.deepEqual(
    times,
    Array.from({ length: 12 }, (_, i) => t1500 + i * 300),
  );
});

test('reqHeadTimestamp: the first session open of the history, in both formats, before every bar', async () => {
  const head = async (formatDate: number) => {
    const reqId = nextReqId++;
    const reply = once(client.ib, EventName.headTimestamp, 3000, (id: number) => id === reqId);
    client.ib.reqHeadTimestamp(reqId, NVDA, WhatToShow.TRADES, true, formatDate);
    return String((await reply)[1]);
  };
  const text = await head(1);
  const epoch = Number(await head(2));
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  assert.ok(m, `head timestamp ${text} is yyyyMMdd-HH:mm:ss (UTC)`);
  assert.equal(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000, epoch);
  assert.equal(ny(epoch * 1000).hms, '09:30:00', 'the regular session opens the data');
  const all = await history('5 Y', '1 day', 1, 1);
  assert.equal(all.bars[0]!.date, ny(epoch * 1000).ymd, 'the first daily bar is the head timestamp day');
});
