// The panel's protocol: every message type has its guard and every guard its message type
// (both directions); the guards pass exactly the well-formed messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PanelStore } from '../../../src/extension/app/panelStore';
import {
  ACCOUNT_BADGES,
  CHECK_STATUSES,
  CHECK_VERDICTS,
  CONNECTION_STATUSES,
  HOST_MESSAGE_TYPES,
  NOTICE_LEVELS,
  ORDER_ACTIONS,
  PANEL_ACTIONS,
  POSITION_OWNERS,
  TABS,
  WATCHLIST_OPS,
  WEBVIEW_MESSAGE_TYPES,
  type HostMessageType,
  type HostToWebview,
  type WebviewMessageType,
  type WebviewToHost,
} from '../../../src/webview/protocol';
import { HOST_MESSAGE_GUARDS, isConnectionView, isHostToWebview, isWebviewToHost, isTab, WEBVIEW_MESSAGE_GUARDS } from '../../../src/webview/validate';

const sorted = (xs: Iterable<string>) => [...xs].sort();
const store = new PanelStore();

/** One well-formed message of each type (the record's type makes it complete). */
const HOST_SAMPLES: { [K in HostMessageType]: Extract<HostToWebview, { type: K }> } = {
  snapshot: { type: 'snapshot', state: store.snapshot() },
  connection: { type: 'connection', connection: store.connectionView() },
  account: { type: 'account', account: { account: 'DU1', currency: 'USD', netLiquidation: 1e6, cash: 9e5, buyingPower: 4e6, dailyPnl: -12.5 } },
  positions: { type: 'positions', rows: [{ key: 'DU1:1', symbol: 'NVDA', secType: 'STK', quantity: 1, avgCost: 100, owner: 'shared', bookQuantity: 1 }] },
  watchlist: { type: 'watchlist', watchlist: { rows: [{ symbol: 'AMD', inSession: false, inUserList: true, bid: 1, ask: 2, delayed: true }] } },
  orders: {
    type: 'orders',
    rows: [
      {
        key: 'ref:ibkrai:s:1:NVDA',
        orderId: 1,
        symbol: 'NVDA',
        action: 'BUY',
        quantity: 1,
        type: 'MKT',
        status: 'filled',
        filled: 1,
        remaining: 0,
        avgFillPrice: 100,
        placedAt: 1,
        updatedAt: 1,
        fills: [{ execId: 'e1', shares: 1, price: 100, at: 1, commission: 1 }],
        commission: 1,
        decisionPrice: 99.9,
        slippage: 0.1,
        stale: false,
      },
    ],
  },
  decisions: { type: 'decisions', rows: [] },
  session: { type: 'session', session: store.sessionView() },
  checks: { type: 'checks', checks: store.checksView() },
  backtest: { type: 'backtest', backtest: store.backtestView() },
  history: { type: 'history', history: store.historyView() },
  showTab: { type: 'showTab', tab: 'orders' },
};

const WEBVIEW_SAMPLES: { [K in WebviewMessageType]: Extract<WebviewToHost, { type: K }> } = {
  ready: { type: 'ready' },
  action: { type: 'action', action: 'connect' },
  orderAction: { type: 'orderAction', action: 'cancelOrder', orderId: 12 },
  editWatchlist: { type: 'editWatchlist', op: 'add', symbol: 'AMD' },
};

test('host -> webview: every message type has its guard and every guard its message type', () => {
  assert.deepEqual(sorted(Object.keys(HOST_MESSAGE_GUARDS)), sorted(HOST_MESSAGE_TYPES));
  assert.deepEqual(sorted(Object.keys(HOST_SAMPLES)), sorted(HOST_MESSAGE_TYPES));
  assert.equal(new Set(HOST_MESSAGE_TYPES).size, HOST_MESSAGE_TYPES.length, 'no type listed twice');
  for (const type of HOST_MESSAGE_TYPES) {
    const m = HOST_SAMPLES[type];
    assert.equal(isHostToWebview(m), true, type);
    // Without its fields, or under another type's name, the message is refused.
    assert.equal(isHostToWebview({ type }), false, `${type} without its fields`);
    assert.equal(isHostToWebview({ ...m, type: `${type}X` }), false, `${type}X`);
  }
});

test('webview -> host: every message type has its guard and every guard its message type', () => {
  assert.deepEqual(sorted(Object.keys(WEBVIEW_MESSAGE_GUARDS)), sorted(WEBVIEW_MESSAGE_TYPES));
  assert.deepEqual(sorted(Object.keys(WEBVIEW_SAMPLES)), sorted(WEBVIEW_MESSAGE_TYPES));
  for (const type of WEBVIEW_MESSAGE_TYPES) {
    const m = WEBVIEW_SAMPLES[type];
    assert.equal(isWebviewToHost(m), true, type);
    assert.equal(isWebviewToHost({ ...m, extra: 1 }), false, `${type} with an extra field`);
    assert.equal(isWebviewToHost({ ...m, type: `${type}X` }), false, `${type}X`);
    for (const f of WEBVIEW_MESSAGE_GUARDS[type].fields) {
      const { [f]: _dropped, ...rest } = m as Record<string, unknown>;
      assert.equal(isWebviewToHost(rest), false, `${type} without ${String(f)}`);
    }
  }
});

