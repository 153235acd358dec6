// The ledger folded from journal lines, and which session a start on a journal directory continues.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalLine } from '../../../src/extension/session/journal';
import { SessionLedger, applyFill } from '../../../src/extension/session/sessionLedger';
import { planJournal, resumeProblem } from '../../../src/extension/session/sessionResume';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'resume-'));
  dirs.push(d);
  return d;
}

let t = 1000;
const line = (type: string, data: Record<string, unknown> = {}): JournalLine => ({ t: t++, type, ...data });
const START = line('session-start', {
  sessionId: 's1',
  mode: 'paper',
  account: 'DU1',
  clientId: 7,
  host: 'h',
  port: 1,
  symbols: ['SPY', 'QQQ'],
  cycleSeconds: 60,
  cycles: 10,
  capital: 20000,
  capitalPerSymbol: 10000,
  model: { name: 'm', dir: '/m', sha256: 'x', barSize: '1 min' },
  risk: {},
  flattenOnStop: false,
  conIds: { SPY: 1, QQQ: 2 },
  startPositions: { SPY: { quantity: 0, price: 100 }, QQQ: { quantity: 10, price: 50 } },
});
const intent = (cycle: number, symbol: string, action: 'BUY' | 'SELL', quantity: number, orderId: number) =>
  line('intent', {
    orderRef: `ibkrai:s1:${cycle}:${symbol}`,
    orderId,
    cycle,
    symbol,
    kind: 'policy',
    action,
    quantity,
    orderType: 'MKT',
    tif: 'DAY',
    account: 'DU1',
    clientId: 7,
    marketTime: 0,
  });
const fill = (execId: string, cycle: number, symbol: string, side: 'BUY' | 'SELL', shares: number, price: number) =>
  line('fill', { execId, orderRef: `ibkrai:s1:${cycle}:${symbol}`, orderId: 0, symbol, side, shares, price, time: '' });

const JOURNAL: JournalLine[] = [
  START,
  line('cycle-start', { cycle: 1, marketTime: 60_000 }),
  line('decision', { cycle: 1, symbol: 'SPY', outcome: 'order' }),
  line('decision', { cycle: 1, symbol: 'QQQ', outcome: 'blocked', verdict: { allowed: false, rule: 'maxPosition' } }),
  intent(1, 'SPY', 'BUY', 100, 11),
  line('order-status', { orderRef: 'ibkrai:s1:1:SPY', orderId: 11, state: 'submitted', filled: 0, avgFillPrice: 0 }),
  fill('e1', 1, 'SPY', 'BUY', 60, 100),
  fill('e2', 1, 'SPY', 'BUY', 40, 101),
  line('commission', { execId: 'e1', orderRef: 'ibkrai:s1:1:SPY', commission: 1 }),
  line('commission', { execId: 'e1', orderRef: 'ibkrai:s1:1:SPY', commission: 1 }),
  fill('e1', 1, 'SPY', 'BUY', 60, 100),
  line('order-status', { orderRef: 'ibkrai:s1:1:SPY', orderId: 11, state: 'filled', filled: 100, avgFillPrice: 100.4 }),
  line('cycle-start', { cycle: 2, marketTime: 120_000 }),
  line('pnl', { cycle: 2, marks: { SPY: 102, QQQ: 49 } }),
  intent(2, 'SPY', 'SELL', 50, 12),
  intent(2, 'SPY', 'SELL', 999, 13),
  fill('e3', 2, 'SPY', 'SELL', 50, 103),
  line('commission', { execId: 'e3', orderRef: 'ibkrai:s1:2:SPY', commission: 1.25 }),
  intent(2, 'QQQ', 'SELL', 10, 14),
  line('stop-out', { symbol: 'QQQ', marketTime: 120_000 }),
];

