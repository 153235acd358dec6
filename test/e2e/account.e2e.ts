// The account strip and the watchlist in a real workbench (code-server + Chromium) with the
// packaged .vsix: connected to the embedded simulator, the strip shows the simulator's cash
// and net liquidation (asked by a second TWS API client) in dollars; a position that client
// bought is shown external; the watchlist shows the user's symbols (the ibkrAi.watchlist
// setting) with quotes, and the panel adds and removes symbols (a bad one is refused with the
// reason). Screenshots of a wide and a narrow (600 px) panel in dark and light themes, in
// artifacts/e2e/account/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventName } from '@stoqey/ib';
import { collectUntil, TestClient } from '../helpers/simHarness';
import { anotherProgramTrades } from './simClient';
import { connectToEmbeddedSimulator, focusWorkbench, sleep, startWorkbench, type Workbench } from './workbench';

const MINUS = '\u2212';

describe('account strip and watchlist in a real workbench', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let port = 0;

  before(async () => {
    wb = await startWorkbench({
      name: 'account',
      userSettings: { 'ibkrAi.watchlist': ['AMD', 'SPY'], 'ibkrAi.simulator.speed': 60, 'workbench.colorTheme': 'Default Dark Modern' },
    });
  });
  after(async () => {
    await wb?.stop();
  });

  it("connects to the embedded simulator and shows the strip with the simulator's figures", async () => {
    port = await connectToEmbeddedSimulator(wb);

    // Another program (a second API client) buys 100 NVDA: an external position.
    await anotherProgramTrades(port, 'NVDA', 100);
    const client = await new TestClient(port, 99).connect(10_000);
    let cash: number;
    try {
      const rows = collectUntil(client.ib, EventName.accountSummary, EventName.accountSummaryEnd, 10_000);
      client.ib.reqAccountSummary(9100, 'All', 'TotalCashValue');
      cash = Number((await rows).find((r) => r[2] === 'TotalCashValue')![3]);
    } finally {
      client.disconnect();
    }

    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#account-strip').waitFor({ state: 'visible', timeout: 15_000 });
    // Cash does not move with prices: the strip must show the simulator's exact figure.
    await p.locator(`#acct-cash[data-value="${cash}"]`).waitFor({ timeout: 15_000 });
    assert.match(await p.locator('#acct-cash').innerText(), /^\$\d{3},\d{3}\.\d\d$/);
    const nlv = Number(await p.locator('#acct-netLiquidation').getAttribute('data-value'));
    assert.ok(Math.abs(nlv - 1_000_000) < 2000, `net liquidation ${nlv}: the starting million, give or take the commission and the price moves`);
    assert.match(await p.locator('#acct-netLiquidation').innerText(), /^\$\d{3},\d{3}\.\d\d$|^\$1,000,\d{3}\.\d\d$/);
    assert.match(await p.locator('#acct-buyingPower').innerText(), /^\$[\d,]+\.\d\d$/);
    await p.locator('#acct-dailyPnl[data-value]').waitFor({ timeout: 15_000 });
    assert.match(await p.locator('#acct-dailyPnl').innerText(), new RegExp(`^([+${MINUS}])?\\$[\\d,]+\\.\\d\\d$`));

    await p.locator('#tab-positions').click();
    const row = p.locator('#positions-grid vscode-data-grid-row[data-key]').filter({ hasText: 'NVDA' });
    await row.locator('[data-col="owner"][data-value="external"]').waitFor({ timeout: 15_000 });
    await row.locator('[data-col="marketValue"][data-value]').waitFor({ timeout: 15_000 });
    await row.locator('[data-col="dayChange"][data-value]').waitFor({ timeout: 15_000 });
    assert.match(await row.locator('[data-col="pctOfNetLiq"]').innerText(), /^\d+\.\d\d%$/);
    assert.equal(await row.locator('[data-col="owner"]').innerText(), 'external');
  });

  it("the watchlist shows the setting's symbols with quotes; add and remove from the panel", async () => {
    const p = wb.panel();
    await p.locator('#tab-watchlist').click();
    const rows = p.locator('#watchlist-grid vscode-data-grid-row[data-key]');
    for (const s of ['AMD', 'SPY']) await p.locator(`#watchlist-grid [data-key="${s}"] [data-col="last"][data-value]`).waitFor({ timeout: 20_000 });
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), ['AMD', 'SPY']);
    assert.equal(await p.locator('#watchlist-grid [data-key="AMD"] [data-col="data"]').innerText(), 'live');
    assert.equal(await p.locator('#watchlist-grid [data-key="AMD"] [data-col="remove"]').innerText(), 'yours ✕');

    // A bad symbol is refused with the reason, and nothing is added.
    await p.locator('#watchlist-input').fill('1X');
    await p.locator('#watchlist-add').click();
    await p.locator('#watchlist-error', { hasText: /"1X" is not a symbol: a letter, then up to 11 letters/ }).waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 2);

    // Add: written to the setting, then shown with quotes.
    await p.locator('#watchlist-input').fill('tsla');
    await p.locator('#watchlist-input').press('Enter');
    await p.locator('#watchlist-grid [data-key="TSLA"] [data-col="last"][data-value]').waitFor({ timeout: 20_000 });
    assert.equal(await p.locator('#watchlist-error').isHidden(), true, 'the refusal is cleared');
    assert.equal(await p.locator('#tab-watchlist vscode-badge').innerText(), '3');

    // Remove SPY with its ✕.
    await p.locator('#watchlist-grid [data-key="SPY"] [data-col="remove"]').click();
    await p.locator('#watchlist-grid [data-key="SPY"]').waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))), ['AMD', 'TSLA']);

    // The setting holds the edit (the Settings editor's JSON shows the user's value).
    await focusWorkbench(wb);
    await wb.runCommand('Preferences: Open User Settings (JSON)');
    await wb.page
      .locator('.monaco-editor .view-lines', { hasText: /"ibkrAi\.watchlist"/ })
      .first()
      .waitFor({ timeout: 15_000 });
    const json = (await wb.page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\s+/g, ' ');
    assert.match(json, /"ibkrAi\.watchlist": \[ "AMD", "TSLA" \]/);
    await wb.page.keyboard.press('Control+W');
    // The panel is the active editor again and takes the keys: give them back to the workbench.
    await sleep(300);
    await focusWorkbench(wb);
    await wb.runCommand('IBKR: Show Trading Panel');
    await wb.panel().locator('#watchlist-grid').waitFor({ timeout: 10_000 });
  });

  it('screenshots: wide and narrow (600 px) panel, dark and light themes', async () => {
    const page = wb.page;
    // The panel alone in the editor area: no side bar.
    await focusWorkbench(wb);
    await wb.runCommand('View: Close Primary Side Bar').catch(() => undefined);
    const shots: Array<[string, string]> = [];
    for (const theme of ['dark', 'light'] as const) {
      if (theme === 'light') {
        // The color theme picker (Ctrl+K Ctrl+T), on VS Code's "Light Modern".
        await focusWorkbench(wb);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+T');
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill('Light Modern');
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Light Modern' }).waitFor({ timeout: 10_000 });
        await page.keyboard.press('Enter');
        await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 10_000 });
        await sleep(500);
      }
      for (const [name, width] of [
        ['wide', 1280],
        ['narrow', 0],
      ] as const) {
        let w = width;
        if (!w) {
          // A viewport whose editor area (the panel) is 600 px wide.
          await page.setViewportSize({ width: 1280, height: 800 });
          const full = (await page.locator('iframe.webview.ready').boundingBox())!.width;
          w = 1280 - (full - 600);
        }
        await page.setViewportSize({ width: w, height: 800 });
        await sleep(400);
        const panelWidth = Math.round((await page.locator('iframe.webview.ready').boundingBox())!.width);
        if (name === 'narrow') assert.ok(Math.abs(panelWidth - 600) <= 2, `the panel is ${panelWidth} px wide`);
        const p = wb.panel();
        for (const tab of ['positions', 'watchlist'] as const) {
          await p.locator(`#tab-${tab}`).click();
          await sleep(300);
          shots.push([`${theme}-${name}-${tab}`, await wb.screenshot(`${theme}-${name}-${tab}`)]);
        }
        // Every figure of the strip is on screen, inside the panel (wrapped, not cut off).
        const frame = (await page.locator('iframe.webview.ready').boundingBox())!;
        for (const id of ['netLiquidation', 'cash', 'buyingPower', 'dailyPnl', 'realizedPnl', 'unrealizedPnl']) {
          const box = await p.locator(`#acct-${id}`).boundingBox();
          assert.ok(
            box && box.width > 0 && box.x >= frame.x && box.x + box.width <= frame.x + frame.width + 1,
            `${id} inside the ${panelWidth} px panel (${JSON.stringify(box)})`,
          );
        }
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    console.log(shots.map(([n, f]) => `${n}: ${f}`).join('\n'));
  });
});
