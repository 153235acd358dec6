// The session history and the blotter through the real simulator: two paper sessions run one
// after the other in one journal folder (the second on a restarted simulator, so TWS numbers
// its orders from the start again), then the History tab's data read back from the folder:
// both sessions, newest first, each with the summary the session itself reported when it
// ended, its equity curve, its fills and its decisions; the blotter keeps both sessions'
// orders even where their order ids are the same.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST } from '../../helpers/brokerFixture';
import { startSim, waitFor, type SimFixture } from '../../helpers/simHarness';
import { testModel, WED_10AM_NY } from '../../helpers/sessionFixture';
import { Journal } from '../../../src/extension/session/journal';
import { parseSessionConfig } from '../../../src/extension/session/sessionConfig';
import { resolveTarget, sessionInput } from '../../../src/extension/app/configModel';
import { HistoryFeed } from '../../../src/extension/app/historyFeed';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { readPastSession } from '../../../src/extension/app/sessionHistory';
import { tradesCsv } from '../../../src/extension/app/tradesCsv';
import { Trader } from '../../../src/extension/app/trader';
import type { SummaryView } from '../../../src/webview/protocol';
import { isHostToWebview } from '../../../src/webview/validate';

describe('session history and blotter: two sessions in one journal folder', { timeout: 120_000 }, () => {
  const store = new PanelStore();
  const feed = new HistoryFeed(store);
  const cwd = mkdtempSync(join(tmpdir(), 'history-'));
  const journalDir = join(cwd, 'journal');
  let sim: SimFixture | undefined;
  let running: { host: string; port: number; account: string; serverVersion: number } | undefined;
  const trader = new Trader({ store, simulator: () => running, brokerConfig: FAST, log: () => {} });

  after(async () => {
    feed.dispose();
    await trader.dispose();
    await sim?.stop();
  });

  async function runOne(symbols: string[], cycles: number): Promise<{ sessionId: string; summary: SummaryView }> {
    sim = await startSim({ speed: 60, startMs: WED_10AM_NY, seed: 42 });
    running = { host: '127.0.0.1', port: sim.sim.port, account: sim.sim.account.id, serverVersion: sim.sim.serverVersion };
    const target = resolveTarget({ settings: {}, simulator: running });
    // A policy that flips its position every cycle: each session places an order per symbol per cycle.
    const modelDir = testModel('toggle');
    const settings = {
      'ibkrAi.session.symbols': symbols,
      'ibkrAi.session.mode': 'paper',
      'ibkrAi.session.cycles': cycles,
      'ibkrAi.session.cycleSeconds': 60,
      'ibkrAi.session.journalDir': journalDir,
    };
    const config = parseSessionConfig(sessionInput(settings, target, { modelDir }), { modelDir, cwd });
    const session = await trader.startSession(config, target);
    assert.ok(session, 'the session started');
    const result = await trader.sessionDone();
    assert.equal(result?.status, 'finished', result?.reason);
    const sv = store.sessionView();
    assert.ok(sv.summaryTable, 'the live summary table');
    assert.ok(sv.sessionId);
    // The simulator restarts between sessions (a fresh TWS: order ids start again).
    await trader.disconnect();
    await sim.stop();
    sim = undefined;
    running = undefined;
    return { sessionId: sv.sessionId, summary: sv.summaryTable };
  }

  it('lists both sessions with the summaries they reported, their curves, fills and decisions', async () => {
    const first = await runOne(['NVDA', 'MSFT'], 3);
    await waitFor(() => store.historyView().sessions.length === 1 && !store.historyView().loading, 5000, 'the history after the first session');
    const second = await runOne(['AAPL', 'NVDA'], 2);
    await waitFor(() => store.historyView().sessions.length === 2 && !store.historyView().loading, 5000, 'the history after the second session');

    const h = store.historyView();
    assert.equal(h.dir, journalDir);
    assert.deepEqual(h.skipped, []);
    assert.deepEqual(
      h.sessions.map((s) => s.sessionId),
      [second.sessionId, first.sessionId],
      'newest first',
    );
    for (const [run, cycles, symbols] of [
      [first, 3, ['NVDA', 'MSFT']],
      [second, 2, ['AAPL', 'NVDA']],
    ] as const) {
      const s = h.sessions.find((x) => x.sessionId === run.sessionId)!;
      assert.deepEqual(s.summary, run.summary, `${run.sessionId}: the journal's replay gives the summary the session reported`);
      assert.equal(s.summary.status, 'finished');
      assert.equal(s.summary.cyclesDone, cycles);
      assert.deepEqual([...s.symbols], [...symbols]);
      assert.ok(s.startedAt !== undefined && s.endedAt !== undefined && s.endedAt >= s.startedAt, `started ${s.startedAt}, ended ${s.endedAt}`);
      // Equity: one point per cycle (and the end's), the last one the summary's net.
      assert.ok(s.points.length >= cycles, `${s.points.length} points for ${cycles} cycles`);
      assert.ok(
        s.points.every((p, i) => i === 0 || p.at >= s.points[i - 1]!.at),
        'in time order',
      );
      assert.equal(s.points[s.points.length - 1]!.net, Math.round(s.summary.totals.net * 100) / 100);
      // Fills: as many as the summary counts, their commissions summing to the summary's.
      assert.equal(s.tradesTotal, s.summary.trades);
      // (A cycle whose order is still working skips its decision: not every cycle trades under load.)
      assert.ok(s.trades.length > 0, 'the policy traded');
      const commissions = s.trades.reduce((sum, t) => sum + (t.commission ?? 0), 0);
      assert.ok(Math.abs(commissions - s.summary.totals.commissions) < 1e-6, `commissions ${commissions} vs ${s.summary.totals.commissions}`);
      for (const t of s.trades) {
        assert.ok(t.orderRef.startsWith(`ibkrai:${run.sessionId}:`), 'a fill of this session');
        assert.equal(typeof t.decisionPrice, 'number', 'measured against its decision');
        assert.equal(typeof t.decisionTime, 'number', 'placed on the price chart at its decision');
        // TWS's time of the fill: on the simulator's market clock (60x), like the decisions and
        // the charts, not the host's wall clock when it was journaled.
        const afterDecision = t.at - t.decisionTime!;
        assert.ok(afterDecision >= 0 && afterDecision < 10 * 60_000, `filled ${afterDecision} ms after its decision on the market clock`);
      }
      assert.equal(s.decisionsTotal, cycles * symbols.length, 'one decision per symbol per cycle');
      assert.deepEqual(s.prices.map((p) => p.symbol).sort(), [...symbols].sort());
      // The CSV export: a header and one line per fill.
      const past = readPastSession(join(journalDir, `${run.sessionId}.jsonl`))!;
      assert.equal(tradesCsv(run.sessionId, past.trades).split('\r\n').length - 2, s.summary.trades);
    }
    assert.ok(isHostToWebview(store.message('history')), 'the history message passes the panel guard');
    assert.deepEqual(Journal.sessions(journalDir).sort(), [first.sessionId, second.sessionId].sort());

    // The blotter: every order of both sessions, each under its own session.
    const rows = store.orderRows();
    for (const run of [first, second]) {
      const mine = rows.filter((r) => r.sessionId === run.sessionId);
      assert.equal(mine.length, run.summary.orders.total, `${run.sessionId}: every order kept`);
      for (const r of mine) {
        const what = `${r.key}: ${r.status}, ${r.fills.length} fills, decision ${r.decisionPrice}, slippage ${r.slippage}`;
        assert.ok(r.status === 'filled' && r.fills.length > 0 && r.decisionPrice !== undefined && r.slippage !== undefined, what);
        assert.ok(Math.abs(r.commission - r.fills.reduce((sum, f) => sum + (f.commission ?? 0), 0)) < 1e-9, what);
      }
    }
    const ids = (id: string) => new Set(rows.filter((r) => r.sessionId === id).map((r) => r.orderId));
    const shared = [...ids(first.sessionId)].filter((id) => ids(second.sessionId).has(id));
    assert.ok(shared.length > 0, "the restarted simulator reused order ids: both sessions' orders are still there");
    assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, 'one row per key');
  });
});
