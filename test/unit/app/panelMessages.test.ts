// The host side of the panel's messages and the connection guards, without vscode: what a
// webview message may do (ready, an action's own command, or a row's Modify / Cancel with only
// the order id; everything else dropped with a preview that cannot throw), a remote TWS host
// confirmed once, a live port refused before connecting. (Fuzzed by test/reliability/webviewFuzz.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Commands } from '../../../src/extension/app/commandIds';
import { resolveTarget } from '../../../src/extension/app/configModel';
import { ACTION_COMMANDS, describeMessage, routeWebviewMessage } from '../../../src/extension/app/panelMessages';
import { remoteHostDecision, withConfirmedHost } from '../../../src/extension/app/remoteHost';

test('a webview message is ready, an action as its own command, or dropped', () => {
  assert.deepEqual(routeWebviewMessage({ type: 'ready' }), { kind: 'ready' });
  assert.deepEqual(routeWebviewMessage({ type: 'action', action: 'startSession' }), {
    kind: 'command',
    action: 'startSession',
    command: Commands.startSession,
    args: [],
  });
  // "Place Order" opens the host's own ticket (no order terms in the message); a row's
  // Modify / Cancel names only the order id.
  assert.deepEqual(routeWebviewMessage({ type: 'action', action: 'placeOrder' }), {
    kind: 'command',
    action: 'placeOrder',
    command: Commands.placeOrder,
    args: [],
  });
  assert.deepEqual(routeWebviewMessage({ type: 'orderAction', action: 'cancelOrder', orderId: 7 }), {
    kind: 'command',
    action: 'cancelOrder',
    command: Commands.cancelOrder,
    args: [7],
  });
  assert.equal(ACTION_COMMANDS.runBacktest, Commands.backtest);
  for (const m of [
    null,
    'ready',
    [{ type: 'ready' }],
    { type: 'ready', x: 1 },
    { type: 'action', action: 'buy' },
    { type: 'action', action: 'cancelOrder' },
    { type: 'orderAction', action: 'cancelOrder', orderId: 7, symbol: 'NVDA' },
    { type: 'orderAction', action: 'placeOrder', orderId: 7 },
    { type: 'orderAction', action: 'modifyOrder', orderId: 7.5 },
    { type: 'action', action: 'constructor' },
    Object.create({ type: 'ready' }),
  ]) {
    assert.equal(routeWebviewMessage(m).kind, 'dropped', JSON.stringify(m));
  }
});

test('a dropped message is described in at most 200 characters, whatever it holds', () => {
  const cyclic: Record<string, unknown> = { type: 'action' };
  cyclic.self = cyclic;
  assert.equal(describeMessage(cyclic), '{"type":"action","self":"[cycle]"}');
  assert.equal(describeMessage({ n: 10n }), '{"n":"10n"}');
  assert.equal(describeMessage(undefined), 'undefined');
  assert.equal(describeMessage('x'.repeat(500)).length, 201);
  const r = routeWebviewMessage(cyclic);
  assert.equal(r.kind === 'dropped' && r.preview, '{"type":"action","self":"[cycle]"}');
});

test('a TWS host that is not this machine asks once; loopback never', () => {
  assert.equal(remoteHostDecision('127.0.0.1', undefined).kind, 'local');
  assert.equal(remoteHostDecision('192.168.1.20', []).kind, 'ask');
  assert.equal(remoteHostDecision('192.168.1.20', withConfirmedHost([], '192.168.1.20')).kind, 'confirmed');
});

test('a live port without live trading enabled is a problem of the target (nothing connects); the simulator is exempt', () => {
  assert.match(
    resolveTarget({ settings: { 'ibkrAi.port': 7496 } }).problems.join(),
    /port 7496 from setting ibkrAi\.port is the TWS live-trading port, but live trading is not enabled/,
  );
  assert.match(
    resolveTarget({ settings: {}, dotenv: { path: '/w/.env', text: 'IBKR_PORT=4001\n' } }).problems.join(),
    /port 4001 from \.env IBKR_PORT \(\/w\/\.env\) is the IB Gateway live-trading port/,
  );
  assert.deepEqual(resolveTarget({ settings: { 'ibkrAi.port': 7496, 'ibkrAi.allowLive': true } }).problems, []);
  assert.deepEqual(
    resolveTarget({ settings: { 'ibkrAi.port': 7496 }, simulator: { host: '127.0.0.1', port: 40000, account: 'DU1234567', serverVersion: 176 } }).problems,
    [],
  );
});
