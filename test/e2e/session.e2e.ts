// The CI route in a real workbench (code-server + Chromium) with the packaged .vsix:
// start the embedded simulator, run "IBKR: Start AI Session" from the Command Palette, and
// check what the user sees against the simulator itself (a second TWS API client asks it):
// the status bar reaches the ready state with the paper account, the trading panel shows
// the filled orders and the positions, and keeps them when hidden and shown again. Then a
// second simulator, started in api-disabled mode, is the configured target: the status bar
// and the panel's Setup Checks name the cause. Screenshots in artifacts/e2e/session/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventName } from '@stoqey/ib';
import { collectUntil, startSim, TestClient, type SimFixture } from '../helpers/simHarness';
import { simPositions } from './simClient';
import { sleep, startWorkbench, type Workbench } from './workbench';

const SYMBOLS = ['NVDA', 'MSFT', 'AAPL'];

describe('AI session, trading panel and setup checks in a real workbench', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let apiDisabled: SimFixture;
  let port = 0;
  const t0 = Date.now();

  before(async () => {
    // The configured TWS (settings): a simulator whose API never answers. The embedded
    // simulator, while it runs, takes precedence over it.
    apiDisabled = await startSim({ faultSpecs: ['api-disabled'] });
    wb = await startWorkbench({
      name: 'session',
      workspaceSettings: {
        'ibkrAi.host': '127.0.0.1',
        'ibkrAi.port': apiDisabled.sim.port,
        'ibkrAi.session.symbols': SYMBOLS,
        'ibkrAi.session.mode': 'paper',
        'ibkrAi.session.cycles': 4,
        'ibkrAi.session.cycleSeconds': 60,
        'ibkrAi.simulator.speed': 60,
      },
    });
  });
  after(async () => {
    await wb?.stop();
    await apiDisabled?.stop();
    console.log(`session e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s including the workbench start`);
  });

  it('"IBKR: Start TWS Simulator" from the Command Palette', async () => {
    await wb.waitForStatus(/IBKR: off/, 60_000);
    await wb.runCommand('IBKR: Start TWS Simulator');
    const text = await wb.waitForStatus(/IBKR SIM :\d+/);
    port = Number(/:(\d+)/.exec(text)![1]);
    await wb.waitForNotification(new RegExp(`TWS simulator listening on 127\\.0\\.0\\.1:${port}`));
  });

  it('"IBKR: Start AI Session" asks only for the model, then the status bar reaches ready with the paper account', async () => {
    await wb.runCommand('IBKR: Start AI Session', { prompt: true });
    // Symbols and mode are in the settings: the model is the one open question.
    const title = await wb.page.locator('.quick-input-widget .quick-input-title').innerText();
    assert.match(title, /Start AI Session: model \(1\/1\)/);
    // The shipped demo policy of the installed extension, not the one of this repository.
    assert.match(
      await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Demo policy' }).innerText(),
      /extensions\/ibkr-ai-trader\.ibkr-ai-trader-[^/]+\/models\/ppo-sp500/,
    );
    await wb.screenshot('model-quick-pick');
    await wb.pickQuickItem('Demo policy');
    const status = await wb.waitForStatus(/IBKR DU1234567 SIM/, 30_000);
    assert.match(status, /^IBKR DU1234567 SIM/);
    await wb.statusItem().hover();
    const hover = wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'account DU1234567' }).first();
    await hover.waitFor({ timeout: 10_000 });
    assert.match(await hover.innerText(), /ready, account DU1234567 \(the embedded TWS simulator\)/);
    assert.match(await hover.innerText(), /port from the embedded simulator; client id from default/);
    await wb.screenshot('status-ready-tooltip');
    await wb.page.mouse.move(640, 400);
    // The panel opened on the Session tab and shows the progress.
    const p = wb.panel();
    await p
      .locator('#session-progress')
      .filter({ hasText: /cycle [1-4]\/4/ })
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('session-running');
  });

  it('the session finishes: a notification with its summary, and the P&L chart', async () => {
    const p = wb.panel();
    await p.locator('#session-state', { hasText: 'finished' }).waitFor({ timeout: 60_000 });
    assert.match(await p.locator('#session-progress').innerText(), /cycle 4\/4/);
    const summary = await p.locator('#session-summary').innerText();
    assert.match(summary, /finished: ran 4 cycles/);
    assert.match(summary, /paper, account DU1234567/);
    assert.equal(await p.locator('#session-summary table.summary-table tbody tr').count(), SYMBOLS.length, 'one summary row per symbol');
    assert.ok((await p.locator('#pnl-chart svg polyline').count()) >= 1, 'the equity curve');
    const note = await wb.waitForNotification(
      /AI session finished: ran 4 cycles\. Net P&L [^,]+, \d+ fills?\. (Positions left open in its book: |No positions left open in its book)/,
      15_000,
    );
    assert.match(note, /Show Summary/);
    await wb.screenshot('session-finished');
  });

  it('the panel shows the filled orders and the positions the simulator holds', async () => {
    const p = wb.panel();
    const held = await simPositions(port);
    const client = await new TestClient(port, 99).connect(10_000);
    let execs: any[][];
    try {
      const ex = collectUntil(client.ib, EventName.execDetails, EventName.execDetailsEnd, 10_000);
      client.ib.reqExecutions(5, {});
      execs = await ex;
    } finally {
      client.disconnect();
    }
    assert.ok(execs.length > 0, 'the policy traded');

    // Orders: every order the simulator executed is shown filled, with the executed quantity.
    await p.locator('#tab-orders').click();
    const shares = new Map<number, number>();
    for (const e of execs) shares.set(e[2].orderId as number, (shares.get(e[2].orderId as number) ?? 0) + (e[2].shares as number));
    for (const [orderId, qty] of shares) {
      const row = p.locator('#orders-grid vscode-data-grid-row[data-key]').filter({ has: p.locator(`[data-col="orderId"][data-value="${orderId}"]`) });
      await row.locator('[data-col="status"][data-value="filled"]').waitFor({ timeout: 10_000 });
      assert.equal(Number(await row.locator('[data-col="filled"]').getAttribute('data-value')), qty, `order #${orderId} filled quantity`);
      assert.match(await row.locator('[data-col="orderRef"]').innerText(), /^ibkrai:/);
    }
    assert.equal(await p.locator('#orders-grid [data-col="status"][data-value="filled"]').count(), shares.size);
    await wb.screenshot('panel-orders');

    // Positions: the simulator's quantities and average costs, with live prices and P&L.
    await p.locator('#tab-positions').click();
    await p
      .locator('#positions-grid vscode-data-grid-row[data-key]')
      .nth(held.length - 1)
      .waitFor({ timeout: 10_000 });
    assert.equal(await p.locator('#positions-grid vscode-data-grid-row[data-key]').count(), held.length);
    for (const sp of held) {
      const row = p.locator('#positions-grid vscode-data-grid-row[data-key]').filter({ hasText: sp.symbol });
      assert.equal(await row.count(), 1, `one ${sp.symbol} row`);
      assert.equal(Number(await row.locator('[data-col="quantity"]').getAttribute('data-value')), sp.quantity, `${sp.symbol} quantity`);
      const avg = Number(await row.locator('[data-col="avgCost"]').getAttribute('data-value'));
      assert.ok(Math.abs(avg - sp.avgCost) < 1e-3, `${sp.symbol} average cost ${avg} vs the simulator's ${sp.avgCost}`);
      await row.locator('[data-col="last"][data-value]').waitFor({ timeout: 10_000 });
      await row.locator('[data-col="unrealized"][data-value]').waitFor({ timeout: 10_000 });
    }
    await wb.screenshot('panel-positions');

    // Decisions: one per symbol and cycle, features -> model -> risk -> order.
    await p.locator('#tab-decisions').click();
    assert.equal(await p.locator('#decisions-grid vscode-data-grid-row[data-key]').count(), SYMBOLS.length * 4);
    assert.ok((await p.locator('#decisions-grid [data-col="order"]', { hasText: /→ filled \d+ @/ }).count()) > 0);
    await wb.screenshot('panel-decisions');
  });

  it('the panel survives being hidden and restored (same tab, same data)', async () => {
    // Another editor in the panel's group hides it (its webview document is discarded).
    await wb.openFile('README.md');
    await wb.page.locator('iframe.webview.ready').first().waitFor({ state: 'hidden', timeout: 10_000 });
    await wb.screenshot('panel-hidden');
    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p
      .locator('#decisions-grid vscode-data-grid-row[data-key]')
      .nth(SYMBOLS.length * 4 - 1)
      .waitFor({ timeout: 15_000 });
    assert.equal(await p.locator('#tab-decisions').getAttribute('aria-selected'), 'true', 'the tab was remembered');
    assert.match(await p.locator('#conn-status').innerText(), /Ready · DU1234567/);
    await wb.screenshot('panel-restored');
  });

  it("the activity bar's tree lists the positions and orders", async () => {
    await wb.page.locator('.activitybar .action-item a[aria-label^="IBKR AI Trader"]').first().click();
    const tree = wb.page.locator('.pane', { hasText: 'Positions & Orders' }).first();
    await tree.locator('.monaco-list-row', { hasText: 'Positions' }).first().waitFor({ timeout: 10_000 });
    // The tree renders its groups one after another: wait for an order row, not only the first group.
    await tree
      .locator('.monaco-list-row', { hasText: /#\d+ (BUY|SELL) \d+ / })
      .first()
      .waitFor({ timeout: 10_000 });
    await wb.screenshot('tree-view');
  });

  it('"IBKR: Backtest Policy" shows the S&P 500 report (the CSV ships in the .vsix)', async () => {
    await wb.runCommand('IBKR: Backtest Policy');
    const p = wb.panel();
    await p.locator('#backtest-report h1', { hasText: /Backtest: ppo-sp500 on SPX, 2015-01-02 to 2020-04-17/ }).waitFor({ timeout: 60_000 });
    assert.ok((await p.locator('#backtest-report svg.chart').count()) >= 2, 'equity and drawdown charts');
    // The bars came from the copy inside the installed extension, not from a node_modules.
    assert.match(await p.locator('#backtest-report .meta').innerText(), /extensions\/ibkr-ai-trader\.ibkr-ai-trader-[^/]+\/data\/sp500-2000\.csv/);
    await wb.screenshot('panel-backtest');
  });

  it('stopping the simulator under the connection closes it quietly: no lost-connection warning, the final P&L stays', async () => {
    await wb.runCommand('IBKR: Stop TWS Simulator');
    await wb.waitForNotification(/TWS simulator on port \d+ stopped/, 20_000);
    await wb.waitForStatus(/IBKR: off · final P&L/, 20_000);
    const toasts = await wb.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    assert.ok(!toasts.some((t) => /connection to TWS was lost/.test(t)), JSON.stringify(toasts));
    await wb.screenshot('simulator-stopped-quietly');
  });

  it('api-disabled: "Connect to TWS" fails and the status bar names the cause from the setup checks', async () => {
    await wb.runCommand('IBKR: Connect to TWS');
    const text = await wb.waitForStatus(/IBKR: failed: API handshake/, 30_000);
    assert.equal(text, 'IBKR: failed: API handshake');
    assert.equal(await wb.statusItem().evaluate((el) => el.closest('.statusbar-item')?.classList.contains('error-kind')), true, 'the error color');
    const note = await wb.waitForNotification(/cannot connect to TWS\. API handshake/);
    assert.match(note, /Show Setup Checks/);
    await wb.screenshot('failed-api-handshake');
  });

  it('"IBKR: Run TWS Setup Checks": the panel names the cause, the evidence and the fix', async () => {
    await wb.runCommand('IBKR: Run TWS Setup Checks');
    const p = wb.panel();
    await p.locator('#checks-verdict', { hasText: 'FAIL' }).waitFor({ timeout: 30_000 });
    const hs = p.locator('#check-handshake');
    assert.equal(await hs.getAttribute('data-status'), 'fail');
    assert.equal(await hs.getAttribute('data-cause'), 'handshake.no-answer');
    assert.match(await hs.innerText(), /Enable ActiveX and Socket Clients/);
    assert.equal(await p.locator('#check-tcp').getAttribute('data-status'), 'pass');
    assert.match(await p.locator('#check-config').innerText(), new RegExp(`${apiDisabled.sim.port}`));
    // Failures first.
    assert.equal(await p.locator('#checks-list .check').first().getAttribute('id'), 'check-handshake');
    await p.locator('#check-handshake summary').click();
    await sleep(200);
    await wb.screenshot('setup-checks');
    // The panel's "Run again" runs the same command as the palette.
    const before = await p.locator('#checks-head').innerText();
    await p.locator('#btn-run-checks').click();
    await p
      .locator('#checks-head', { hasText: 'Running the setup checks' })
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    await p.locator('#checks-verdict', { hasText: 'FAIL' }).waitFor({ timeout: 30_000 });
    assert.notEqual(await p.locator('#checks-head').innerText(), before, 'a new run (new time and duration)');
    await p.locator('#btn-copy-report').click();
    await wb.waitForNotification(/setup-check report copied/);
  });
});
