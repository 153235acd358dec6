// Each risk limit against the simulator over TCP: the limit refuses exactly the orders
// beyond it (the decision records say which rule and why), and the simulator's record
// proves that nothing beyond it reached "TWS". Prices are a flat replay (every symbol at
// its base price, bid/ask a cent around it) so quantities, notionals and losses are exact;
// the policies are small real ONNX models with a known rule (test/helpers/testModels).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerClient } from '../../../src/extension/broker/brokerClient';
import { FAST } from '../../helpers/brokerFixture';
import {
  byRef,
  flatReplay,
  journaledSent,
  linesOf,
  recordedSent,
  runSession,
  simPositions,
  startSim,
  tempDir,
  testModel,
  WED_10AM_NY,
  WED_5PM_NY,
  type RunResult,
} from '../../helpers/sessionFixture';
import { prepareBacktest, runPreparedBacktest } from '../../../src/extension/backtest/prepareBacktest';
import type { RiskOptionsInput } from '../../../src/extension/trading/riskLimits';

let replayCsv: string;
before(() => {
  replayCsv = flatReplay(tempDir('session-replay-'));
});

const flat = () => ({ speed: 120, replayCsv });

/** One-minute NVDA bars that never move, at the simulator's NVDA price (135.40), for backtests. */
function flatMinuteBars(): string {
  const path = join(tempDir('backtest-bars-'), 'nvda.csv');
  const rows = Array.from({ length: 6 }, (_, i) => `2024-03-13 10:0${i},135.4,135.4,135.4,135.4,1000`);
  writeFileSync(path, `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}

/** Decisions refused by `rule`, and proof that none of their orderRefs reached the simulator. */
function blockedBy(r: RunResult, rule: string) {
  const blocked = r.decisions.filter((d) => d.outcome === 'blocked' && d.verdict?.rule === rule);
  for (const d of blocked) {
    assert.ok(!r.placed.some((o) => o.orderRef === d.proposal!.orderRef), `${d.proposal!.orderRef} was refused by ${rule} and never reached the simulator`);
    assert.ok(!linesOf(r.journal, 'intent').some((i) => i.orderRef === d.proposal!.orderRef), 'no intent journaled for it');
  }
  return blocked;
}

/** Every order that reached the simulator is an allowed decision's, journaled one for one. */
function onlyAllowedReached(r: RunResult): void {
  const allowed = new Set(r.decisions.filter((d) => d.outcome === 'order').map((d) => d.proposal!.orderRef));
  for (const o of r.placed) assert.ok(allowed.has(o.orderRef), `${o.orderRef} reached the simulator without an allowed decision`);
  assert.deepEqual(byRef(journaledSent(r.journal)), byRef(recordedSent(r.placed)));
}

describe('risk limits', () => {
  test('max order quantity: the 73-share NVDA order is refused, the 23-share MSFT order goes', async () => {
    const r = await runSession({
      sim: flat(),
      model: 'always-buy',
      config: { symbols: 'NVDA,MSFT', cycles: '3', capital: '20000', maxOrderQuantity: '50', clientId: '31' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const blocked = blockedBy(r, 'maxOrderQuantity');
    assert.equal(blocked.length, 3, 'NVDA refused in each of the 3 cycles');
    for (const d of blocked) {
      assert.equal(d.symbol, 'NVDA');
      assert.equal(d.proposal!.quantity, 73);
      assert.match(d.reason, /73 shares exceeds the maximum of 50 per order/);
    }
    assert.deepEqual(
      r.placed.map((o) => [o.symbol, o.action, o.totalQuantity]),
      [['MSFT', 'BUY', 23]],
    );
    onlyAllowedReached(r);
  });

  test("max position (on the book): NVDA's 73-share target is capped to 50 and bought, then held; the 40 held outside the book stay; MSFT to 23 goes", async () => {
    const fx = await startSim({ ...flat(), startMs: WED_10AM_NY });
    try {
      // The account already holds 40 NVDA (bought by another client before the session).
      const other = new BrokerClient({ host: '127.0.0.1', port: fx.sim.port, clientId: 90, ...FAST });
      await other.connect();
      const nvda = await other.resolveStock('NVDA');
      const pre = await other.placeOrder({ contract: nvda, action: 'BUY', quantity: 40, type: 'MKT' });
      await other.orderDone(pre.orderId, 3000);
      await other.dispose();

      const r = await runSession({
        fx,
        model: 'always-buy',
        config: { symbols: 'NVDA,MSFT', cycles: '2', capital: '20000', maxPosition: '50', clientId: '32' },
      });
      assert.equal(r.result.status, 'finished', r.result.reason);
      assert.deepEqual(blockedBy(r, 'maxPosition'), [], 'nothing is refused: the order is capped to the limit instead');
      const nvdaDecisions = r.decisions.filter((d) => d.symbol === 'NVDA');
      assert.deepEqual(
        nvdaDecisions.map((d) => [d.cycle, d.position, d.targetQuantity, d.orderQuantity, d.outcome]),
        [
          [1, 0, 50, 50, 'order'],
          [2, 50, 50, 0, 'no-order'],
        ],
        'the book (not the 40 held outside it) goes to the 50-share limit, then stays there',
      );
      assert.match(nvdaDecisions[1]!.reason, /already at 50 shares/);
      const mine = r.placed.filter((o) => o.orderRef.startsWith('ibkrai:'));
      assert.deepEqual(
        mine.map((o) => [o.symbol, o.action, o.totalQuantity]),
        [
          ['NVDA', 'BUY', 50],
          ['MSFT', 'BUY', 23],
        ],
      );
      assert.deepEqual(simPositions(fx), { NVDA: 90, MSFT: 23 });
      const s = r.result.summary!.perSymbol.find((p) => p.symbol === 'NVDA')!;
      assert.equal(s.startPosition, 0);
      assert.equal(s.position, 50);
      assert.ok(r.events.some((e) => e.type === 'notice' && e.message === 'NVDA: 40 held outside this book, left alone'));
      const allowed = new Set(r.decisions.filter((d) => d.outcome === 'order').map((d) => d.proposal!.orderRef));
      for (const o of mine) assert.ok(allowed.has(o.orderRef), `${o.orderRef} reached the simulator without an allowed decision`);
    } finally {
      await fx.stop();
    }
  });

  test('max position 2: the session trades 2 shares, and a backtest of the same policy with the same limit does too', async () => {
    const r = await runSession({
      sim: flat(),
      model: 'always-buy',
      config: { symbols: 'NVDA', cycles: '3', capital: '10000', maxPosition: '2', clientId: '42' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.deepEqual(
      r.placed.map((o) => [o.symbol, o.action, o.totalQuantity]),
      [['NVDA', 'BUY', 2]],
    );
    assert.deepEqual(blockedBy(r, 'maxPosition'), []);
    assert.equal(r.result.summary!.perSymbol[0]!.position, 2);
    onlyAllowedReached(r);

    // The same policy, capital and limit over flat one-minute NVDA bars.
    const backtest = async (risk: RiskOptionsInput) => {
      const prepared = await prepareBacktest({ modelDir: testModel('always-buy'), data: flatMinuteBars(), risk: { ...risk, anyHours: true } });
      try {
        assert.equal(prepared.config.initialCash, 10_000);
        return (await runPreparedBacktest(prepared, tempDir('backtest-report-'))).result.policy;
      } finally {
        await prepared.model.dispose();
      }
    };
    const capped = await backtest({ maxPosition: '2' });
    assert.deepEqual(
      capped.trades.map((t) => t.quantity),
      [2],
      'one buy of 2 shares, as in the session',
    );
    assert.deepEqual(capped.rejections, []);
    assert.equal(capped.position[capped.position.length - 1], 2);
    const uncapped = await backtest({});
    assert.deepEqual(
      uncapped.trades.map((t) => t.quantity),
      [73],
      'without the limit: all 10000 buys (73 shares), as the session would',
    );
  });

  test('max gross notional: NVDA (9884) goes, MSFT (9663 more) would pass 15000 and is refused', async () => {
    const r = await runSession({
      sim: flat(),
      model: 'always-buy',
      config: { symbols: 'NVDA,MSFT', cycles: '3', capital: '20000', maxNotional: '15000', clientId: '33' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const blocked = blockedBy(r, 'maxGrossNotional');
    assert.equal(blocked.length, 3);
    for (const d of blocked) {
      assert.equal(d.symbol, 'MSFT');
      assert.match(d.reason, /gross notional would be 19547\.\d\d, beyond the maximum of 15000/);
    }
    assert.deepEqual(
      r.placed.map((o) => [o.symbol, o.action, o.totalQuantity]),
      [['NVDA', 'BUY', 73]],
    );
    onlyAllowedReached(r);
  });

  test('max orders per minute: two orders per one-minute cycle go, the third symbol is refused each cycle', async () => {
    const r = await runSession({
      sim: flat(),
      model: 'toggle',
      config: { symbols: 'NVDA,MSFT,AAPL', cycles: '3', capital: '30000', maxOrdersPerMinute: '2', clientId: '34' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const blocked = blockedBy(r, 'maxOrdersPerMinute');
    assert.deepEqual(
      blocked.map((d) => [d.cycle, d.symbol]),
      [
        [1, 'AAPL'],
        [2, 'AAPL'],
        [3, 'AAPL'],
      ],
    );
    for (const d of blocked) assert.match(d.reason, /2 orders in the last minute reach the maximum of 2 per minute/);
    assert.deepEqual(
      r.placed.map((o) => [o.symbol, o.action]),
      [
        ['NVDA', 'BUY'],
        ['MSFT', 'BUY'],
        ['NVDA', 'SELL'],
        ['MSFT', 'SELL'],
        ['NVDA', 'BUY'],
        ['MSFT', 'BUY'],
      ],
    );
    onlyAllowedReached(r);
  });

  test('daily loss limit: once reached, no new risk for the rest of the day; the sell that reduces the position still goes', async () => {
    // Cycle 2 starts long 73 bought at 135.41, marked at 135.40, $1 commission: -1.73 reaches 1.5.
    const r = await runSession({
      sim: flat(),
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '5', capital: '10000', dailyLossLimit: '1.5', clientId: '35' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.equal(r.result.exitCode, 0);
    const reached = linesOf(r.journal, 'loss-limit');
    assert.equal(reached.length, 1, 'reached once');
    assert.equal(reached[0]!.rule, 'dailyLossLimit');
    assert.match(
      reached[0]!.reason,
      /^loss today 1\.73 reached the daily loss limit of 1\.5: only orders that reduce a position go until the next trading day$/,
    );
    assert.ok(r.events.some((e) => e.type === 'notice' && e.level === 'warn' && /^dailyLossLimit: loss today 1\.73/.test(e.message)));
    assert.deepEqual(linesOf(r.journal, 'risk-stop'), [], 'the session does not stop');
    const sell = r.decisions.find((d) => d.cycle === 2)!;
    assert.equal(sell.outcome, 'order', sell.reason);
    assert.deepEqual([sell.position, sell.orderQuantity], [73, -73], 'the reducing sell after the limit');
    const blocked = blockedBy(r, 'dailyLossLimit');
    assert.deepEqual(
      blocked.map((d) => [d.cycle, d.orderQuantity]),
      [
        [3, 73],
        [4, 73],
        [5, 73],
      ],
      'every buy after it is refused',
    );
    for (const d of blocked)
      assert.match(
        d.reason,
        /the daily loss limit of 1\.5 is reached today \(loss now 3\.46\); only orders that reduce a position go until the next trading day/,
      );
    assert.deepEqual(
      r.placed.map((o) => [o.action, o.totalQuantity]),
      [
        ['BUY', 73],
        ['SELL', 73],
      ],
    );
    assert.ok(Math.abs(r.result.summary!.totals.net - -3.46) < 1e-9, `net ${r.result.summary!.totals.net}`);
    onlyAllowedReached(r);
  });

  test('daily loss limit with flatten: reaching it closes the open position, then nothing new goes', async () => {
    // After the buy: -0.73 unrealized and $1 commission = -1.73 >= 1.5 at cycle 2.
    const r = await runSession({
      sim: flat(),
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '4', capital: '10000', dailyLossLimit: '1.5', flattenOnStop: true, clientId: '36' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.match(linesOf(r.journal, 'loss-limit')[0]!.reason, /loss today 1\.73/);
    assert.deepEqual(
      r.placed.map((o) => [o.action, o.totalQuantity, o.orderRef.split(':')[4] ?? 'policy']),
      [
        ['BUY', 73, 'policy'],
        ['SELL', 73, 'flatten'],
      ],
    );
    assert.deepEqual(simPositions(r.fx), {});
    assert.deepEqual(
      blockedBy(r, 'dailyLossLimit').map((d) => d.cycle),
      [3, 4],
    );
    assert.equal(r.result.summary!.perSymbol[0]!.position, 0);
    onlyAllowedReached(r);
  });

  test('daily loss limit across sessions: a new session on the journal the same day starts with no new risk allowed', async () => {
    const fx = await startSim({ ...flat(), startMs: WED_10AM_NY });
    try {
      const journalDir = join(tempDir('session-journal-'), 'journal');
      const first = await runSession({
        fx,
        model: 'toggle',
        config: { symbols: 'NVDA', cycles: '3', capital: '10000', dailyLossLimit: '1.5', journalDir, clientId: '43' },
      });
      assert.equal(linesOf(first.journal, 'loss-limit').length, 1);
      const before = first.placed.length;
      const second = await runSession({
        fx,
        model: 'toggle',
        config: { symbols: 'NVDA', cycles: '2', capital: '10000', dailyLossLimit: '1.5', journalDir, clientId: '44' },
      });
      assert.equal(second.result.status, 'finished', second.result.reason);
      assert.ok(
        second.events.some(
          (e) =>
            e.type === 'notice' &&
            /the previous session .* reached the daily loss limit today: only orders that reduce a position go until the next trading day/.test(e.message),
        ),
      );
      assert.deepEqual(
        blockedBy(second, 'dailyLossLimit').map((d) => d.cycle),
        [1, 2],
        'its buys are refused',
      );
      assert.equal(second.placed.length, before, 'nothing more reached the simulator');
      assert.equal(linesOf(second.journal, 'loss-limit').length, 1, "journaled again: a third session reads only the second one's journal");
    } finally {
      await fx.stop();
    }
  });

  test('stop-loss: a position past the stop is closed, and not re-entered that day', async () => {
    // Bought at 135.41, marked at 135.40: 0.0074% against it, past a 0.005% stop.
    const r = await runSession({
      sim: flat(),
      model: 'always-buy',
      config: { symbols: 'NVDA', cycles: '4', capital: '10000', stopLossPct: '0.005', clientId: '37' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.deepEqual(
      r.placed.map((o) => [o.action, o.totalQuantity, o.orderRef.split(':')[4] ?? 'policy']),
      [
        ['BUY', 73, 'policy'],
        ['SELL', 73, 'stop'],
      ],
    );
    const stopDecision = r.decisions.find((d) => d.proposal?.kind === 'stop')!;
    assert.equal(stopDecision.cycle, 2);
    assert.match(stopDecision.reason, /stop-loss/);
    const blocked = blockedBy(r, 'stopLoss');
    assert.deepEqual(
      blocked.map((d) => d.cycle),
      [3, 4],
    );
    for (const d of blocked) assert.match(d.reason, /stopped out today/);
    assert.equal(linesOf(r.journal, 'stop-out').length, 1);
    onlyAllowedReached(r);
  });

  test('symbol allowlist: MSFT is refused, NVDA trades', async () => {
    const r = await runSession({
      sim: flat(),
      model: 'toggle',
      config: { symbols: 'NVDA,MSFT', cycles: '2', capital: '20000', allowSymbols: 'NVDA', clientId: '38' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.ok(r.events.some((e) => e.type === 'notice' && /MSFT not in the symbol allowlist/.test(e.message)));
    const blocked = blockedBy(r, 'symbolAllowlist');
    assert.deepEqual(
      blocked.map((d) => [d.cycle, d.symbol]),
      [
        [1, 'MSFT'],
        [2, 'MSFT'],
      ],
    );
    assert.deepEqual(
      r.placed.map((o) => [o.symbol, o.action]),
      [
        ['NVDA', 'BUY'],
        ['NVDA', 'SELL'],
      ],
    );
    onlyAllowedReached(r);
  });

  test('trading hours: at 17:00 New York on the simulator clock nothing is sent', async () => {
    const r = await runSession({
      sim: { ...flat(), startMs: WED_5PM_NY },
      model: 'toggle',
      config: { symbols: 'NVDA,MSFT', cycles: '2', capital: '20000', clientId: '39' },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const blocked = blockedBy(r, 'tradingHours');
    assert.equal(blocked.length, 4);
    for (const d of blocked)
      assert.match(d.reason, /^buy \(target 1\): BUY \d+ refused by tradingHours: 17:0\d America\/New_York \(weekday 3\) is outside trading hours 09:30-16:00/);
    assert.equal(r.placed.length, 0, 'the record has no order');
  });

  test('disconnected: decisions while the connection is down are refused; trading resumes after the reconcile', async () => {
    // The simulator drops every socket 4 s in and stays down 5 s; cycles keep their cadence (stalled, no bars).
    const r = await runSession({
      sim: { ...flat(), faultSpecs: ['drop-after:4,5'] },
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '12', capital: '10000', clientId: '40' },
      session: { graceMs: 300 },
    });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const blocked = blockedBy(r, 'connection');
    assert.ok(blocked.length >= 1, 'a decision fell in the outage');
    for (const d of blocked) assert.match(d.reason, /no orders while (connecting|disconnected|reconciling)/);
    const stalled = linesOf(r.journal, 'cycle-start').filter((c) => c.stalled);
    assert.ok(stalled.length >= 1, 'stalled cycles while no bars came');
    const reconciles = linesOf(r.journal, 'reconcile').filter((l) => l.trigger === 'reconnect');
    assert.equal(reconciles.length, 1, 'reconciled after the reconnect');
    // Orders before and after the outage, none during it.
    const outageStart = Math.min(...blocked.map((d) => d.cycle));
    assert.ok(
      r.decisions.some((d) => d.outcome === 'order' && d.cycle < outageStart),
      'traded before',
    );
    assert.ok(
      r.decisions.some((d) => d.outcome === 'order' && d.cycle > outageStart),
      'traded after',
    );
    onlyAllowedReached(r);
    assert.equal(new Set(r.placed.map((o) => o.orderRef)).size, r.placed.length);
  });
});
