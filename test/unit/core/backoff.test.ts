// Reconnect backoff: grows, is capped, jitter stays within its band, and the bound the
// integration tests check a reconnect against is the largest single wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BACKOFF, backoffDelay, maxBackoffDelay } from '../../../src/extension/core/backoff';
import { heartbeatBoundMs, reconnectBoundMs, resolveBrokerConfig } from '../../../src/extension/broker/config';

const noJitter = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 };

test('exponential growth to the ceiling', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, noJitter)),
    [100, 200, 400, 800, 1000, 1000, 1000],
  );
  assert.equal(backoffDelay(0, noJitter), 100, 'attempt numbers below 1 count as the first');
});

test('jitter stays within +-jitter of the base and never above the bound', () => {
  const o = { ...noJitter, jitter: 0.2 };
  for (const r of [0, 0.25, 0.5, 0.999999]) {
    const d = backoffDelay(3, o, () => r);
    assert.ok(d >= 320 && d <= 480, `${d}`);
    assert.ok(backoffDelay(30, o, () => r) <= maxBackoffDelay(o));
  }
  assert.equal(
    backoffDelay(3, o, () => 0),
    320,
  );
  assert.equal(
    backoffDelay(3, o, () => 0.5),
    400,
  );
  assert.equal(maxBackoffDelay(o), 1200);
});

test('production defaults: 1 s first, 30 s ceiling', () => {
  assert.equal(
    backoffDelay(1, DEFAULT_BACKOFF, () => 0.5),
    1000,
  );
  assert.equal(
    backoffDelay(10, DEFAULT_BACKOFF, () => 0.5),
    30_000,
  );
});

test('config: bounds derived from heartbeat and reconnect settings; bad values refused', () => {
  assert.equal(heartbeatBoundMs({ intervalMs: 10_000, timeoutMs: 5_000 }), 15_000);
  assert.equal(heartbeatBoundMs({ intervalMs: 200, timeoutMs: 300 }), 600);
  const c = resolveBrokerConfig({ host: '127.0.0.1', port: 7497, clientId: 3, alternateClientIds: [3, 4], reconnect: { maxDelayMs: 500, jitter: 0 } });
  assert.deepEqual(c.alternateClientIds, [4], 'the configured id is not its own alternate');
  assert.equal(reconnectBoundMs(c.reconnect), 500);
  assert.equal(c.delayedDataFallback, true);
  assert.throws(() => resolveBrokerConfig({ host: '127.0.0.1', port: 0, clientId: 1 }), /port/);
  assert.throws(() => resolveBrokerConfig({ host: '127.0.0.1', port: 7497, clientId: -1 }), /clientId/);
  assert.throws(() => resolveBrokerConfig({ host: '', port: 7497, clientId: 1 }), /host/);
});
