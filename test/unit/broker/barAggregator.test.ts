// Bars of the size a policy wants from completed smaller bars, and completion of
// keepUpToDate bars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BarAggregator, UpdatingBar, sourceBarSize } from '../../../src/extension/broker/barAggregator';
import type { Bar } from '../../../src/extension/broker/types';

const T0 = Date.UTC(2025, 0, 2, 15, 0, 0);
const bar = (i: number, o: number, h: number, l: number, c: number, v = 10, size = 5): Bar => ({
  time: T0 + i * size * 1000,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: v,
  wap: (h + l + c) / 3,
  count: 1,
});

test('three 5 s bars make one 15 s bar, completed by its last source bar', () => {
  const agg = new BarAggregator(15, 5);
  assert.deepEqual(agg.push(bar(0, 10, 11, 9, 10.5)), []);
  assert.deepEqual(agg.push(bar(1, 10.5, 12, 10, 11)), []);
  assert.equal(agg.partial?.high, 12);
  const [done] = agg.push(bar(2, 11, 11.5, 8, 9));
  assert.deepEqual({ ...done!, wap: undefined }, { time: T0, open: 10, high: 12, low: 8, close: 9, volume: 30, wap: undefined, count: 3 });
  assert.equal(agg.partial, undefined);
});

test('bars align to the clock, not to the first bar seen', () => {
  const agg = new BarAggregator(15, 5);
  assert.deepEqual(agg.push(bar(1, 1, 1, 1, 1)), []);
  const [done] = agg.push(bar(2, 2, 2, 2, 2));
  assert.equal(done!.time, T0, 'the 15 s bar starting at T0, built from its last two 5 s bars');
  assert.equal(done!.open, 1);
});

test('a gap completes the interrupted bar as it stands; repeats and older bars are ignored', () => {
  const agg = new BarAggregator(15, 5);
  agg.push(bar(0, 1, 1, 1, 1));
  agg.push(bar(0, 9, 9, 9, 9));
  const out = agg.push(bar(4, 2, 2, 2, 2));
  assert.equal(out.length, 1);
  assert.equal(out[0]!.time, T0);
  assert.equal(out[0]!.close, 1);
  assert.equal(out[0]!.volume, 10);
  assert.deepEqual(agg.push(bar(3, 5, 5, 5, 5)), [], 'older than the last bar taken');
  assert.equal(agg.partial?.time, T0 + 15_000);
  assert.equal(agg.flush()?.open, 2);
});

test('resumeAfter skips what is already covered', () => {
  const agg = new BarAggregator(60, 5);
  const partial = () => agg.partial;
  agg.resumeAfter(T0 + 55_000);
  assert.deepEqual(agg.push(bar(11, 1, 1, 1, 1)), []);
  assert.equal(partial(), undefined);
  agg.push(bar(12, 2, 2, 2, 2));
  assert.equal(partial()?.time, T0 + 60_000);
});

test('1-minute bars to 5-minute bars', () => {
  const agg = new BarAggregator(300, 60);
  const done: Bar[] = [];
  for (let i = 0; i < 10; i++) done.push(...agg.push(bar(i, i, i + 1, i - 1, i + 0.5, 100, 60)));
  assert.equal(done.length, 2);
  assert.deepEqual(
    done.map((b) => [b.time - T0, b.open, b.high, b.low, b.close, b.volume]),
    [
      [0, 0, 5, -1, 4.5, 500],
      [300_000, 5, 10, 4, 9.5, 500],
    ],
  );
});

test('sizes: the largest TWS bar size that divides the wanted one', () => {
  assert.deepEqual(sourceBarSize(5), [5, '5 secs']);
  assert.deepEqual(sourceBarSize(45), [15, '15 secs']);
  assert.deepEqual(sourceBarSize(60), [60, '1 min']);
  assert.deepEqual(sourceBarSize(420), [60, '1 min']);
  assert.deepEqual(sourceBarSize(900), [900, '15 mins']);
  assert.throws(() => sourceBarSize(7), RangeError);
  assert.throws(() => new BarAggregator(20, 15), RangeError);
});

test('keepUpToDate: updates revise the bar in progress; a newer bar time completes it', () => {
  const u = new UpdatingBar();
  u.seed(bar(0, 10, 10, 10, 10, 1, 60));
  assert.equal(u.push(bar(0, 10, 11, 10, 10.5, 2, 60)), undefined);
  assert.equal(u.push(bar(0, 10, 12, 9, 11, 3, 60)), undefined);
  const done = u.push(bar(1, 11, 11, 11, 11, 1, 60));
  assert.deepEqual([done!.time, done!.high, done!.low, done!.close, done!.volume], [T0, 12, 9, 11, 3]);
  assert.equal(u.push(bar(0, 1, 1, 1, 1, 1, 60)), undefined, 'a late update of an older bar is ignored');
  assert.equal(u.partial?.time, T0 + 60_000);
});
