// Connection target and session configuration from settings and .env (the setup checks'
// resolver): precedence, sources, the simulator, what Start AI Session asks, and Restricted Mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSessionConfig, CONFIG_NAMES, ConfigError } from '../../../src/extension/session/sessionConfig';
import { doctorSettings, questions, readEnvFile, resolveTarget, sessionInput } from '../../../src/extension/app/configModel';

const SIM = { host: '127.0.0.1', port: 41234, account: 'DU1234567', serverVersion: 176 };

test('.env gives host, port and client id (alternative names too); settings take precedence; each value names its source', () => {
  const dotenv = { path: '/w/.env', text: 'TWS_HOST=10.0.0.5\nIB_GATEWAY_PORT=4002\nIBKR_CLIENT_ID=9\n' };
  const fromEnv = resolveTarget({ settings: {}, dotenv });
  assert.equal(fromEnv.host, '10.0.0.5');
  assert.equal(fromEnv.port, 4002);
  assert.equal(fromEnv.clientId, 9);
  assert.deepEqual(fromEnv.sources, { host: '.env TWS_HOST (/w/.env)', port: '.env IB_GATEWAY_PORT (/w/.env)', clientId: '.env IBKR_CLIENT_ID (/w/.env)' });
  const both = resolveTarget({ settings: { 'ibkrAi.port': 7497 }, dotenv });
  assert.equal(both.port, 7497);
  assert.equal(both.sources.port, 'setting ibkrAi.port');
  assert.equal(both.host, '10.0.0.5');
  const none = resolveTarget({ settings: {} });
  assert.deepEqual([none.host, none.port, none.clientId, none.sources.port], ['127.0.0.1', 7497, 1, 'default']);
  assert.deepEqual(none.problems, []);
});

test('the embedded simulator, while it runs, is the target (client id still from the settings)', () => {
  const t = resolveTarget({ settings: { 'ibkrAi.port': 7497, 'ibkrAi.clientId': 5 }, simulator: SIM });
  assert.deepEqual([t.host, t.port, t.clientId, t.simulator], ['127.0.0.1', 41234, 5, true]);
  assert.equal(t.sources.port, 'the embedded simulator');
  assert.equal(t.sources.clientId, 'setting ibkrAi.clientId');
});

test('invalid values are problems naming their source, not silent defaults', () => {
  const t = resolveTarget({ settings: {}, dotenv: { path: '/w/.env', text: 'IBKR_HOST=127.0.0.1:7497\nIBKR_CLIENT_ID=abc\n' } });
  assert.equal(t.problems.length, 2);
  assert.match(t.problems[0]!, /^host "127\.0\.0\.1:7497" from \.env IBKR_HOST \(\/w\/\.env\) contains a port/);
  assert.match(t.problems[1]!, /^client id "abc" from \.env IBKR_CLIENT_ID/);
});

test('with the simulator running, only the host and port it replaces go unchecked: the client id and mode still are', () => {
  const dotenv = { path: '/w/.env', text: 'IBKR_HOST=127.0.0.1:7497\nIBKR_PORT=abc\nIBKR_CLIENT_ID=abc\nIBKR_MODE=fast\n' };
  const direct = resolveTarget({ settings: {}, dotenv });
  assert.deepEqual(
    direct.problems.map((p) => p.split(' ')[0]),
    ['host', 'port', 'client', 'mode'],
  );
  const sim = resolveTarget({ settings: {}, dotenv, simulator: SIM });
  assert.deepEqual(sim.problems, direct.problems.slice(2));
  assert.match(sim.problems[0]!, /^client id "abc" from \.env IBKR_CLIENT_ID/);
  assert.match(sim.problems[1]!, /^mode "fast" from \.env IBKR_MODE/);
});

