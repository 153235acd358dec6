// The order ticket in a real workbench (code-server + Chromium) with the packaged .vsix, on
// the embedded simulator: a bad symbol is refused in the input box; "IBKR: Place Order..."
// asks the ticket, shows the what-if in a modal, places on confirmation and the order fills,
// checked against the simulator itself (a second TWS API client asks for its executions) and
// in the panel's Orders tab; a resting limit order is modified and cancelled from its row in
// the grid; a bracket's three legs go with three distinct orderRefs (the simulator's word);
// the Positions & Orders tree's inline actions cancel a bracket exit and flatten a position.
// An option picked from the chain (expiry, call, strike with its quote) and a vertical call
// spread (two legs from the chain, a net limit) are previewed, confirmed, filled, seen in the
// simulator's executions and named in the blotter. Screenshots (wide and narrow) in
// artifacts/e2e/orders/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventName } from '@stoqey/ib';
import { collectUntil, TestClient } from '../helpers/simHarness';
import type { FrameLocator, Locator } from 'playwright-core';
import { quickInputSteps } from './quickInput';
import { clearNotifications, connectToEmbeddedSimulator, sleep, startWorkbench, type Workbench } from './workbench';

describe('the order ticket in a real workbench', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let port = 0;
  let marketOrderId = 0;
  let limitOrderId = 0;
  let bracket = { entry: '', tp: '', sl: '', ref: '' };

  before(async () => {
    wb = await startWorkbench({ name: 'orders' });
  });
  after(async () => {
    await wb?.stop();
  });

  const { input, title, type, pick, modal, stockTicket } = quickInputSteps(() => wb);

  /** The simulator's own executions (a second TWS API client asks): [reqId, contract, execution] each. */
  async function simExecutions(): Promise<any[][]> {
    const client = await new TestClient(port, 97).connect(10_000);
    try {
      const ex = collectUntil(client.ib, EventName.execDetails, EventName.execDetailsEnd, 10_000);
      client.ib.reqExecutions(8, {});
      return await ex;
    } finally {
      client.disconnect();
    }
  }

  /** Screenshots of the blotter wide (1280 px page) and narrow (800 px page), the row's symbol cell in view. */
  async function blotterShots(step: string, row: Locator): Promise<void> {
    await clearNotifications(wb);
    await row.locator('[data-col="symbol"]').scrollIntoViewIfNeeded();
    await wb.screenshot(`${step}-wide`);
    await wb.page.setViewportSize({ width: 800, height: 800 });
    await sleep(600);
    await row.locator('[data-col="symbol"]').scrollIntoViewIfNeeded();
    await wb.screenshot(`${step}-narrow`);
    await wb.page.setViewportSize({ width: 1280, height: 800 });
    await sleep(600);
  }

  /** Picks the strike nearest the stock (typing "nearest" filters to it); returns the strike. */
  async function pickNearestStrike(step: RegExp): Promise<number> {
    await title().filter({ hasText: step }).waitFor({ timeout: 20_000 });
    await input().fill('nearest');
    const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
    await row.waitFor({ timeout: 15_000 });
    const strike = Number(/^\s*([\d.]+)/.exec(await row.innerText())![1]);
    await row.click();
    return strike;
  }

  it('connects to the embedded simulator', async () => {
    port = await connectToEmbeddedSimulator(wb);
  });

  it('a bad symbol is named in the input box with what is valid', async () => {
    await wb.runCommand('IBKR: Place Order...', { prompt: true });
    await pick(/kind/, 'shares at the market');
    await title()
      .filter({ hasText: /symbol/ })
      .waitFor({ timeout: 15_000 });
    await input().fill('nv da');
    const message = wb.page.locator('.quick-input-widget .quick-input-message');
    await message.filter({ hasText: /is not a stock symbol/ }).waitFor({ timeout: 10_000 });
    assert.match(await message.innerText(), /symbol: "nv da" is not a stock symbol \(valid: 1-12 letters, digits or dots starting with a letter/);
    await wb.screenshot('ticket-bad-symbol');
    await wb.page.keyboard.press('Escape');
  });

  it('"IBKR: Place Order..." asks the ticket, previews the what-if, and the confirmed order fills', async () => {
    await stockTicket({ symbol: 'NVDA', side: 'buy', quantity: 5 }, async () => {
      await title()
        .filter({ hasText: /time in force/ })
        .waitFor({ timeout: 15_000 });
      await wb.screenshot('ticket-time-in-force');
    });
    await pick(/exits/, 'a single order');
    const m = await modal(/BUY 5 NVDA MKT DAY\?/);
    assert.match(m.text, /Account DU1234567 \(paper\)/);
    assert.match(m.text, /NVDA held: 0 -> 5 after a full fill/);
    assert.match(m.text, /Commission: \d/);
    assert.match(m.text, /Initial margin: \+[\d,.]+ \(after: [\d,.]+\)/);
    assert.match(m.text, /Risk checks: passed all risk checks/);
    await wb.screenshot('ticket-preview-modal');
    await m.click('Place Order');
    const note = await wb.waitForNotification(/BUY 5 NVDA MKT DAY sent as order #\d+/, 20_000);
    marketOrderId = Number(/order #(\d+)/.exec(note)![1]);
    await wb.screenshot('ticket-sent');

    // The simulator's own word: one execution of 5 NVDA under a manual orderRef.
    const client = await new TestClient(port, 98).connect(10_000);
    let execs: any[][];
    try {
      const ex = collectUntil(client.ib, EventName.execDetails, EventName.execDetailsEnd, 10_000);
      client.ib.reqExecutions(7, {});
      execs = await ex;
    } finally {
      client.disconnect();
    }
    const ours = execs.filter((e) => e[2].orderId === marketOrderId);
    assert.equal(
      ours.reduce((s, e) => s + (e[2].shares as number), 0),
      5,
    );
    assert.equal(ours[0]![1].symbol, 'NVDA');
    assert.match(ours[0]![2].orderRef as string, /^manual:\d{8}T\d{9}Z-[0-9a-f]{8}$/);

    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const row = orderRow(p, marketOrderId);
    await row.locator('[data-col="status"][data-value="filled"]').waitFor({ timeout: 15_000 });
    assert.equal(Number(await row.locator('[data-col="filled"]').getAttribute('data-value')), 5);
    assert.match(await row.locator('[data-col="orderRef"]').innerText(), /^manual:/);
    assert.equal(await row.locator('[data-order-action]').count(), 0, 'a filled order has no Modify / Cancel');
    await wb.screenshot('panel-orders-filled');
  });

  it('a resting limit order is modified and cancelled from its row in the orders grid', async () => {
    await stockTicket({ symbol: 'MSFT', side: 'buy', quantity: 2, limit: '1.00', gtc: true });
    await pick(/exits/, 'a single order');
    const m = await modal(/BUY 2 MSFT LMT 1\.00 GTC\?/);
    await m.click('Place Order');
    const note = await wb.waitForNotification(/BUY 2 MSFT LMT 1\.00 GTC sent as order #\d+: submitted/, 20_000);
    limitOrderId = Number(/order #(\d+)/.exec(note)![1]);

    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const row = orderRow(p, limitOrderId);
    await row.locator('[data-col="status"][data-value="submitted"]').waitFor({ timeout: 15_000 });
    await wb.screenshot('panel-orders-working');

    await row.locator('[data-order-action="modifyOrder"]').click();
    await type(/Modify #\d+ BUY 2 MSFT/, '3');
    // Both boxes carry the same title: wait for the second one's own prompt, or '1.05' lands in the quantity box.
    await wb.page
      .locator('.quick-input-widget .quick-input-message')
      .filter({ hasText: /^Limit price/ })
      .waitFor({ timeout: 10_000 });
    await input().fill('1.05');
    await wb.page.keyboard.press('Enter');
    await wb.waitForNotification(new RegExp(`modified #${limitOrderId} BUY 3 MSFT LMT 1\\.05`), 15_000);
    await row.locator('[data-col="quantity"][data-value="3"]').waitFor({ timeout: 10_000 });
    await wb.screenshot('panel-orders-modified');

    await row.locator('[data-order-action="cancelOrder"]').click();
    await wb.waitForNotification(new RegExp(`order ${limitOrderId} cancelled`), 15_000);
    await row.locator('[data-col="status"][data-value="cancelled"]').waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('[data-order-action]').count(), 0, 'no Modify / Cancel once cancelled');
    await wb.screenshot('panel-orders-cancelled');
  });

  it('a bracket from the ticket: entry filled, take-profit and stop-loss working in the grid', async () => {
    await stockTicket({ symbol: 'AAPL', side: 'buy', quantity: 1 });
    await pick(/exits/, 'attach a take-profit');
    await type(/take-profit/, '9999');
    await type(/stop-loss/, '1.00');
    const m = await modal(/BUY 1 AAPL MKT DAY bracket TP 9999\.00 SL 1\.00\?/);
    await wb.screenshot('bracket-preview-modal');
    await m.click('Place Order');
    const note = await wb.waitForNotification(/sent as order #\d+ \(take-profit #\d+, stop-loss #\d+\)/, 20_000);
    const [, entry, tp, sl] = /order #(\d+) \(take-profit #(\d+), stop-loss #(\d+)\)/.exec(note)!;
    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const row = (id: string) => orderRow(p, id);
    await row(entry!).locator('[data-col="status"][data-value="filled"]').waitFor({ timeout: 15_000 });
    for (const id of [tp!, sl!]) {
      await row(id).locator('[data-col="status"][data-value="submitted"]').waitFor({ timeout: 15_000 });
      assert.equal(await row(id).locator('[data-order-action]').count(), 2, `#${id} has Modify and Cancel`);
    }
    assert.match(await row(tp!).locator('[data-col="type"]').innerText(), /LMT/);
    assert.match(await row(sl!).locator('[data-col="type"]').innerText(), /STP/);
    await wb.screenshot('bracket-in-grid');

    // No orderRef sent twice: the simulator's own word (a second API client) on the three legs'
    // refs - the entry's execution, and the two exits working - and the grid names each by its own.
    const client = await new TestClient(port, 97).connect(10_000);
    let refs: Map<number, string>;
    try {
      const ex = collectUntil(client.ib, EventName.execDetails, EventName.execDetailsEnd, 10_000);
      client.ib.reqExecutions(8, {});
      const open = collectUntil(client.ib, EventName.openOrder, EventName.openOrderEnd, 10_000);
      client.ib.reqAllOpenOrders();
      refs = new Map([...(await ex), ...(await open)].map((e) => [e[2].orderId as number, e[2].orderRef as string]));
    } finally {
      client.disconnect();
    }
    const ref = refs.get(Number(entry));
    assert.match(ref ?? '', /^manual:\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    bracket = { entry: entry!, tp: tp!, sl: sl!, ref: ref! };
    assert.deepEqual([refs.get(Number(tp)), refs.get(Number(sl))], [`${ref}:tp`, `${ref}:sl`]);
    for (const [id, want] of [
      [entry!, ref!],
      [tp!, `${ref}:tp`],
      [sl!, `${ref}:sl`],
    ])
      assert.equal((await row(id).locator('[data-col="orderRef"]').innerText()).split(' · ')[0], want);
  });

  it("the Positions & Orders tree's inline actions: Cancel on a bracket exit, Flatten Position on a position; the rest stays", async () => {
    assert.ok(bracket.sl, 'the bracket test ran');
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.page.locator('.activitybar .action-item a[aria-label^="IBKR AI Trader"]').first().click();
    const tree = wb.page.locator('.pane', { hasText: 'Positions & Orders' }).first();
    const item = (text: string | RegExp) => tree.locator('.monaco-list-row', { hasText: text }).first();
    /** Clicks the tree item's inline action whose label matches (shown on hover). */
    async function inline(row: Locator, action: RegExp): Promise<void> {
      await row.waitFor({ timeout: 15_000 });
      await row.hover();
      const actions = row.locator('.actions a.action-label[aria-label]');
      await actions.first().waitFor({ timeout: 5000 });
      for (let i = 0; i < (await actions.count()); i++) {
        if (action.test((await actions.nth(i).getAttribute('aria-label')) ?? '')) {
          await actions.nth(i).click();
          return;
        }
      }
      await wb.screenshot('timeout-inline-action');
      throw new Error(`no inline action ${action} on the tree item`);
    }
    /**
     * The inline action, clicked once more when its effect is not seen: the tree re-renders up
     * to four times a second while prices tick, and a click landing during a re-render can miss
     * (seen once in CI; a product note for the CEO). The effect itself is still asserted.
     */
    async function inlineUntil(row: Locator, action: RegExp, seen: () => Promise<unknown>): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        await inline(row, action);
        try {
          await seen();
          return;
        } catch (err) {
          if (attempt === 2) throw err;
          await wb.screenshot('inline-action-missed');
        }
      }
    }

    // Cancel on the stop-loss's item: no confirmation (cancelling lowers risk).
    const slItem = item(`#${bracket.sl} SELL 1 AAPL`);
    await inlineUntil(slItem, /^Cancel Order/, () => wb.waitForNotification(new RegExp(`order ${bracket.sl} cancelled`), 7_500));
    await item(`#${bracket.sl} SELL 1 AAPL`).filter({ hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
    await wb.screenshot('tree-exit-cancelled');

    // Flatten Position on NVDA's item: the preview names what stays; confirmed, it sells exactly the 5.
    const flattenModal = /SELL 5 NVDA MKT DAY\?/;
    await inlineUntil(item(/NVDA 5(?!\d)/), /^Flatten Position/, () =>
      wb.page.locator('.monaco-dialog-box').filter({ hasText: flattenModal }).waitFor({ timeout: 7_500 }),
    );
    const m = await modal(flattenModal);
    assert.match(m.text, /NVDA held: 5 -> 0 after a full fill/);
    assert.match(m.text, /Stays open: AAPL 1\./);
    assert.match(m.text, /Initial margin: \u2212[\d,.]+ \(after: [\d,.]+\)/, 'closing frees margin');
    await wb.screenshot('tree-flatten-preview');
    await m.click('Place Order');
    await wb.waitForNotification(/SELL 5 NVDA MKT DAY sent as order #\d+/, 20_000);

    // The simulator's word: NVDA flat, AAPL's share and its take-profit still there, the stop-loss gone.
    const client = await new TestClient(port, 96).connect(10_000);
    try {
      let held = new Map<string, number>();
      for (let i = 0; i < 50; i++) {
        const pos = collectUntil(client.ib, EventName.position, EventName.positionEnd, 10_000);
        client.ib.reqPositions();
        held = new Map((await pos).map((e) => [e[1].symbol as string, e[2] as number]));
        client.ib.cancelPositions();
        if ((held.get('NVDA') ?? 0) === 0) break;
        await sleep(200);
      }
      assert.equal(held.get('NVDA') ?? 0, 0, 'NVDA flattened');
      assert.equal(held.get('AAPL'), 1, 'AAPL stays');
      const open = collectUntil(client.ib, EventName.openOrder, EventName.openOrderEnd, 10_000);
      client.ib.reqAllOpenOrders();
      const working = new Map(
        (await open).filter((e) => !['Cancelled', 'Filled'].includes(e[3]?.status)).map((e) => [e[0] as number, e[2].orderRef as string]),
      );
      assert.equal(working.get(Number(bracket.tp)), `${bracket.ref}:tp`, 'the take-profit still works');
      assert.equal(working.has(Number(bracket.sl)), false, 'the stop-loss is cancelled');
    } finally {
      client.disconnect();
    }
    await wb.screenshot('tree-after-flatten');
  });
  it('an option from the chain: expiry, call and strike with its quote; previewed with its value x 100, confirmed, filled; the simulator and the blotter agree', async () => {
    await wb.runCommand('IBKR: Place Order...', { prompt: true });
    await pick(/kind/, 'one call or put picked from the chain');
    await type(/underlying/, 'NVDA');
    await pick(/expiry/, /in \d+ days?/);
    await pick(/call or put/, 'call: the right to buy');
    await title()
      .filter({ hasText: /strike/ })
      .waitFor({ timeout: 20_000 });
    await wb.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: /bid [\d.]+ \/ ask [\d.]+/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await wb.screenshot('option-strikes-with-quotes');
    const strike = await pickNearestStrike(/strike/);
    await pick(/side/, 'buy the option');
    await type(/quantity/, '2');
    await pick(/order type/, 'market: fills now');
    await pick(/time in force/, 'until the close today');
    const m = await modal(new RegExp(`BUY 2 NVDA \\d{8} ${strike}C MKT DAY\\?`));
    assert.match(m.text, /Account DU1234567 \(paper\)/);
    assert.match(m.text, /About [\d,.]+ at the market now \([\d,.]+ x 100 x 2\)/);
    assert.match(m.text, new RegExp(`BUY 2 NVDA \\d{8} ${strike}C \\(bid [\\d.]+ / ask [\\d.]+\\): held 0 -> 2 contracts after a full fill`));
    assert.match(m.text, /Commission: \d/);
    assert.match(m.text, /Initial margin: \+[\d,.]+ \(after: [\d,.]+\)/);
    assert.match(m.text, /Funds available after \(equity with loan - initial margin\): [\d,.]+/);
    assert.match(m.text, /Risk checks: passed all risk checks/);
    await wb.screenshot('option-preview-modal');
    await m.click('Place Order');
    const note = await wb.waitForNotification(new RegExp(`BUY 2 NVDA \\d{8} ${strike}C MKT DAY sent as order #\\d+`), 20_000);
    const orderId = Number(/order #(\d+)/.exec(note)![1]);

    const ours = (await simExecutions()).filter((e) => e[2].orderId === orderId);
    assert.deepEqual(
      ours.map((e) => [e[1].secType, e[1].symbol, Number(e[1].strike), e[1].right, e[2].side, e[2].shares]),
      [['OPT', 'NVDA', strike, 'C', 'BOT', 2]],
    );
    assert.match(ours[0]![2].orderRef as string, /^manual:/);

    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const row = orderRow(p, orderId);
    await row.locator('[data-col="status"][data-value="filled"]').waitFor({ timeout: 15_000 });
    assert.match(await row.locator('[data-col="symbol"]').innerText(), new RegExp(`^NVDA \\d{8} ${strike}C$`));
    assert.equal(Number(await row.locator('[data-col="filled"]').getAttribute('data-value')), 2);
    await blotterShots('option-in-blotter', row);
  });

  it('a vertical call spread (2 legs from the chain, net limit): previewed with its net quote, confirmed, filled per leg; named in the blotter', async () => {
    await wb.runCommand('IBKR: Place Order...', { prompt: true });
    await pick(/kind/, '2 to 4 option legs');
    await type(/underlying/, 'MSFT');
    await pick(/leg 1: expiry/, /in \d+ days?/);
    await pick(/leg 1: call or put/, 'call: the right to buy');
    const low = await pickNearestStrike(/leg 1: strike/);
    await pick(/leg 1: action/, 'BUY');
    await type(/leg 1: ratio/, '1');
    await pick(/leg 2: expiry/, /in \d+ days?/);
    await pick(/leg 2: call or put/, 'call: the right to buy');
    // The next quoted strike above the first leg's ("bid" filters to the quoted strikes).
    await title()
      .filter({ hasText: /leg 2: strike/ })
      .waitFor({ timeout: 20_000 });
    await input().fill('bid');
    const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    const strikes = (await rows.allInnerTexts()).map((t) => Number(/^\s*([\d.]+)/.exec(t)?.[1]));
    const high = Math.min(...strikes.filter((k) => k > low));
    assert.ok(Number.isFinite(high), `a quoted strike above ${low} among ${strikes.join(', ')}`);
    await rows.nth(strikes.indexOf(high)).click();
    await pick(/leg 2: action/, 'SELL');
    await type(/leg 2: ratio/, '1');
    await wb.screenshot('combo-legs-done');
    await pick(/legs \(2 so far\)/, 'Done');
    await pick(/side/, 'the legs as given');
    await type(/quantity/, '1');
    await pick(/order type/, 'at this net price or better');
    await type(/limit price/, '5.00');
    await pick(/time in force/, 'until the close today');
    const spread = `BUY 1 MSFT combo \\(\\+1 \\d{8} ${low}C, -1 \\d{8} ${high}C\\) LMT 5\\.00 DAY`;
    const m = await modal(new RegExp(`${spread}\\?`));
    assert.match(m.text, /Net quote per share: bid -?[\d.]+ \/ ask -?[\d.]+/);
    assert.match(m.text, new RegExp(`BUY 1 MSFT \\d{8} ${low}C \\(bid [\\d.]+ / ask [\\d.]+\\): held 0 -> 1 contracts`));
    assert.match(m.text, new RegExp(`SELL 1 MSFT \\d{8} ${high}C \\(bid [\\d.]+ / ask [\\d.]+\\): held 0 -> -1 contracts`));
    assert.match(m.text, /Commission: \d/);
    assert.match(m.text, /Risk checks: passed all risk checks/);
    assert.match(m.text, new RegExp(`Note: this writes MSFT \\d{8} ${high}C: a short call of 1 contract\\(s\\), against this order's long call`));
    // 5.00 for a spread of adjacent strikes is far above its net ask: said before the confirmation.
    assert.match(
      m.text,
      /Note: the limit 5\.00 is [\d.]+ above the net ask [\d.]+ \(\d+%\): it would fill at about the market, not at the limit; check the price/,
    );
    await wb.screenshot('combo-preview-modal');
    await m.click('Place Order');
    const note = await wb.waitForNotification(new RegExp(`${spread} sent as order #\\d+`), 20_000);
    const orderId = Number(/order #(\d+)/.exec(note)![1]);

    const ours = (await simExecutions()).filter((e) => e[2].orderId === orderId);
    const legs = ours.filter((e) => e[1].secType === 'OPT').map((e) => [Number(e[1].strike), e[1].right, e[2].side, e[2].shares]);
    assert.deepEqual(
      legs.sort((a, b) => (a[0] as number) - (b[0] as number)),
      [
        [low, 'C', 'BOT', 1],
        [high, 'C', 'SLD', 1],
      ],
    );
    assert.equal(ours.filter((e) => e[1].secType === 'BAG').length, 1, "the combo's own execution");
    assert.ok(ours.every((e) => /^manual:/.test(e[2].orderRef as string)));

    await wb.runCommand('IBKR: Show Trading Panel');
    const p = wb.panel();
    await p.locator('#tab-orders').click();
    const row = orderRow(p, orderId);
    await row.locator('[data-col="status"][data-value="filled"]').waitFor({ timeout: 15_000 });
    assert.match(await row.locator('[data-col="symbol"]').innerText(), new RegExp(`^MSFT combo \\(\\+1 \\d{8} ${low}C, -1 \\d{8} ${high}C\\)$`));
    assert.match(await row.locator('[data-col="fills"]').innerText(), /^1 @ -?[\d.]+$/);
    await blotterShots('combo-in-blotter', row);
  });
});

/** The blotter's row of an order id (rows are keyed by orderRef: TWS reuses order ids across sessions). */
function orderRow(p: FrameLocator, orderId: string | number): Locator {
  return p.locator('#orders-grid vscode-data-grid-row[data-key]').filter({ has: p.locator(`[data-col="orderId"][data-value="${orderId}"]`) });
}
