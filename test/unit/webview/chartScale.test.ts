// The charts' scales (shared by the panel and the backtest report): round value ticks, time
// ticks on the display zone's whole hours, the linear map, and a line cut at zero by sign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extent, linearScale, niceDomain, niceTicks, signSegments, timeTicks } from '../../../src/webview/chartScale';
import { CHART_BOX, equityLayout, priceLayout } from '../../../src/webview/chartLayout';

test('value ticks: round steps covering the range, no -0, no float noise', () => {
  assert.deepEqual(niceTicks(-12.3, 47.9, 4), [0, 20, 40], 'ticks inside the range');
  assert.deepEqual(niceDomain(-12.3, 47.9, 4), { lo: -20, hi: 60, ticks: [-20, 0, 20, 40, 60] }, 'or the range widened to round ends');
  assert.deepEqual(niceDomain(0.1, 0.7, 3).ticks, [0, 0.2, 0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-0.3, 0.3, 3), [-0.2, 0, 0.2]);
  assert.ok(niceTicks(-5, 5).every((v) => !Object.is(v, -0)));
  assert.deepEqual(niceTicks(3, 3), [3], 'an empty range is its one value');
  assert.deepEqual(extent([2, 5], 0), { lo: 0, hi: 5 }, 'zero included for a P&L axis');
  assert.deepEqual(extent([]), { lo: 0, hi: 1 });
  const flat = extent([100, 100]);
  assert.ok(flat.lo < 100 && flat.hi > 100, 'a flat series still gets a range');
});

test('linear scale: domain onto range, inverted for SVG y; a point domain maps to the middle', () => {
  const y = linearScale(-10, 30, 150, 10);
  assert.equal(y(-10), 150);
  assert.equal(y(30), 10);
  assert.equal(y(0), 115);
  assert.equal(linearScale(5, 5, 0, 100)(5), 50);
});

test('time ticks: whole steps in the display zone (New York hours, not UTC)', () => {
  const t0 = Date.UTC(2026, 0, 5, 14, 35); // 09:35 EST
  const t1 = Date.UTC(2026, 0, 5, 21, 0); // 16:00 EST
  const { step, ticks } = timeTicks(t0, t1, 5, -5 * 3600_000);
  assert.equal(step, 2 * 3600_000);
  // 10:00, 12:00, 14:00, 16:00 New York
  assert.deepEqual(
    ticks.map((t) => new Date(t).getUTCHours()),
    [15, 17, 19, 21],
  );
  const minutes = timeTicks(t0, t0 + 4 * 60_000, 5);
  assert.equal(minutes.step, 60_000);
  assert.equal(minutes.ticks.length, 5, 'both ends on whole minutes');
  assert.deepEqual(timeTicks(t0, t0).ticks, [t0]);
});

test('sign segments: the line is cut at its zero crossings, each piece with its sign', () => {
  const segs = signSegments([
    { x: 0, y: 2 },
    { x: 1, y: 1 },
    { x: 2, y: -1 },
    { x: 3, y: -3 },
    { x: 4, y: 1 },
  ]);
  assert.deepEqual(
    segs.map((s) => s.sign),
    [1, -1, 1],
  );
  assert.deepEqual(segs[0]!.points.at(-1), { x: 1.5, y: 0 }, 'cut where it crosses zero');
  assert.deepEqual(segs[1]!.points[0], { x: 1.5, y: 0 }, 'the next piece starts there');
  assert.deepEqual(segs[1]!.points.at(-1), { x: 3.75, y: 0 });
  assert.deepEqual(
    signSegments([
      { x: 0, y: 0 },
      { x: 1, y: -2 },
    ]).map((s) => s.sign),
    [-1],
    'a start on zero takes the sign of what follows',
  );
});

test('equity layout: dollar ticks, the zero line inside the plot, the last point, the time axis titled with its zone', () => {
  const at = (min: number) => Date.UTC(2026, 0, 5, 15, min);
  const l = equityLayout([
    { at: at(0), net: 0 },
    { at: at(10), net: 25.5 },
    { at: at(20), net: -12.25 },
    { at: at(30), net: 8 },
  ])!;
  assert.ok(l.yTicks.some((t) => t.label === '$0.00'));
  assert.ok(
    l.yTicks.some((t) => t.label.startsWith('\u2212$')),
    'negative ticks with a true minus',
  );
  assert.ok(l.zeroY > CHART_BOX.pad.t && l.zeroY < CHART_BOX.height - CHART_BOX.pad.b);
  assert.deepEqual(
    l.segments.map((s) => s.cls),
    ['up', 'down', 'up'],
  );
  assert.equal(l.xTitle, 'time (EST)');
  assert.ok(l.xTicks.length >= 2 && l.xTicks.every((t) => /^\d\d:\d\d$/.test(t.label)));
  assert.equal(l.last.net, 8);
  assert.equal(l.last.x, CHART_BOX.width - CHART_BOX.pad.r);
  assert.equal(equityLayout([]), undefined);
});

test('price layout: fills marked at their time and price, buys and sells apart', () => {
  const at = (min: number) => Date.UTC(2026, 6, 6, 14, min);
  const l = priceLayout(
    [
      { at: at(0), price: 100 },
      { at: at(5), price: 101 },
      { at: at(10), price: 99 },
    ],
    [
      { at: at(5), price: 101.02, side: 'BUY', shares: 10 },
      { at: at(10), price: 98.97, side: 'SELL', shares: 10 },
    ],
  )!;
  assert.deepEqual(
    l.fills.map((f) => f.side),
    ['buy', 'sell'],
  );
  assert.ok(l.fills[0]!.y < l.fills[1]!.y, 'the higher price is drawn higher');
  assert.equal(l.fills[1]!.title, 'SELL 10 @ 98.97, 10:10:00 EDT');
  assert.equal(l.line.split(' ').length, 3);
});
