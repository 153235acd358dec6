// The message pacer and the historical pacer on a manual clock: the windows hold for
// any burst, the queue is visible, priority goes first, clearing rejects what was queued.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HistoricalPacer,
  IBKR_HISTORICAL_RULES,
  LIBRARY_MAX_REQ_PER_SEC,
  MessagePacer,
  PacedOut,
  TWS_MESSAGE_RULES,
  type HistoricalRequestKey,
} from '../../../src/extension/broker/pacer';
import { ManualClock, maxInWindow } from '../../helpers/manualClock';

describe('MessagePacer', () => {
  test('a burst of 200 never has more than 45 in a second, 50 in 1.5 s or 15 in 100 ms; sustained 33/s', async () => {
    const clock = new ManualClock();
    const p = new MessagePacer(TWS_MESSAGE_RULES, clock);
    const sent: number[] = [];
    const done = Array.from({ length: 200 }, () => p.submit(() => sent.push(clock.now())));
    assert.equal(p.length, 185, 'the first 15 go at once, the rest wait');
    assert.equal(p.queueLength.value, 185);
    await clock.advance(10_000);
    await Promise.all(done);
    assert.equal(sent.length, 200);
    assert.equal(maxInWindow(sent, 1000), 45);
    assert.equal(maxInWindow(sent, 1500), 50);
    assert.equal(maxInWindow(sent, 100), 15);
    const steady = 150 / ((sent[199]! - sent[49]!) / 1000);
    assert.ok(steady <= 34 && steady >= 32, `sustained ${steady} msg/s`);
    assert.equal(p.queueLength.value, 0);
    assert.equal(p.maxQueued, 185);
    assert.equal(p.sent, 200);
    // TWS's hard limit is 50 in a second: even if TWS handles them up to 500 ms late, it never counts more.
    assert.ok(maxInWindow(sent, 1500) <= 50);
    // @stoqey/ib's own limiter (maxReqPerSec/10 per 100 ms) can never hold back what the pacer releases.
    assert.ok(LIBRARY_MAX_REQ_PER_SEC / 10 > maxInWindow(sent, 100));
  });

  test('spread-out traffic is not delayed', async () => {
    const clock = new ManualClock();
    const p = new MessagePacer(TWS_MESSAGE_RULES, clock);
    for (let i = 0; i < 20; i++) {
      let ran = false;
      void p.submit(() => (ran = true));
      assert.equal(ran, true, 'sent at once');
      await clock.advance(50);
    }
  });

  test('priority messages (heartbeat) jump the queue', async () => {
    const clock = new ManualClock();
    const p = new MessagePacer([{ limit: 1, windowMs: 100 }], clock);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) void p.submit(() => order.push(`n${i}`));
    void p.submit(() => order.push('ping'), { priority: true });
    await clock.advance(1000);
    assert.deepEqual(order, ['n0', 'ping', 'n1', 'n2']);
  });

  test('clear() rejects what is still queued, and nothing of it is sent', async () => {
    const clock = new ManualClock();
    const p = new MessagePacer([{ limit: 2, windowMs: 1000 }], clock);
    const sent: number[] = [];
    const results = Array.from({ length: 5 }, (_, i) =>
      p
        .submit(() => sent.push(i))
        .then(
          () => 'sent',
          (e: Error) => e.message,
        ),
    );
    p.clear(new Error('connection lost'));
    await clock.advance(5000);
    assert.deepEqual(await Promise.all(results), ['sent', 'sent', 'connection lost', 'connection lost', 'connection lost']);
    assert.deepEqual(sent, [0, 1]);
    assert.equal(p.length, 0);
  });

  test('a throwing send rejects its own promise only', async () => {
    const clock = new ManualClock();
    const p = new MessagePacer(TWS_MESSAGE_RULES, clock);
    const a = p.submit(() => {
      throw new Error('closed');
    });
    const b = p.submit(() => {});
    await assert.rejects(a, /closed/);
    await b;
  });

  test('rules are validated', () => {
    assert.throws(() => new MessagePacer([]), RangeError);
    assert.throws(() => new MessagePacer([{ limit: 0, windowMs: 1000 }]), RangeError);
  });
});

