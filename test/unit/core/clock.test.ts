// Deadlines decide only after pending I/O is read, and give the peer one more period
// when this process itself was stalled (the timer fired far too late).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setDeadline, type Clock } from '../../../src/extension/core/clock';

/** A clock whose timers the test fires by hand, at whatever time it sets. */
function handClock() {
  let now = 0;
  const timers: Array<{ fn: () => void; at: number; cancelled: boolean }> = [];
  const deferred: Array<() => void> = [];
  const clock: Clock = {
    now: () => now,
    setTimeout(fn, ms) {
      const t = { fn, at: now + ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
    afterPendingIo: (fn) => deferred.push(fn),
  };
  return {
    clock,
    set: (t: number) => (now = t),
    fire: () => {
      const t = timers.filter((x) => !x.cancelled).shift();
      if (!t) return false;
      timers.splice(timers.indexOf(t), 1);
      t.fn();
      return true;
    },
    runIo: () => deferred.splice(0).forEach((f) => f()),
  };
}

test('on time: the deadline waits for pending I/O before concluding', () => {
  const h = handClock();
  let expired = 0;
  setDeadline(h.clock, () => expired++, 300);
  h.set(300);
  h.fire();
  assert.equal(expired, 0, 'not before the I/O already waiting was read');
  h.runIo();
  assert.equal(expired, 1);
});

test('a reply read with the pending I/O wins: cancelled before the decision', () => {
  const h = handClock();
  let expired = 0;
  const d = setDeadline(h.clock, () => expired++, 300);
  h.set(300);
  h.fire();
  d.cancel(); // the reply handler, run as pending I/O
  h.runIo();
  assert.equal(expired, 0);
});

test('fired far too late (this process stalled): one more period, then it concludes', () => {
  const h = handClock();
  let expired = 0;
  setDeadline(h.clock, () => expired++, 300);
  h.set(900);
  h.fire();
  h.runIo();
  assert.equal(expired, 0, 'extended once');
  h.set(1200);
  h.fire();
  h.runIo();
  assert.equal(expired, 1);
});

test('slightly late timers are not treated as a stall', () => {
  const h = handClock();
  let expired = 0;
  setDeadline(h.clock, () => expired++, 300);
  h.set(390);
  h.fire();
  h.runIo();
  assert.equal(expired, 1);
});
