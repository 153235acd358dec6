// Honest ends: every refusal TWS sends to a session request either recovers with a visible
// notice or stops the session naming the cause and the fix, and the status and exit code say
// whether the session did what was asked. Each scenario is a whole AI session against the
// simulator over TCP, checked from its --record and journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleLine } from '../../src/extension/cli/sessionCommand';
import { EXIT_CODES } from '../../src/extension/session/tradingSession';
import { formatSummary } from '../../src/extension/session/summary';
import { POLICY_FAILURE_STOP_AFTER, REJECTION_STOP_AFTER } from '../../src/extension/session/errorPolicy';
import type { CycleEndEvent } from '../../src/extension/session/sessionEvents';
import { linesOf, runSession, startSim, WED_10AM_NY, type RunResult } from '../helpers/sessionFixture';
import { sleep, TestClient, waitFor } from '../helpers/simHarness';
import { NVDA } from '../helpers/simData';
import { checkNoLoss, noErrorCodes } from './support/checks';
import { Figures } from './support/figures';
import { flatPrices, losses, notices } from './support/sessions';

const figures = new Figures(__filename);

interface Scenario {
  faults: string[];
  clientId: number;
  cycles: number;
  symbols?: string;
  extraSymbols?: string[];
  allowDelayedData?: boolean;
}

/** A toggle-policy session (an order every cycle per symbol) on flat prices, with the `pacing` fault on. */
function scenario(o: Scenario): Promise<RunResult> {
  return runSession({
    sim: {
      speed: 60,
      startMs: WED_10AM_NY,
      replayCsv: flatPrices(),
      faultSpecs: [...o.faults, 'pacing'],
      ...(o.extraSymbols ? { symbols: o.extraSymbols } : {}),
    },
    model: 'toggle',
    config: {
      symbols: o.symbols ?? 'NVDA,MSFT',
      cycles: String(o.cycles),
      capital: '200000',
      clientId: String(o.clientId),
      ...(o.allowDelayedData ? { allowDelayedData: true } : {}),
    },
    session: { graceMs: 300 },
  });
}

const cycleEnds = (r: RunResult): CycleEndEvent[] => r.events.flatMap((e) => (e.type === 'cycle-end' ? [e] : []));

test('no-market-data (420 for the bars): the session stops at once naming the permissions and the fix; nothing is sent', async () => {
  const r = await scenario({ faults: ['no-market-data'], clientId: 401, cycles: 6 });
  assert.equal(r.result.status, 'faulted', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.faulted);
  assert.match(r.result.reason, /no market data permissions/);
  assert.match(r.result.reason, /error 420/);
  assert.match(r.result.reason, /Market Data Subscriptions/);
  assert.match(r.result.reason, /--allow-delayed-data/);
  assert.deepEqual(r.placed, [], 'no order on prices the session could not get');
  assert.equal(linesOf(r.journal, 'session-end')[0]?.status, 'faulted', 'the journal says how it ended');
  figures.fault('no-market-data (stops naming permissions)', { orders: 0, fills: 0 });
  figures.safe('silent-failure-named:no-market-data');
});

test('no-market-data with --allow-delayed-data: the session says it trades on delayed bars, and trades', async () => {
  const r = await scenario({ faults: ['no-market-data'], clientId: 402, cycles: 5, allowDelayedData: true });
  assert.notEqual(r.result.status, 'faulted', r.result.reason);
  const start = notices(r.events).find((n) => n.message.startsWith('session '));
  assert.match(start?.message ?? '', /delayed data allowed \(--allow-delayed-data\)/, 'the start line shows the opt-in');
  for (const symbol of ['NVDA', 'MSFT']) {
    assert.ok(
      notices(r.events).some(
        (n) => n.message.includes(`Trading ${symbol} on delayed bars as allowed (--allow-delayed-data)`) && /15-20 minutes old/.test(n.message),
      ),
      `${symbol}: the switch to delayed bars is said`,
    );
  }
  assert.ok(
    r.decisions.some((d) => d.outcome === 'order'),
    'orders decided on the delayed bars',
  );
  const checked = checkNoLoss(r.fx, r.journal, 402);
  figures.fault('no-market-data with --allow-delayed-data (runs, says so)', checked);
});

