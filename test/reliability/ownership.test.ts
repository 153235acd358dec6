// Ownership: a session trades only its book (what its own orders filled, carried across the
// sessions of one journal folder); positions it did not open are left alone; TWS's positions
// and executions are the truth; no orderRef is sent twice; gross notional stays within the
// capital unless leverage is allowed. Each scenario of issue 17 runs as a whole TradingSession
// against the simulator over TCP, with other programs as real @stoqey/ib clients (other
// client ids), and is checked from the simulator's --record and the session's journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BrokerClient } from '../../src/extension/broker/brokerClient';
import type { JournalLine } from '../../src/extension/session/journal';
import { parseOrderRef } from '../../src/extension/session/orderRef';
import type { SimFixture } from '../helpers/simHarness';
import { FAST } from '../helpers/brokerFixture';
import {
  byRef,
  journaledSent,
  linesOf,
  placedOrders,
  recordedSent,
  runSession,
  simPositions,
  startSim,
  tempDir,
  testModel,
  WED_10AM_NY,
} from '../helpers/sessionFixture';
import { Figures } from './support/figures';
import { flatPrices, notices } from './support/sessions';

const figures = new Figures(__filename);

/** Another program on the same account: a real client with its own client id. */
async function otherProgram(fx: SimFixture, clientId: number): Promise<BrokerClient> {
  const c = new BrokerClient({ host: '127.0.0.1', port: fx.sim.port, clientId, ...FAST });
  await c.connect();
  return c;
}

/** A market order by another program (or the user in TWS), followed to its fill. */
async function trade(c: BrokerClient, symbol: string, action: 'BUY' | 'SELL', quantity: number): Promise<void> {
  const contract = await c.resolveStock(symbol);
  const o = await c.placeOrder({ contract, action, quantity, type: 'MKT' });
  const done = await c.orderDone(o.orderId, 5000);
  assert.equal(done.state, 'filled', `${action} ${quantity} ${symbol} by another program filled`);
}

/** The session's orders as they reached TWS (the record), by orderRef prefix. */
function sessionOrders(fx: SimFixture) {
  return placedOrders(fx).filter((o) => o.orderRef.startsWith('ibkrai:'));
}

/** The account's position in `symbol` after each execution, in order (TWS's own engine). */
function positionPath(fx: SimFixture, symbol: string): number[] {
  let q = 0;
  const path: number[] = [];
  for (const e of fx.sim.engine.executions) {
    if (e.contract.symbol !== symbol) continue;
    q += (e.execution.side === 'BOT' ? 1 : -1) * e.execution.shares;
    path.push(q);
  }
  return path;
}

/** Each orderRef reached TWS at most once, and the journal's sent orders are the record's. */
function onceEach(fx: SimFixture, journal: readonly JournalLine[]): number {
  const mine = sessionOrders(fx);
  const refs = mine.map((o) => o.orderRef);
  assert.deepEqual(
    refs.filter((r, i) => refs.indexOf(r) !== i),
    [],
    'no orderRef reached TWS twice',
  );
  assert.deepEqual(byRef(journaledSent(journal)), byRef(recordedSent(mine)), "the journal's orders are the record's");
  return mine.length;
}

