// The panel's state: rows built from broker and session data, decisions updated by their
// orders, deltas by version, notifications' wording, and the settings the manifest declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Position, TrackedOrder } from '../../../src/extension/broker/types';
import type { DecisionRecord } from '../../../src/extension/session/decision';
import { makeCheck } from '../../../src/extension/doctor/types';
import { CONFIG_NAMES } from '../../../src/extension/session/sessionConfig';
import { FillBatcher, NOTIFY_SETTINGS, noticeFor, type Notice } from '../../../src/extension/app/notifyPolicy';
import { decisionRow, orderRow, PanelStore, positionRow } from '../../../src/extension/app/panelStore';
import { isHostToWebview } from '../../../src/webview/validate';

const pos = (symbol: string, quantity: number, avgCost: number, conId = 1): Position => ({ account: 'DU1', contract: { symbol, secType: 'STK', exchange: 'SMART', currency: 'USD', conId }, quantity, avgCost });

const record = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  cycle: 2,
  symbol: 'NVDA',
  marketTime: Date.UTC(2024, 2, 13, 14, 2),
  bars: 60,
  close: 127.33,
  features: { 'logReturn(lag=1)': 0.000707123, 'logReturn(lag=5)': -0.00047, rsi: 51.234, extra: 1 },
  output: { target: 1, label: 'buy' },
  position: 0,
  targetQuantity: 261,
  orderQuantity: 261,
  proposal: { kind: 'policy', action: 'BUY', quantity: 261, price: 127.33, orderRef: 'ibkrai:s:2:NVDA' },
  verdict: { allowed: true, rule: null, reason: 'ok' },
  outcome: 'order',
  reason: 'model says buy',
  ...over,
});