describe('session ledger (the journal folded)', () => {
  it('rebuilds cycles, intents and their states, fills and commissions, each once', () => {
    const l = SessionLedger.fromLines(JOURNAL);
    assert.equal(l.sessionId, 's1');
    assert.equal(l.lastCycle, 2);
    assert.equal(l.lastMarketTime, 120_000);
    assert.equal(l.decisions, 2);
    assert.deepEqual(Object.fromEntries(l.blocks), { maxPosition: 1 });
    assert.deepEqual([...l.intents.keys()], ['ibkrai:s1:1:SPY', 'ibkrai:s1:2:SPY', 'ibkrai:s1:2:QQQ']);
    assert.equal(l.intents.get('ibkrai:s1:2:SPY')!.quantity, 50, 'an orderRef stands for its first intent only');
    assert.deepEqual([l.intents.get('ibkrai:s1:1:SPY')!.state, l.intents.get('ibkrai:s1:1:SPY')!.filled], ['filled', 100]);
    assert.equal(l.intentByOrderId(12)!.orderRef, 'ibkrai:s1:2:SPY');
    assert.equal(l.intentByOrderId(13), undefined);
    assert.deepEqual(
      l.openIntents().map((i) => i.orderRef),
      ['ibkrai:s1:2:SPY', 'ibkrai:s1:2:QQQ'],
    );
    assert.equal(l.fills.size, 3, 'a repeated execution counts once');
    assert.deepEqual(l.stopOuts, [{ symbol: 'QQQ', marketTime: 120_000 }]);
  });

  it('P&L: average price, realized on the closed part, marked unrealized, commissions once; the start position from its start price', () => {
    const l = SessionLedger.fromLines(JOURNAL);
    const spy = l.book('SPY');
    assert.deepEqual([spy.quantity, spy.bought, spy.sold, spy.fills], [50, 100, 50, 3]);
    assert.ok(Math.abs(spy.basis - 100.4) < 1e-12);
    assert.ok(Math.abs(spy.realized - 50 * (103 - 100.4)) < 1e-9);
    assert.equal(spy.commissions, 2.25);
    const p = l.pnl();
    assert.ok(Math.abs(p.perSymbol.SPY!.unrealized - 50 * (102 - 100.4)) < 1e-9);
    assert.deepEqual([p.perSymbol.QQQ!.position, p.perSymbol.QQQ!.unrealized], [10, 10 * (49 - 50)]);
    assert.ok(Math.abs(p.net - (130 + 80 - 10 - 2.25)) < 1e-9, `net ${p.net}`);
  });

  it('average-cost bookkeeping across a flip', () => {
    const b = {
      symbol: 'X',
      startQuantity: 0,
      quantity: 10,
      basis: 100,
      realized: 0,
      commissions: 0,
      mark: undefined,
      bought: 0,
      sold: 0,
      fills: 0,
      capped: 0,
    };
    applyFill(b, -15, 110);
    assert.deepEqual([b.quantity, b.basis, b.realized], [-5, 110, 100]);
    applyFill(b, 5, 100);
    assert.deepEqual([b.quantity, b.basis, b.realized], [0, 0, 150]);
  });
});

