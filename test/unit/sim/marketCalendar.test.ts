// The simulator's market follows the US equity calendar: no bars and no price movement on
// weekends and NYSE holidays, 13:00 early closes, and the default clock start skips holidays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Instruments } from '../../../src/extension/sim/market/instruments';
import { Market } from '../../../src/extension/sim/market/market';
import { lastTradingDayAt, nyParts } from '../../../src/extension/sim/market/marketTime';
import { SimClock } from '../../../src/extension/sim/market/simClock';
import { weekSessions } from '../../../src/extension/sim/requests/contractHandlers';

test('the default clock start is the latest trading day at 10:00 New York, skipping weekends and holidays', () => {
  // Thanksgiving 2025 (Thu Nov 27) -> Wed Nov 26 10:00 EST = 15:00 UTC
  assert.equal(lastTradingDayAt(Date.UTC(2025, 10, 27, 18), 10, 0), Date.UTC(2025, 10, 26, 15));
  // Martin Luther King Day 2026 (Mon Jan 19) -> Fri Jan 16
  assert.equal(lastTradingDayAt(Date.UTC(2026, 0, 19, 16), 10, 0), Date.UTC(2026, 0, 16, 15));
  // An ordinary Tuesday stays itself
  assert.equal(lastTradingDayAt(Date.UTC(2026, 0, 20, 16), 10, 0), Date.UTC(2026, 0, 20, 15));
});

test('no bars and no movement on Thanksgiving; the day after closes at 13:00', () => {
  // Clock at Fri 2025-11-28 12:55 EST; three days of 5-second history: Tue 26th onwards.
  const clock = new SimClock(Date.UTC(2025, 10, 28, 17, 55), 1, () => 0);
  const instruments = new Instruments([]);
  const market = new Market({ instruments, clock, seed: 7 });
  const stock = instruments.stock('AAPL')!;
  const bars = market.intradayBars(stock, clock.now(), 3 * 86_400_000, 60, false);
  const days = new Set(bars.map((b) => nyParts(b.time).day));
  assert.ok(days.has(26) && days.has(28), `bars on ${[...days].join(',')}`);
  assert.equal(days.has(27), false, 'no bars on Thanksgiving');
  // The whole holiday: one price.
  const thu = [Date.UTC(2025, 10, 27, 5), Date.UTC(2025, 10, 27, 15), Date.UTC(2025, 10, 27, 23)].map((t) => market.mid(stock.conId, t));
  assert.equal(new Set(thu).size, 1, `prices on Thanksgiving ${thu.join(',')}`);
  // And prices do move on the trading day before.
  const wed = [Date.UTC(2025, 10, 26, 15), Date.UTC(2025, 10, 26, 18)].map((t) => market.mid(stock.conId, t));
  assert.notEqual(wed[0], wed[1]);
  // Friday's daily bar is the 09:30-13:00 session: its close is the price at 13:00, not later.
  const later = new SimClock(Date.UTC(2025, 10, 28, 21), 1, () => 0);
  const m2 = new Market({ instruments, clock: later, seed: 7 });
  const fri = m2.dayBars(stock, later.now(), 1)[0]!;
  assert.equal(nyParts(fri.time).day, 28);
  const rth = m2.intradayBars(stock, later.now(), 12 * 3_600_000, 60, true);
  assert.equal(rth.length, 210, '09:30-13:00 is 210 regular minutes');
  assert.equal(fri.close, rth.at(-1)!.close);
});

test('contract details session lists: holidays CLOSED, early closes end at 13:00 (17:00 extended)', () => {
  // From Wed 2025-11-26: Thanksgiving closed, Friday 13:00, the weekend closed.
  const now = Date.UTC(2025, 10, 26, 15);
  assert.equal(
    weekSessions(now, '0930', '1600'),
    '20251126:0930-20251126:1600;20251127:CLOSED;20251128:0930-20251128:1300;20251129:CLOSED;20251130:CLOSED;20251201:0930-20251201:1600;20251202:0930-20251202:1600',
  );
  assert.match(weekSessions(now, '0400', '2000'), /20251128:0400-20251128:1700/);
});