test('position rows: average cost per share, last and unrealized P&L from live prices (else the portfolio)', () => {
  assert.deepEqual(positionRow(pos('NVDA', 261, 127.285), 127.5, undefined), { key: 'DU1:1', symbol: 'NVDA', secType: 'STK', quantity: 261, avgCost: 127.285, last: 127.5, unrealized: 56.12 });
  const opt = { ...pos('SPY', 2, 350, 9), contract: { symbol: 'SPY', secType: 'OPT' as const, exchange: 'SMART', currency: 'USD', conId: 9, multiplier: 100, localSymbol: 'SPY 240315C00500000' } };
  assert.deepEqual(positionRow(opt, 4, undefined), { key: 'DU1:9', symbol: 'SPY 240315C00500000', secType: 'OPT', quantity: 2, avgCost: 3.5, last: 4, unrealized: 100 });
  assert.deepEqual(positionRow(pos('MSFT', 5, 400), undefined, { marketPrice: 410, unrealizedPnl: 50 }).unrealized, 50);
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

test('order rows: our lifecycle state, fills, the orderRef and the last error', () => {
  const o: TrackedOrder = {
    orderId: 16,
    contract: { symbol: 'NVDA', secType: 'STK', exchange: 'SMART', currency: 'USD' },
    action: 'BUY',
    type: 'MKT',
    quantity: 261,
    state: 'rejected',
    filled: 0,
    remaining: 261,
    avgFillPrice: 0,
    commission: 0,
    fills: [],
    errors: [{ code: 201, message: 'Order rejected - reason: margin', at: 1 }],
    warnings: [],
    cancelRequested: false,
    modifyPending: false,
    createdAt: 1,
    updatedAt: 2,
    orderRef: 'ibkrai:s:2:NVDA',
  };
  assert.deepEqual(orderRow(o), { orderId: 16, symbol: 'NVDA', action: 'BUY', quantity: 261, type: 'MKT', status: 'rejected', filled: 0, remaining: 261, avgFillPrice: 0, orderRef: 'ibkrai:s:2:NVDA', note: 'Order rejected - reason: margin', updatedAt: 2 });
});

test('decision rows: features -> model -> risk verdict -> order, updated as the order fills; deltas by version', () => {
  const row = decisionRow(1, record());
  assert.equal(row.features, 'close 127.33 · logReturn(lag=1)=0.000707 · logReturn(lag=5)=-0.00047 · rsi=51.2');
  assert.equal(row.action, 'buy (target 1)');
  assert.equal(row.verdict, 'ok');
  assert.equal(row.order, 'BUY 261 → sending');
  const blocked = decisionRow(2, record({ outcome: 'blocked', verdict: { allowed: false, rule: 'maxOrderQuantity', reason: '261 > 100' } }));
  assert.equal(blocked.verdict, 'BLOCKED maxOrderQuantity: 261 > 100');
  assert.equal(blocked.blocked, true);
  assert.equal(blocked.order, 'BUY 261 not sent');
  assert.equal(decisionRow(3, record({ outcome: 'no-order', proposal: undefined, position: 78, output: { target: null, label: 'hold' } })).order, 'no order (holds 78)');

  const store = new PanelStore();
  const at = 1;
  store.sessionEvent({ type: 'decision', at, record: record() });
  store.sessionEvent({ type: 'decision', at, record: record({ symbol: 'MSFT', outcome: 'no-order', proposal: undefined }) });
  const first = store.decisionsSince(0);
  assert.equal(first.rows.length, 2);
  store.sessionEvent({ type: 'order', at, order: { orderRef: 'ibkrai:s:2:NVDA', orderId: 16, cycle: 2, symbol: 'NVDA', kind: 'policy', action: 'BUY', quantity: 261, state: 'filled', filled: 261, avgFillPrice: 127.28 } });
  const next = store.decisionsSince(first.version);
  assert.equal(next.rows.length, 1, 'only the updated row is sent again');
  assert.equal(next.rows[0]!.order, 'BUY 261 → filled 261 @ 127.28');
  assert.equal(next.rows[0]!.seq, first.rows[0]!.seq, 'same row (upsert by seq)');
  assert.equal(store.decisionsSince(next.version).rows.length, 0);
  for (let i = 0; i < 600; i++) store.sessionEvent({ type: 'decision', at, record: record({ cycle: 10 + i, proposal: { ...record().proposal!, orderRef: `r${i}` } }) });
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
  assert.deepEqual(store.sessionView().points, [{ cycle: 1, net: 2.5 }]);
  assert.deepEqual(store.sessionBadge(), { state: 'starting', active: true, cycle: 1, cycles: 3, mode: 'paper', pnl: 2.5 });
  store.sessionEvent({ type: 'state', at: 2, state: 'finished', reason: 'ran 3 cycles' });
  assert.equal(store.sessionView().active, false);
  assert.equal(store.sessionView().reason, 'ran 3 cycles');
});

test('notifications: wording, actions, and a setting for each kind; fills arriving together become one', async () => {
  const end = noticeFor({ type: 'session-end', status: 'finished', reason: 'ran 4 cycles', net: -20.56, cycles: '4/4' })!;
  assert.equal(end.message, 'IBKR: AI session finished, 4/4 cycles, net P&L −20.56: ran 4 cycles');
  assert.deepEqual(end.actions, [{ title: 'Show Summary', command: 'ibkrAi.showPanel', args: ['session'] }]);
  assert.equal(noticeFor({ type: 'risk-stop', rule: 'killSwitch', reason: 'user', flatten: false }), undefined, 'the user pressed it');
  assert.equal(noticeFor({ type: 'risk-stop', rule: 'dailyLossLimit', reason: 'loss 510 >= 500', flatten: true })!.kind, 'riskStops');
  assert.equal(noticeFor({ type: 'reject', symbol: 'NVDA', orderId: 3, message: '201: margin' })!.severity, 'error');
  assert.equal(noticeFor({ type: 'disconnected', reason: 'socket closed' })!.actions[0]!.command, 'ibkrAi.runChecks');
  assert.match(noticeFor({ type: 'connect-failed', reason: 'timeout', cause: { title: 'API handshake', finding: 'no answer', fix: '' } })!.message, /API handshake: no answer/);
  const shown: Notice[] = [];
  const b = new FillBatcher((n) => shown.push(n), 20);
  for (let i = 0; i < 5; i++) b.add({ type: 'fill', symbol: 'NVDA', side: 'BUY', shares: 10, price: 100 + i, orderId: i });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(shown.length, 1);
  assert.equal(shown[0]!.message, 'IBKR: 5 fills: bought 10 NVDA @ 100.00; bought 10 NVDA @ 101.00; bought 10 NVDA @ 102.00 and 2 more.');
  b.dispose();
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown; markdownDescription?: string; description?: string }> } } };
  const props = pkg.contributes.configuration.properties;
  for (const name of Object.values(NOTIFY_SETTINGS)) assert.equal(props[name]?.default, true, name);
  // Every session setting named by the session's configuration is declared, with a description.
  for (const n of Object.values(CONFIG_NAMES)) {
    if (!n.setting.startsWith('ibkrAi.')) continue;
    assert.ok(props[n.setting], `${n.setting} is contributed`);
    assert.ok((props[n.setting]!.markdownDescription ?? props[n.setting]!.description ?? '').length > 20, `${n.setting} has a description`);
  }
  assert.ok(props['ibkrAi.envFile']);
});

test('checks view: the verdict, the target and what answered (the embedded simulator), valid for the webview', () => {
  const store = new PanelStore();
  store.checksStarted();
  store.checksFinished({
    verdict: 'pass',
    checks: [makeCheck('clock', 'pass', "The embedded simulator's market clock is simulated (22.0 h behind this machine): expected, not a clock problem.", { cause: 'clock.simulated' })],
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
  store.checksFinished({ verdict: 'fail', checks: [], startedAt: '2026-12-05T14:00:00.000Z', durationMs: 5, target: { host: '127.0.0.1', port: 7497, clientId: 1 } });
  assert.equal(store.checksView().server, undefined, 'no handshake answer, no server');
});