test('the literal lists are what the guards accept: each value passes, a near miss does not', () => {
  for (const t of TABS) assert.equal(isTab(t), true, t);
  for (const bad of ['Positions', 'terminal', 'constructor', '', undefined]) assert.equal(isTab(bad), false, String(bad));
  for (const a of PANEL_ACTIONS) assert.equal(isWebviewToHost({ type: 'action', action: a }), true, a);
  for (const a of ORDER_ACTIONS) assert.equal(isWebviewToHost({ type: 'orderAction', action: a, orderId: 1 }), true, a);
  for (const orderId of [0, -1, 1.5, Number.NaN, 2 ** 31, '12', null])
    assert.equal(isWebviewToHost({ type: 'orderAction', action: 'cancelOrder', orderId }), false, `order id ${String(orderId)}`);
  assert.equal(isWebviewToHost({ type: 'orderAction', action: 'placeOrder', orderId: 1 }), false, 'a panel action is not a row action');
  for (const status of CONNECTION_STATUSES) assert.equal(isConnectionView({ status, detail: '' }), true, status);
  for (const badge of ACCOUNT_BADGES) assert.equal(isConnectionView({ status: 'ready', badge, detail: '' }), true, badge);
  assert.equal(isConnectionView({ status: 'ready', badge: 'paper', detail: '' }), false);
  const check = { id: 'c', title: 'C', finding: '', evidence: [], fix: '' };
  for (const status of CHECK_STATUSES)
    assert.equal(isHostToWebview({ type: 'checks', checks: { running: false, checks: [{ ...check, status }] } }), true, status);
  for (const verdict of CHECK_VERDICTS) assert.equal(isHostToWebview({ type: 'checks', checks: { running: false, checks: [], verdict } }), true, verdict);
  assert.equal(isHostToWebview({ type: 'checks', checks: { running: false, checks: [], verdict: 'skip' } }), false);
  const session = store.sessionView();
  for (const owner of POSITION_OWNERS)
    assert.equal(isHostToWebview({ type: 'positions', rows: [{ key: 'a', symbol: 'X', secType: 'STK', quantity: 1, avgCost: 1, owner }] }), true, owner);
  assert.equal(isHostToWebview({ type: 'positions', rows: [{ key: 'a', symbol: 'X', secType: 'STK', quantity: 1, avgCost: 1, owner: 'mine' }] }), false);
  for (const op of WATCHLIST_OPS) assert.equal(isWebviewToHost({ type: 'editWatchlist', op, symbol: 'AMD' }), true, op);
  assert.equal(isWebviewToHost({ type: 'editWatchlist', op: 'clear', symbol: 'AMD' }), false);
  assert.equal(isWebviewToHost({ type: 'editWatchlist', op: 'add', symbol: ['AMD'] }), false);
  for (const level of NOTICE_LEVELS)
    assert.equal(isHostToWebview({ type: 'session', session: { ...session, notices: [{ at: 1, level, message: 'm' }] } }), true, level);
  assert.equal(isHostToWebview({ type: 'session', session: { ...session, notices: [{ at: 1, level: 'error', message: 'm' }] } }), false);
});

test('webview -> host: ready and known actions pass; anything else is dropped', () => {
  assert.equal(isWebviewToHost({ type: 'ready' }), true);
  for (const action of PANEL_ACTIONS) assert.equal(isWebviewToHost({ type: 'action', action }), true, action);
  for (const bad of [
    null,
    'ready',
    [],
    {},
    { type: 'ready', extra: 1 },
    { type: 'action' },
    { type: 'action', action: 'rm -rf' },
    { type: 'action', action: 'killSwitch', args: ['x'] },
    { type: 'command', command: 'workbench.action.terminal.new' },
    { type: 'action', action: 42 },
  ]) {
    assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
  }
});

test('host -> webview: every message the store builds passes; malformed ones do not', () => {
  assert.equal(isHostToWebview({ type: 'snapshot', state: store.snapshot() }), true);
  for (const topic of ['connection', 'account', 'positions', 'watchlist', 'orders', 'session', 'checks', 'backtest'] as const)
    assert.equal(isHostToWebview(store.message(topic)), true, topic);
  assert.equal(isHostToWebview({ type: 'showTab', tab: 'checks' }), true);
  assert.equal(isHostToWebview({ type: 'showTab', tab: 'terminal' }), false);
  assert.equal(isHostToWebview({ type: 'positions', rows: [{ key: 'a', symbol: 'X', secType: 'STK', quantity: '10', avgCost: 1 }] }), false);
  assert.equal(isHostToWebview({ type: 'orders', rows: [{ orderId: 1 }] }), false);
  assert.equal(isHostToWebview({ type: 'account', account: { netLiquidation: '1000000' } }), false);
  assert.equal(
    isHostToWebview({ type: 'watchlist', watchlist: { rows: [{ symbol: 'AMD', inSession: false, inUserList: true }] } }),
    false,
    'delayed is required',
  );
  assert.equal(isHostToWebview({ type: 'connection', connection: { status: 'weird', detail: '' } }), false);
  assert.equal(isHostToWebview({ type: 'snapshot', state: { ...store.snapshot(), session: { state: 'x' } } }), false);
  assert.equal(isHostToWebview({ type: 'eval', code: 'alert(1)' }), false);
});