describe('HistoricalPacer', () => {
  const key = (identity: string, contract = 'NVDA|SMART|TRADES', weight = 1): HistoricalRequestKey => ({ identity, contract, weight });

  /** Schedules `keys` in order; returns when each was transmitted, in the order of `keys`. */
  async function drive(p: HistoricalPacer, clock: ManualClock, keys: HistoricalRequestKey[], answerAfter = 0): Promise<number[]> {
    const times: number[] = new Array(keys.length).fill(Number.NaN);
    const done = keys.map((k, i) =>
      p.schedule(k, async () => {
        times[i] = clock.now();
        if (answerAfter > 0) return { answered: new Promise<void>((r) => clock.setTimeout(r, answerAfter)) };
      }),
    );
    await clock.advance(700_000);
    await Promise.all(done);
    return times;
  }

  test('at most 6 requests for one contract in any 2 s (+margin); other contracts are not held up', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    const times = await drive(p, clock, [...Array.from({ length: 8 }, (_, i) => key(`nvda-${i}`)), key('aapl-0', 'AAPL|SMART|TRADES')]);
    const nvda = times.slice(0, 8);
    assert.equal(maxInWindow(nvda, 2000 + IBKR_HISTORICAL_RULES.marginMs), 6);
    assert.equal(nvda[6]! - nvda[0]!, 2100);
    assert.equal(times[8]! - nvda[0]!, 0, 'AAPL went at once');
  });

  test('no identical request within 15 s', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    const times = await drive(p, clock, [key('same'), key('same')]);
    assert.equal(times[1]! - times[0]!, 15_100);
  });

  test('at most 60 in 10 minutes; BID_ASK counts twice', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer({ ...IBKR_HISTORICAL_RULES, perContract: { limit: 1000, windowMs: 2000 } }, clock);
    const keys = Array.from({ length: 61 }, (_, i) => key(`r${i}`, `c${i}`));
    const times = await drive(p, clock, keys);
    assert.equal(times[60]! - times[0]!, 600_100);

    const clock2 = new ManualClock();
    const p2 = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock2);
    const t2 = await drive(p2, clock2, [key('a', 'X', 2), key('b', 'X', 2), key('c', 'X', 2), key('d', 'X', 2)]);
    assert.equal(t2[3]! - t2[0]!, 2100, 'three BID_ASK requests fill the 6-per-2-s budget');
  });

  test('an unanswered request counts as now: the window starts at its answer', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    // Each request is answered 500 ms after it is written (TWS busy).
    const times = await drive(
      p,
      clock,
      Array.from({ length: 7 }, (_, i) => key(`k${i}`)),
      500,
    );
    assert.equal(times[6]! - times[0]!, 2600);
  });

  test('the queue is visible and clear() rejects it', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    const results = Array.from({ length: 8 }, (_, i) =>
      p
        .schedule(key(`q${i}`), async () => {})
        .then(
          () => 'sent',
          (e: Error) => e.message,
        ),
    );
    await clock.advance(10);
    assert.equal(p.queueLength.value, 2);
    p.clear(new Error('connection lost'));
    assert.equal(p.queueLength.value, 0);
    assert.deepEqual((await Promise.all(results)).slice(5), ['sent', 'connection lost', 'connection lost']);
  });

  test('real-time bar requests count in their own pool of 60 per 10 minutes; a historical request is not held behind them', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    const rt = Array.from({ length: 61 }, (_, i): HistoricalRequestKey => ({ identity: `rt${i}`, contract: `rt|c${i}`, pool: 'realtime' }));
    const held: number[] = [];
    const sent: number[] = new Array(62).fill(Number.NaN);
    const t0 = clock.now();
    const all = rt.map((k, i) => p.schedule(k, async () => void (sent[i] = clock.now() - t0), { onHeld: (ms) => held.push(ms) }));
    await clock.advance(1000);
    assert.equal(sent.slice(0, 60).filter((t) => t === 0).length, 60, '60 went at once');
    assert.ok(Number.isNaN(sent[60]), 'the 61st is held');
    assert.deepEqual(held.length, 1, 'the held one was said once');
    assert.ok(held[0]! > 590_000, `held ${held[0]} ms`);
    // A historical request scheduled while the 61st waits on its timer goes at once.
    all.push(p.schedule(key('hist'), async () => void (sent[61] = clock.now() - t0)));
    await clock.advance(10);
    assert.equal(sent[61], 1000, 'the historical pool is free: sent as soon as scheduled');
    await clock.advance(700_000);
    await Promise.all(all);
    assert.equal(sent[60], 600_100);
  });

  test('maxWaitMs: a request that would wait longer is not sent (PacedOut)', async () => {
    const clock = new ManualClock();
    const p = new HistoricalPacer(IBKR_HISTORICAL_RULES, clock);
    await p.schedule(key('same'), async () => {});
    const start = clock.now();
    const r = p
      .schedule(key('same'), async () => {}, { maxWaitMs: 2000 })
      .then(
        () => 'sent',
        (e: unknown) => e,
      );
    await clock.advance(10);
    const out = await r;
    assert.ok(out instanceof PacedOut, String(out));
    assert.ok(out.waitMs > 2000);
    assert.equal(clock.now() - start, 10);
  });
});