test('read-only: the first rejection (321 Read-Only API) stops the session naming the TWS and IB Gateway setting; one placeOrder in the record', async () => {
  const r = await scenario({ faults: ['read-only'], clientId: 403, cycles: 6, symbols: 'NVDA' });
  assert.equal(r.result.status, 'faulted', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.faulted);
  assert.match(r.result.reason, /Read-Only API/);
  assert.match(r.result.reason, /error 321/);
  assert.match(r.result.reason, /File > Global Configuration > API > Settings/);
  assert.match(r.result.reason, /Configure > Settings > API > Settings/);
  assert.match(r.result.reason, /uncheck "Read-Only API"/);
  assert.equal(r.placed.length, 1, 'exactly one placeOrder reached TWS');
  const checked = checkNoLoss(r.fx, r.journal, 403);
  figures.fault('read-only (stops at the first rejection)', checked);
  figures.safe('silent-failure-named:read-only');
});

test(`reject-orders on four symbols: after ${REJECTION_STOP_AFTER} rejections in a row the session stops naming the last reason`, async () => {
  const r = await scenario({ faults: ['reject-orders:Simulated margin check'], clientId: 404, cycles: 12, symbols: 'NVDA,MSFT,AAPL,AMZN' });
  assert.equal(r.result.status, 'faulted', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.faulted);
  assert.match(r.result.reason, new RegExp(`TWS rejected ${REJECTION_STOP_AFTER} orders in a row`));
  assert.match(r.result.reason, /Simulated margin check/);
  assert.match(r.result.reason, /Fix: .*Bypass Order Precautions/);
  // Orders of one cycle leave together: the rest of that cycle's (four symbols) may have been in flight.
  assert.ok(r.placed.length >= REJECTION_STOP_AFTER && r.placed.length <= REJECTION_STOP_AFTER + 3, `${r.placed.length} orders reached TWS`);
  assert.ok(cycleEnds(r).length < 12, 'stopped before its cycles ran out');
  const checked = checkNoLoss(r.fx, r.journal, 404);
  figures.fault('reject-orders (stops past the threshold)', checked);
  figures.safe('silent-failure-named:reject-orders');
});

