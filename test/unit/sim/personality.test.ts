// The simulator's personalities (--product, --release) and the setup faults they can
// have: strict parsing of login-pending, accept-dialog, fix-mode, ipv6-only and
// auto-restart, the help text and CLI listing them, the conflicts a personality
// rules out, and the restart clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { FAULT_HELP, parseFaults } from '../../../src/extension/sim/server/faults';
import { defaultSimOptions, personalityConflict, personalityServerVersion } from '../../../src/extension/sim/simOptions';
import { nextNyTime } from '../../../src/extension/sim/market/marketTime';
import { nyParts, nyTimeToMs } from '../../../src/extension/sim/market/marketTime';

const ROOT = resolve(__dirname, '../../..');

test('setup faults parse strictly', () => {
  assert.deepEqual(parseFaults(['login-pending:2']).loginPending, { seconds: 2 });
  assert.deepEqual(parseFaults(['accept-dialog:0.5']).acceptDialog, { seconds: 0.5 });
  assert.equal(parseFaults(['fix-mode']).fixMode, true);
  assert.equal(parseFaults(['ipv6-only']).ipv6Only, true);
  assert.deepEqual(parseFaults(['auto-restart:23:45']).autoRestart, { hour: 23, minute: 45, downSeconds: 2 });
  assert.deepEqual(parseFaults(['auto-restart:9:30,5']).autoRestart, { hour: 9, minute: 30, downSeconds: 5 });
  assert.throws(() => parseFaults(['login-pending']), /--fault login-pending: S \(seconds\) must be a number/);
  assert.throws(() => parseFaults(['accept-dialog:0']), /S \(seconds\) must be a number >= 0\.001/);
  assert.throws(() => parseFaults(['fix-mode:1']), /fix-mode:1: takes no argument/);
  assert.throws(() => parseFaults(['ipv6-only:yes']), /takes no argument/);
  assert.throws(() => parseFaults(['auto-restart:24:00']), /HH:MM must be a New York time 00:00\.\.23:59/);
  assert.throws(() => parseFaults(['auto-restart:2345']), /HH:MM/);
  assert.throws(() => parseFaults(['auto-restart:23:45,x']), /DOWN \(seconds\)/);
  for (const name of ['login-pending:S', 'accept-dialog:S', 'fix-mode', 'ipv6-only', 'auto-restart:HH:MM[,DOWN]']) assert.ok(FAULT_HELP[name], name);
});

test('personality: the release sets the server version; Gateway from 10.41 cannot have api-disabled; fix-mode is Gateway only', () => {
  assert.equal(personalityServerVersion({ serverVersion: 176 }), 176);
  assert.equal(personalityServerVersion({ serverVersion: 176, release: '10.41' }), 217);
  assert.equal(personalityServerVersion({ serverVersion: 176, release: '10.50' }), 226);
  const apiOff = parseFaults(['api-disabled']);
  assert.match(
    personalityConflict(defaultSimOptions({ product: 'gateway', release: '10.41', faults: apiOff }))!,
    /api-disabled cannot happen on IB Gateway 10\.41: .*no "Enable ActiveX and Socket Clients"/,
  );
  assert.match(personalityConflict(defaultSimOptions({ product: 'gateway', release: '10.50', faults: apiOff }))!, /IB Gateway 10\.50/);
  assert.equal(personalityConflict(defaultSimOptions({ product: 'gateway', release: '10.30', faults: apiOff })), undefined);
  assert.equal(personalityConflict(defaultSimOptions({ product: 'tws', release: '10.50', faults: apiOff })), undefined);
  assert.match(personalityConflict(defaultSimOptions({ product: 'tws', faults: parseFaults(['fix-mode']) }))!, /needs --product gateway/);
});

test('nextNyTime: the next New York HH:MM at or after a time', () => {
  const at = nyTimeToMs(2026, 12, 4, 23, 45);
  assert.equal(nextNyTime(at - 1000, 23, 45), at);
  assert.equal(nextNyTime(at, 23, 45), at);
  const next = nextNyTime(at + 1000, 23, 45);
  const p = nyParts(next);
  assert.deepEqual([p.day, p.hour, p.minute], [5, 23, 45]);
});

test('npm run sim -- --help lists the personalities and the new faults; bad ones are usage errors', () => {
  const help = spawnSync(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'sim', '--help'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--product tws\|gateway/);
  assert.match(
    help.stdout,
    /--release R .*10\.19 \(server version 176\), 10\.30 \(server version 187\), 10\.41 \(server version 217\), 10\.50 \(server version 226\)/,
  );
  for (const f of ['login-pending:S', 'accept-dialog:S', 'fix-mode', 'ipv6-only', 'auto-restart:HH:MM']) assert.ok(help.stdout.includes(f), f);
  const bad = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/extension/cli/main.ts', 'sim', '--product', 'gateway', '--release', '10.41', '--fault', 'api-disabled', '--port', '0'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(bad.status, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /api-disabled cannot happen on IB Gateway 10\.41/);
  const rel = spawnSync(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'sim', '--release', '10.42'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(rel.status, 2);
  assert.match(rel.stderr, /--release "10\.42" is not a simulated release \(valid: 10\.19, 10\.30, 10\.41, 10\.50\)/);
});