test('500 NVDA bought by another program stay untouched: the session trades its own shares only, and the kill switch flattens only those', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    const other = await otherProgram(fx, 90);
    await trade(other, 'NVDA', 'BUY', 500);
    await other.dispose();

    // A model that wants to be flat: before, it sold the 500; now there is nothing of its own to sell.
    const flat = await runSession({
      fx,
      model: 'always-sell',
      config: { symbols: 'NVDA', cycles: '3', capital: '10000', clientId: '701', flattenOnStop: true },
    });
    assert.equal(flat.result.status, 'finished', flat.result.reason);
    assert.deepEqual(sessionOrders(fx), [], "not one order: the 500 are not the book's");
    assert.equal(notices(flat.events).filter((n) => n.message === 'NVDA: 500 held outside this book, left alone').length, 1, 'said once, at the start');
    const start = linesOf(flat.journal, 'session-start')[0]!;
    assert.deepEqual([start.startPositions.NVDA.quantity, start.startPositions.NVDA.held, start.adoptPositions], [0, 500, false]);
    assert.match(notices(flat.events).find((n) => n.message.startsWith('session '))!.message, /positions: the book's own only \(others left alone\)/);

    // A trading model with the kill switch and flatten: it buys and sells its own shares and flattens only them.
    let killed = false;
    const r = await runSession({
      fx,
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '8', capital: '10000', clientId: '702', flattenOnStop: true },
      onSession: (s) =>
        s.on('cycle-end', (e) => {
          if (killed || e.cycle < 3) return;
          killed = true;
          void s.kill({ reason: 'user pressed the kill switch', flatten: true });
        }),
    });
    assert.equal(r.result.status, 'stopped', r.result.reason);
    const mine = sessionOrders(fx);
    assert.ok(mine.length >= 3, `the session traded (${mine.length} orders)`);
    const q = mine[0]!.totalQuantity;
    assert.deepEqual(
      mine.slice(0, 3).map((o) => [o.action, o.totalQuantity]),
      [
        ['BUY', q],
        ['SELL', q],
        ['BUY', q],
      ],
      'the model sized from its capital, not from the 500',
    );
    assert.equal(mine[mine.length - 1]!.orderRef.split(':')[4], 'flatten', 'the kill switch flattened');
    assert.deepEqual(
      [mine[mine.length - 1]!.action, mine[mine.length - 1]!.totalQuantity],
      ['SELL', q],
      `only the book's ${q}, not the ${500 + q} the account held`,
    );
    assert.ok(Math.min(...positionPath(fx, 'NVDA')) >= 500, 'the account never held fewer than the 500 of the other program');
    assert.deepEqual(simPositions(fx), { NVDA: 500 }, "exactly the other program's 500 remain");
    const report = linesOf(r.journal, 'kill-report')[0]!;
    assert.equal(report.flattened.length, 1);
    const orders = onceEach(fx, r.journal);
    figures.safe('external-position-untouched');
    figures.safe('external-position-untouched-by-kill-switch-flatten');
    figures.fault('external position held by another program', { orders, fills: linesOf(r.journal, 'fill').length });
  } finally {
    await fx.stop();
  }
});

test("the book carries over to the next session on the same journal folder: it sells its own shares, never the other program's 500", async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    const other = await otherProgram(fx, 90);
    await trade(other, 'NVDA', 'BUY', 500);
    await other.dispose();
    const journalDir = join(tempDir('ownership-carry-'), 'journal');
    const first = await runSession({ fx, model: 'always-buy', config: { symbols: 'NVDA', cycles: '2', capital: '10000', clientId: '703', journalDir } });
    assert.equal(first.result.status, 'finished', first.result.reason);
    const q = sessionOrders(fx)[0]!.totalQuantity;
    assert.deepEqual(simPositions(fx), { NVDA: 500 + q });
    const second = await runSession({ fx, model: 'always-sell', config: { symbols: 'NVDA', cycles: '2', capital: '10000', clientId: '703', journalDir } });
    assert.equal(second.result.status, 'finished', second.result.reason);
    assert.notEqual(second.result.sessionId, first.result.sessionId, 'a new session on the folder');
    const start = linesOf(second.journal, 'session-start')[0]!;
    assert.deepEqual(
      [start.startPositions.NVDA.quantity, start.startPositions.NVDA.held],
      [q, 500 + q],
      'the book of the earlier session, verified against TWS',
    );
    const sells = sessionOrders(fx).filter((o) => o.orderRef.includes(second.result.sessionId!));
    assert.deepEqual(
      sells.map((o) => [o.action, o.totalQuantity]),
      [['SELL', q]],
    );
    assert.deepEqual(simPositions(fx), { NVDA: 500 });
    onceEach(fx, [...first.journal, ...second.journal]);
    figures.safe('book-carries-over-across-sessions');
  } finally {
    await fx.stop();
  }
});

