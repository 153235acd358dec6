// The one resolver of the connection settings, as the session CLI uses it: .env beats the
// environment, shadow is a mode, a .env saved with a byte-order mark is read, numbers are
// strict, and each value can be shown with its source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems, describeSources, parseEnvText, resolveConfig } from '../../../src/extension/config/connectionConfig';
import * as doctorConfig from '../../../src/extension/doctor/config';
import { connectionInput, readSessionDotenv, resolveConnection } from '../../../src/extension/cli/sessionCommand';
import { CliError } from '../../../src/extension/cli/args';

const dotenv = (text: string) => ({ path: '/w/.env', text });

test('the setup checks resolve through the same module', () => {
  assert.equal(doctorConfig.resolveConfig, resolveConfig);
});

test('.env beats the environment; flags and settings beat both; each value names its source', () => {
  const c = resolveConfig({ env: { IBKR_PORT: '4001', IBKR_HOST: 'envhost' }, dotenv: dotenv('IBKR_PORT=4002\n') });
  assert.equal(c.port.value, 4002);
  assert.equal(c.port.source, '.env IBKR_PORT (/w/.env)');
  assert.deepEqual(c.port.shadowed, ['environment IBKR_PORT=4001']);
  assert.equal(c.host.source, 'environment IBKR_HOST');
  assert.equal(resolveConfig({ flags: { port: '7497' }, settings: { port: 7000 }, dotenv: dotenv('IBKR_PORT=4002\n') }).port.source, '--port');
  assert.equal(resolveConfig({ settings: { port: 7000 }, dotenv: dotenv('IBKR_PORT=4002\n') }).port.source, 'setting ibkrAi.port');
  assert.equal(
    describeSources(c),
    'host envhost (environment IBKR_HOST), port 4002 (.env IBKR_PORT (/w/.env)), client id 1 (default), mode not set (default), live trading off (default)',
  );
});

test('a .env saved with a UTF-8 byte-order mark is read (its first key is not lost)', () => {
  assert.deepEqual(parseEnvText('\uFEFFIBKR_PORT=4002\nIBKR_CLIENT_ID=3\n'), { IBKR_PORT: '4002', IBKR_CLIENT_ID: '3' });
  const c = resolveConfig({ dotenv: dotenv('\uFEFFIBKR_PORT=4002\n') });
  assert.equal(c.port.value, 4002);
});

test('shadow is a mode; numbers from .env and the environment are strict, and the problem names the key and the file', () => {
  assert.equal(resolveConfig({ dotenv: dotenv('IBKR_MODE=shadow\n') }).mode.value, 'shadow');
  const c = resolveConfig({ dotenv: dotenv('IBKR_PORT=0x1F49\nIBKR_CLIENT_ID="1.0"\n'), env: { IBKR_HOST: '127.0.0.1' } });
  assert.equal(c.valid, false);
  assert.deepEqual(configProblems(c), [
    'port "0x1F49" from .env IBKR_PORT (/w/.env) is not a port number (it is not written in decimal digits): use a whole number 1..65535 in decimal digits (7497 TWS paper, 7496 TWS live, 4002 IB Gateway paper, 4001 IB Gateway live)',
    'client id "1.0" from .env IBKR_CLIENT_ID (/w/.env) is not a whole number: client ids are 0..2147483647 in decimal digits, e.g. 1',
  ]);
  for (const bad of ['1e3', '+7', ' 7']) assert.ok(resolveConfig({ env: { IBKR_CLIENT_ID: bad } }).clientId.error, bad);
});

test('the session CLI: .env and IBKR_* are read; flag text goes to the session configuration as typed, other values parsed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'session-env-'));
  writeFileSync(join(dir, '.env'), 'IBKR_PORT=4002\nIBKR_MODE=shadow\n');
  const r = resolveConnection({ 'client-id': '12' }, { IBKR_HOST: '10.0.0.5', IBKR_PORT: '7000' }, dir);
  assert.deepEqual(connectionInput(r), { host: '10.0.0.5', port: 4002, clientId: '12', mode: 'shadow' });
  assert.equal(readSessionDotenv(undefined, mkdtempSync(join(tmpdir(), 'no-env-'))), undefined, 'no ./.env is fine');
  assert.throws(() => readSessionDotenv('missing.env', dir), (e: unknown) => e instanceof CliError && /--env-file missing\.env: cannot read it \(ENOENT\)/.test(e.message));
  writeFileSync(join(dir, 'bad.env'), 'IBKR_CLIENT_ID=+7\n');
  const bad = resolveConnection({ 'env-file': 'bad.env' }, {}, dir);
  assert.throws(() => connectionInput(bad), (e: unknown) => e instanceof CliError && e.message.startsWith(`client id "+7" from .env IBKR_CLIENT_ID (${join(dir, 'bad.env')}) is not a whole number (it has a + sign)`));
  // A bad flag is left to the session configuration, whose message names the flag.
  assert.deepEqual(connectionInput(resolveConnection({ port: 'abc' }, {}, dir)).port, 'abc');
});
