// Session bars: bars longer than an hour follow the regular session in New York, across
// daylight-saving changes, weekends, holidays and early closes; shorter ones stay on the epoch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barEnd, barWindowAt, currentOrNextBarStart, nextBarWindow } from '../../../src/extension/core/sessionBars';
import { BarAggregator } from '../../../src/extension/broker/barAggregator';
import { CycleClock } from '../../../src/extension/session/cycleClock';
import type { Bar } from '../../../src/extension/broker/types';

const Z = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const MIN = 60_000;

describe('session bar windows', () => {
  it('a daily bar is the regular session, 09:30-16:00 New York, on both sides of the March DST change', () => {
    // Fri 2026-03-06 is EST (UTC-5); Mon 2026-03-09 is EDT (UTC-4).
    assert.deepEqual(barWindowAt(Z(2026, 3, 6, 18), 86_400), { start: Z(2026, 3, 6, 14, 30), end: Z(2026, 3, 6, 21) });
    assert.deepEqual(barWindowAt(Z(2026, 3, 9, 18), 86_400), { start: Z(2026, 3, 9, 13, 30), end: Z(2026, 3, 9, 20) });
    // 19:00 New York (UTC midnight in winter) is after the close: no daily bar there.
    assert.equal(barWindowAt(Z(2026, 3, 7, 0), 86_400), undefined);
    assert.equal(barWindowAt(Z(2026, 3, 6, 14, 29), 86_400), undefined, '09:29 is before the open');
  });

  it('and on both sides of the November DST change', () => {
    // Fri 2026-10-30 EDT, Mon 2026-11-02 EST.
    assert.deepEqual(barWindowAt(Z(2026, 10, 30, 15), 86_400), { start: Z(2026, 10, 30, 13, 30), end: Z(2026, 10, 30, 20) });
    assert.deepEqual(barWindowAt(Z(2026, 11, 2, 15), 86_400), { start: Z(2026, 11, 2, 14, 30), end: Z(2026, 11, 2, 21) });
    assert.deepEqual(nextBarWindow(Z(2026, 10, 30, 20), 86_400), { start: Z(2026, 11, 2, 14, 30), end: Z(2026, 11, 2, 21) });
  });

  it('multi-hour bars are cut from the open; the last ends at the close (13:00 on early closes)', () => {
    const mon = Z(2026, 3, 9, 13, 30); // 09:30 EDT
    const starts = [0, 120, 240, 360].map((m) => mon + m * MIN);
    assert.deepEqual(
      starts.map((s) => barWindowAt(s + 5 * MIN, 7200)),
      [
        { start: starts[0], end: starts[1] },
        { start: starts[1], end: starts[2] },
        { start: starts[2], end: starts[3] },
        { start: starts[3], end: Z(2026, 3, 9, 20) },
      ],
    );
    // Fri 2026-11-27, the day after Thanksgiving: 09:30-13:00 EST.
    assert.deepEqual(barWindowAt(Z(2026, 11, 27, 17), 7200), { start: Z(2026, 11, 27, 16, 30), end: Z(2026, 11, 27, 18) });
    assert.deepEqual(barWindowAt(Z(2026, 11, 27, 17), 86_400), { start: Z(2026, 11, 27, 14, 30), end: Z(2026, 11, 27, 18) });
    assert.equal(barWindowAt(Z(2026, 11, 26, 17), 86_400), undefined, 'Thanksgiving');
  });

  it('the next bar skips nights, weekends and holidays', () => {
    // Thu 2026-04-02 after the close -> Good Friday -> Monday 04-06.
    assert.deepEqual(nextBarWindow(Z(2026, 4, 2, 20), 86_400), { start: Z(2026, 4, 6, 13, 30), end: Z(2026, 4, 6, 20) });
    assert.equal(nextBarWindow(Z(2026, 4, 2, 19, 31), 7200).start, Z(2026, 4, 6, 13, 30));
    // Mid-session: the next 2-hour bar starts at 11:30.
    assert.equal(nextBarWindow(Z(2026, 4, 6, 15), 7200).start, Z(2026, 4, 6, 15, 30));
    assert.equal(currentOrNextBarStart(Z(2026, 4, 6, 15), 86_400), Z(2026, 4, 6, 13, 30));
    assert.equal(currentOrNextBarStart(Z(2026, 4, 4, 15), 86_400), Z(2026, 4, 6, 13, 30), 'Saturday');
  });

  it('bars up to an hour stay on the epoch, as before', () => {
    const t = Z(2026, 3, 9, 13, 47);
    assert.deepEqual(barWindowAt(t, 300), { start: Z(2026, 3, 9, 13, 45), end: Z(2026, 3, 9, 13, 50) });
    assert.deepEqual(barWindowAt(t, 3600), { start: Z(2026, 3, 9, 13), end: Z(2026, 3, 9, 14) });
    assert.equal(barEnd(Z(2026, 3, 7, 12), 60), Z(2026, 3, 7, 12, 1), 'a Saturday minute is still a minute');
    assert.equal(nextBarWindow(t, 60).start, Z(2026, 3, 9, 13, 47));
  });
});

