// Manual orders (the order ticket) through the Trader's connection and the real simulator
// over TCP: a ticket previewed (what-if), confirmed and filled, seen in the simulator's
// record, the panel's orders and the manual journal; bad input and refused risk checks send
// nothing; a modify and a cancel; a session's order is not the ticket's to change; a live
// account needs allowLive and the typed account id; Flatten Position closes one symbol.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../helpers/simHarness';
import { connectRig, journalLines, placeFilled, placeOrders, previewOf, rig, type Rig } from '../../helpers/manualRig';
import { manualDeskConfig } from '../../../src/extension/app/manualOrders';
import { Journal } from '../../../src/extension/session/journal';
import type { ManualOrderDesk } from '../../../src/extension/session/manualOrders';
import { manualParentRef } from '../../../src/extension/session/orderRef';
import { defaultModelDir } from '../../../src/extension/policy/datasets';
import { parseSessionConfig } from '../../../src/extension/session/sessionConfig';
import { resolveTarget, sessionInput } from '../../../src/extension/app/configModel';

describe('manual orders on a paper account', { timeout: 60_000 }, () => {
  let r: Rig;
  let desk: ManualOrderDesk;
  before(async () => {
    r = await rig();
    desk = (await r.manual.desk(r.config))!;
    assert.ok(desk);
  });
  after(async () => r?.close());

  it('a market order: what-if first, nothing placed; confirmed, journaled, then sent once and filled; the panel shows it', async () => {
    const before = placeOrders(r.fx).length;
    const preview = await previewOf(desk, { symbol: 'nvda', side: 'BUY', quantity: '3', orderType: 'MKT' });
    assert.equal(preview.verdict.allowed, true, preview.verdict.reason);
    assert.equal(preview.text, 'BUY 3 NVDA MKT DAY');
    assert.equal(preview.live, false);
    assert.equal(preview.account, 'DU1234567');
    assert.equal(preview.positionBefore, 0);
    assert.equal(preview.positionAfter, 3);
    assert.ok(preview.whatIf && preview.whatIf.commission !== undefined && preview.whatIf.initMarginChange !== undefined, JSON.stringify(preview.whatIf));
    const afterPreview = placeOrders(r.fx).slice(before);
    assert.equal(afterPreview.length, 1, 'one what-if');
    assert.equal(afterPreview[0]!.order.whatIf, true);
    assert.deepEqual(journalLines(r.config.journalDir), [], 'a preview journals nothing');

    const { placed, sent } = await placeFilled(r, desk, preview, 3);
    assert.equal(sent.length, 1, 'sent once');
    assert.deepEqual(
      [sent[0]!.order.symbol, sent[0]!.order.action, sent[0]!.order.totalQuantity, sent[0]!.order.orderType, sent[0]!.order.tif],
      ['NVDA', 'BUY', 3, 'MKT', 'DAY'],
    );
    await waitFor(() => r.store.orderRows().some((o) => o.orderId === placed.orderId && o.status === 'filled'), 5000, 'the filled order in the panel');
    assert.equal(r.store.orderRows().find((o) => o.orderId === placed.orderId)?.orderRef, placed.orderRef);
    await waitFor(() => r.store.positionRows().some((p) => p.symbol === 'NVDA' && p.quantity === 3), 5000, 'NVDA 3 in the panel');

    await waitFor(() => journalLines(r.config.journalDir).some((l) => l.type === 'order-status' && l.state === 'filled'), 5000, 'filled journaled');
    const lines = journalLines(r.config.journalDir);
    const types = lines.map((l) => l.type);
    const intent = lines.findIndex((l) => l.type === 'intent');
    assert.equal(types[0], 'manual-desk');
    assert.ok(intent > 0 && intent < types.indexOf('fill'), types.join(','));
    assert.deepEqual(
      [lines[intent]!.manual, lines[intent]!.orderRef, lines[intent]!.orderId, lines[intent]!.symbol, lines[intent]!.quantity, lines[intent]!.live],
      [true, placed.orderRef, placed.orderId, 'NVDA', 3, false],
    );
    const fills = lines.filter((l) => l.type === 'fill');
    assert.equal(
      fills.reduce((s, l) => s + (l.shares as number), 0),
      3,
    );
  });

  it('bad input is named field by field and nothing is sent, previewed or journaled', async () => {
    const before = placeOrders(r.fx).length;
    const journaled = journalLines(r.config.journalDir).length;
    const res = await desk.prepare({ symbol: 'NVDA', side: 'BUY', quantity: '0', orderType: 'LMT', tif: 'FOK' });
    assert.equal(res.ok, false);
    assert.deepEqual(res.ok ? [] : res.problems, [
      'quantity: "0" is out of range (valid: a whole number of shares from 1 to 1000000)',
      'limitPrice: a LMT order needs a limit price (valid: a price above 0, e.g. 120.55)',
      'tif: "FOK" is not a time in force (valid: DAY or GTC; empty means DAY)',
    ]);
    const unknown = await desk.prepare({ symbol: 'ZZZZQ', side: 'BUY', quantity: 1, orderType: 'MKT' });
    assert.equal(unknown.ok, false);
    assert.match(unknown.ok ? '' : unknown.problems[0]!, /^symbol: ZZZZQ is not a stock TWS knows/);
    assert.equal(placeOrders(r.fx).length, before);
    assert.equal(journalLines(r.config.journalDir).length, journaled);
  });

  it('a limit far through the market is named in the preview; a passive limit is not', async () => {
    const far = await previewOf(desk, { symbol: 'MSFT', side: 'SELL', quantity: 1, orderType: 'LMT', limitPrice: '1.00' });
    assert.ok(
      far.warnings.some((w) =>
        /^the limit 1\.00 is [\d.]+ below the market [\d.]+ \(\d+%\): it would fill at about the market, not at the limit; check the price$/.test(w),
      ),
      far.warnings.join('; '),
    );
    const passive = await previewOf(desk, { symbol: 'MSFT', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00' });
    assert.ok(!passive.warnings.some((w) => w.startsWith('the limit')), passive.warnings.join('; '));
  });

  it('the risk checks refuse before any what-if, and placing the refused preview sends nothing', async () => {
    const strict = (await r.manual.desk({ ...r.config, risk: { ...r.config.risk, maxOrderQuantity: 5 } }))!;
    const before = placeOrders(r.fx).length;
    const preview = await previewOf(strict, { symbol: 'MSFT', side: 'BUY', quantity: 10, orderType: 'LMT', limitPrice: '1.00' });
    assert.deepEqual(preview.verdict, { allowed: false, rule: 'maxOrderQuantity', reason: 'order for 10 shares exceeds the maximum of 5 per order' });
    assert.equal(preview.whatIf, undefined);
    const placed = await strict.place(preview);
    assert.deepEqual(placed, { sent: false, state: 'refused', error: 'risk check maxOrderQuantity: order for 10 shares exceeds the maximum of 5 per order' });
    assert.equal(placeOrders(r.fx).length, before);
  });

  it('trading hours refuse unless the user overrides them for that order', async () => {
    // Hours that exclude 10:00 New York: the engine refuses; the override checks every other rule.
    const closed = { timeZone: 'America/New_York', openMinute: 11 * 60, closeMinute: 12 * 60, weekdays: [1, 2, 3, 4, 5] };
    const d = (await r.manual.desk({ ...r.config, risk: { ...r.config.risk, tradingHours: closed } }))!;
    const refused = await previewOf(d, { symbol: 'MSFT', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00' });
    assert.equal(refused.verdict.rule, 'tradingHours');
    assert.match(refused.verdict.reason, /is outside trading hours 11:00-12:00/);
    const overridden = await previewOf(d, { symbol: 'MSFT', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00' }, { overrideHours: true });
    assert.equal(overridden.verdict.allowed, true);
    assert.equal(overridden.hoursOverridden, true);
  });

  it('a resting limit order is modified (price and quantity) and cancelled, each journaled before it is sent', async () => {
    const preview = await previewOf(desk, { symbol: 'MSFT', side: 'BUY', quantity: 2, orderType: 'LMT', limitPrice: '1.00', tif: 'GTC' });
    const placed = await desk.place(preview);
    assert.equal(placed.sent, true, placed.error);
    assert.equal(placed.state, 'submitted');
    const id = placed.orderId!;

    const bad = await desk.modify(id, { limitPrice: 'abc' });
    assert.equal(bad.ok, false);
    assert.equal(bad.error, 'limitPrice: "abc" is not a number (valid: a decimal number, e.g. 7 or 2.5)');
    assert.equal(placeOrders(r.fx).filter((l) => l.order.orderId === id).length, 1, 'a bad modification sends nothing');

    const mod = await desk.modify(id, { limitPrice: '1.05', quantity: '3' });
    assert.equal(mod.ok, true, mod.error);
    const sends = placeOrders(r.fx).filter((l) => l.order.orderId === id);
    assert.equal(sends.length, 2);
    assert.deepEqual(
      [sends[1]!.order.lmtPrice, sends[1]!.order.totalQuantity, sends[1]!.order.orderRef, sends[1]!.order.tif],
      [1.05, 3, placed.orderRef, 'GTC'],
    );
    await waitFor(() => r.store.orderRows().some((o) => o.orderId === id && o.quantity === 3), 5000, 'the modified order in the panel');

    const cancel = await desk.cancel(id);
    assert.equal(cancel.ok, true, cancel.error);
    assert.equal(cancel.order?.state, 'cancelled');
    await waitFor(() => r.store.orderRows().find((o) => o.orderId === id)?.status === 'cancelled', 5000, 'cancelled in the panel');
    const again = await desk.cancel(id);
    assert.deepEqual(again, { ok: false, error: `order ${id} is cancelled: nothing to change` });

    const lines = journalLines(r.config.journalDir).filter((l) => l.orderId === id);
    const types = lines.map((l) => l.type);
    for (const t of ['intent', 'modify-request', 'modify-done', 'cancel-request']) assert.ok(types.includes(t), `${t} in ${types.join(',')}`);
    assert.ok(types.indexOf('modify-request') < types.indexOf('cancel-request'));
    assert.equal(lines.find((l) => l.type === 'modify-request')?.limitPrice, 1.05);
  });

  it("a session's order is not the ticket's to change, and nothing is sent", async () => {
    const broker = r.trader.brokerClient!;
    const msft = await broker.resolveStock('MSFT');
    const order = await broker.placeOrder({ contract: msft, action: 'BUY', quantity: 1, type: 'LMT', limitPrice: 1, orderRef: 'ibkrai:S1:1:MSFT' });
    const count = () => placeOrders(r.fx).filter((l) => l.order.orderId === order.orderId).length;
    assert.deepEqual(await desk.cancel(order.orderId), {
      ok: false,
      error: `order ${order.orderId} belongs to AI session S1: the session manages it (stop it, or use the kill switch)`,
    });
    assert.equal((await desk.modify(order.orderId, { limitPrice: 2 })).ok, false);
    assert.equal(count(), 1);
    assert.equal(broker.order(order.orderId)?.state, 'submitted');
    await broker.cancelOrder(order.orderId);
  });

  it('a bracket: entry, take-profit and stop-loss sent with their own orderRefs, the right transmit flags and parent, journaled as one intent', async () => {
    const broker = r.trader.brokerClient!;
    const aapl = await broker.resolveStock('AAPL');
    const q = await broker.quoteSnapshot(aapl);
    const mid = Math.round(((q.bid! + q.ask!) / 2) * 100) / 100;
    const tp = (mid * 1.5).toFixed(2);
    const sl = (mid * 0.5).toFixed(2);
    const preview = await previewOf(desk, { symbol: 'AAPL', side: 'BUY', quantity: 2, orderType: 'MKT', takeProfitPrice: tp, stopLossPrice: sl });
    assert.equal(preview.text, `BUY 2 AAPL MKT DAY bracket TP ${tp} SL ${sl}`);
    assert.equal(preview.verdict.allowed, true);
    const placed = await desk.place(preview);
    assert.equal(placed.sent, true, placed.error);
    const { takeProfit, stopLoss } = placed.exits!;
    const ref = placed.orderRef!;
    // No orderRef sent twice: the exits carry the entry's with :tp / :sl.
    const legs = placeOrders(r.fx).filter((l) => !l.order.whatIf && manualParentRef(l.order.orderRef) === ref);
    assert.deepEqual(
      legs.map((l) => [l.order.orderId, l.order.orderRef, l.order.action, l.order.orderType, l.order.parentId, l.order.transmit]),
      [
        [placed.orderId, ref, 'BUY', 'MKT', 0, false],
        [takeProfit, `${ref}:tp`, 'SELL', 'LMT', placed.orderId, false],
        [stopLoss, `${ref}:sl`, 'SELL', 'STP', placed.orderId, true],
      ],
    );
    assert.equal(legs[1]!.order.lmtPrice, Number(tp));
    assert.equal(legs[2]!.order.auxPrice, Number(sl));
    assert.equal((await broker.orderDone(placed.orderId!, 5000)).state, 'filled');
    await waitFor(() => broker.order(takeProfit)?.state === 'submitted' && broker.order(stopLoss)?.state === 'submitted', 5000, 'the exits working');
    const intent = journalLines(r.config.journalDir).find((l) => l.type === 'intent' && l.orderRef === placed.orderRef)!;
    assert.deepEqual(
      (intent.legs as Array<{ role: string; orderId: number; orderRef: string; transmit: boolean }>).map((l) => [l.role, l.orderId, l.orderRef, l.transmit]),
      [
        ['parent', placed.orderId, ref, false],
        ['takeProfit', takeProfit, `${ref}:tp`, false],
        ['stopLoss', stopLoss, `${ref}:sl`, true],
      ],
    );
    // Each leg is a row of its own in the panel, named by its ref.
    await waitFor(() => r.store.orderRows().filter((o) => manualParentRef(o.orderRef) === ref).length === 3, 5000, 'three rows');
    assert.deepEqual(
      r.store
        .orderRows()
        .filter((o) => manualParentRef(o.orderRef) === ref)
        .map((o) => [o.orderId, o.orderRef])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [placed.orderId, ref],
        [takeProfit, `${ref}:tp`],
        [stopLoss, `${ref}:sl`],
      ],
    );
    // The exits are manual orders: cancelled here like any, and journaled under their own refs.
    const cancel = await desk.cancel(stopLoss);
    assert.equal(cancel.ok, true, cancel.error);
    await desk.cancel(takeProfit);
    await waitFor(
      () => journalLines(r.config.journalDir).some((l) => l.type === 'order-status' && l.orderRef === `${ref}:sl` && l.state === 'cancelled'),
      5000,
      'the stop-loss cancelled in the journal under its own ref',
    );
    const sold = await desk.place(await previewOf(desk, desk.flattenTicket('AAPL')!, { closing: true }));
    assert.equal((await broker.orderDone(sold.orderId!, 5000)).state, 'filled');
  });

  it('Flatten Position closes that symbol exactly; the others stay open', async () => {
    const msft = await desk.place(await previewOf(desk, { symbol: 'MSFT', side: 'BUY', quantity: 4, orderType: 'MKT' }));
    await r.trader.brokerClient!.orderDone(msft.orderId!, 5000);
    const ticket = desk.flattenTicket('NVDA');
    assert.deepEqual(ticket, { symbol: 'NVDA', side: 'SELL', quantity: 3, orderType: 'MKT', tif: 'DAY' });
    assert.equal(desk.flattenTicket('AAPL'), undefined, 'nothing held: nothing to flatten');
    const preview = await previewOf(desk, ticket!, { closing: true });
    assert.equal(preview.positionAfter, 0);
    const placed = await desk.place(preview);
    assert.equal((await r.trader.brokerClient!.orderDone(placed.orderId!, 5000)).state, 'filled');
    const broker = r.trader.brokerClient!;
    await broker.positions.when((m) => [...m.values()].some((p) => p.contract.symbol === 'NVDA' && p.quantity === 0), 5000);
    const held = Object.fromEntries(broker.positionList().map((p) => [p.contract.symbol, p.quantity]));
    assert.equal(held.MSFT, 4);
    assert.equal(held.NVDA ?? 0, 0);
  });
});

describe('a bracket left working at TWS when the extension restarts', { timeout: 60_000 }, () => {
  it('its legs are found by their own refs and map back to the ticket; the new desk cancels and journals them; nothing is sent again', async () => {
    const first = await rig();
    let second: Rig | undefined;
    try {
      const desk = (await first.manual.desk(first.config))!;
      const ticket = {
        symbol: 'MSFT',
        side: 'BUY',
        quantity: 1,
        orderType: 'LMT',
        limitPrice: '1.00',
        tif: 'GTC',
        takeProfitPrice: '2.00',
        stopLossPrice: '0.50',
      };
      const placed = await desk.place(await previewOf(desk, ticket));
      assert.equal(placed.sent, true, placed.error);
      const ref = placed.orderRef!;
      const { takeProfit, stopLoss } = placed.exits!;
      const sent = () => placeOrders(first.fx).filter((l) => !l.order.whatIf && manualParentRef(l.order.orderRef) === ref);
      assert.equal(sent().length, 3);
      // The extension goes away (the orders stay at TWS) and comes back on the same journal folder.
      first.manual.dispose();
      await first.trader.dispose();
      second = await connectRig(first.fx, first.journalDir);
      const again = (await second.manual.desk(second.config))!;
      await waitFor(() => again.workingOrders().length === 3, 5000, 'the bracket found at TWS');
      assert.deepEqual(
        again
          .workingOrders()
          .map((o) => [o.orderId, o.orderRef, manualParentRef(o.orderRef)])
          .sort((a, b) => Number(a[0]) - Number(b[0])),
        [
          [placed.orderId, ref, ref],
          [takeProfit, `${ref}:tp`, ref],
          [stopLoss, `${ref}:sl`, ref],
        ],
      );
      const cancel = await again.cancel(stopLoss);
      assert.equal(cancel.ok, true, cancel.error);
      assert.equal((await again.cancel(placed.orderId!)).ok, true);
      await waitFor(() => again.workingOrders().length === 0, 5000, 'the bracket cancelled');
      // The new desk's journal: the orphan exit adopted under its own ref, mapped to the ticket, then its cancel.
      const mine = Journal.read(again.journalPath!);
      const sl = mine.filter((l) => l.orderId === stopLoss).map((l) => [l.type, l.orderRef, l.parentRef ?? l.state ?? l.reason]);
      assert.deepEqual(sl, [
        ['adopted', `${ref}:sl`, ref],
        ['cancel-request', `${ref}:sl`, 'cancelled by the user'],
        ['order-status', `${ref}:sl`, 'cancelled'],
      ]);
      assert.equal(sent().length, 3, 'no leg sent again');
    } finally {
      if (second) await second.close();
      else await first.close();
    }
  });
});

describe('manual orders on a live account', { timeout: 60_000 }, () => {
  it('refused without ibkrAi.allowLive; with it, only once the account id is typed', async () => {
    const r = await rig({ live: true, allowLive: false });
    try {
      const desk = (await r.manual.desk(r.config))!;
      const preview = await previewOf(desk, { symbol: 'MSFT', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00' });
      assert.equal(preview.live, true);
      assert.equal(preview.account, 'U1234567');
      const refused = await desk.place(preview, { confirmLive: async () => 'U1234567' });
      assert.match(refused.error ?? '', /not a paper account: manual orders on a live account need the setting ibkrAi\.allowLive = true/);

      const live = (await r.manual.desk({ ...r.config, allowLive: true }))!;
      const p2 = await previewOf(live, { symbol: 'MSFT', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00' });
      const asked: string[] = [];
      const wrong = await live.place(p2, { confirmLive: async (a) => (asked.push(a), 'U7654321') });
      assert.deepEqual(wrong, { sent: false, state: 'refused', error: 'live order not confirmed: the account id U1234567 was not typed' });
      assert.equal(placeOrders(r.fx).filter((l) => !l.order.whatIf).length, 0, 'nothing placed on the live account so far');
      const ok = await live.place(p2, { confirmLive: async (a) => (asked.push(a), ' U1234567 ') });
      assert.equal(ok.sent, true, ok.error);
      assert.deepEqual(asked, ['U1234567', 'U1234567']);
      assert.equal(placeOrders(r.fx).filter((l) => !l.order.whatIf).length, 1);
      assert.equal(journalLines(r.config.journalDir).find((l) => l.type === 'intent')?.live, true);
      // Without ibkrAi.allowLive the live order cannot be changed either; cancelling (less risk) still works.
      const paperOnly = (await r.manual.desk(r.config))!;
      const modify = await paperOnly.modify(ok.orderId!, { limitPrice: '1.01' });
      assert.match(modify.error ?? '', /is not a paper account: changing orders on a live account needs the setting ibkrAi\.allowLive = true/);
      assert.equal(placeOrders(r.fx).filter((l) => !l.order.whatIf).length, 1, 'the refused modification sent nothing');
      assert.equal((await paperOnly.cancel(ok.orderId!)).ok, true);
    } finally {
      await r.close();
    }
  });
});

describe("flattening the AI session's book", { timeout: 120_000 }, () => {
  it('closes only what the session bought: a position bought by hand stays, and so does its order', async () => {
    const r = await rig({ speed: 60 });
    try {
      const desk = (await r.manual.desk(r.config))!;
      const broker = r.trader.brokerClient!;
      // Outside the book: 7 MSFT bought by hand, and a resting manual limit order.
      const bought = await desk.place(await previewOf(desk, { symbol: 'MSFT', side: 'BUY', quantity: 7, orderType: 'MKT' }));
      assert.equal((await broker.orderDone(bought.orderId!, 5000)).state, 'filled');
      const resting = await desk.place(await previewOf(desk, { symbol: 'AAPL', side: 'BUY', quantity: 1, orderType: 'LMT', limitPrice: '1.00', tif: 'GTC' }));
      assert.equal(resting.state, 'submitted');

      const modelDir = defaultModelDir()!;
      const target = resolveTarget({
        settings: {},
        simulator: { host: '127.0.0.1', port: r.fx.sim.port, account: r.fx.sim.account.id, serverVersion: r.fx.sim.serverVersion },
      });
      const settings = {
        'ibkrAi.session.symbols': ['NVDA', 'MSFT', 'AAPL'],
        'ibkrAi.session.mode': 'paper',
        'ibkrAi.session.cycles': 60,
        'ibkrAi.session.cycleSeconds': 60,
      };
      const config = parseSessionConfig(sessionInput(settings, target, { modelDir }), { modelDir, cwd: mkdtempSync(join(tmpdir(), 'book-')) });
      assert.ok(await r.trader.startSession(config, target));
      // Wait until the session's own orders hold shares.
      const bookShares = () => {
        const held = new Map(broker.positionList().map((p) => [p.contract.symbol, p.quantity]));
        return (held.get('NVDA') ?? 0) + ((held.get('MSFT') ?? 0) - 7) + (held.get('AAPL') ?? 0);
      };
      await waitFor(() => bookShares() > 0 && r.trader.activeSession?.snapshot().state === 'running', 60_000, 'the session holds shares');
      const before = Object.fromEntries(broker.positionList().map((p) => [p.contract.symbol, p.quantity]));

      const report = await r.manual.flattenBook('test: flatten the book');
      assert.ok(report, 'a session was running');
      assert.ok(report.flattened.length > 0, JSON.stringify(report));
      assert.deepEqual(report.notFlattened, []);
      assert.ok(report.settled, 'the flattening orders settled');
      for (const f of report.flattened) assert.match(f.orderRef, /^ibkrai:[^:]+:[^:]+:[A-Z]+:flatten$/);
      const ended = await r.trader.sessionDone();
      assert.equal(ended?.reason, 'Flatten Book: test: flatten the book', 'the end names Flatten Book, not the kill switch');
      await waitFor(() => bookShares() === 0, 10_000, 'the book flat at TWS');
      const after = Object.fromEntries(broker.positionList().map((p) => [p.contract.symbol, p.quantity]));
      assert.equal(after.MSFT, 7, `the 7 MSFT bought by hand stay (before: ${JSON.stringify(before)})`);
      assert.equal(after.NVDA ?? 0, 0);
      assert.equal(after.AAPL ?? 0, 0);
      assert.equal(broker.order(resting.orderId!)?.state, 'submitted', 'the manual order is not the book: it stays');
      // Every sell the simulator received after the manual buy was a session order: none sold the 7.
      const sells = placeOrders(r.fx).filter((l) => !l.order.whatIf && l.order.action === 'SELL');
      for (const l of sells) assert.match(l.order.orderRef, /^ibkrai:/);
    } finally {
      await r.close();
    }
  });
});

describe('manual desk settings', () => {
  it('reads the sessions risk settings and names every bad one', () => {
    const ok = manualDeskConfig({ 'ibkrAi.risk.maxOrderQuantity': 10, 'ibkrAi.risk.symbolAllowlist': ['nvda'], 'ibkrAi.session.journalDir': 'j' }, false, '/w');
    assert.deepEqual(ok, {
      config: { journalDir: '/w/j', risk: { maxOrdersPerMinute: 30, maxOrderQuantity: 10, symbolAllowlist: ['NVDA'] }, allowLive: false },
      problems: [],
    });
    const bad = manualDeskConfig({ 'ibkrAi.risk.maxOrderQuantity': 0, 'ibkrAi.risk.symbolAllowlist': ['no way'], 'ibkrAi.session.journalDir': 5 }, false, '/w');
    assert.equal(bad.config, undefined);
    assert.deepEqual(bad.problems, [
      'ibkrAi.risk.maxOrderQuantity: 0 is out of range (valid: a whole number of shares from 1)',
      'ibkrAi.risk.symbolAllowlist: ["no way"] is not a list of symbols (valid: e.g. ["NVDA", "MSFT"]; empty allows any)',
      'ibkrAi.session.journalDir: 5 is not a folder (valid: a path; empty means "journal" in the workspace)',
    ]);
  });
});
