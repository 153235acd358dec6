// The coalescer between the panel store and its consumers, on a manual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer, type Timers } from '../../../src/extension/app/coalescer';

function manualTimers() {
  let now = 0;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      due.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      now = next[1].at;
      due.delete(next[0]);
      next[1].fn();
    }
    now = end;
  };
  return { timers, advance };
}

test('coalescer: 10,000 ticks a second on one topic become at most one flush per 100 ms', () => {
  const { timers, advance } = manualTimers();
  const flushed: Array<[string, number]> = [];
  const c = new Coalescer<'positions' | 'orders'>((k) => flushed.push([k, timers.now()]), 100, timers);
  for (let ms = 0; ms < 1000; ms++) {
    for (let i = 0; i < 10; i++) c.mark('positions');
    advance(1);
  }
  advance(200);
  const times = flushed.filter(([k]) => k === 'positions').map(([, t]) => t);
  assert.ok(times.length >= 10 && times.length <= 11, `${times.length} flushes`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 100, `gap ${times[i]! - times[i - 1]!}`);
  assert.equal(times[0], 0, 'the first change of a quiet topic goes at once');
  assert.ok(times[times.length - 1]! >= 999, 'the last change is not lost');
});

test('coalescer: topics are independent; cancel and dispose drop pending flushes', () => {
  const { timers, advance } = manualTimers();
  const flushed: string[] = [];
  const c = new Coalescer<'a' | 'b'>((k) => flushed.push(k), 100, timers);
  c.mark('a');
  c.mark('b');
  advance(0);
  assert.deepEqual(flushed, ['a', 'b']);
  c.mark('a');
  c.mark('b');
  c.cancel('a');
  advance(150);
  assert.deepEqual(flushed, ['a', 'b', 'b']);
  c.mark('a');
  c.dispose();
  advance(500);
  assert.deepEqual(flushed, ['a', 'b', 'b']);
  c.mark('a');
  advance(500);
  assert.equal(flushed.length, 3);
});
