import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CycleClock } from '../../../src/extension/session/cycleClock';
import type { Bar } from '../../../src/extension/broker/types';

const T0 = Date.UTC(2024, 2, 13, 14, 0); // a minute boundary
const MIN = 60_000;
const bar = (i: number, close = 100 + i): Bar => ({ time: T0 + i * MIN, open: close, high: close, low: close, close, volume: 100 });

describe('cycle clock (market time from completed bars)', () => {
  it('fires a cycle once every symbol has its bar for that minute', () => {
    const c = new CycleClock(['NVDA', 'MSFT'], 60);
    assert.equal(c.push('NVDA', bar(0), 1000), undefined);
    const cycle = c.push('MSFT', bar(0), 1010)!;
    assert.deepEqual(cycle, { barTime: T0, marketTime: T0 + MIN, fresh: ['NVDA', 'MSFT'], missing: [], skipped: [], stalled: false });
    assert.equal(c.lastCycleTime, T0);
    assert.equal(c.history('NVDA').length, 1);
  });

  it('backfilled history seeds the bars; cycles start after it, and late or repeated bars only feed the history', () => {
    const c = new CycleClock(['SPY'], 60);
    c.seed('SPY', [bar(0), bar(1), bar(2)]);
    assert.equal(c.lastCycleTime, T0 + 2 * MIN);
    assert.equal(c.push('SPY', bar(2), 0), undefined, 'a repeated bar is ignored');
    assert.equal(c.history('SPY').length, 3);
    assert.equal(c.push('SPY', bar(3), 0)!.barTime, T0 + 3 * MIN);
  });

  it('a symbol whose bar is late: the cycle fires after the grace, with it marked missing', () => {
    const c = new CycleClock(['NVDA', 'MSFT'], 60, { graceMs: 500 });
    assert.equal(c.push('NVDA', bar(0), 1000), undefined);
    assert.equal(c.nextDeadline(), 1500);
    assert.equal(c.poll(1499), undefined);
    const cycle = c.poll(1500)!;
    assert.deepEqual([cycle.fresh, cycle.missing, cycle.stalled], [['NVDA'], ['MSFT'], false]);
    // MSFT's bar arriving afterwards only feeds its history.
    assert.equal(c.push('MSFT', bar(0), 1600), undefined);
    assert.equal(c.history('MSFT').length, 1);
  });

  it('a burst of bars (a gap filled after a reconnect) fires only the newest cycle and reports the rest as skipped', () => {
    const c = new CycleClock(['SPY'], 60);
    c.seed('SPY', [bar(0)]);
    // One symbol: each bar completes its minute at once; the session takes the newest from its queue.
    const fired = [1, 2, 3].map((i) => c.push('SPY', bar(i), 5000)!);
    assert.deepEqual(
      fired.map((f) => f.barTime),
      [T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN],
    );
    // Two symbols, bars of one arriving ahead: the older incomplete minute is passed over.
    const d = new CycleClock(['A', 'B'], 60);
    d.push('A', bar(1), 0);
    d.push('A', bar(2), 0);
    d.push('B', bar(1), 0);
    assert.equal(d.lastCycleTime, T0 + MIN);
    d.push('A', bar(3), 0);
    const cycle = d.push('B', bar(3), 0)!;
    assert.equal(cycle.barTime, T0 + 3 * MIN);
    assert.deepEqual(cycle.skipped, [T0 + 2 * MIN]);
    assert.deepEqual(
      d.history('B').map((b) => b.time),
      [T0 + MIN, T0 + 3 * MIN],
    );
  });

  it('keeps its cadence when bars stop: a stalled cycle about two cycles (at the measured market rate) after the last', () => {
    const c = new CycleClock(['SPY'], 60, { graceMs: 100 });
    // Market time runs 60x: a one-minute bar every wall second.
    for (let i = 0; i < 4; i++) assert.ok(c.push('SPY', bar(i), 10_000 + i * 1000));
    assert.equal(c.measuredRate, 60);
    assert.equal(c.nextDeadline(), 13_000 + 2000 + 100);
    assert.equal(c.poll(15_099), undefined);
    const stalled = c.poll(15_100)!;
    assert.deepEqual(stalled, { barTime: T0 + 4 * MIN, marketTime: T0 + 5 * MIN, fresh: [], missing: ['SPY'], skipped: [], stalled: true });
    assert.equal(c.nextDeadline(), 15_100 + 2100, 'the next one a further two cycles on');
    // Bars for the stalled minute arriving after it only feed the history; the next one fires.
    assert.equal(c.push('SPY', bar(4), 16_000), undefined);
    assert.equal(c.push('SPY', bar(5), 16_001)!.barTime, T0 + 5 * MIN);
  });

  it('assumes real time until the rate is measured, so an accelerated feed never looks stalled early', () => {
    const c = new CycleClock(['SPY'], 60, { graceMs: 100 });
    c.push('SPY', bar(0), 1000);
    assert.equal(c.measuredRate, undefined);
    assert.equal(c.nextDeadline(), 1000 + 120_000 + 100);
    assert.equal(new CycleClock(['SPY'], 60).nextDeadline(), undefined, 'nothing to wait for before the first bar');
    // Started on backfilled history but no bar ever comes (no data at TWS): stalled cycles still come, in real time.
    const d = new CycleClock(['SPY'], 60, { graceMs: 100 });
    d.seed('SPY', [bar(0)]);
    d.start(5000);
    assert.equal(d.nextDeadline(), 5000 + 120_000 + 100);
    assert.deepEqual(d.poll(125_100), { barTime: T0 + MIN, marketTime: T0 + 2 * MIN, fresh: [], missing: ['SPY'], skipped: [], stalled: true });
  });

  it('keeps at most maxBars bars per symbol', () => {
    const c = new CycleClock(['SPY'], 60, { maxBars: 3 });
    for (let i = 0; i < 5; i++) c.push('SPY', bar(i), i);
    assert.deepEqual(
      c.history('SPY').map((b) => b.close),
      [102, 103, 104],
    );
  });
});
