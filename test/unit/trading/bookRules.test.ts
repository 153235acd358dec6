// The book's rules: it owns only its own fills; TWS's smaller position caps it; a long-only
// book never sells below zero nor more than TWS holds; the book carries over to the next
// session on the folder; a 103 re-id and orders found at TWS fold into the ledger; leverage.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capToHeld, describeExternal, externalQuantity, ownershipProblem } from '../../../src/extension/trading/bookRules';
import { Journal, type JournalLine } from '../../../src/extension/session/journal';
import { RiskEngine, type AccountView } from '../../../src/extension/trading/riskEngine';
import { ConfigError, leverageProblem, parseSessionConfig } from '../../../src/extension/session/sessionConfig';
import { SessionLedger } from '../../../src/extension/session/sessionLedger';
import { carriedBook, planJournal } from '../../../src/extension/session/sessionResume';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let t = 1;
const line = (type: string, data: Record<string, unknown> = {}): JournalLine => ({ t: t++, type, ...data });
const start = (sessionId: string, startPositions: Record<string, unknown>) =>
  line('session-start', {
    sessionId,
    mode: 'paper',
    account: 'DU1',
    clientId: 7,
    host: 'h',
    port: 1,
    symbols: ['NVDA'],
    cycleSeconds: 60,
    cycles: 10,
    capital: 10000,
    capitalPerSymbol: 10000,
    model: { name: 'm', dir: '/m', sha256: 'x', barSize: '1 min' },
    risk: {},
    flattenOnStop: false,
    conIds: { NVDA: 11 },
    startPositions,
  });
const intent = (sid: string, cycle: number, action: 'BUY' | 'SELL', quantity: number, orderId: number) =>
  line('intent', {
    orderRef: `ibkrai:${sid}:${cycle}:NVDA`,
    orderId,
    cycle,
    symbol: 'NVDA',
    kind: 'policy',
    action,
    quantity,
    orderType: 'MKT',
    tif: 'DAY',
    account: 'DU1',
    clientId: 7,
    marketTime: 0,
  });
const fill = (sid: string, execId: string, cycle: number, side: 'BUY' | 'SELL', shares: number, price = 100) =>
  line('fill', { execId, orderRef: `ibkrai:${sid}:${cycle}:NVDA`, orderId: 0, symbol: 'NVDA', side, shares, price, time: '' });