test('ending disconnected: TWS gone for good before the end; the session ends non-zero saying so, cycle lines name the cause', async () => {
  const r = await scenario({ faults: ['drop-after:5,600'], clientId: 405, cycles: 10 });
  assert.equal(r.result.status, 'disconnected', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.disconnected);
  assert.match(r.result.reason, /ended disconnected from TWS/);
  assert.equal(r.result.summary?.status, 'disconnected', 'the summary says how it ended');
  assert.ok((r.result.summary?.cycles.withoutBars ?? 0) >= 1, 'and how many cycles lacked bars');
  assert.match(
    formatSummary(r.result.summary!),
    /: disconnected - ran 10 cycles but ended disconnected[\s\S]*cycles 10\/10 \(\d+ without every symbol's bar\)/,
  );
  const lost = losses(r.events)[0];
  assert.ok(lost, 'the loss was said');
  const after = cycleEnds(r).filter((e) => e.at > lost.at);
  assert.ok(after.length > 0, 'cycles ran out after the loss');
  for (const e of after) {
    assert.ok(e.missing && Object.keys(e.missing).length === 2, `cycle ${e.cycle} names both symbols`);
    for (const why of Object.values(e.missing)) assert.match(why, /^disconnected/);
    assert.match(cycleLine(e), /no bars: NVDA,MSFT disconnected/);
  }
  const checked = checkNoLoss(r.fx, r.journal, 405);
  figures.fault('ending disconnected (non-zero, said)', checked);
  figures.safe('silent-failure-named:ended-disconnected');
});

test(`a policy failing on every decision: the session stops after ${POLICY_FAILURE_STOP_AFTER} such cycles naming the error; nothing is sent`, async () => {
  // Moving prices (the simulator's own), so the model's output overflows on every real bar.
  const r = await runSession({
    sim: { speed: 60, startMs: WED_10AM_NY, faultSpecs: ['pacing'] },
    model: 'fails-at-runtime',
    config: { symbols: 'NVDA,MSFT', cycles: '10', capital: '200000', clientId: '407' },
    session: { graceMs: 300 },
  });
  assert.equal(r.result.status, 'faulted', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.faulted);
  assert.match(r.result.reason, new RegExp(`the policy failed on every decision for ${POLICY_FAILURE_STOP_AFTER} cycles in a row`));
  assert.match(r.result.reason, /model output "[^"]+" holds Infinity/);
  assert.match(r.result.reason, /Fix: check the model folder/);
  const ends = cycleEnds(r);
  const failed = ends.filter((e) => e.decisions.length > 0 && e.decisions.every((d) => d.reason.startsWith('policy error')));
  assert.equal(failed.length, POLICY_FAILURE_STOP_AFTER, ends.map((e) => e.decisions.map((d) => d.reason.slice(0, 60)).join(' / ')).join(' | '));
  assert.equal(failed[failed.length - 1], ends[ends.length - 1], 'stopped right after the last failed cycle');
  assert.ok(
    r.decisions.every((d) => d.output === undefined && d.outcome === 'skipped'),
    'the model never answered',
  );
  assert.deepEqual(r.placed, []);
  figures.fault('policy failing on every decision (stops naming the error)', { orders: 0, fills: 0 });
  figures.safe('silent-failure-named:policy-errors');
});

test('pacing refusal from TWS (another program used the real-time budget): said and requested again later, nothing traded blind', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices(), faultSpecs: ['pacing'] });
  // Another API client of the same user takes IBKR's 60 new real-time bar requests of 10 minutes
  // (in two bursts under TWS's 50 messages a second).
  const other = await new TestClient(fx.sim.port, 498).connect();
  try {
    for (let i = 0; i < 60; i++) {
      if (i === 30) await sleep(1100);
      other.ib.reqRealTimeBars(9000 + i, NVDA, 5, 'TRADES' as never, false);
    }
    await waitFor(
      () => fx.records().filter((l) => l.dir === 'in' && l.name === 'reqRealTimeBars' && l.clientId === 498).length === 60,
      10_000,
      'the 60 requests at the simulator',
    );
    await sleep(200);
    assert.deepEqual(
      other.errors.filter((e) => e.code === 420 || e.code === 100),
      [],
      'the other client stayed within the limits',
    );
    let stopAt: number | undefined;
    const r = await runSession({
      fx,
      model: 'toggle',
      config: { symbols: 'NVDA,MSFT', cycles: '6', capital: '200000', clientId: '408' },
      session: { graceMs: 300 },
      onSession: (s) =>
        s.onEvent((e) => {
          // Both symbols' refusals said: stop (the window is 10 minutes, longer than a test).
          if (e.type === 'notice' && /requested again in \d+ s/.test(e.message) && (stopAt = (stopAt ?? 0) + 1) === 2) s.stop('test: refusals seen');
        }),
    });
    const said = notices(r.events).filter((n) =>
      /TWS refused the request for pacing \(error 420: Invalid Real-time Query:Historical data request pacing violation\); requested again in 1[45] s/.test(
        n.message,
      ),
    );
    assert.deepEqual(said.map((n) => n.message.split(':')[0]).sort(), ['bars of MSFT', 'bars of NVDA']);
    assert.equal(r.result.status, 'stopped', r.result.reason);
    assert.deepEqual(r.placed, [], 'no order without live bars');
    assert.ok(r.decisions.every((d) => d.outcome !== 'order'));
    figures.fault('real-time bar pacing refusal (420): said, retried', { orders: 0, fills: 0 });
  } finally {
    other.disconnect();
    await fx.stop();
  }
});

test('degraded: TWS away for most of the session, back before its end; the session ends non-zero naming why bars were missing', async () => {
  const r = await scenario({ faults: ['drop-after:5,28'], clientId: 409, cycles: 20 });
  assert.equal(r.result.status, 'degraded', r.result.reason);
  assert.equal(r.result.exitCode, EXIT_CODES.degraded);
  assert.match(
    r.result.reason,
    /ran 20 cycles, \d+ of them without every symbol's bar; why: NVDA,MSFT disconnected: the connection to TWS is down; resubscribed once it is back \(\d+ cycles\)/,
  );
  const back = notices(r.events).find((n) => n.message === 'connection to TWS back and reconciled');
  assert.ok(back, 'it came back before the end');
  assert.ok(
    r.events.some((e) => e.type === 'decision' && e.at > back.at && e.record.outcome === 'order'),
    'and traded again',
  );
  const checked = checkNoLoss(r.fx, r.journal, 409);
  figures.fault('degraded (most cycles without bars: non-zero, said)', { ...checked, recoveries: 1 });
});

