// The context keys the welcome view, the palette and the view's buttons read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT_KEYS, contextValues } from '../../../src/extension/app/contextKeys';
import { PanelStore } from '../../../src/extension/app/panelStore';

const T = { host: '127.0.0.1', port: 7497, clientId: 1 };

test('each key follows the state it names', () => {
  const k = CONTEXT_KEYS;
  const store = new PanelStore();
  let v = contextValues(store);
  assert.equal(v.get(k.connection), 'off');
  for (const key of [k.connected, k.connectionOpen, k.sessionRunning, k.simulatorRunning, k.checksReportReady, k.backtestReportReady])
    assert.equal(v.get(key), false, key);

  store.setSimulator({ host: '127.0.0.1', port: 40001, account: 'DU1', serverVersion: 176 });
  store.setHealth({ kind: 'connecting', ...T });
  v = contextValues(store, v);
  assert.equal(v.get(k.simulatorRunning), true);
  assert.equal(v.get(k.connectionOpen), true, 'a connect in progress can be cancelled by Disconnect');
  assert.equal(v.get(k.connected), false);
  store.setHealth({ kind: 'ready', ...T, account: 'DU1', badge: 'SIM' });
  store.beginSession({ state: 'starting', mode: 'paper', symbols: ['NVDA'], cycle: 0, cycles: 3, lastDecisions: [], workingOrders: [] });
  v = contextValues(store, v);
  assert.equal(v.get(k.connected), true);
  assert.equal(v.get(k.sessionRunning), true);
  store.sessionFailed('x');
  assert.equal(contextValues(store, v).get(k.sessionRunning), false);

  store.checksFinished({ verdict: 'pass', checks: [], startedAt: '2026-12-05T14:00:00.000Z', durationMs: 5, target: { ...T } });
  v = contextValues(store, v);
  assert.equal(v.get(k.checksReportReady), true);
  store.checksStarted();
  assert.equal(contextValues(store, v).get(k.checksReportReady), true, 'a rerun keeps the last report copyable');
  store.setBacktest({ running: false, title: 't', htmlPath: '/tmp/r.html' });
  assert.equal(contextValues(store, v).get(k.backtestReportReady), true);
});

test("package.json's when clauses name only keys that are set (or VS Code's own)", () => {
  const pkg = readFileSync(join(__dirname, '../../../package.json'), 'utf8');
  const ours = new Set<string>(Object.values(CONTEXT_KEYS));
  const used = new Set([...pkg.matchAll(/"(?:when|enablement)": "([^"]+)"/g)].flatMap((m) => [...m[1]!.matchAll(/\bibkrAi\.[A-Za-z]+\b/g)].map((x) => x[0])));
  const views = new Set(['ibkrAi.positionsOrders']);
  for (const key of used) assert.ok(ours.has(key) || views.has(key), `${key} is set by contextValues()`);
  for (const key of ['ibkrAi.sessionRunning', 'ibkrAi.simulatorRunning', 'ibkrAi.connectionOpen', 'ibkrAi.checksReportReady'])
    assert.ok(used.has(key), `${key} is used`);
});
