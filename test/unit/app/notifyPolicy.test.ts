// Notifications: which trader events become one, with what words, actions and settings; a
// session's fills are told once, at its end (with the positions left open), other fills
// together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_NAMES } from '../../../src/extension/session/sessionConfig';
import { FillNotices, NOTIFY_SETTINGS, noticeFor, ruleWords, type Notice } from '../../../src/extension/app/notifyPolicy';
import type { TraderEvent } from '../../../src/extension/app/trader';

type Fill = Extract<TraderEvent, { type: 'fill' }>;
const fill = (i: number, inSession: boolean): Fill => ({ type: 'fill', symbol: 'NVDA', side: 'BUY', shares: 10, price: 100 + i, orderId: i, inSession });

test('notifications: wording, actions, and a setting for each kind', () => {
  const end = noticeFor({
    type: 'session-end',
    status: 'finished',
    reason: 'ran 4 cycles',
    net: -20.56,
    cycles: '4/4',
    fills: 6,
    openPositions: [
      { symbol: 'NVDA', quantity: 30 },
      { symbol: 'MSFT', quantity: -5 },
    ],
  })!;
  assert.equal(end.message, 'IBKR: AI session finished: ran 4 cycles. Net P&L −20.56, 6 fills. Positions left open in its book: NVDA 30, MSFT short 5.');
  assert.equal(end.severity, 'info');
  assert.deepEqual(end.actions, [{ title: 'Show Summary', command: 'ibkrAi.showPanel', args: ['session'] }]);
  const killed = noticeFor({
    type: 'session-end',
    status: 'stopped',
    reason: 'kill switch: pressed in VS Code',
    net: 1,
    cycles: '3/10',
    fills: 0,
    openPositions: [],
  })!;
  assert.equal(
    killed.message,
    'IBKR: AI session stopped after 3 of 10 cycles: kill switch: pressed in VS Code. Net P&L +1.00, no fills. No positions left open in its book.',
  );
  const refused = noticeFor({ type: 'session-end', status: 'refused', reason: 'the account DU1 is not a paper account.' })!;
  assert.equal(refused.message, 'IBKR: AI session did not start: the account DU1 is not a paper account.');
  assert.equal(refused.severity, 'error');

  assert.equal(noticeFor({ type: 'risk-stop', rule: 'killSwitch', reason: 'user', flatten: false }), undefined, 'the user pressed it: the command reports');
  const loss = noticeFor({ type: 'risk-stop', rule: 'dailyLossLimit', reason: 'loss 510 >= 500', flatten: true })!;
  assert.equal(loss.kind, 'riskStops');
  assert.equal(loss.message, "IBKR: the daily loss limit stopped the AI session: loss 510 >= 500; closing the session's positions.");
  assert.equal(ruleWords('order-rejected'), 'order rejected', 'an unknown rule id in words');
  assert.equal(ruleWords('marketDataRefused'), 'market data refused');
  assert.equal(noticeFor({ type: 'reject', symbol: 'NVDA', orderId: 3, message: '201: margin' })!.severity, 'error');
  assert.equal(noticeFor({ type: 'disconnected', reason: 'socket closed' })!.actions[0]!.command, 'ibkrAi.runChecks');
  assert.match(
    noticeFor({ type: 'connect-failed', reason: 'timeout', cause: { title: 'API handshake', finding: 'no answer', fix: '' } })!.message,
    /API handshake: no answer/,
  );

  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown; markdownDescription?: string; description?: string }> } };
  };
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

test("a session's fills are not toasted one burst at a time: its end notice counts them", async () => {
  const shown: Notice[] = [];
  const b = new FillNotices((n) => shown.push(n), 20);
  // Three cycles' bursts during a session: nothing is shown while it runs.
  for (let cycle = 0; cycle < 3; cycle++) {
    for (let i = 0; i < 4; i++) b.add(fill(cycle * 4 + i, true));
    await new Promise((r) => setTimeout(r, 40));
  }
  assert.deepEqual(shown, [], 'no fill notice during the session');
  assert.equal(noticeFor(fill(1, true)), undefined);
  b.dispose();
});

test('fills outside a session arriving together become one notice per window', async () => {
  const shown: Notice[] = [];
  const b = new FillNotices((n) => shown.push(n), 20);
  for (let i = 0; i < 5; i++) b.add(fill(i, false));
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(shown.length, 1);
  assert.equal(shown[0]!.message, 'IBKR: 5 fills: bought 10 NVDA @ 100.00; bought 10 NVDA @ 101.00; bought 10 NVDA @ 102.00 and 2 more.');
  b.add(fill(9, false));
  b.flush();
  assert.equal(shown.length, 2);
  assert.equal(shown[1]!.message, 'IBKR: a fill: bought 10 NVDA @ 109.00.');
  b.add(fill(10, false));
  b.dispose();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(shown.length, 2, 'disposed: a pending batch is dropped, no timer left');
});

test('the default window gathers a burst of several seconds', async () => {
  const shown: Notice[] = [];
  const b = new FillNotices((n) => shown.push(n));
  b.add(fill(1, false));
  b.add(fill(2, false));
  assert.equal(shown.length, 0, 'nothing yet: the window is open');
  b.flush();
  assert.equal(shown.length, 1);
  b.dispose();
});
