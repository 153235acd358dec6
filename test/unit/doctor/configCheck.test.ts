// The configuration check: invalid values name their source and the key to edit, the port's
// meaning, a live port without live trading (the resolver itself: test/unit/config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConnectionConfig } from '../../../src/extension/config/connectionConfig';
import { configCheck, effectiveMode } from '../../../src/extension/doctor/configCheck';

const dotenv = (text: string) => ({ path: '/proj/.env', text });

test('configCheck: invalid port and client id fail, naming value, source and the key to edit', () => {
  const c = configCheck(resolveConnectionConfig({ dotenv: dotenv('IBKR_PORT=abc\nIBKR_CLIENT_ID=-1\n') }));
  assert.equal(c.status, 'fail');
  assert.equal(c.cause, 'config.invalid-port');
  assert.match(c.finding, /port "abc" from \.env IBKR_PORT \(\/proj\/\.env\) is not a port number/);
  assert.match(c.finding, /client id "-1" from \.env IBKR_CLIENT_ID/);
  assert.match(c.fix, /Edit IBKR_PORT in \/proj\/\.env: e\.g\. IBKR_PORT=7497/);
  assert.match(c.fix, /IBKR_CLIENT_ID=1/);
  const flag = configCheck(resolveConnectionConfig({ flags: { port: 'abc' } }));
  assert.match(flag.fix, /Change --port/);
});

test('configCheck: what the port means, and its source', () => {
  for (const [port, meaning] of [
    [7497, 'TWS paper'],
    [7496, 'TWS live'],
    [4002, 'IB Gateway paper'],
    [4001, 'IB Gateway live'],
  ] as const) {
    const c = configCheck(resolveConnectionConfig({ flags: { port: String(port) }, env: { IBKR_ALLOW_LIVE: 'true' } }));
    assert.match(c.finding, new RegExp(`port ${port} \\(${meaning}\\) \\(--port\\)`));
  }
  assert.match(configCheck(resolveConnectionConfig({ flags: { port: '7000' } })).finding, /non-standard/);
});

test('configCheck: a live port without live trading enabled fails before anything connects', () => {
  const c = configCheck(resolveConnectionConfig({ flags: { port: '7496' } }));
  assert.equal(c.status, 'fail');
  assert.equal(c.cause, 'config.live-port-not-allowed');
  assert.match(c.fix, /IBKR_PORT=7497/);
  assert.match(c.fix, /IBKR_ALLOW_LIVE=true/);
  const gw = configCheck(resolveConnectionConfig({ env: { IBKR_PORT: '4001' } }));
  assert.match(gw.fix, /IBKR_PORT=4002/);
  assert.equal(configCheck(resolveConnectionConfig({ flags: { port: '7496', allowLive: true } })).status, 'pass');
  assert.equal(configCheck(resolveConnectionConfig({ settings: { port: 4001, allowLive: true } })).status, 'pass');
});

test('configCheck: live mode needs live trading enabled; mode and port disagreeing warns', () => {
  const live = configCheck(resolveConnectionConfig({ env: { IBKR_MODE: 'live' } }));
  assert.equal(live.status, 'fail');
  assert.equal(live.cause, 'config.live-mode-not-allowed');
  const mismatch = configCheck(resolveConnectionConfig({ env: { IBKR_MODE: 'paper', IBKR_PORT: '7496', IBKR_ALLOW_LIVE: '1' } }));
  assert.equal(mismatch.status, 'warn');
  assert.equal(mismatch.cause, 'config.mode-port-mismatch');
  const bad = configCheck(resolveConnectionConfig({ env: { IBKR_MODE: 'demo' } }));
  assert.equal(bad.status, 'fail');
  assert.equal(bad.cause, 'config.invalid-mode');
  assert.equal(effectiveMode(resolveConnectionConfig({ flags: { port: '4002' } })), 'paper');
  assert.equal(effectiveMode(resolveConnectionConfig({ flags: { port: '7000' } })), undefined);
});
