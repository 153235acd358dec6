// Status bar wording per connection health state (pure: no vscode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPnl, menuItems, MENU_COMMANDS, statusView } from '../../../src/extension/app/statusView';

test('off: a disconnected icon and "IBKR: off"', () => {
  const v = statusView({ kind: 'off' });
  assert.equal(v.text, '$(debug-disconnect) IBKR: off');
  assert.match(v.tooltip, /not connected/);
  assert.equal(v.background, undefined);
});

test('simulator: the port in the text, host, account and server version in the tooltip', () => {
  const v = statusView({ kind: 'simulator', host: '127.0.0.1', port: 40123, account: 'DU1234567', serverVersion: 176 });
  assert.equal(v.text, '$(circle-filled) IBKR SIM :40123');
  assert.match(v.tooltip, /127\.0\.0\.1:40123/);
  assert.match(v.tooltip, /DU1234567/);
  assert.match(v.tooltip, /server version 176/);
});

test('restricted and error states stand out', () => {
  const r = statusView({ kind: 'restricted' });
  assert.equal(r.text, '$(workspace-untrusted) IBKR: restricted');
  assert.match(r.tooltip, /Trust this workspace/);
  assert.equal(r.background, 'statusBarItem.warningBackground');
  const e = statusView({ kind: 'error', message: 'simulator failed to start: EADDRINUSE' });
  assert.equal(e.text, '$(error) IBKR: error');
  assert.match(e.tooltip, /EADDRINUSE/);
  assert.equal(e.background, 'statusBarItem.errorBackground');
});

test('starting shows a spinner', () => {
  assert.equal(statusView({ kind: 'starting' }).text, '$(loading~spin) IBKR: starting');
});

const T = { host: '127.0.0.1', port: 7497, clientId: 1, sources: { host: 'default', port: 'setting ibkrAi.port', clientId: '.env IBKR_CLIENT_ID (/w/.env)' } };

test('ready: the account and a PAPER / LIVE / SIM badge; LIVE stands out with the warning color', () => {
  const paper = statusView({ kind: 'ready', ...T, account: 'DU1234567', badge: 'PAPER', serverVersion: 176 });
  assert.equal(paper.text, '$(pass-filled) IBKR DU1234567 PAPER');
  assert.equal(paper.background, undefined);
  assert.match(paper.tooltip, /a paper account/);
  assert.match(paper.tooltip, /port from setting ibkrAi\.port; client id from \.env IBKR_CLIENT_ID/);
  const sim = statusView({ kind: 'ready', ...T, account: 'DU1234567', badge: 'SIM' });
  assert.equal(sim.text, '$(vm) IBKR DU1234567 SIM');
  assert.match(sim.tooltip, /embedded TWS simulator/);
  const live = statusView({ kind: 'ready', ...T, port: 7496, account: 'U1234567', badge: 'LIVE' });
  assert.equal(live.text, '$(warning) IBKR U1234567 LIVE');
  assert.equal(live.background, 'statusBarItem.warningBackground');
  assert.match(live.tooltip, /real money/);
});

test('during a session: cycle progress and P&L in the text', () => {
  const v = statusView(
    { kind: 'ready', ...T, account: 'DU1234567', badge: 'PAPER' },
    { state: 'running', active: true, cycle: 3, cycles: 10, pnl: -12.345, mode: 'paper' },
  );
  assert.equal(v.text, '$(pulse) IBKR DU1234567 PAPER · 3/10 · P&L −12.35');
  assert.match(v.tooltip, /AI session \(paper\): running, cycle 3\/10, net P&L −12\.35/);
  const done = statusView(
    { kind: 'ready', ...T, account: 'DU1234567', badge: 'PAPER' },
    { state: 'finished', active: false, cycle: 10, cycles: 10, pnl: 5, mode: 'paper' },
  );
  assert.equal(done.text, '$(pass-filled) IBKR DU1234567 PAPER · final P&L +5.00', 'an ended session leaves its final P&L');
  assert.match(done.tooltip, /Last AI session \(paper\): finished after 10\/10 cycles, final net P&L \+5\.00\./);
  // It stays when the connection closes (the simulator stopped, a disconnect), until the next session.
  const off = statusView({ kind: 'off' }, { state: 'stopped', active: false, cycle: 4, cycles: 10, pnl: -1.5, mode: 'paper' });
  assert.equal(off.text, '$(debug-disconnect) IBKR: off · final P&L −1.50');
  const sim = statusView(
    { kind: 'simulator', host: '127.0.0.1', port: 40123, account: 'DU1', serverVersion: 176 },
    { state: 'finished', active: false, cycle: 2, cycles: 2, pnl: 0, mode: 'shadow' },
  );
  assert.equal(sim.text, '$(circle-filled) IBKR SIM :40123 · final P&L 0.00');
  // A session that failed before any P&L leaves nothing.
  assert.equal(statusView({ kind: 'off' }, { state: 'failed', active: false, cycle: 0, cycles: 10, mode: 'paper' }).text, '$(debug-disconnect) IBKR: off');
  assert.equal(formatPnl(0.001), '0.00');
  assert.equal(formatPnl(3), '+3.00');
});