const EXTRA = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH', 'KKK', 'LLL', 'MMM'];
const WIDE = ['NVDA', 'MSFT', 'AAPL', 'AMZN', 'GOOGL', 'META', 'TSLA', 'AMD', 'INTC', 'JPM', 'SPY', 'QQQ', 'IWM', ...EXTRA];

test('24 symbols through two reconnects: bars come back after each within IBKR pacing; what pacing holds back is said', async () => {
  const r = await scenario({ faults: ['drop-every:7,0.3'], clientId: 406, cycles: 16, symbols: WIDE.join(','), extraSymbols: EXTRA });
  // Within IBKR's limits: no pacing error, at most 60 real-time and 60 historical requests (10 minutes).
  noErrorCodes(r.fx, [100, 162, 420]);
  const sent = (name: string) => r.fx.records().filter((l) => l.dir === 'in' && l.name === name).length;
  assert.ok(sent('reqRealTimeBars') <= 60, `${sent('reqRealTimeBars')} real-time bar requests`);
  assert.ok(sent('reqHistoricalData') <= 60, `${sent('reqHistoricalData')} historical requests`);
  const lost = losses(r.events);
  assert.ok(lost.length >= 2, `two reconnects: ${lost.length}`);
  const back = notices(r.events).filter((n) => n.message === 'connection to TWS back and reconciled');
  // After the first reconnect every symbol got fresh bars again (the stall: live bars were held behind paced gap fills).
  const firstBack = back[0]!.at;
  const between = r.events.flatMap((e) => (e.type === 'cycle-start' && e.at > firstBack && e.at < lost[1]!.at ? [e] : []));
  for (const symbol of WIDE)
    assert.ok(
      between.some((c) => !c.stalled && !c.missing.includes(symbol)),
      `${symbol}: fresh bars after the first reconnect`,
    );
  // Every cycle that lacked a symbol's bar says why, per symbol; never silently.
  for (const e of cycleEnds(r)) {
    const starts = r.events.find((x) => x.type === 'cycle-start' && x.cycle === e.cycle);
    const missing = starts && starts.type === 'cycle-start' ? (starts.stalled ? WIDE : starts.missing) : [];
    for (const symbol of missing) assert.ok(e.missing?.[symbol], `cycle ${e.cycle}: why ${symbol} has no bar`);
  }
  // Two reconnects need 3 x 24 = 72 real-time bar requests: 60 go, 12 are held back - and said.
  assert.ok(back.length >= 2, 'back after the second reconnect');
  const afterSecond = r.events.flatMap((e) => (e.type === 'cycle-start' && e.at > back[1]!.at && !e.stalled ? [e] : []));
  const fresh = WIDE.filter((symbol) => afterSecond.some((c) => !c.missing.includes(symbol)));
  assert.ok(fresh.length >= 12, `symbols with bars after the second reconnect: ${fresh.join(',')}`);
  const lastEnd = cycleEnds(r)
    .filter((e) => e.at > back[1]!.at)
    .pop()!;
  for (const symbol of WIDE.filter((x) => !fresh.includes(x)))
    assert.match(lastEnd.missing?.[symbol] ?? '', /^held-back: .*IBKR's pacing/, `${symbol}: held back, and the cycle line says so`);
  assert.ok(fresh.length < WIDE.length, 'the 61st real-time request onwards waited');
  assert.ok(
    notices(r.events).some((n) => /held back \d+ s by IBKR's pacing \(60 new real-time bar requests per 10 minutes\)/.test(n.message)),
    'a held-back request is noticed',
  );
  if (r.result.status !== 'finished') assert.match(r.result.reason, /without every symbol's bar|disconnected/);
  const checked = checkNoLoss(r.fx, r.journal, 406);
  figures.fault('24 symbols through two reconnects (bars within IBKR pacing)', { ...checked, recoveries: lost.length });
});