test('.env is never read in Restricted Mode; a missing file is said so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'envfile-'));
  writeFileSync(join(dir, '.env'), 'IBKR_PORT=4002\n');
  assert.deepEqual(readEnvFile({ trusted: false, folder: dir, envFile: '.env' }), { note: 'not read (Restricted Mode)' });
  const read = readEnvFile({ trusted: true, folder: dir, envFile: undefined });
  assert.equal(read.dotenv?.path, join(dir, '.env'));
  assert.equal(read.dotenv?.text, 'IBKR_PORT=4002\n');
  assert.match(readEnvFile({ trusted: true, folder: dir, envFile: 'other.env' }).note, /^none at .*other\.env$/);
  assert.match(readEnvFile({ trusted: true, folder: dir, envFile: '' }).note, /empty/);
});

test('Start AI Session asks only for what is not configured', () => {
  assert.deepEqual(questions({}, {}), ['symbols', 'model', 'mode']);
  assert.deepEqual(questions({ 'ibkrAi.session.symbols': [], 'ibkrAi.session.mode': '' }, {}), ['symbols', 'model', 'mode'], 'empty values ask');
  assert.deepEqual(questions({ 'ibkrAi.session.symbols': ['NVDA'], 'ibkrAi.session.model': 'models/x' }, {}), ['mode']);
  assert.deepEqual(questions({ 'ibkrAi.session.symbols': ['NVDA'] }, { mode: 'paper' }), ['model'], 'IBKR_MODE in .env counts');
  assert.deepEqual(questions({ 'ibkrAi.session.symbols': ['NVDA'], 'ibkrAi.session.model': 'm', 'ibkrAi.session.mode': 'shadow' }, {}), []);
});

test('the session configuration: settings by their CONFIG_NAMES, the target, the answers; validated with the setting named', () => {
  const target = resolveTarget({ settings: {}, simulator: SIM });
  const settings = {
    'ibkrAi.session.symbols': ['nvda', 'MSFT'],
    'ibkrAi.session.cycles': 3,
    'ibkrAi.session.minutes': 10,
    'ibkrAi.risk.maxOrderQuantity': 50,
    'ibkrAi.risk.anyHours': true,
  };
  const input = sessionInput(settings, target, { modelDir: '/m', mode: 'paper', symbols: ['IGNORED'] });
  const cfg = parseSessionConfig(input, { cwd: '/w' });
  assert.deepEqual(cfg.symbols, ['NVDA', 'MSFT'], 'settings win over answers');
  assert.equal(cfg.port, SIM.port);
  assert.equal(cfg.cycles, 3, 'cycles win over minutes');
  assert.equal(cfg.mode, 'paper');
  assert.equal(cfg.modelDir, '/m');
  assert.equal(cfg.journalDir, '/w/journal');
  assert.equal(cfg.risk.maxOrderQuantity, 50);
  assert.equal(cfg.risk.tradingHours, null, 'any hours');
  // Every session setting the manifest declares maps to a CONFIG_NAMES key.
  for (const n of Object.values(CONFIG_NAMES)) assert.ok(n.setting === '(asked per session)' || n.setting.startsWith('ibkrAi.'));
  try {
    parseSessionConfig(sessionInput({ 'ibkrAi.session.symbols': ['NVDA'], 'ibkrAi.session.cycleSeconds': 7 }, target, { modelDir: '/m', mode: 'live' }), {
      cwd: '/w',
    });
    assert.fail('invalid');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /ibkrAi\.session\.cycleSeconds/);
    assert.match(err.message, /ibkrAi\.allowLive/);
  }
});

test('the setup checks get the same settings (mode only when paper or live)', () => {
  assert.deepEqual(
    doctorSettings({ 'ibkrAi.host': 'h', 'ibkrAi.port': 4002, 'ibkrAi.clientId': 3, 'ibkrAi.allowLive': false, 'ibkrAi.session.mode': 'paper' }),
    { host: 'h', port: 4002, clientId: 3, allowLive: false, mode: 'paper' },
  );
  assert.deepEqual(doctorSettings({ 'ibkrAi.session.mode': 'shadow' }), {});
});