test("connecting, reconnecting and failed (with the setup checks' cause, in the error color)", () => {
  assert.equal(statusView({ kind: 'connecting', ...T, step: 'handshake' }).text, '$(sync~spin) IBKR: connecting');
  const r = statusView({ kind: 'reconnecting', ...T, attempt: 2, reason: 'socket closed' });
  assert.equal(r.text, '$(sync~spin) IBKR: reconnecting (2)');
  assert.match(r.tooltip, /socket closed/);
  const checking = statusView({ kind: 'failed', ...T, reason: 'handshake timed out', checking: true });
  assert.equal(checking.text, '$(error) IBKR: failed: checking…');
  const f = statusView({
    kind: 'failed',
    ...T,
    reason: 'handshake timed out',
    cause: { title: 'API handshake', finding: 'TCP connects but TWS never answered', fix: 'Enable ActiveX and Socket Clients\nsecond line' },
  });
  assert.equal(f.text, '$(error) IBKR: failed: API handshake');
  assert.equal(f.background, 'statusBarItem.errorBackground');
  assert.match(f.tooltip, /Setup checks: TCP connects but TWS never answered\nFix: Enable ActiveX and Socket Clients\n/);
});

test('the menu offers what fits the state', () => {
  const labels = (items: ReturnType<typeof menuItems>) => items.map((i) => i.label.replace(/^\$\([^)]+\) /, ''));
  assert.deepEqual(labels(menuItems({ kind: 'restricted' }, undefined, false)), ['Manage Workspace Trust', 'Get Started with TWS', 'Show Log']);
  const off = labels(menuItems({ kind: 'off' }, undefined, false));
  assert.equal(off[0], 'Start AI Session');
  assert.ok(off.includes('Connect to TWS') && off.includes('Start TWS Simulator') && off.includes('Run TWS Setup Checks') && off.includes('Backtest Policy'));
  const running = labels(
    menuItems({ kind: 'ready', ...T, account: 'DU1', badge: 'SIM' }, { state: 'running', active: true, cycle: 1, cycles: 5, mode: 'paper' }, true),
  );
  assert.deepEqual(running.slice(0, 2), ['Stop AI Session', 'Kill Switch']);
  assert.ok(running.includes('Disconnect') && running.includes('Stop TWS Simulator') && !running.includes('Start AI Session'));
  const failed = labels(menuItems({ kind: 'failed', ...T, reason: 'x' }, undefined, false));
  assert.deepEqual(failed.slice(0, 2), ['Run TWS Setup Checks', 'Connect to TWS']);
});

test('menu commands are the contributed ones', async () => {
  const { Commands } = await import('../../../src/extension/app/commandIds');
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { commands: Array<{ command: string; category: string }> };
  };
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const id of Object.values(Commands)) assert.ok(contributed.has(id), `${id} contributed`);
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'IBKR');
  for (const [k, id] of Object.entries(MENU_COMMANDS)) if (k !== 'manageTrust') assert.ok(contributed.has(id), `${id} contributed`);
});

test('the kill switch has a key of its own, everywhere (no when clause): a contributed command', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { commands: Array<{ command: string }>; keybindings: Array<{ command: string; key: string; mac?: string; when?: string }> };
  };
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const k of pkg.contributes.keybindings) assert.ok(contributed.has(k.command), `${k.command} contributed`);
  const kill = pkg.contributes.keybindings.find((k) => k.command === 'ibkrAi.killSwitch');
  assert.deepEqual(kill, { command: 'ibkrAi.killSwitch', key: 'ctrl+alt+shift+k', mac: 'cmd+alt+shift+k' });
});
