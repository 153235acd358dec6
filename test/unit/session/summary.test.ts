import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournalLine } from '../../../src/extension/session/journal';
import { SessionLedger } from '../../../src/extension/session/sessionLedger';
import { formatSummary, summarize } from '../../../src/extension/session/summary';

let t = 0;
const line = (type: string, data: Record<string, unknown> = {}): JournalLine => ({ t: t++, type, ...data });
const intent = (ref: string, symbol: string, action: string, quantity: number, orderId: number) =>
  line('intent', {
    orderRef: ref,
    orderId,
    cycle: 1,
    symbol,
    kind: 'policy',
    action,
    quantity,
    orderType: 'MKT',
    tif: 'DAY',
    account: 'DU1',
    clientId: 1,
    marketTime: 0,
  });
const status = (ref: string, state: string, filled = 0) => line('order-status', { orderRef: ref, orderId: 0, state, filled, avgFillPrice: 0 });

const ledger = SessionLedger.fromLines([
  line('session-start', {
    sessionId: 's9',
    mode: 'paper',
    account: 'DU1',
    clientId: 1,
    symbols: ['AAA', 'BBB'],
    cycles: 5,
    capital: 1000,
    capitalPerSymbol: 500,
    startPositions: {},
  }),
  line('session-resume'),
  line('cycle-start', { cycle: 1 }),
  line('cycle-start', { cycle: 2 }),
  line('cycle-start', { cycle: 3 }),
  line('decision', { outcome: 'blocked', verdict: { rule: 'maxOrderQuantity' } }),
  line('decision', { outcome: 'blocked', verdict: { rule: 'maxOrderQuantity' } }),
  line('decision', { outcome: 'blocked', verdict: { rule: 'tradingHours' } }),
  line('decision', { outcome: 'order' }),
  intent('r1', 'AAA', 'BUY', 10, 1),
  line('fill', { execId: 'x1', orderRef: 'r1', orderId: 1, symbol: 'AAA', side: 'BUY', shares: 10, price: 20, time: '' }),
  line('commission', { execId: 'x1', orderRef: 'r1', commission: 1 }),
  status('r1', 'filled', 10),
  intent('r2', 'AAA', 'SELL', 10, 2),
  line('fill', { execId: 'x2', orderRef: 'r2', orderId: 2, symbol: 'AAA', side: 'SELL', shares: 4, price: 22, time: '' }),
  line('commission', { execId: 'x2', orderRef: 'r2', commission: 1 }),
  status('r2', 'cancelled', 4),
  intent('r3', 'BBB', 'BUY', 5, 3),
  status('r3', 'rejected'),
  intent('r4', 'BBB', 'BUY', 5, 4),
  line('order-not-sent', { orderRef: 'r4', reason: 'not ready' }),
  intent('r5', 'BBB', 'BUY', 5, 5),
  status('r5', 'not-at-tws'),
  intent('r6', 'BBB', 'BUY', 5, 6),
  line('pnl', { marks: { AAA: 21, BBB: 9 } }),
  line('risk-stop', { rule: 'dailyLossLimit', reason: 'loss today 5.00 reached the daily loss limit of 5' }),
]);

describe('session summary', () => {
  it('counts orders by outcome, refusals by rule, and P&L per symbol and in total', () => {
    const s = summarize(ledger, { status: 'stopped', reason: 'dailyLossLimit: loss' });
    assert.equal(s.sessionId, 's9');
    assert.deepEqual(s.cycles, { done: 3, planned: 5 });
    assert.equal(s.restarts, 1);
    assert.equal(s.decisions, 4);
    assert.deepEqual(s.orders, { total: 6, filled: 1, partiallyFilled: 1, cancelled: 1, rejected: 1, notSent: 1, notAtTws: 1, working: 1 });
    assert.deepEqual(s.blocked, { maxOrderQuantity: 2, tradingHours: 1 });
    assert.equal(s.trades, 2);
    const aaa = s.perSymbol.find((p) => p.symbol === 'AAA')!;
    assert.deepEqual([aaa.orders, aaa.fills, aaa.bought, aaa.sold, aaa.position, aaa.mark], [2, 2, 10, 4, 6, 21]);
    assert.equal(aaa.realized, 8);
    assert.equal(aaa.unrealized, 6);
    assert.equal(aaa.commissions, 2);
    assert.equal(aaa.net, 12);
    assert.deepEqual(s.totals, { realized: 8, unrealized: 6, commissions: 2, net: 12 });
    assert.deepEqual(s.riskStop, { rule: 'dailyLossLimit', reason: 'loss today 5.00 reached the daily loss limit of 5' });
  });

  it('prints a header, one row per symbol and the totals', () => {
    const text = formatSummary(summarize(ledger, { status: 'stopped', reason: 'dailyLossLimit: loss' }));
    const lines = text.split('\n');
    assert.equal(lines[0], 'session s9 (paper, account DU1): stopped - dailyLossLimit: loss');
    assert.match(
      lines[1]!,
      /^cycles 3\/5, resumed 1x; 4 decisions; orders 6: 1 filled, 1 partly filled, 1 cancelled, 1 rejected, 2 never reached TWS, 1 working$/,
    );
    assert.equal(lines[2], 'blocked by rules: maxOrderQuantity 2, tradingHours 1');
    assert.match(lines[3]!, /^symbol +orders +fills +bought +sold +position +mark +realized +unrealized +commissions +net$/);
    assert.match(lines[4]!, /^AAA +2 +2 +10 +4 +6 +21\.00 +8\.00 +6\.00 +2\.00 +12\.00$/);
    assert.match(lines[5]!, /^BBB +4 +0 +0 +0 +0 +9\.00 +0\.00 +0\.00 +0\.00 +0\.00$/);
    assert.match(lines[6]!, /^total +6 +2 .* 8\.00 +6\.00 +2\.00 +12\.00$/);
    assert.equal(lines[7], 'stopped by dailyLossLimit: loss today 5.00 reached the daily loss limit of 5');
  });
});
