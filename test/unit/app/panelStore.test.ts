// The panel's state: positions and prices, decisions updated by their orders, deltas by
// version (notifications and the declared settings: notifyPolicy.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCheck } from '../../../src/extension/doctor/types';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { isHostToWebview } from '../../../src/webview/validate';
import { decisionRecord as record, pos } from '../../helpers/panelRecords';

test('positions: closed ones are not shown; an unchanged or unheld price is no change', () => {
  const store = new PanelStore();
  const topics: string[] = [];
  store.onChange((t) => topics.push(t));
  store.setPositions([pos('NVDA', 261, 127.285, 1), pos('AAPL', 0, 0, 2)]);
  assert.equal(store.positionRows().length, 1, 'closed positions are not shown');
  store.setQuote('DU1:1', 128);
  store.setQuote('DU1:1', 128);
  store.setQuote('DU1:7', 5);
  assert.deepEqual(topics, ['positions', 'positions'], 'an unchanged or unheld price is no change');
});

test('decisions: updated as their order fills; deltas by version; the newest 500 kept', () => {
  const store = new PanelStore();
  const at = 1;
  store.sessionEvent({ type: 'decision', at, record: record() });
  store.sessionEvent({ type: 'decision', at, record: record({ symbol: 'MSFT', outcome: 'no-order', proposal: undefined }) });
  const first = store.decisionsSince(0);
  assert.equal(first.rows.length, 2);
  store.sessionEvent({
    type: 'order',
    at,
    order: {
      orderRef: 'ibkrai:s:2:NVDA',
      orderId: 16,
      cycle: 2,
      symbol: 'NVDA',
      kind: 'policy',
      action: 'BUY',
      quantity: 261,
      state: 'filled',
      filled: 261,
      avgFillPrice: 127.28,
    },
  });
  const next = store.decisionsSince(first.version);
  assert.equal(next.rows.length, 1, 'only the updated row is sent again');
  assert.equal(next.rows[0]!.order, 'BUY 261 → filled 261 @ 127.28');
  assert.equal(next.rows[0]!.seq, first.rows[0]!.seq, 'same row (upsert by seq)');
  assert.equal(store.decisionsSince(next.version).rows.length, 0);
  for (let i = 0; i < 600; i++)
    store.sessionEvent({ type: 'decision', at, record: record({ cycle: 10 + i, proposal: { ...record().proposal!, orderRef: `r${i}` } }) });
  assert.equal(store.snapshot().decisions.length, 500, 'the panel keeps the newest 500');
  assert.ok(isHostToWebview({ type: 'decisions', rows: store.decisionsSince(0).rows }));
});

test('session view: progress, P&L points and the summary text', () => {
  const store = new PanelStore();
  store.setSummaryFormatter((s) => `summary of ${s.sessionId}`);
  store.beginSession({ state: 'starting', mode: 'paper', symbols: ['NVDA'], cycle: 0, cycles: 3, lastDecisions: [], workingOrders: [] });
  assert.equal(store.sessionBadge()?.active, true);
  const pnl = { perSymbol: {}, realized: 1, unrealized: 2, commissions: 0.5, net: 2.5 };
  store.sessionEvent({ type: 'cycle-end', at: 1, cycle: 1, cycles: 3, marketTime: 1, stalled: false, decisions: [], orders: [], pnl });
  assert.deepEqual(store.sessionView().points, [{ cycle: 1, at: 1, net: 2.5 }]);
  assert.deepEqual(store.sessionBadge(), { state: 'starting', active: true, cycle: 1, cycles: 3, mode: 'paper', pnl: 2.5 });
  store.sessionEvent({ type: 'state', at: 2, state: 'finished', reason: 'ran 3 cycles' });
  assert.equal(store.sessionView().active, false);
  assert.equal(store.sessionView().reason, 'ran 3 cycles');
});

test('checks view: the verdict, the target and what answered (the embedded simulator), valid for the webview', () => {
  const store = new PanelStore();
  store.checksStarted();
  store.checksFinished({
    verdict: 'pass',
    checks: [
      makeCheck('clock', 'pass', "The embedded simulator's market clock is simulated (22.0 h behind this machine): expected, not a clock problem.", {
        cause: 'clock.simulated',
      }),
    ],
    startedAt: '2026-12-05T14:00:00.000Z',
    durationMs: 480,
    target: { host: '127.0.0.1', port: 7497, clientId: 1 },
    server: { version: 176, connectionTime: '20261204 10:00:00 EST', product: 'IBKR AI Trader embedded simulator', simulator: true },
  });
  const v = store.checksView();
  assert.equal(v.server, 'IBKR AI Trader embedded simulator, server version 176, connection time 20261204 10:00:00 EST');
  assert.equal(v.target, '127.0.0.1:7497');
  assert.ok(isHostToWebview({ type: 'checks', checks: v }), 'the message passes the webview validator');
  assert.ok(!isHostToWebview({ type: 'checks', checks: { ...v, server: 176 } }), 'a server that is not text is refused');
  store.checksFinished({
    verdict: 'fail',
    checks: [],
    startedAt: '2026-12-05T14:00:00.000Z',
    durationMs: 5,
    target: { host: '127.0.0.1', port: 7497, clientId: 1 },
  });
  assert.equal(store.checksView().server, undefined, 'no handshake answer, no server');
});
