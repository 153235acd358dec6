// The one resolver of the connection settings (no module resolves on its own), as the session CLI uses it: .env beats the
// environment, shadow is a mode, a .env saved with a byte-order mark is read, numbers are
// strict, and each value can be shown with its source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  configProblems,
  describeSources,
  ENV_KEYS,
  parseClientId,
  parseEnvText,
  parseHost,
  parsePort,
  resolveConnectionConfig,
} from '../../../src/extension/config/connectionConfig';
import { connectionInput, readSessionDotenv, resolveConnection } from '../../../src/extension/cli/sessionCommand';
import { CliError } from '../../../src/extension/cli/args';

const dotenv = (text: string) => ({ path: '/w/.env', text });
const projDotenv = (text: string) => ({ path: '/proj/.env', text });

test('one resolver: no other module under src/ names a connection key of the environment or .env', () => {
  // A key in quotes (env['IBKR_PORT'], 'IBKR_HOST') or read off an environment (env.IBKR_PORT)
  // anywhere but here would be a second resolver; prose that mentions a key is fine.
  const keys = Object.values(ENV_KEYS).flat().join('|');
  const lookup = new RegExp(`['"\`](?:${keys})['"\`]|env\\.(?:${keys})\\b`);
  const root = join(__dirname, '../../../src');
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (/\.tsx?$/.test(e.name) && !p.endsWith(join('config', 'connectionConfig.ts')) && lookup.test(readFileSync(p, 'utf8')))
        offenders.push(relative(root, p));
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
  assert.ok(
    lookup.test("const p = env['IBKR_PORT'];") && lookup.test('env.TWS_HOST') && !lookup.test('set IBKR_PORT in .env'),
    'the pattern finds lookups, not prose',
  );
});

test('.env beats the environment; flags and settings beat both; each value names its source', () => {
  const c = resolveConnectionConfig({ env: { IBKR_PORT: '4001', IBKR_HOST: 'envhost' }, dotenv: dotenv('IBKR_PORT=4002\n') });
  assert.equal(c.port.value, 4002);
  assert.equal(c.port.source, '.env IBKR_PORT (/w/.env)');
  assert.deepEqual(c.port.shadowed, ['environment IBKR_PORT=4001']);
  assert.equal(c.host.source, 'environment IBKR_HOST');
  assert.equal(resolveConnectionConfig({ flags: { port: '7497' }, settings: { port: 7000 }, dotenv: dotenv('IBKR_PORT=4002\n') }).port.source, '--port');
  assert.equal(resolveConnectionConfig({ settings: { port: 7000 }, dotenv: dotenv('IBKR_PORT=4002\n') }).port.source, 'setting ibkrAi.port');
  assert.equal(
    describeSources(c),
    'host envhost (environment IBKR_HOST), port 4002 (.env IBKR_PORT (/w/.env)), client id 1 (default), mode not set (default), live trading off (default)',
  );
});

test('a .env saved with a UTF-8 byte-order mark is read (its first key is not lost)', () => {
  assert.deepEqual(parseEnvText('\uFEFFIBKR_PORT=4002\nIBKR_CLIENT_ID=3\n'), { IBKR_PORT: '4002', IBKR_CLIENT_ID: '3' });
  const c = resolveConnectionConfig({ dotenv: dotenv('\uFEFFIBKR_PORT=4002\n') });
  assert.equal(c.port.value, 4002);
});

test('shadow is a mode; numbers from .env and the environment are strict, and the problem names the key and the file', () => {
  assert.equal(resolveConnectionConfig({ dotenv: dotenv('IBKR_MODE=shadow\n') }).mode.value, 'shadow');
  const c = resolveConnectionConfig({ dotenv: dotenv('IBKR_PORT=0x1F49\nIBKR_CLIENT_ID="1.0"\n'), env: { IBKR_HOST: '127.0.0.1' } });
  assert.equal(c.valid, false);
  assert.deepEqual(configProblems(c), [
    'port "0x1F49" from .env IBKR_PORT (/w/.env) is not a port number (it is not written in decimal digits): use a whole number 1..65535 in decimal digits (7497 TWS paper, 7496 TWS live, 4002 IB Gateway paper, 4001 IB Gateway live)',
    'client id "1.0" from .env IBKR_CLIENT_ID (/w/.env) is not a whole number: client ids are 0..2147483647 in decimal digits, e.g. 1',
  ]);
  for (const bad of ['1e3', '+7', ' 7']) assert.ok(resolveConnectionConfig({ env: { IBKR_CLIENT_ID: bad } }).clientId.error, bad);
});

