// Configuration resolution (precedence, sources, alternative keys, invalid values)
// and the configuration check (port meaning, live port without live trading).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientId, parseHost, parsePort, resolveConfig } from '../../../src/extension/doctor/config';
import { configCheck, effectiveMode } from '../../../src/extension/doctor/configCheck';

const dotenv = (text: string) => ({ path: '/proj/.env', text });

test('defaults: 127.0.0.1, 7497, client id 1, live trading off, mode unset', () => {
  const c = resolveConfig({});
  assert.equal(c.valid, true);
  assert.deepEqual([c.host.value, c.port.value, c.clientId.value, c.allowLive.value, c.mode.value], ['127.0.0.1', 7497, 1, false, undefined]);
  for (const r of [c.host, c.port, c.clientId, c.allowLive, c.mode]) assert.equal(r.source, 'default');
});

test('precedence: flags > settings > .env > environment > defaults, each with its source', () => {
  const all = {
    flags: { port: '4002' },
    settings: { port: 7496, host: '10.0.0.9' },
    env: { IBKR_PORT: '4001', IBKR_HOST: '10.0.0.8', IBKR_CLIENT_ID: '7' },
    dotenv: dotenv('IBKR_PORT=7000\nIBKR_HOST=10.0.0.7\nIBKR_CLIENT_ID=8\nIBKR_ALLOW_LIVE=true\nIBKR_MODE=paper\n'),
  };
  const c = resolveConfig(all);
  assert.equal(c.port.value, 4002);
  assert.equal(c.port.source, '--port');
  assert.deepEqual(c.port.shadowed, ['setting ibkrAi.port=7496', '.env IBKR_PORT (/proj/.env)=7000', 'environment IBKR_PORT=4001']);
  assert.equal(c.host.value, '10.0.0.9');
  assert.equal(c.host.source, 'setting ibkrAi.host');
  assert.equal(c.clientId.value, 8);
  assert.equal(c.clientId.source, '.env IBKR_CLIENT_ID (/proj/.env)');
  assert.equal(c.allowLive.value, true);
  assert.equal(c.allowLive.source, '.env IBKR_ALLOW_LIVE (/proj/.env)');
  assert.equal(c.mode.value, 'paper');
  const noFlags = resolveConfig({ ...all, flags: {} });
  assert.equal(noFlags.port.value, 7496);
  const envOnly = resolveConfig({ env: all.env, dotenv: all.dotenv });
  assert.equal(envOnly.port.value, 7000, 'the project\'s .env beats the process environment');
  assert.equal(resolveConfig({ env: all.env }).clientId.source, 'environment IBKR_CLIENT_ID');
});

test('common alternative keys: TWS_HOST, TWS_PORT, IB_HOST, IB_PORT, IB_CLIENT_ID, IBKR_CLIENTID; IBKR_* first', () => {
  const c = resolveConfig({ dotenv: dotenv('TWS_HOST=192.168.1.20\nIB_PORT=4002\nIBKR_CLIENTID=12\n') });
  assert.deepEqual([c.host.value, c.port.value, c.clientId.value], ['192.168.1.20', 4002, 12]);
  assert.equal(c.host.source, '.env TWS_HOST (/proj/.env)');
  assert.equal(c.clientId.source, '.env IBKR_CLIENTID (/proj/.env)');
  const both = resolveConfig({ env: { TWS_PORT: '7496', IBKR_PORT: '7497', IB_CLIENT_ID: '3' } });
  assert.equal(both.port.value, 7497);
  assert.deepEqual(both.port.shadowed, ['environment TWS_PORT=7496']);
  assert.equal(both.clientId.value, 3);
});

test('.env is parsed, never loaded into process.env', () => {
  const before = process.env.IBKR_DOCTOR_UNIT_PROBE;
  resolveConfig({ dotenv: dotenv('IBKR_DOCTOR_UNIT_PROBE=1\nIBKR_PORT=4002\n') });
  assert.equal(process.env.IBKR_DOCTOR_UNIT_PROBE, before);
});