describe('book rules', () => {
  it('capToHeld: the book never holds more than TWS, never flips, and is never raised by TWS', () => {
    assert.equal(capToHeld(100, 500), 100, 'TWS holds more: the rest is external, the book stays');
    assert.equal(capToHeld(100, 40), 40, 'sold by hand: the book shrinks to what is left');
    assert.equal(capToHeld(100, 0), 0);
    assert.equal(capToHeld(100, -30), 0, 'never flips to short');
    assert.equal(capToHeld(0, 500), 0, "what the book never bought is not the book's");
    assert.equal(capToHeld(-50, -20), -20);
    assert.equal(capToHeld(-50, 10), 0);
    assert.equal(externalQuantity(100, 600), 500);
    assert.equal(externalQuantity(100, 100), 0);
    assert.equal(describeExternal('NVDA', 500), 'NVDA: 500 held outside this book, left alone');
  });

  it('ownershipProblem: a long-only book sells at most what it owns and what TWS holds', () => {
    assert.equal(ownershipProblem('NVDA', 10, 0, 500, false), undefined, 'buys are not an ownership question');
    assert.equal(ownershipProblem('NVDA', -100, 100, 600, false), undefined, 'its own 100 may go');
    assert.match(ownershipProblem('NVDA', -500, 0, 500, false) ?? '', /the book owns 0 shares and this model is long-only/);
    assert.match(ownershipProblem('AAPL', -100, 100, 0, false) ?? '', /more than the 0 shares TWS holds: the account would go short/);
    assert.equal(ownershipProblem('NVDA', -100, 0, 0, true), undefined, 'a short-selling model is not limited here');
  });

  it('ownershipProblem: the book stays on the side of a position held outside it (TWS nets one position per account)', () => {
    // 500 held by another program: a short-selling model may not short against them (it would sell them) ...
    assert.match(ownershipProblem('NVDA', -100, 0, 500, true, 500) ?? '', /while 500 shares are held outside it: .* would sell those shares/);
    // ... but may sell its own long down to flat.
    assert.equal(ownershipProblem('NVDA', -100, 100, 600, true, 500), undefined);
    assert.equal(ownershipProblem('NVDA', -100, 0, 0, true, 0), undefined, "no outside position: a short is the book's own");
    // 300 short outside the book: a buy that would take the book long covers that short.
    assert.match(ownershipProblem('NVDA', 50, 0, -300, false, -300) ?? '', /while 300 shares are short outside it: .* would cover that short/);
    assert.equal(ownershipProblem('NVDA', 50, -100, -400, true, -300), undefined, "covering the book's own short is its business");
  });

  it('the risk engine refuses a sell of shares the book does not own, and buys beyond BuyingPower', () => {
    const risk = new RiskEngine({ tradingHours: null, allowShort: false });
    const view = (q: number, held: number, buyingPower?: number): AccountView => ({
      connection: 'connected',
      equity: 10000,
      positions: new Map([['NVDA', { quantity: q, avgCost: 100, marketPrice: 100 }]]),
      held: new Map([['NVDA', held]]),
      ...(buyingPower !== undefined ? { buyingPower } : {}),
    });
    const v = risk.check({ symbol: 'NVDA', quantity: -500, price: 100 }, view(0, 500));
    assert.equal(v.rule, 'ownership');
    assert.equal(risk.check({ symbol: 'NVDA', quantity: -50, price: 100 }, view(50, 550)).allowed, true);
    assert.equal(risk.check({ symbol: 'NVDA', quantity: -50, price: 100 }, view(50, 0)).rule, 'ownership');
    const bp = risk.check({ symbol: 'NVDA', quantity: 30, price: 100 }, view(0, 0, 2000));
    assert.equal(bp.rule, 'buyingPower');
    assert.match(bp.reason, /3000\.00 is more than the account can buy \(TWS BuyingPower left: 2000\.00\)/);
    assert.equal(risk.check({ symbol: 'NVDA', quantity: 20, price: 100 }, view(0, 0, 2000)).allowed, true);
    assert.equal(risk.check({ symbol: 'NVDA', quantity: -20, price: 100 }, view(50, 50, 0)).allowed, true, 'selling needs no buying power');
  });
});