describe('starting on a journal directory', () => {
  it('an empty or missing directory: a new session', () => {
    const p = planJournal(join(tmp(), 'none'), () => 'new-1');
    assert.deepEqual([p.sessionId, p.resume, p.lines.length], ['new-1', false, 0]);
  });

  it('the newest session without an end is resumed from its file (a torn last line dropped)', () => {
    const dir = tmp();
    writeFileSync(join(dir, '20240101T000000Z-aaaa.jsonl'), JSON.stringify(line('session-end', { status: 'finished' })) + '\n');
    const path = join(dir, '20250101T000000Z-bbbb.jsonl');
    writeFileSync(
      path,
      JOURNAL.map((l) => JSON.stringify({ ...l, ...(l.type === 'session-start' ? { sessionId: '20250101T000000Z-bbbb' } : {}) })).join('\n') + '\n',
    );
    appendFileSync(path, '{"t":1,"type":"fill","execId":"torn');
    const p = planJournal(dir, () => 'unused');
    assert.equal(p.resume, true);
    assert.equal(p.sessionId, '20250101T000000Z-bbbb');
    assert.equal(p.path, path);
    assert.equal(p.ledger.lastCycle, 2);
    assert.equal(p.ledger.fills.size, 3);
  });

  it('after a finished session a new one begins; one stopped by a rule is reported', () => {
    const dir = tmp();
    const j = Journal.open(dir, '20250101T000000Z-cccc');
    j.append('session-start', { ...START, sessionId: '20250101T000000Z-cccc' });
    j.append('cycle-start', { cycle: 3, marketTime: 777 });
    j.append('risk-stop', { rule: 'dailyLossLimit', reason: 'loss today 12.00 reached the daily loss limit of 10', flatten: false });
    j.append('session-end', { status: 'stopped', reason: 'x', exitCode: 4 });
    j.close();
    const p = planJournal(dir, () => '20250102T000000Z-dddd');
    assert.deepEqual([p.sessionId, p.resume], ['20250102T000000Z-dddd', false]);
    assert.deepEqual(p.previous, {
      sessionId: '20250101T000000Z-cccc',
      rule: 'dailyLossLimit',
      reason: 'loss today 12.00 reached the daily loss limit of 10',
      lastMarketTime: 777,
    });
  });

  it('after a session that reached the daily loss limit (and went on reduce-only), the next one knows when', () => {
    const dir = tmp();
    const j = Journal.open(dir, '20250101T000000Z-eeee');
    j.append('session-start', { ...START, sessionId: '20250101T000000Z-eeee' });
    j.append('cycle-start', { cycle: 2, marketTime: 555 });
    j.append('loss-limit', { rule: 'dailyLossLimit', reason: 'loss today 1.73 reached the daily loss limit of 1.5', marketTime: 555, flatten: false });
    j.append('cycle-start', { cycle: 3, marketTime: 666 });
    j.append('kill', { reason: 'Ctrl-C', flatten: false });
    j.append('session-end', { status: 'stopped', reason: 'kill switch', exitCode: 4 });
    j.close();
    const p = planJournal(dir, () => '20250102T000000Z-ffff');
    assert.deepEqual(p.previous, {
      sessionId: '20250101T000000Z-eeee',
      rule: 'dailyLossLimit',
      reason: 'the daily loss limit was reached',
      lastMarketTime: 555,
    });
    assert.deepEqual(SessionLedger.fromLines(Journal.read(join(dir, '20250101T000000Z-eeee.jsonl'))).lossLimits, [555]);
  });

  it('a new session never takes the id of a journal already in the folder (it would append to it)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'same.jsonl'), JSON.stringify(line('session-end', { status: 'finished' })) + '\n');
    const ids = ['same', 'same', 'other'];
    assert.equal(planJournal(dir, () => ids.shift()!).sessionId, 'other');
    assert.throws(() => planJournal(dir, () => 'same'), /could not choose a session id/);
  });

  it('a resumed session keeps its client id, account and mode, and says how to resume it', () => {
    const l = SessionLedger.fromLines([START]);
    assert.equal(resumeProblem(l, { account: 'DU1', clientId: 7, mode: 'paper' }), undefined);
    assert.match(resumeProblem(l, { account: 'DU1', clientId: 8, mode: 'paper' })!, /placed its orders with client id 7; resume it with --client-id 7/);
    assert.match(resumeProblem(l, { account: 'DU2', clientId: 7, mode: 'paper' })!, /traded account DU1, but TWS now reports DU2/);
    assert.match(resumeProblem(l, { account: 'DU1', clientId: 7, mode: 'shadow' })!, /ran in paper mode; resume it with --mode paper/);
    assert.match(resumeProblem(l, { account: 'DU1', clientId: 7, mode: 'paper', symbols: ['SPY'] })!, /trades SPY,QQQ; resume it with --symbols SPY,QQQ/);
    assert.match(
      resumeProblem(l, { account: 'DU1', clientId: 7, mode: 'paper', symbols: ['SPY', 'QQQ'], cycleSeconds: 30 })!,
      /runs 60-second cycles; resume it with --cycle 60/,
    );
    assert.equal(resumeProblem(l, { account: 'DU1', clientId: 7, mode: 'paper', symbols: ['SPY', 'QQQ'], cycleSeconds: 60 }), undefined);
  });
});
