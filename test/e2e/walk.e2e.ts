// First run and the simulator walk in a real workbench (code-server + Chromium, the packaged
// .vsix): the IBKR view's welcome offers the first steps; the Command Palette offers Stop,
// Disconnect and Copy only when they apply; and the connection follows the embedded
// simulator through a stop (quietly: no lost-connection warning) and a start on a new port.
// Screenshots in artifacts/e2e/walk/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, startWorkbench, type Workbench } from './workbench';

describe('first run, when clauses and the simulator walk in a real workbench', { timeout: 240_000 }, () => {
  let wb: Workbench;
  let firstPort = 0;

  before(async () => {
    wb = await startWorkbench({ name: 'walk' });
  });
  after(async () => {
    await wb?.stop();
  });

  const welcome = () => wb.page.locator('.welcome-view-content');
  const welcomeButton = (label: string) => welcome().locator('.monaco-button', { hasText: new RegExp(`^${label}$`) });

  /** Whether the Command Palette lists a command with exactly this title. */
  async function paletteOffers(title: string): Promise<boolean> {
    await wb.page.keyboard.press('F1');
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    await sleep(700); // the list filters as it is typed
    const labels = await wb.page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    await wb.page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    return labels.some((l) => l.replace(/\s+/g, ' ').trim() === title);
  }

  const lostWarnings = async () =>
    (await wb.page.locator('.notifications-toasts .notification-toast').allInnerTexts()).filter((t) => /connection to TWS was lost|reconnecting/i.test(t));

  it('the IBKR view welcomes a first run with its first steps', async () => {
    await wb.waitForStatus(/IBKR: off/, 60_000);
    await wb.page.locator('.part.activitybar .action-item .action-label[aria-label^="IBKR AI Trader"]').first().click();
    await welcome().first().waitFor({ timeout: 15_000 });
    for (const label of ['Start TWS Simulator', 'Connect', 'Run Setup Checks']) assert.equal(await welcomeButton(label).count(), 1, label);
    const text = await welcome().first().innerText();
    assert.match(text, /nothing is connected yet/);
    assert.match(text, /Walkthrough/);
    await wb.screenshot('welcome-first-run');
  });

  it('the palette offers only the commands that apply: nothing to stop, disconnect or copy yet', async () => {
    assert.equal(await paletteOffers('IBKR: Start TWS Simulator'), true);
    assert.equal(await paletteOffers('IBKR: Kill Switch (Cancel All and Stop)'), true, 'the kill switch is always there');
    for (const title of ['IBKR: Stop TWS Simulator', 'IBKR: Disconnect', 'IBKR: Stop AI Session', 'IBKR: Copy Setup Report', 'IBKR: Open Backtest Report'])
      assert.equal(await paletteOffers(title), false, `${title} is not offered`);
  });

  it('"Start TWS Simulator" in the welcome: the simulator runs, the welcome offers Connect', async () => {
    await welcomeButton('Start TWS Simulator').click();
    const text = await wb.waitForStatus(/IBKR SIM :\d+/);
    firstPort = Number(/:(\d+)/.exec(text)![1]);
    await welcome().filter({ hasText: 'The TWS simulator is running' }).waitFor({ timeout: 10_000 });
    assert.equal(await welcomeButton('Stop TWS Simulator').count(), 1);
    assert.equal(await paletteOffers('IBKR: Stop TWS Simulator'), true);
    assert.equal(await paletteOffers('IBKR: Start TWS Simulator'), false, 'already running');
    await wb.screenshot('welcome-simulator-running');
  });

  it('"Connect" in the welcome: ready on the simulator; Disconnect is offered', async () => {
    await welcomeButton('Connect').click();
    await wb.waitForStatus(/IBKR DU1234567 SIM/, 30_000);
    await welcome().filter({ hasText: 'Connected: no positions or orders yet' }).waitFor({ timeout: 10_000 });
    assert.equal(await paletteOffers('IBKR: Disconnect'), true);
    await wb.screenshot('welcome-connected');
  });

  it('"Stop TWS Simulator": the connection closes quietly, without a lost-connection warning', async () => {
    await wb.runCommand('IBKR: Stop TWS Simulator');
    await wb.waitForNotification(new RegExp(`TWS simulator on port ${firstPort} stopped`), 20_000);
    await wb.waitForStatus(/IBKR: off/, 20_000);
    await sleep(3000); // a lost connection would have been announced by now
    assert.deepEqual(await lostWarnings(), []);
    assert.equal(await paletteOffers('IBKR: Disconnect'), false, 'nothing left to disconnect');
    await wb.screenshot('simulator-stopped-quietly');
  });

  it('"Start TWS Simulator" again: the connection follows it to its new port', async () => {
    await wb.runCommand('IBKR: Start TWS Simulator');
    // The new simulator's notice (the first start's may still be on screen): a port other than the first.
    const note = await wb.waitForNotification(new RegExp(`TWS simulator listening on 127\\.0\\.0\\.1:(?!${firstPort}\\b)\\d+`), 20_000);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(note)![1]);
    await wb.waitForStatus(/IBKR DU1234567 SIM/, 30_000);
    // The status bar's hover is read until it shows the new port: a hover opened before the
    // tooltip changed keeps its old text until it is opened again.
    const want = new RegExp(`connected to 127\\.0\\.0\\.1:${port} `);
    let text = '';
    for (const deadline = Date.now() + 15_000; !want.test(text) && Date.now() < deadline;) {
      await wb.page.mouse.move(640, 400);
      await wb.statusItem().hover();
      const hover = wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'account DU1234567' }).last();
      await hover.waitFor({ timeout: 10_000 });
      text = await hover.innerText();
    }
    assert.match(text, want);
    console.log(`walk e2e: simulator ports ${firstPort} -> ${port}`);
    assert.deepEqual(await lostWarnings(), []);
    await wb.screenshot('reconnected-new-port');
    await wb.page.mouse.move(640, 400);
  });

  it('"Open Backtest Report" shows the rendered report in a webview (not its HTML source)', async () => {
    assert.equal(await paletteOffers('IBKR: Open Backtest Report'), false, 'no report yet');
    await wb.runCommand('IBKR: Backtest Policy');
    await wb.panel().locator('#backtest-report h1').waitFor({ timeout: 60_000 });
    assert.equal(await paletteOffers('IBKR: Open Backtest Report'), true, 'offered once a report exists');
    await wb.runCommand('IBKR: Open Backtest Report');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /^Backtest: ppo-sp500 on SPX/ });
    await tab.first().waitFor({ timeout: 15_000 });
    // The report's own document (not the trading panel, whose Backtest tab shows the same tables
    // inside its #app): its tables and SVG charts rendered, and no text editor with its source.
    const deadline = Date.now() + 15_000;
    let found: { tables: number; charts: number } | undefined;
    while (!found && Date.now() < deadline) {
      for (const f of wb.page.frames()) {
        const r = (await f
          .evaluate(
            "(() => document.querySelector('table.summary') && !document.querySelector('#app') ? { tables: document.querySelectorAll('table').length, charts: document.querySelectorAll('svg.chart').length } : undefined)()",
          )
          .catch(() => undefined)) as { tables: number; charts: number } | undefined;
        if (r) found = r;
      }
      if (!found) await sleep(250);
    }
    assert.ok(found, 'a webview with the report document');
    assert.ok(found.tables >= 2 && found.charts >= 2, `tables and charts drawn: ${JSON.stringify(found)}`);
    assert.equal(await wb.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: '<!DOCTYPE html>' }).count(), 0, 'not the HTML source');
    await wb.screenshot('backtest-report-webview');
  });
});
