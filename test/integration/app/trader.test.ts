// The extension's controller (Trader + PanelStore) under plain node against the real
// simulator over TCP: what the panel, the tree and the status bar would show after a paper
// session, checked against the simulator's own account (a second TWS API client asks it);
// a failed connect names the setup checks' cause; the kill switch cancels working orders.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { FAST } from '../../helpers/brokerFixture';
import { collectUntil, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { WED_10AM_NY } from '../../helpers/sessionFixture';
import { defaultModelDir } from '../../../src/extension/policy/datasets';
import { parseSessionConfig } from '../../../src/extension/session/sessionConfig';
import { resolveTarget, sessionInput } from '../../../src/extension/app/configModel';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { Trader, type TraderEvent } from '../../../src/extension/app/trader';
import { killNotice } from '../../../src/extension/app/killAll';
import { noticeFor } from '../../../src/extension/app/notifyPolicy';
import { statusView } from '../../../src/extension/app/statusView';
import { isHostToWebview, isPanelState } from '../../../src/webview/validate';

function makeTrader(store: PanelStore, sim?: SimFixture) {
  const logs: string[] = [];
  const events: TraderEvent[] = [];
  const running = sim ? { host: '127.0.0.1', port: sim.sim.port, account: sim.sim.account.id, serverVersion: sim.sim.serverVersion } : undefined;
  const trader = new Trader({ store, simulator: () => running, brokerConfig: FAST, log: (c, l, m) => logs.push(`[${c}] ${l} ${m}`) });
  trader.onEvent((e) => events.push(e));
  return { trader, logs, events, running };
}

describe('Trader on the simulator: a paper session as the panel shows it', { timeout: 90_000 }, () => {
  let fx: SimFixture;
  const store = new PanelStore();
  let t: ReturnType<typeof makeTrader>;

  before(async () => {
    fx = await startSim({ speed: 60, startMs: WED_10AM_NY, seed: 42 });
    t = makeTrader(store, fx);
  });
  after(async () => {
    await t?.trader.dispose();
    await fx?.stop();
  });

  it('connects to the embedded simulator: ready, account DU1234567, SIM badge, sources named', async () => {
    const target = resolveTarget({ settings: {}, simulator: t.running });
    assert.equal(target.sources.port, 'the embedded simulator');
    assert.equal(target.sources.clientId, 'default');
    assert.equal(await t.trader.connect(target), true);
    const h = store.health;
    assert.equal(h.kind, 'ready');
    assert.ok(h.kind === 'ready' && h.account === 'DU1234567' && h.badge === 'SIM');
    const view = store.connectionView();
    assert.equal(view.status, 'ready');
    assert.equal(view.sources?.port, 'the embedded simulator');
  });

  it('runs a paper session: decisions, filled orders and positions match the simulator', async () => {
    const target = resolveTarget({ settings: {}, simulator: t.running });
    const modelDir = defaultModelDir()!;
    const settings = {
      'ibkrAi.session.symbols': ['NVDA', 'MSFT', 'AAPL'],
      'ibkrAi.session.mode': 'paper',
      'ibkrAi.session.cycles': 4,
      'ibkrAi.session.cycleSeconds': 60,
    };
    const config = parseSessionConfig(sessionInput(settings, target, { modelDir }), { modelDir, cwd: mkdtempSync(join(tmpdir(), 'trader-')) });
    assert.equal(config.port, fx.sim.port);
    const session = await t.trader.startSession(config, target);
    assert.ok(session, 'the session started');
    assert.equal(t.trader.sessionActive, true);
    const result = await t.trader.sessionDone();
    assert.equal(result?.status, 'finished', result?.reason);

    const sv = store.sessionView();
    assert.equal(sv.state, 'finished');
    assert.equal(sv.active, false);
    assert.equal(sv.cycle, 4);
    assert.equal(sv.points.length, 4);
    assert.match(sv.summary ?? '', /session .* \(paper, account DU1234567\): finished/);
    const decisions = store.decisionsSince(0).rows;
    assert.equal(decisions.length, 12, 'one decision per symbol per cycle');
    const ordered = decisions.filter((d) => d.outcome === 'order');
    assert.ok(ordered.length > 0, 'the policy placed orders');
    for (const d of ordered) assert.match(d.order, /^(BUY|SELL) \d+ → filled \d+ @ \d+\.\d\d$/, d.order);

    // What the simulator itself says, through a second TWS API client.
    const client = await new TestClient(fx.sim.port, 77).connect(5000);
    try {
      const positions = collectUntil(client.ib, EventName.position, EventName.positionEnd, 5000);
      client.ib.reqPositions();
      const simPositions = (await positions)
        .filter((p) => p[2] !== 0)
        .map((p) => ({ symbol: p[1].symbol as string, quantity: p[2] as number, avgCost: p[3] as number }));
      await waitFor(() => store.positionRows().length === simPositions.length, 5000, 'positions in the store');
      const rows = store.positionRows();
      for (const p of simPositions) {
        const row = rows.find((r) => r.symbol === p.symbol);
        assert.ok(row, `${p.symbol} in the panel`);
        assert.equal(row.quantity, p.quantity);
        assert.ok(Math.abs(row.avgCost - p.avgCost) < 1e-3, `${p.symbol} avg cost ${row.avgCost} vs ${p.avgCost}`);
      }
      await waitFor(() => store.positionRows().every((r) => r.last !== undefined && r.unrealized !== undefined), 5000, 'live prices for the positions');
      // Every position is the session's own (a fresh simulator): its book holds all of it.
      for (const r of store.positionRows()) {
        assert.equal(r.owner, 'session', `${r.symbol} belongs to the session's book`);
        assert.equal(r.bookQuantity, r.quantity, `${r.symbol} book quantity`);
      }
      // The watchlist shows the session's symbols, quoted.
      assert.deepEqual(
        store.watchlist.view().rows.map((r) => [r.symbol, r.inSession]),
        config.symbols.map((s) => [s, true]),
      );
      await waitFor(() => store.watchlist.view().rows.every((r) => r.last !== undefined), 10_000, 'quotes for the session symbols');
    } finally {
      client.disconnect();
    }
    const placed = fx.records().filter((r) => r.dir === 'in' && r.name === 'placeOrder');
    const filled = store.orderRows().filter((o) => o.status === 'filled');
    assert.equal(filled.length, placed.length, 'every order the simulator received is shown filled');
    for (const o of filled) assert.ok(o.orderRef?.startsWith('ibkrai:'), 'the orderRef is shown');

    // Notifications: the session's fills are told once, at its end, with the positions it leaves open.
    const fills = t.events.filter((e) => e.type === 'fill');
    assert.ok(fills.length > 0);
    assert.ok(
      fills.every((e) => e.type === 'fill' && e.inSession && noticeFor(e) === undefined),
      'no fill toast while the session runs',
    );
    const end = t.events.find((e) => e.type === 'session-end');
    assert.ok(end && end.type === 'session-end' && end.status === 'finished' && end.cycles === '4/4' && typeof end.net === 'number');
    assert.equal(end.fills, fills.length, 'the end counts every fill of the session');
    const open = store.positionRows().map((r) => ({ symbol: r.symbol, quantity: r.quantity }));
    assert.deepEqual(
      [...(end.openPositions ?? [])].sort((a, b) => a.symbol.localeCompare(b.symbol)),
      open.sort((a, b) => a.symbol.localeCompare(b.symbol)),
      "the book's positions at the end are the simulator's",
    );
    const note = noticeFor(end)!.message;
    assert.match(
      note,
      /^IBKR: AI session finished: ran 4 cycles\. Net P&L [+−]?\d+\.\d\d, \d+ fills?\. (Positions left open in its book: |No positions left open in its book\.)/,
    );
    // Its final P&L stays in the status bar (until the next session).
    assert.match(statusView(store.health, store.sessionBadge()).text, /IBKR DU1234567 SIM · final P&L [+−]?\d+\.\d\d$/);

    // The snapshot the panel gets passes the panel's own guard.
    const snap = store.snapshot();
    assert.ok(isPanelState(snap));
    assert.ok(isHostToWebview({ type: 'snapshot', state: snap }));
  });

  it('the kill switch cancels every working order of the connection', async () => {
    // A resting limit order of client id 1 (the trader's), placed outside any session by a
    // plain TWS API client while the trader is disconnected; the trader sees it on reconnect.
    await t.trader.disconnect();
    const client = await new TestClient(fx.sim.port, 1).connect(5000);
    const orderId = client.takeOrderId();
    client.ib.placeOrder(
      orderId,
      { symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
      { action: OrderAction.BUY, orderType: OrderType.LMT, lmtPrice: 1, totalQuantity: 1, transmit: true, tif: 'GTC' },
    );
    await new Promise<void>((resolve) => client.ib.once(EventName.openOrder, () => resolve()));
    client.disconnect();
    const target = resolveTarget({ settings: {}, simulator: t.running });
    assert.equal(await t.trader.connect(target), true);
    await waitFor(() => store.orderRows().some((o) => o.orderId === orderId && o.status === 'submitted'), 5000, 'the resting order in the panel');
    const r = await t.trader.kill();
    assert.equal(r.sessionStopped, false);
    assert.equal(r.cancelled, 1);
    // It names what it cancelled and the positions that stay open (the session's, as TWS holds them).
    assert.deepEqual(r.cancelledOrders, [`BUY 1 MSFT limit 1.00 (#${orderId})`]);
    const held = store.positionRows().map((p) => ({ symbol: p.symbol, quantity: p.quantity }));
    assert.ok(held.length > 0, 'the paper session left positions');
    assert.deepEqual(
      [...r.openPositions].sort((a, b) => a.symbol.localeCompare(b.symbol)),
      held.sort((a, b) => a.symbol.localeCompare(b.symbol)),
    );
    const { message } = killNotice(r);
    assert.match(
      message,
      new RegExp(
        `^IBKR kill switch: No AI session was running\\. Cancelled 1 order: BUY 1 MSFT limit 1\\.00 \\(#${orderId}\\)\\. Positions still open at TWS: `,
      ),
    );
    await waitFor(() => store.orderRows().find((o) => o.orderId === orderId)?.status === 'cancelled', 5000, 'the order shown cancelled');
  });

  it('disconnects: the status goes back to the simulator', async () => {
    await t.trader.disconnect();
    assert.equal(store.health.kind, 'simulator');
    assert.equal(store.positionRows().length, 0);
  });
});

describe('Trader: a failed connect names the cause the setup checks found', { timeout: 30_000 }, () => {
  it('api-disabled: status failed with "API handshake" and the fix; checks in the panel', async () => {
    const fx = await startSim({ faultSpecs: ['api-disabled'] });
    const store = new PanelStore();
    const t = makeTrader(store);
    try {
      const target = resolveTarget({ settings: { 'ibkrAi.port': fx.sim.port, 'ibkrAi.host': '127.0.0.1' } });
      assert.equal(target.sources.port, 'setting ibkrAi.port');
      const ok = await t.trader.connect(target, { checks: () => ({ settings: { port: fx.sim.port, host: '127.0.0.1' }, envFile: null, env: {} }) });
      assert.equal(ok, false);
      const h = store.health;
      assert.equal(h.kind, 'failed');
      assert.ok(h.kind === 'failed' && h.cause?.title === 'API handshake', JSON.stringify(h));
      assert.match(h.kind === 'failed' ? h.cause!.fix : '', /Enable ActiveX and Socket Clients/);
      const checks = store.checksView();
      assert.equal(checks.verdict, 'fail');
      const hs = checks.checks.find((c) => c.id === 'handshake');
      assert.equal(hs?.status, 'fail');
      assert.equal(hs?.cause, 'handshake.no-answer');
      const failed = t.events.find((e) => e.type === 'connect-failed');
      assert.ok(failed && failed.type === 'connect-failed' && failed.cause?.title === 'API handshake');
    } finally {
      await t.trader.dispose();
      await fx.stop();
    }
  });

  it('invalid configuration: nothing connects and the problem names its source', async () => {
    const store = new PanelStore();
    const t = makeTrader(store);
    const target = resolveTarget({ settings: {}, dotenv: { path: '/w/.env', text: 'IBKR_PORT=74x7\n' } });
    assert.equal(await t.trader.connect(target), false);
    assert.equal(store.health.kind, 'failed');
    assert.match(store.health.kind === 'failed' ? store.health.reason : '', /port "74x7" from \.env IBKR_PORT \(\/w\/\.env\)/);
    await t.trader.dispose();
  });
});
