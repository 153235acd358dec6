// A session with --cycle 86400 against the simulator over TCP: its bars are New York
// regular sessions, so it decides at the session's close (16:00 New York), not at UTC
// midnight (19:00 New York, after hours) as UTC-day bars did.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { US_REGULAR_HOURS, isWithinSession, zonedTime } from '../../../src/extension/core/marketHours';
import { linesOf, runSession } from '../../helpers/sessionFixture';

/** Wednesday 2024-03-13 15:00 New York (EDT): an hour before the close. */
const WED_3PM_NY = Date.UTC(2024, 2, 13, 19, 0, 0);

test('--cycle 86400: the daily bar is the 09:30-16:00 session and the decision comes at its close', async () => {
  const r = await runSession({
    sim: { startMs: WED_3PM_NY, speed: 600 },
    config: { symbols: 'AAPL', cycleSeconds: '86400', cycles: '1', clientId: '21' },
    model: 'toggle',
  });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const starts = linesOf(r.journal, 'cycle-start');
  assert.equal(starts.length, 1);
  const c = starts[0]!;
  assert.equal(c.stalled, false);
  // The bar: Wednesday's regular session, from 09:30 New York.
  assert.equal(c.barTime, Date.UTC(2024, 2, 13, 13, 30));
  // The decision: at Wednesday's close, 16:00 New York (20:00 UTC), not 19:00 New York / UTC midnight.
  assert.equal(r.decisions.length, 1);
  const d = r.decisions[0]!;
  assert.equal(d.marketTime, Date.UTC(2024, 2, 13, 20, 0));
  const z = zonedTime(d.marketTime, US_REGULAR_HOURS.timeZone);
  assert.equal(z.dateKey, 20240313);
  assert.equal(z.minuteOfDay, 16 * 60, 'the close');
  assert.ok(isWithinSession(d.marketTime - 1, US_REGULAR_HOURS), 'the last moment of its bar is in regular hours');
  // The policy ran on the daily bars (the toggle policy wants to buy); at 16:00 the tradingHours
  // rule refuses, which the decision says and a notice at the start announced.
  assert.equal(d.outcome, 'blocked', d.reason);
  assert.match(d.reason, /refused by tradingHours: 16:00 America\/New_York/);
  assert.ok(r.events.some((e) => e.type === 'notice' && e.level === 'warn' && /daily cycles decide at the 16:00 New York close.*--any-hours/.test(e.message)));
  // The history the policy saw is daily session bars: one per trading day, each dated at 09:30 New York.
  const history = r.session['started']!.run.clock.history('AAPL');
  assert.ok(history.length >= 3, `${history.length} daily bars`);
  for (const b of history) assert.equal(zonedTime(b.time, US_REGULAR_HOURS.timeZone).minuteOfDay, 9 * 60 + 30, new Date(b.time).toISOString());
  assert.equal(new Set(history.map((b) => zonedTime(b.time, US_REGULAR_HOURS.timeZone).dateKey)).size, history.length, 'one bar per day');
});

test('--cycle 86400 --any-hours: the decision at the close becomes an order that waits at TWS for the next open', async () => {
  const r = await runSession({
    sim: { startMs: WED_3PM_NY, speed: 600 },
    config: { symbols: 'AAPL', cycleSeconds: '86400', cycles: '1', clientId: '22', anyHours: true },
    model: 'toggle',
  });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const d = r.decisions[0]!;
  assert.equal(d.marketTime, Date.UTC(2024, 2, 13, 20, 0));
  assert.equal(d.outcome, 'order', d.reason);
  assert.equal(r.placed.length, 1);
  assert.equal(r.placed[0]!.orderRef, d.proposal!.orderRef);
  // TWS (the simulator) takes it after the close and holds it for the regular session: warning 399.
  const warned = r.fx
    .records()
    .some((l) => l.dir === 'out' && l.name === 'error' && l.fields.includes('399') && l.fields.includes(String(r.placed[0]!.orderId)));
  assert.ok(warned, 'warning 399: held until the regular session opens');
  assert.equal(
    r.events.some((e) => e.type === 'notice' && /daily cycles decide/.test(e.message)),
    false,
    'no warning with --any-hours',
  );
});
