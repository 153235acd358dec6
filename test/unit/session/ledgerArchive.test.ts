// A long session's ledger keeps the newest settled intents in full and folds older ones into
// counts: the summary stays exact, and an archived orderRef or execution is still known, so a
// line repeated for it (a journal replay, TWS re-sending the day's executions) changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournalLine } from '../../../src/extension/session/journal';
import { SessionLedger } from '../../../src/extension/session/sessionLedger';
import { summarize } from '../../../src/extension/session/summary';

let t = 0;
const line = (type: string, data: Record<string, unknown> = {}): JournalLine => ({ t: t++, type, ...data });
const intent = (ref: string, symbol: string, action: 'BUY' | 'SELL', quantity: number, orderId: number, cycle: number) =>
  line('intent', {
    orderRef: ref,
    orderId,
    cycle,
    symbol,
    kind: 'policy',
    action,
    quantity,
    orderType: 'MKT',
    tif: 'DAY',
    account: 'DU1',
    clientId: 1,
    marketTime: cycle,
  });
const fill = (execId: string, ref: string, orderId: number, symbol: string, side: 'BUY' | 'SELL', shares: number, price: number) =>
  line('fill', { execId, orderRef: ref, orderId, symbol, side, shares, price, time: '' });

/** 1,200 orders: AAA trades every cycle (filled, alternating buy and sell; every 7th cancelled
 *  partly filled), BBB's three orders are rejected early on and it never trades again. */
function session(): JournalLine[] {
  const lines: JournalLine[] = [
    line('session-start', {
      sessionId: 'long',
      mode: 'paper',
      account: 'DU1',
      clientId: 1,
      symbols: ['AAA', 'BBB'],
      cycles: 2000,
      capital: 1e6,
      capitalPerSymbol: 5e5,
      startPositions: {},
    }),
  ];
  let id = 0;
  for (let c = 1; c <= 3; c++) {
    const ref = `ibkrai:long:${c}:BBB`;
    lines.push(intent(ref, 'BBB', 'BUY', 5, ++id, c), line('order-status', { orderRef: ref, orderId: id, state: 'rejected', filled: 0, note: `no ${c}` }));
  }
  for (let c = 4; c < 1201; c++) {
    const ref = `ibkrai:long:${c}:AAA`;
    const side = c % 2 === 0 ? 'BUY' : 'SELL';
    const partial = c % 7 === 0;
    const shares = partial ? 4 : 10;
    lines.push(
      intent(ref, 'AAA', side, 10, ++id, c),
      fill(`e${c}`, ref, id, 'AAA', side, shares, 100 + (c % 5)),
      line('commission', { execId: `e${c}`, orderRef: ref, commission: 1 }),
      line('order-status', { orderRef: ref, orderId: id, state: partial ? 'cancelled' : 'filled', filled: shares, avgFillPrice: 100 + (c % 5) }),
    );
  }
  return lines;
}

describe('ledger archive (a long session)', () => {
  it('keeps the newest settled intents in full and the summary exact', () => {
    const lines = session();
    const ledger = SessionLedger.fromLines(lines);
    assert.ok(ledger.intents.size <= 503, `intents held in full: ${ledger.intents.size}`);
    assert.ok(ledger.fills.size <= 500, `executions held in full: ${ledger.fills.size}`);
    const s = summarize(ledger);
    const aaa = 1197;
    const partial = [...Array(aaa).keys()].map((i) => i + 4).filter((c) => c % 7 === 0).length;
    assert.equal(s.orders.total, aaa + 3);
    assert.equal(s.orders.filled, aaa - partial);
    assert.equal(s.orders.cancelled, partial);
    assert.equal(s.orders.partiallyFilled, partial);
    assert.equal(s.orders.rejected, 3);
    assert.equal(s.trades, aaa);
    assert.deepEqual(
      s.perSymbol.map((p) => [p.symbol, p.orders, p.fills]),
      [
        ['AAA', aaa, aaa],
        ['BBB', 3, 0],
      ],
    );
    assert.equal(s.totals.commissions, aaa);
  });

  it("keeps each symbol's last 3 intents (the suspension rule reads them)", () => {
    const ledger = SessionLedger.fromLines(session());
    const bbb = [...ledger.intents.values()].filter((i) => i.symbol === 'BBB');
    assert.deepEqual(
      bbb.map((i) => [i.orderRef, i.state]),
      [1, 2, 3].map((c) => [`ibkrai:long:${c}:BBB`, 'rejected']),
    );
  });

  it('an archived orderRef or execution repeated changes nothing', () => {
    const ledger = SessionLedger.fromLines(session());
    const ref = 'ibkrai:long:4:AAA';
    assert.equal(ledger.intents.has(ref), false, 'the oldest AAA order is archived');
    assert.equal(ledger.knowsIntent(ref), true);
    assert.equal(ledger.knowsFill('e4'), true);
    const before = JSON.stringify([summarize(ledger), ledger.pnl()]);
    ledger.apply(intent(ref, 'AAA', 'BUY', 10, 99_999, 4));
    ledger.apply(fill('e4', ref, 5, 'AAA', 'BUY', 10, 100));
    ledger.apply(line('commission', { execId: 'e4', orderRef: ref, commission: 1 }));
    ledger.apply(line('order-status', { orderRef: ref, orderId: 5, state: 'filled', filled: 10, avgFillPrice: 100 }));
    assert.equal(JSON.stringify([summarize(ledger), ledger.pnl()]), before);
    assert.equal(ledger.intentByOrderId(99_999), undefined);
  });

  it('an intent waiting for a commission is not archived', () => {
    const lines = session();
    // the first AAA order's commission never arrives
    const i = lines.findIndex((l) => l.type === 'commission' && (l as unknown as { execId: string }).execId === 'e4');
    lines.splice(i, 1);
    const ledger = SessionLedger.fromLines(lines);
    assert.equal(ledger.intents.has('ibkrai:long:4:AAA'), true);
    assert.equal(ledger.commissionOwed('e4'), true);
    ledger.apply(line('commission', { execId: 'e4', orderRef: 'ibkrai:long:4:AAA', commission: 1 }));
    assert.equal(summarize(ledger).totals.commissions, 1197);
  });
});