describe('the ledger of a book', () => {
  it('book-capped shrinks the book to what TWS holds; the start carries symbols outside the session', () => {
    const l = SessionLedger.fromLines([
      start('s1', { NVDA: { quantity: 0, price: 100, held: 500 }, AAPL: { quantity: 30, price: 180, conId: 22 } }),
      line('cycle-start', { cycle: 1, marketTime: 1 }),
      intent('s1', 1, 'BUY', 100, 5),
      fill('s1', 'e1', 1, 'BUY', 100),
      line('book-capped', { symbol: 'NVDA', from: 100, to: 40, held: 40, reason: 'sold by hand' }),
    ]);
    assert.equal(l.book('NVDA').quantity, 40, 'the 500 held outside the book never joined it; 60 of its own were sold by hand');
    assert.equal(l.book('NVDA').capped, 60);
    assert.equal(l.book('AAPL').quantity, 30, 'carried from an earlier session though not traded now');
  });

  it('an intent found at TWS moves the cycle numbering past it; a 103 re-id keeps the orderRef with the new order id', () => {
    const l = SessionLedger.fromLines([
      start('s1', {}),
      line('cycle-start', { cycle: 2, marketTime: 1 }),
      intent('s1', 5, 'BUY', 10, 40),
      intent('s1', 6, 'BUY', 10, 41),
      line('order-status', { orderRef: 'ibkrai:s1:6:NVDA', orderId: 41, state: 'rejected', filled: 0, avgFillPrice: 0, note: 'Duplicate order id' }),
      line('order-reassigned', { orderRef: 'ibkrai:s1:6:NVDA', orderId: 57, previousOrderId: 41, reason: '103' }),
    ]);
    assert.equal(l.lastCycle, 6, 'the next cycle is 7: no orderRef is formed twice');
    const rec = l.intents.get('ibkrai:s1:6:NVDA')!;
    assert.deepEqual([rec.orderId, rec.state], [57, 'pendingSubmit']);
    assert.equal(l.intentByOrderId(57)?.orderRef, 'ibkrai:s1:6:NVDA');
    assert.equal(l.intentByOrderId(41), undefined, "the refused id is not the session's order");
    assert.ok(l.openIntents().some((i) => i.orderRef === 'ibkrai:s1:6:NVDA'));
  });

  it("a new session on the folder starts from the book the last one left (never from TWS's other shares)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'book-'));
    dirs.push(dir);
    const j = Journal.open(dir, '20240101T000000Z-0001');
    for (const l of [
      start('20240101T000000Z-0001', { NVDA: { quantity: 0, price: 100, held: 500, conId: 11 } }),
      line('cycle-start', { cycle: 1, marketTime: 1 }),
      intent('20240101T000000Z-0001', 1, 'BUY', 70, 5),
      fill('20240101T000000Z-0001', 'e1', 1, 'BUY', 70),
      line('session-end', { status: 'finished', reason: 'done', exitCode: 0 }),
    ]) {
      const { t: _t, type, ...data } = l;
      j.append(type, data);
    }
    j.close();
    const plan = planJournal(dir, () => '20240102T000000Z-0002');
    assert.equal(plan.resume, false);
    assert.deepEqual(plan.carried, { NVDA: { quantity: 70, price: 100, conId: 11 } });
    assert.deepEqual(carriedBook(new SessionLedger()), {});
  });
});

describe('leverage', () => {
  it('a manifest sized beyond the capital is refused naming the field and the limit', () => {
    const noLev = parseSessionConfig({ symbols: 'NVDA,MSFT', modelDir: '/m' });
    assert.equal(noLev.maxLeverage, 1);
    assert.equal(leverageProblem('/m/manifest.json', 1, 2, noLev), undefined);
    assert.match(
      leverageProblem('/m/manifest.json', 10, 2, noLev) ?? '',
      /^\/m\/manifest\.json: sizing\.maxPositionFraction 10 would hold 10x the session's capital across its 2 symbol\(s\); without leverage the limit is 1/,
    );
    const lev = parseSessionConfig({ symbols: 'NVDA', modelDir: '/m', allowLeverage: true, maxLeverage: '2' });
    assert.equal(leverageProblem('/m/manifest.json', 2, 1, lev), undefined);
    assert.match(leverageProblem('/m/manifest.json', 3, 1, lev) ?? '', /beyond --max-leverage 2/);
    assert.equal(
      leverageProblem('/m/manifest.json', 10, 1, parseSessionConfig({ symbols: 'NVDA', modelDir: '/m', allowLeverage: true })),
      undefined,
      'no max: BuyingPower bounds it',
    );
    assert.throws(
      () => parseSessionConfig({ symbols: 'NVDA', modelDir: '/m', maxLeverage: '3' }),
      (e: unknown) => e instanceof ConfigError && /--max-leverage \(setting ibkrAi\.session\.maxLeverage\): 3 needs --allow-leverage/.test(e.message),
    );
    const adopt = parseSessionConfig({ symbols: 'NVDA', modelDir: '/m', adoptPositions: 'true' });
    assert.equal(adopt.adoptPositions, true);
    assert.equal(parseSessionConfig({ symbols: 'NVDA', modelDir: '/m' }).adoptPositions, false, 'external positions are left alone by default');
  });
});
