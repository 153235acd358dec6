// Status bar wording per connection health state (pure: no vscode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusView } from '../../../src/extension/ui/statusView';

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