test("the user sells the session's AAPL by hand mid-session: the book shrinks to what TWS holds and the account never goes short", async () => {
  // A minute of market every two wall seconds: the hand-made sale lands between two cycles.
  const fx = await startSim({ speed: 30, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    const user = await otherProgram(fx, 91);
    let sold: Promise<void> | undefined;
    let bought = 0;
    const r = await runSession({
      fx,
      model: 'toggle',
      config: { symbols: 'AAPL', cycles: '4', capital: '10000', clientId: '704' },
      onSession: (s) =>
        s.on('cycle-end', (e) => {
          const held = e.pnl.perSymbol.AAPL?.position ?? 0;
          if (sold || held <= 0) return;
          bought = held;
          sold = trade(user, 'AAPL', 'SELL', held);
        }),
    });
    await sold;
    await user.dispose();
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.ok(sold && bought > 0, 'the user sold what the session had bought');
    const capped = linesOf(r.journal, 'book-capped');
    assert.equal(capped.length, 1, JSON.stringify(capped));
    assert.deepEqual([capped[0]!.symbol, capped[0]!.from, capped[0]!.to, capped[0]!.held], ['AAPL', bought, 0, 0]);
    assert.ok(
      notices(r.events).some((n) => n.level === 'warn' && n.message.includes(`TWS holds 0 AAPL but the book believed ${bought}: the book shrinks to 0`)),
    );
    assert.ok(Math.min(...positionPath(fx, 'AAPL')) >= 0, `never short: ${positionPath(fx, 'AAPL').join(' ')}`);
    // After the cap the model saw a flat book: its next order was a buy, not a second sale.
    const mine = sessionOrders(fx);
    assert.deepEqual(
      mine.slice(0, 2).map((o) => o.action),
      ['BUY', 'BUY'],
    );
    const orders = onceEach(fx, r.journal);
    const end = linesOf(r.journal, 'session-end')[0]!;
    const book = (end.summary.perSymbol as Array<{ symbol: string; position: number }>).find((p) => p.symbol === 'AAPL')!.position;
    assert.equal(book, simPositions(fx).AAPL ?? 0, 'the book is what TWS holds');
    figures.safe('manual-sell-mid-session-no-short');
    figures.fault("manual sell of the session's shares mid-session", { orders, fills: linesOf(r.journal, 'fill').length });
  } finally {
    await fx.stop();
  }
});

test('reconnect with differing positions: shares sold while the session was away shrink the book; it trades no short', async () => {
  const fx = await startSim({ speed: 30, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    let away: Promise<void> | undefined;
    let bought = 0;
    const r = await runSession({
      fx,
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '5', capital: '10000', clientId: '705' },
      onSession: (s) =>
        s.on('cycle-end', (e) => {
          const held = e.pnl.perSymbol.NVDA?.position ?? 0;
          if (away || held <= 0) return;
          bought = held;
          away = (async () => {
            // TWS drops the session and refuses its client id while someone sells its shares.
            fx.sim.options.faults.clientIdInUse = { ids: [705], afterSeconds: 0 };
            fx.sim.dropAll(0);
            const user = await otherProgram(fx, 92);
            await trade(user, 'NVDA', 'SELL', held);
            await user.dispose();
            fx.sim.options.faults.clientIdInUse = undefined;
          })();
        }),
    });
    await away;
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.ok(
      notices(r.events).some((n) => n.message.startsWith('connection to TWS lost')),
      'the session was away',
    );
    const capped = linesOf(r.journal, 'book-capped');
    assert.equal(capped.length, 1, JSON.stringify(capped));
    assert.deepEqual([capped[0]!.symbol, capped[0]!.from, capped[0]!.to, capped[0]!.trigger], ['NVDA', bought, 0, 'reconciliation (reconnect)']);
    const rec = linesOf(r.journal, 'reconcile').find((l) => l.trigger === 'reconnect')!;
    assert.deepEqual(rec.positions.NVDA, { session: bought, tws: 0 }, 'the reconciliation saw the difference');
    assert.ok(Math.min(...positionPath(fx, 'NVDA')) >= 0, `never short: ${positionPath(fx, 'NVDA').join(' ')}`);
    const after = sessionOrders(fx).slice(1);
    assert.ok(
      after.every((o, i) => o.action === (i % 2 === 0 ? 'BUY' : 'SELL')),
      'after the reconnect the model started again from a flat book',
    );
    const orders = onceEach(fx, r.journal);
    figures.fault('reconnect-differing-positions', { orders, fills: linesOf(r.journal, 'fill').length, recoveries: 1 });
  } finally {
    await fx.stop();
  }
});

test('a journal folder restored from an older copy: orders TWS already executed are journaled as found and never sent again', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    let snapshot: string | undefined;
    const first = await runSession({
      fx,
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '6', capital: '10000', clientId: '706' },
      onSession: (s) =>
        s.on('cycle-end', (e) => {
          if (e.cycle === 2) snapshot = readFileSync(s.journalPath!, 'utf8');
        }),
    });
    assert.equal(first.result.status, 'finished', first.result.reason);
    assert.ok(snapshot);
    const before = sessionOrders(fx).map((o) => o.orderRef);
    assert.equal(before.length, 6);

    // The backup from cycle 2, restored into the journal folder.
    const restored = join(tempDir('ownership-restored-'), 'journal');
    mkdirSync(restored, { recursive: true });
    writeFileSync(join(restored, basename(first.result.journalPath!)), snapshot);
    const second = await runSession({ fx, model: 'toggle', config: { symbols: 'NVDA', cycles: '8', capital: '10000', clientId: '706', journalDir: restored } });
    assert.equal(second.result.status, 'finished', second.result.reason);
    assert.equal(second.result.sessionId, first.result.sessionId, 'the restored session resumed');

    const all = sessionOrders(fx).map((o) => o.orderRef);
    assert.deepEqual(
      all.filter((ref, i) => all.indexOf(ref) !== i),
      [],
      'no orderRef reached TWS twice',
    );
    const resent = all.slice(before.length);
    assert.deepEqual(
      resent.map((ref) => parseOrderRef(ref)!.cycle),
      [7, 8],
      'the resumed session numbered its orders past what TWS had',
    );
    assert.ok(
      resent.every((ref) => /^[0-9a-f]{4}$/.test(parseOrderRef(ref)!.run ?? '')),
      'and tagged them with its run: no ref an older copy formed',
    );
    const found = linesOf(second.journal, 'intent')
      .filter((l) => typeof l.found === 'string')
      .map((l) => l.orderRef);
    assert.deepEqual(
      found.sort(),
      before.filter((ref) => parseOrderRef(ref)!.cycle >= 3).sort(),
      'cycles 3-6, missing from the backup, journaled as found at TWS',
    );
    assert.ok(notices(second.events).some((n) => /4 order\(s\) of this session known to TWS but missing from the journal/.test(n.message)));
    assert.deepEqual(byRef(journaledSent(second.journal)), byRef(recordedSent(sessionOrders(fx))), 'the restored journal now knows every order TWS has');
    const end = linesOf(second.journal, 'session-end')[0]!;
    const book = (end.summary.perSymbol as Array<{ symbol: string; position: number }>).find((p) => p.symbol === 'NVDA')!.position;
    assert.equal(book, simPositions(fx).NVDA ?? 0, 'the book is what TWS holds');
    figures.safe('restored-journal-never-resends');
    figures.fault('journal folder restored from an older copy', { orders: all.length, fills: linesOf(second.journal, 'fill').length });
  } finally {
    await fx.stop();
  }
});

