// The cockpit's blotter and session history in a real workbench (code-server + Chromium)
// with the packaged .vsix: two AI sessions run one after the other on the embedded
// simulator in the workspace's journal folder; the History tab then lists both, newest
// first, each with its summary table, equity curve, prices with fills, trades and
// decisions (the second session's model gives logits: its decisions show each action's
// probability); "Export trades and fills (CSV)…" writes the shown session's fills through the
// save dialog; the Blotter keeps both sessions' orders. Screenshots of the History tab and
// the Blotter at a wide and a 600 px panel, in the dark and the light theme, land in
// artifacts/e2e/history/; the grids must scroll sideways at 600 px rather than clip.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTestModel } from '../helpers/testModels';
import { clearNotifications, sleep, startWorkbench, type Workbench } from './workbench';

const SETTINGS = {
  'ibkrAi.session.symbols': ['NVDA', 'MSFT'],
  'ibkrAi.session.mode': 'paper',
  'ibkrAi.session.cycles': 3,
  'ibkrAi.session.cycleSeconds': 60,
  'ibkrAi.simulator.speed': 60,
};

describe('blotter and session history in a real workbench', { timeout: 400_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await startWorkbench({ name: 'history', workspaceSettings: SETTINGS });
  });
  after(async () => {
    await wb?.stop();
  });

  async function runSession(n: number, model = 'Demo policy'): Promise<void> {
    await wb.runCommand('IBKR: Start AI Session', { prompt: true });
    await wb.pickQuickItem(model);
    const p = wb.panel();
    await p.locator('#tab-session').click();
    await p
      .locator('#session-progress')
      .filter({ hasText: /cycle [1-3]\/3/ })
      .waitFor({ timeout: 60_000 });
    await p.locator('#session-state', { hasText: 'finished' }).waitFor({ timeout: 90_000 });
    await wb.waitForNotification(/AI session finished: ran 3 cycles\./, 20_000);
    await wb.screenshot(`session-${n}-finished`);
  }

  /** Sets the page so the panel's webview is `width` px wide; returns the width it got. */
  async function panelWidth(width: number): Promise<number> {
    const frame = wb.page.locator('iframe.webview.ready').first();
    for (let i = 0; i < 4; i++) {
      const box = await frame.boundingBox();
      const vp = wb.page.viewportSize()!;
      if (!box) throw new Error('no panel iframe');
      if (Math.abs(box.width - width) <= 2) return box.width;
      await wb.page.setViewportSize({ width: Math.round(vp.width + (width - box.width)), height: vp.height });
      await sleep(500);
    }
    return (await frame.boundingBox())!.width;
  }

  function theme(name: string): void {
    writeFileSync(join(wb.folder, '.vscode/settings.json'), JSON.stringify({ ...SETTINGS, 'workbench.colorTheme': name }, null, 2));
  }

  it('two sessions on the embedded simulator', async () => {
    await wb.waitForStatus(/IBKR: off/, 60_000);
    await wb.runCommand('IBKR: Start TWS Simulator');
    await wb.waitForStatus(/IBKR SIM :\d+/);
    await runSession(1);
    // The second runs a model of the workspace whose action output is logits: its decisions show each action's probability.
    writeTestModel(join(wb.folder, 'models'), 'toggle', '1 min', 'logits');
    await runSession(2, 'models/toggle-logits');
  });

  it('the History tab lists both, newest first, with the summary, charts, trades and decisions', async () => {
    const p = wb.panel();
    await wb.runCommand('Notifications: Clear All Notifications');
    await p.locator('#tab-history').click();
    const rows = p.locator('#history-grid vscode-data-grid-row[data-key]');
    await rows.nth(1).waitFor({ timeout: 20_000 });
    assert.equal(await rows.count(), 2);
    const [newest, older] = [await rows.nth(0).getAttribute('data-key'), await rows.nth(1).getAttribute('data-key')];
    assert.ok(newest && older && newest > older, `newest first: ${newest} then ${older}`);
    for (const r of [0, 1]) {
      assert.equal(await rows.nth(r).locator('[data-col="status"]').innerText(), 'finished');
      assert.equal(await rows.nth(r).locator('[data-col="cycles"]').innerText(), '3/3');
    }
    // The newest is shown: its summary as a table, its equity curve, prices with fills, trades, decisions.
    const detail = p.locator('#history-detail');
    assert.equal(await detail.getAttribute('data-session'), newest);
    assert.equal(await p.locator('#history-summary table.summary-table tbody tr').count(), 2, 'a summary row per symbol');
    assert.match(await p.locator('#history-summary table.facts').innerText(), /finished: ran 3 cycles/);
    assert.ok((await p.locator('#history-equity svg polyline').count()) >= 1, 'the equity curve');
    assert.match(await p.locator('#history-equity svg').innerHTML(), /time \((EST|EDT)\)/);
    assert.equal(await p.locator('#history-prices svg').count(), 2, 'a price chart per symbol');
    assert.ok((await p.locator('#history-prices path.fill-mark').count()) > 0, 'the fills are marked');
    assert.ok((await p.locator('#history-trades-grid vscode-data-grid-row[data-key]').count()) > 0, 'the trades');
    const decisions = p.locator('#history-decisions-grid vscode-data-grid-row[data-key]');
    assert.equal(await decisions.count(), 6, 'two symbols, three cycles');
    // The logits model's decisions: each action's probability, the one taken marked.
    let shown = 0;
    for (let i = 0; i < 6; i++) {
      const text = await decisions.nth(i).locator('[data-col="action"]').innerText();
      const probs = / — (▸?)hold (\d\.\d\d) · (▸?)buy (\d\.\d\d) · (▸?)sell (\d\.\d\d)$/.exec(text);
      if (!probs) continue;
      shown++;
      assert.equal([probs[1], probs[3], probs[5]].filter(Boolean).length, 1, `one action marked: ${text}`);
      assert.ok(Math.abs(Number(probs[2]) + Number(probs[4]) + Number(probs[6]) - 1) <= 0.015, `they sum to 1: ${text}`);
      const taken = ['hold', 'buy', 'sell'][[probs[1], probs[3], probs[5]].findIndex(Boolean)]!;
      assert.ok(text.startsWith(`${taken}:`), `the marked one is the action taken: ${text}`);
    }
    assert.ok(shown >= 4, `${shown} decisions show probabilities`);
    await p.locator('#history-decisions-grid').scrollIntoViewIfNeeded();
    await wb.screenshot('history-decisions-probabilities');
    await p.locator('#history-title').scrollIntoViewIfNeeded();
    await wb.screenshot('history-wide-dark');
    await p.locator('#history-prices').scrollIntoViewIfNeeded();
    await wb.screenshot('history-charts-wide-dark');
    await p.locator('#history-title').scrollIntoViewIfNeeded();
    // Picking the older one shows it.
    await rows.nth(1).locator('[data-col="session"]').click();
    await p.locator(`#history-detail[data-session="${older}"]`).waitFor({ timeout: 5000 });
  });

  it('"Export trades and fills (CSV)…" saves the shown session\'s fills: the header, then a row per fill of the trades grid', async () => {
    const p = wb.panel();
    await wb.runCommand('Notifications: Clear All Notifications');
    await p.locator('#tab-history').click();
    const shown = (await p.locator('#history-detail').getAttribute('data-session'))!;
    const trades = p.locator('#history-trades-grid vscode-data-grid-row[data-key]');
    await trades.first().waitFor({ timeout: 10_000 });
    const execIds = new Set<string>();
    for (let i = 0; i < (await trades.count()); i++) execIds.add((await trades.nth(i).getAttribute('data-key'))!);
    const expected = join(wb.folder, `trades-${shown}.csv`);
    assert.equal(existsSync(expected), false, 'no export yet');
    await p.locator('#btn-export-csv').click();
    const title = (text: RegExp) => wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: text });
    const input = wb.page.locator('.quick-input-widget input.input');
    await title(/Export which session/).waitFor({ timeout: 15_000 });
    await input.fill(shown);
    await wb.page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: shown }).waitFor({ timeout: 10_000 });
    await wb.page.keyboard.press('Enter');
    // The save dialog (the workbench's own in the browser) offers trades-<id>.csv in the workspace.
    await title(/Save the trades and fills of session/).waitFor({ timeout: 15_000 });
    // The dialog fills its box in steps (the folder first, then the file name): wait for the whole path.
    // (A string: this file compiles without the DOM lib.)
    await wb.page.waitForFunction(
      `(() => { const i = document.querySelector('.quick-input-widget input.input'); return !!i && i.value.endsWith(${JSON.stringify(`trades-${shown}.csv`)}); })()`,
      undefined,
      { timeout: 10_000 },
    );
    assert.match(await input.inputValue(), new RegExp(`trades-${shown}\\.csv$`));
    await wb.screenshot('export-csv-save-dialog');
    await wb.page.keyboard.press('Enter');
    const note = await wb.waitForNotification(/Saved \d+ fills of session \S+ to .+\.csv\./, 20_000);
    const [, count, id, path] = /Saved (\d+) fills of session (\S+) to (.+\.csv)\./.exec(note)!;
    assert.equal(id, shown);
    assert.equal(path, expected);
    const lines = readFileSync(path!, 'utf8').split('\r\n');
    assert.equal(lines.pop(), '', 'CRLF after the last row');
    assert.equal(lines[0], 'session,time_utc,time_new_york,symbol,side,shares,price,commission,decision_price,slippage_per_share,order_id,order_ref,exec_id');
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.equal(rows.length, Number(count));
    assert.equal(rows.length, execIds.size, 'a row per fill the trades grid shows');
    for (const r of rows) {
      assert.equal(r.length, 13, r.join(','));
      const [session, utc, ny, symbol, side, shares, price, , , , orderId, orderRef, execId] = r as string[];
      assert.equal(session, shown);
      assert.match(utc!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(ny!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (EST|EDT)$/);
      assert.ok(['NVDA', 'MSFT'].includes(symbol!), symbol);
      assert.ok(['BUY', 'SELL'].includes(side!), side);
      assert.ok(Number(shares) > 0 && Number(price) > 0, r.join(','));
      assert.ok(Number.isInteger(Number(orderId)), orderId);
      assert.match(orderRef!, new RegExp(`^ibkrai:${shown}:\\d+(-[0-9a-f]{4})?:(NVDA|MSFT)(:(stop|flatten))?$`));
      assert.ok(execIds.has(execId!), `${execId} is a fill of the grid`);
    }
    assert.deepEqual(
      rows.map((r) => r[1]),
      rows.map((r) => r[1]).sort(),
      'oldest first',
    );
  });

  it("the Blotter keeps both sessions' orders, with fills, commissions and slippage", async () => {
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const rows = p.locator('#orders-grid vscode-data-grid-row[data-key]');
    await rows.first().waitFor({ timeout: 10_000 });
    const sessions = new Set<string>();
    const n = await rows.count();
    for (let i = 0; i < n; i++) sessions.add((await rows.nth(i).locator('[data-col="session"]').getAttribute('data-value')) ?? '');
    assert.equal(sessions.size, 2, `orders of both sessions: ${[...sessions].join(', ')}`);
    assert.match(await rows.first().locator('[data-col="placed"]').innerText(), /^\d\d:\d\d:\d\d (EST|EDT)$/);
    assert.match(await rows.first().locator('[data-col="commission"]').innerText(), /^\$\d+\.\d\d$/);
    assert.notEqual(await rows.first().locator('[data-col="slippage"]').innerText(), '—');
    await wb.screenshot('blotter-wide-dark');
  });

  it('at a 600 px panel the grids scroll sideways instead of clipping; dark and light themes', async () => {
    const p = wb.panel();
    await wb.runCommand('View: Close Primary Side Bar').catch(() => undefined);
    await clearNotifications(wb);
    const got = await panelWidth(600);
    assert.ok(Math.abs(got - 600) <= 2, `panel ${got} px wide`);
    for (const [tab, grid] of [
      ['orders', '#orders-grid'],
      ['history', '#history-trades-grid'],
    ] as const) {
      await p.locator(`#tab-${tab}`).click();
      await sleep(300);
      // The grid keeps its columns' widths: wider than the panel, inside a box that scrolls.
      const widths = await p
        .locator(grid)
        .evaluate((el) => ({ grid: el.scrollWidth, box: el.parentElement!.clientWidth, scroll: el.parentElement!.scrollWidth }));
      assert.ok(widths.grid > widths.box && widths.scroll > widths.box, `${grid}: ${JSON.stringify(widths)}`);
    }
    // Nothing else is wider than the panel: the tab views fit, only the grids' own boxes scroll.
    const page = await p
      .locator('#tabs')
      .evaluate((el) => ({ tabs: el.scrollWidth, width: el.clientWidth, doc: el.ownerDocument.documentElement.scrollWidth }));
    assert.ok(page.tabs <= page.width + 1 && page.doc <= got + 1, `the panel does not scroll sideways: ${JSON.stringify(page)}`);
    await p.locator('#tab-history').click();
    await wb.screenshot('history-600-dark');
    await p.locator('#tab-orders').click();
    await wb.screenshot('blotter-600-dark');
    theme('Default Light Modern');
    await sleep(1500);
    await wb.screenshot('blotter-600-light');
    await p.locator('#tab-history').click();
    await sleep(300);
    await wb.screenshot('history-600-light');
    await p.locator('#history-equity').scrollIntoViewIfNeeded();
    await wb.screenshot('history-charts-600-light');
    await p.locator('#tab-session').click();
    await p.locator('#session-prices').scrollIntoViewIfNeeded();
    await wb.screenshot('session-charts-600-light');
    await p.locator('#tab-history').click();
    await wb.page.setViewportSize({ width: 1280, height: 800 });
    await sleep(800);
    await wb.screenshot('history-wide-light');
    await p.locator('#tab-orders').click();
    await sleep(300);
    await wb.screenshot('blotter-wide-light');
  });
});
