// The connection's health from the broker's state: the idle state when disconnected, the
// step while connecting, the badge when ready (SIM for the embedded simulator, LIVE for a
// live account), and the setup checks' cause when it failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionHealth } from '../../../src/extension/app/connectionHealth';
import { resolveTarget } from '../../../src/extension/app/configModel';
import type { BrokerConnectionState } from '../../../src/extension/broker/types';

const target = resolveTarget({ settings: { 'ibkrAi.port': 7497, 'ibkrAi.host': '127.0.0.1' } });
const sim = resolveTarget({ settings: {}, simulator: { host: '127.0.0.1', port: 4100, account: 'DU1234567', serverVersion: 176 } });
const st = (over: Partial<BrokerConnectionState>) => ({ status: 'disconnected', clientId: 0, ...over }) as BrokerConnectionState;

test('health: idle, connecting, ready (PAPER, LIVE, SIM), reconnecting, failed with the cause', () => {
  const idle = { kind: 'off' } as const;
  assert.equal(connectionHealth(st({}), target, { idle: () => idle, cause: undefined, diagnosing: false }), idle);
  const c = connectionHealth(st({ status: 'connecting', step: 'handshake' }), target, { idle: () => idle, cause: undefined, diagnosing: false });
  assert.deepEqual(c, { kind: 'connecting', host: '127.0.0.1', port: 7497, clientId: target.clientId, sources: target.sources, step: 'handshake' });
  const ready = (t: typeof target, isPaper: boolean) =>
    connectionHealth(st({ status: 'ready', accountId: 'DU1', isPaper }), t, { idle: () => idle, cause: undefined, diagnosing: false });
  assert.ok(ready(target, true).kind === 'ready' && (ready(target, true) as { badge: string }).badge === 'PAPER');
  assert.equal((ready(target, false) as { badge: string }).badge, 'LIVE');
  assert.equal((ready(sim, true) as { badge: string }).badge, 'SIM');
  const r = connectionHealth(st({ status: 'reconnecting', accountId: 'DU1', attempt: 2, reason: 'socket closed' }), target, {
    idle: () => idle,
    cause: undefined,
    diagnosing: false,
  });
  assert.ok(r.kind === 'reconnecting' && r.attempt === 2 && r.reason === 'socket closed' && r.account === 'DU1');
  const cause = { title: 'API handshake', finding: 'no answer', fix: 'Enable ActiveX and Socket Clients' };
  const f = connectionHealth(st({ status: 'failed', reason: 'handshake timed out' }), target, { idle: () => idle, cause, diagnosing: true });
  assert.deepEqual(f, {
    kind: 'failed',
    host: '127.0.0.1',
    port: 7497,
    clientId: target.clientId,
    sources: target.sources,
    reason: 'handshake timed out',
    cause,
    checking: true,
  });
});
