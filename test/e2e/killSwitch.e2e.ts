// Flatten Book and the kill switch in a real workbench (code-server + Chromium) with the packaged
// .vsix, on the embedded simulator where another program (a second TWS API client) holds 7
// NVDA: "Flatten Book" stops a running AI session and closes only the shares its own orders
// bought (the simulator is left with the other program's 7); the kill switch stops a second
// session, cancels a resting order placed from the ticket, and its notice names that order and
// every position that stays open, as the simulator holds them. The kill switch is pressed by
// its key (Ctrl+Alt+Shift+K) with the focus in the panel. Screenshots in artifacts/e2e/kill/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventName } from '@stoqey/ib';
import { collectUntil, TestClient } from '../helpers/simHarness';
import { quickInputSteps } from './quickInput';
import { anotherProgramTrades, simPositions } from './simClient';
import { connectToEmbeddedSimulator, focusWorkbench, sleep, startWorkbench, type Workbench } from './workbench';

const OTHER_NVDA = 7;

describe("kill switch and Flatten Book in a real workbench: the session's book goes, what others hold stays", { timeout: 300_000 }, () => {
  let wb: Workbench;
  let port = 0;
  const { pick, modal, stockTicket } = quickInputSteps(() => wb);

  before(async () => {
    wb = await startWorkbench({
      name: 'kill',
      workspaceSettings: {
        'ibkrAi.session.symbols': ['NVDA', 'MSFT'],
        'ibkrAi.session.mode': 'paper',
        // Long enough to be running when the buttons are pressed (one cycle a second).
        'ibkrAi.session.cycles': 120,
        'ibkrAi.session.cycleSeconds': 60,
        'ibkrAi.simulator.speed': 60,
      },
    });
  });
  after(async () => {
    await wb?.stop();
  });

  /** Starts an AI session on the demo policy and waits until its book holds shares (the panel's Owner column). */
  async function startSessionUntilItHolds(): Promise<void> {
    await focusWorkbench(wb);
    await wb.runCommand('IBKR: Start AI Session', { prompt: true });
    await wb.pickQuickItem('Demo policy');
    const p = wb.panel();
    await p.locator('#session-state', { hasText: 'running' }).waitFor({ timeout: 30_000 });
    await p.locator('#tab-positions').click();
    await p
      .locator('#positions-grid [data-col="owner"][data-value="session"], #positions-grid [data-col="owner"][data-value="shared"]')
      .first()
      .waitFor({ timeout: 30_000 });
  }

  /** Polls the simulator until its positions (symbol -> quantity) are the expected ones. */
  async function simHolds(expected: Record<string, number>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let held: Record<string, number> = {};
    while (Date.now() < deadline) {
      held = Object.fromEntries((await simPositions(port)).map((x) => [x.symbol, x.quantity]));
      if (JSON.stringify(Object.entries(held).sort()) === JSON.stringify(Object.entries(expected).sort())) return;
      await sleep(250);
    }
    assert.deepEqual(held, expected, 'the simulator holds');
  }

  it('connects; another program buys 7 NVDA', async () => {
    port = await connectToEmbeddedSimulator(wb);
    await anotherProgramTrades(port, 'NVDA', OTHER_NVDA);
    await simHolds({ NVDA: OTHER_NVDA });
    await wb.runCommand('IBKR: Show Trading Panel');
  });

  it("Flatten Book: the session stops and closes its own shares; the other program's 7 NVDA stay", async () => {
    await startSessionUntilItHolds();
    const book = (await simPositions(port)).filter((x) => x.symbol !== 'NVDA' || x.quantity !== OTHER_NVDA);
    assert.ok(book.length > 0, 'the session bought shares of its own');
    await wb.screenshot('session-holds-book');

    await wb.panel().locator('#btn-flattenBook').click();
    const m = await modal(/Flatten the AI session's book\?/);
    assert.match(m.text, /sells \(or covers\) only the shares its own orders bought, never more than TWS holds/);
    assert.match(m.text, /Positions held outside the book .* stay open/);
    await m.click("Flatten the Session's Book");
    const note = await wb.waitForNotification(
      /the session's book is flattened \(closing [A-Z, ]+\); (no orders|1 order|\d+ orders) cancelled\. Positions outside the book stay open\./,
      20_000,
    );
    // The session may have traded once more between that look and the click: the notice names the book it closed.
    const closed = /flattened \(closing ([A-Z, ]+)\)/.exec(note)![1]!.split(', ');
    assert.ok(closed.length > 0 && closed.every((x) => ['NVDA', 'MSFT'].includes(x)), `the notice names the book's symbols: ${note}`);

    await simHolds({ NVDA: OTHER_NVDA });
    const p = wb.panel();
    const nvda = p.locator('#positions-grid vscode-data-grid-row[data-key]').filter({ hasText: 'NVDA' });
    await nvda.locator('[data-col="owner"][data-value="external"]').waitFor({ timeout: 15_000 });
    assert.equal(Number(await nvda.locator('[data-col="quantity"]').getAttribute('data-value')), OTHER_NVDA);
    await wb.screenshot('book-flattened');
    await p.locator('#tab-session').click();
    await p.locator('#session-state', { hasText: 'stopped' }).waitFor({ timeout: 15_000 });
  });

  it('kill switch: the second session stops, the resting ticket order is cancelled, and the notice names what stays open as the simulator holds it', async () => {
    // A resting order of this connection, placed by hand from the ticket.
    await focusWorkbench(wb);
    await stockTicket({ symbol: 'MSFT', side: 'buy', quantity: 1, limit: '1.00', gtc: true });
    await pick(/exits/, 'a single order');
    await (await modal(/BUY 1 MSFT LMT 1\.00 GTC\?/)).click('Place Order');
    const sent = await wb.waitForNotification(/BUY 1 MSFT LMT 1\.00 GTC sent as order #\d+: submitted/, 20_000);
    const restingId = Number(/order #(\d+)/.exec(sent)![1]);

    await startSessionUntilItHolds();
    // Its key, pressed with the focus in the panel (the webview passes it to the workbench).
    await wb.panel().locator('#tab-positions').focus();
    await wb.page.keyboard.press('Control+Alt+Shift+K');
    const note = await wb.waitForNotification(/IBKR kill switch: AI session stopped\./, 20_000);
    await wb.screenshot('kill-switch-notice');
    assert.match(note, new RegExp(`Cancelled \\d+ orders?: [^.]*BUY 1 MSFT limit 1\\.00 \\(#${restingId}\\)`));
    const stays = /Positions still open at TWS: (.+?) \(the session's book is not flattened: ibkrAi\.risk\.flattenOnStop is off\)\./.exec(note);
    assert.ok(stays, `the notice names the positions that stay open: ${note}`);
    const named = Object.fromEntries(
      stays[1]!.split(', ').map((s) => {
        const [, symbol, short, qty] = /^([A-Z.]+) (short )?(\d+)$/.exec(s)!;
        return [symbol, short ? -Number(qty) : Number(qty)];
      }),
    );
    const held = Object.fromEntries((await simPositions(port)).map((x) => [x.symbol, x.quantity]));
    assert.deepEqual(named, held, 'the notice lists what the simulator holds');
    assert.ok(held.NVDA! >= OTHER_NVDA, "the other program's NVDA is untouched");

    // The simulator's word: the ticket's order is no longer working.
    const client = await new TestClient(port, 97).connect(10_000);
    try {
      const open = collectUntil(client.ib, EventName.openOrder, EventName.openOrderEnd, 10_000);
      client.ib.reqAllOpenOrders();
      assert.deepEqual(
        (await open).filter((o) => o[0] === restingId && o[3]?.status !== 'Cancelled'),
        [],
        `order #${restingId} is not working at the simulator`,
      );
    } finally {
      client.disconnect();
    }
    await wb.panel().locator('#tab-session').click();
    await wb.panel().locator('#session-state', { hasText: 'stopped' }).waitFor({ timeout: 15_000 });
  });
});