test('the session CLI: .env and IBKR_* are read; flag text goes to the session configuration as typed, other values parsed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'session-env-'));
  writeFileSync(join(dir, '.env'), 'IBKR_PORT=4002\nIBKR_MODE=shadow\n');
  const r = resolveConnection({ 'client-id': '12' }, { IBKR_HOST: '10.0.0.5', IBKR_PORT: '7000' }, dir);
  assert.deepEqual(connectionInput(r), { host: '10.0.0.5', port: 4002, clientId: '12', mode: 'shadow' });
  assert.equal(readSessionDotenv(undefined, mkdtempSync(join(tmpdir(), 'no-env-'))), undefined, 'no ./.env is fine');
  assert.throws(
    () => readSessionDotenv('missing.env', dir),
    (e: unknown) => e instanceof CliError && /--env-file missing\.env: cannot read it \(ENOENT\)/.test(e.message),
  );
  writeFileSync(join(dir, 'bad.env'), 'IBKR_CLIENT_ID=+7\n');
  const bad = resolveConnection({ 'env-file': 'bad.env' }, {}, dir);
  assert.throws(
    () => connectionInput(bad),
    (e: unknown) =>
      e instanceof CliError &&
      e.message.startsWith(`client id "+7" from .env IBKR_CLIENT_ID (${join(dir, 'bad.env')}) is not a whole number (it has a + sign)`),
  );
  // A bad flag is left to the session configuration, whose message names the flag.
  assert.deepEqual(connectionInput(resolveConnection({ port: 'abc' }, {}, dir)).port, 'abc');
});

test('defaults: 127.0.0.1, 7497, client id 1, live trading off, mode unset', () => {
  const c = resolveConnectionConfig({});
  assert.equal(c.valid, true);
  assert.deepEqual([c.host.value, c.port.value, c.clientId.value, c.allowLive.value, c.mode.value], ['127.0.0.1', 7497, 1, false, undefined]);
  for (const r of [c.host, c.port, c.clientId, c.allowLive, c.mode]) assert.equal(r.source, 'default');
});

test('precedence: flags > settings > .env > environment > defaults, each with its source', () => {
  const all = {
    flags: { port: '4002' },
    settings: { port: 7496, host: '10.0.0.9' },
    env: { IBKR_PORT: '4001', IBKR_HOST: '10.0.0.8', IBKR_CLIENT_ID: '7' },
    dotenv: projDotenv('IBKR_PORT=7000\nIBKR_HOST=10.0.0.7\nIBKR_CLIENT_ID=8\nIBKR_ALLOW_LIVE=true\nIBKR_MODE=paper\n'),
  };
  const c = resolveConnectionConfig(all);
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
  const noFlags = resolveConnectionConfig({ ...all, flags: {} });
  assert.equal(noFlags.port.value, 7496);
  const envOnly = resolveConnectionConfig({ env: all.env, dotenv: all.dotenv });
  assert.equal(envOnly.port.value, 7000, "the project's .env beats the process environment");
  assert.equal(resolveConnectionConfig({ env: all.env }).clientId.source, 'environment IBKR_CLIENT_ID');
});

test('common alternative keys: TWS_HOST, TWS_PORT, IB_HOST, IB_PORT, IB_CLIENT_ID, IBKR_CLIENTID; IBKR_* first', () => {
  const c = resolveConnectionConfig({ dotenv: projDotenv('TWS_HOST=192.168.1.20\nIB_PORT=4002\nIBKR_CLIENTID=12\n') });
  assert.deepEqual([c.host.value, c.port.value, c.clientId.value], ['192.168.1.20', 4002, 12]);
  assert.equal(c.host.source, '.env TWS_HOST (/proj/.env)');
  assert.equal(c.clientId.source, '.env IBKR_CLIENTID (/proj/.env)');
  const both = resolveConnectionConfig({ env: { TWS_PORT: '7496', IBKR_PORT: '7497', IB_CLIENT_ID: '3' } });
  assert.equal(both.port.value, 7497);
  assert.deepEqual(both.port.shadowed, ['environment TWS_PORT=7496']);
  assert.equal(both.clientId.value, 3);
});

test('.env is parsed, never loaded into process.env', () => {
  const before = process.env.IBKR_DOCTOR_UNIT_PROBE;
  resolveConnectionConfig({ dotenv: projDotenv('IBKR_DOCTOR_UNIT_PROBE=1\nIBKR_PORT=4002\n') });
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
  const c = resolveConnectionConfig({ dotenv: projDotenv('IBKR_PORT=abc\nIBKR_CLIENT_ID=-1\n') });
  assert.equal(c.valid, false);
  assert.equal(c.port.value, undefined);
  assert.equal(c.port.raw, 'abc');
});