test('a manifest sized at 10x the capital is refused at start naming the field and the limit; nothing reaches TWS', async () => {
  const dir = join(tempDir('ownership-lev-'), 'lev');
  mkdirSync(dir, { recursive: true });
  const src = testModel('always-buy');
  copyFileSync(join(src, 'policy.onnx'), join(dir, 'policy.onnx'));
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  manifest.sizing.maxPositionFraction = 10;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const r = await runSession({
    sim: { speed: 60, replayCsv: flatPrices() },
    config: { symbols: 'NVDA,MSFT', cycles: '2', capital: '1000000', clientId: '707', modelDir: dir },
  });
  assert.equal(r.result.status, 'refused');
  assert.equal(r.result.exitCode, 2);
  assert.match(
    r.result.reason,
    /manifest\.json: sizing\.maxPositionFraction 10 would hold 10x the session's capital across its 2 symbol\(s\); without leverage the limit is 1/,
  );
  assert.match(r.result.reason, /--allow-leverage --max-leverage 10/);
  assert.deepEqual(
    r.fx.records().filter((l) => l.dir === 'in'),
    [],
    'refused before connecting: not one message reached TWS',
  );
  figures.badInput('leverage-manifest');

  // A max leverage below the manifest's sizing is refused the same way.
  const low = await runSession({
    sim: { speed: 60, replayCsv: flatPrices() },
    config: { symbols: 'NVDA', cycles: '2', capital: '5000', clientId: '708', modelDir: dir, allowLeverage: true, maxLeverage: '2' },
  });
  assert.equal(low.result.exitCode, 2);
  assert.match(low.result.reason, /sizing\.maxPositionFraction 10 would hold 10x .* beyond --max-leverage 2 \(setting ibkrAi\.session\.maxLeverage\)/);
  assert.deepEqual(placedOrders(low.fx), []);
  figures.badInput('leverage-above-max-leverage');

  // Leverage allowed on purpose without a maximum: TWS's BuyingPower still bounds it (10x $1M is beyond it).
  const bp = await runSession({
    sim: { speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() },
    config: { symbols: 'NVDA', cycles: '2', capital: '1000000', clientId: '709', modelDir: dir, allowLeverage: true },
  });
  assert.equal(bp.result.status, 'finished', bp.result.reason);
  assert.match(notices(bp.events).find((n) => n.message.startsWith('session '))!.message, /leverage allowed \(bounded by BuyingPower\)/);
  const refused = bp.decisions.filter((d) => d.verdict?.rule === 'buyingPower');
  assert.ok(refused.length >= 1, 'the order beyond BuyingPower was refused');
  assert.match(refused[0]!.reason, /is more than the account can buy \(TWS BuyingPower left: /);
  assert.deepEqual(placedOrders(bp.fx), [], 'nothing sent');
  figures.safe('buying-power-bounds-leverage');
});

test('103 Duplicate order id (another client used the id): the same intent goes once more under a fresh id, same orderRef, journaled', async () => {
  const r = await runSession({
    sim: { speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices(), faultSpecs: ['duplicate-order-id'] },
    model: 'always-buy',
    config: { symbols: 'NVDA', cycles: '2', capital: '10000', clientId: '710' },
  });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const sent = sessionOrders(r.fx);
  assert.equal(sent.length, 2, 'the refused placeOrder and the one that went');
  assert.equal(sent[0]!.orderRef, sent[1]!.orderRef, 'the same intent: one orderRef');
  assert.ok(sent[1]!.orderId > sent[0]!.orderId, 'a fresh order id');
  const dup = r.fx.records().filter((l) => l.dir === 'out' && l.name === 'error' && l.fields[3] === '103');
  assert.deepEqual(
    dup.map((l) => Number(l.fields[2])),
    [sent[0]!.orderId],
    '103 answered the first id only',
  );
  assert.ok(
    r.fx.records().some((l) => l.dir === 'in' && l.name === 'reqIds'),
    'a fresh id from reqIds',
  );
  assert.equal(linesOf(r.journal, 'intent').length, 1, 'one intent');
  const re = linesOf(r.journal, 'order-reassigned');
  assert.deepEqual(
    re.map((l) => [l.orderRef, l.previousOrderId, l.orderId]),
    [[sent[0]!.orderRef, sent[0]!.orderId, sent[1]!.orderId]],
  );
  const atTws = [...r.fx.sim.engine.orders.values()].filter((o) => o.order.orderRef === sent[0]!.orderRef);
  assert.equal(atTws.length, 1, 'one order at TWS');
  assert.deepEqual(simPositions(r.fx), { NVDA: sent[1]!.totalQuantity }, 'bought once');
  const end = linesOf(r.journal, 'session-end')[0]!;
  assert.equal((end.summary.perSymbol as Array<{ position: number }>)[0]!.position, sent[1]!.totalQuantity);
  figures.fault('duplicate-order-id (103) recovered', { orders: 1, fills: linesOf(r.journal, 'fill').length });
});

test("--adopt-positions takes what TWS holds into the book on purpose: said in the start line, journaled, then traded as the book's", async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  try {
    const other = await otherProgram(fx, 93);
    await trade(other, 'NVDA', 'BUY', 40);
    await other.dispose();
    const r = await runSession({ fx, model: 'always-sell', config: { symbols: 'NVDA', cycles: '2', capital: '10000', clientId: '711', adoptPositions: true } });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.match(notices(r.events).find((n) => n.message.startsWith('session '))!.message, /positions: held ones adopted into the book \(--adopt-positions\)/);
    const start = linesOf(r.journal, 'session-start')[0]!;
    assert.deepEqual([start.adoptPositions, start.startPositions.NVDA.quantity, start.startPositions.NVDA.adopted], [true, 40, 40]);
    assert.deepEqual(
      sessionOrders(fx).map((o) => [o.action, o.totalQuantity]),
      [['SELL', 40]],
      'adopted, so the model may sell them',
    );
    assert.deepEqual(simPositions(fx), {});
    onceEach(fx, r.journal);
    figures.safe('adopt-positions-only-on-purpose');
  } finally {
    await fx.stop();
  }
});