test('invalid values are kept raw with a clear reason', () => {
  assert.match(parsePort('abc').error!, /not a port number/);
  assert.match(parsePort('70000').error!, /out of range/);
  assert.match(parsePort('0').error!, /out of range/);
  assert.match(parsePort(' 7497 ').error!, /spaces/);
  assert.match(parseClientId('-1').error!, /out of range: client ids are 0\.\.2147483647/);
  assert.match(parseClientId('1.5').error!, /not a whole number/);
  assert.equal(parseClientId('0').value, 0);
  assert.match(parseHost('127.0.0.1:7497').error!, /contains a port/);
  assert.match(parseHost('').error!, /empty/);
  assert.equal(parseHost('[::1]').value, '::1');
  assert.equal(parseHost('tws.lan').value, 'tws.lan');
  const c = resolveConfig({ dotenv: dotenv('IBKR_PORT=abc\nIBKR_CLIENT_ID=-1\n') });
  assert.equal(c.valid, false);
  assert.equal(c.port.value, undefined);
  assert.equal(c.port.raw, 'abc');
});

test('configCheck: invalid port and client id fail, naming value, source and the key to edit', () => {
  const c = configCheck(resolveConfig({ dotenv: dotenv('IBKR_PORT=abc\nIBKR_CLIENT_ID=-1\n') }));
  assert.equal(c.status, 'fail');
  assert.equal(c.cause, 'config.invalid-port');
  assert.match(c.finding, /port "abc" from \.env IBKR_PORT \(\/proj\/\.env\) is not a port number/);
  assert.match(c.finding, /client id "-1" from \.env IBKR_CLIENT_ID/);
  assert.match(c.fix, /Edit IBKR_PORT in \/proj\/\.env: e\.g\. IBKR_PORT=7497/);
  assert.match(c.fix, /IBKR_CLIENT_ID=1/);
  const flag = configCheck(resolveConfig({ flags: { port: 'abc' } }));
  assert.match(flag.fix, /Change --port/);
});

test('configCheck: what the port means, and its source', () => {
  for (const [port, meaning] of [
    [7497, 'TWS paper'],
    [7496, 'TWS live'],
    [4002, 'IB Gateway paper'],
    [4001, 'IB Gateway live'],
  ] as const) {
    const c = configCheck(resolveConfig({ flags: { port: String(port) }, env: { IBKR_ALLOW_LIVE: 'true' } }));
    assert.match(c.finding, new RegExp(`port ${port} \\(${meaning}\\) \\(--port\\)`));
  }
  assert.match(configCheck(resolveConfig({ flags: { port: '7000' } })).finding, /non-standard/);
});

test('configCheck: a live port without live trading enabled fails before anything connects', () => {
  const c = configCheck(resolveConfig({ flags: { port: '7496' } }));
  assert.equal(c.status, 'fail');
  assert.equal(c.cause, 'config.live-port-not-allowed');
  assert.match(c.fix, /IBKR_PORT=7497/);
  assert.match(c.fix, /IBKR_ALLOW_LIVE=true/);
  const gw = configCheck(resolveConfig({ env: { IBKR_PORT: '4001' } }));
  assert.match(gw.fix, /IBKR_PORT=4002/);
  assert.equal(configCheck(resolveConfig({ flags: { port: '7496', allowLive: true } })).status, 'pass');
  assert.equal(configCheck(resolveConfig({ settings: { port: 4001, allowLive: true } })).status, 'pass');
});

test('configCheck: live mode needs live trading enabled; mode and port disagreeing warns', () => {
  const live = configCheck(resolveConfig({ env: { IBKR_MODE: 'live' } }));
  assert.equal(live.status, 'fail');
  assert.equal(live.cause, 'config.live-mode-not-allowed');
  const mismatch = configCheck(resolveConfig({ env: { IBKR_MODE: 'paper', IBKR_PORT: '7496', IBKR_ALLOW_LIVE: '1' } }));
  assert.equal(mismatch.status, 'warn');
  assert.equal(mismatch.cause, 'config.mode-port-mismatch');
  const bad = configCheck(resolveConfig({ env: { IBKR_MODE: 'demo' } }));
  assert.equal(bad.status, 'fail');
  assert.equal(bad.cause, 'config.invalid-mode');
  assert.equal(effectiveMode(resolveConfig({ flags: { port: '4002' } })), 'paper');
  assert.equal(effectiveMode(resolveConfig({ flags: { port: '7000' } })), undefined);
});