function bar(time: number, close: number, volume = 10): Bar {
  return { time, open: close - 0.5, high: close + 1, low: close - 1, close, volume };
}

describe('building session bars', () => {
  it('daily bars from 30-minute bars of the extended session: one per regular session, across the DST weekend', () => {
    const agg = new BarAggregator(86_400, 1800);
    const out: Bar[] = [];
    // Fri 2026-03-06 04:00-20:00 EST and Mon 2026-03-09 04:00-20:00 EDT, 32 bars each.
    for (const dayStart of [Z(2026, 3, 6, 9), Z(2026, 3, 9, 8)]) {
      for (let k = 0; k < 32; k++) out.push(...agg.push(bar(dayStart + k * 30 * MIN, 100 + k)));
    }
    assert.equal(out.length, 2);
    assert.equal(out[0]!.time, Z(2026, 3, 6, 14, 30));
    assert.equal(out[1]!.time, Z(2026, 3, 9, 13, 30));
    for (const b of out) {
      assert.equal(b.volume, 13 * 10, 'thirteen half hours of 09:30-16:00');
      assert.equal(b.open, 100 + 11 - 0.5, 'the 09:30 bar opens it');
      assert.equal(b.close, 100 + 23, 'the 15:30 bar closes it');
    }
  });

  it('a daily bar completes with its last regular bar, or with the first bar after the close when that one is missing', () => {
    const agg = new BarAggregator(86_400, 5);
    const open = Z(2026, 3, 9, 13, 30);
    assert.deepEqual(agg.push(bar(open, 1)), []);
    const done = agg.push(bar(Z(2026, 3, 9, 20) - 5000, 2));
    assert.equal(done.length, 1);
    assert.equal(done[0]!.time, open);
    const again = new BarAggregator(86_400, 5);
    again.push(bar(open, 1));
    assert.deepEqual(
      again.push(bar(Z(2026, 3, 9, 20) + 60_000, 2)).map((b) => b.time),
      [open],
      'an after-hours bar ends the session',
    );
  });

  it('TWS daily bars (dated at New York midnight) become session bars', () => {
    const agg = new BarAggregator(86_400, 86_400);
    const nyMidnight = Z(2026, 3, 9, 4); // 00:00 EDT
    assert.deepEqual(
      agg.push(bar(nyMidnight, 5)).map((b) => b.time),
      [Z(2026, 3, 9, 13, 30)],
    );
    assert.equal(agg.bucketOf(Z(2026, 3, 10, 4)), Z(2026, 3, 10, 13, 30));
  });
});

describe('cycle clock with daily cycles', () => {
  it('a daily cycle closes at the session close; a stalled feed expects the next trading session', () => {
    const clock = new CycleClock(['AAPL'], 86_400, { graceMs: 10, assumedRate: 86_400 });
    const thu = Z(2026, 4, 2, 13, 30); // Thu before Good Friday, 09:30 EDT
    clock.seed('AAPL', [bar(Z(2026, 4, 1, 13, 30), 1)]);
    const c = clock.push('AAPL', bar(thu, 2), 1000)!;
    assert.equal(c.barTime, thu);
    assert.equal(c.marketTime, Z(2026, 4, 2, 20), '16:00 New York');
    clock.start(1000);
    // No bar for a long while: the stalled cycle is Monday's session (Good Friday and the weekend skipped).
    const deadline = clock.nextDeadline()!;
    assert.ok(deadline > 1000);
    const stalled = clock.poll(deadline)!;
    assert.equal(stalled.stalled, true);
    assert.equal(stalled.barTime, Z(2026, 4, 6, 13, 30));
    assert.equal(stalled.marketTime, Z(2026, 4, 6, 20));
  });
});
