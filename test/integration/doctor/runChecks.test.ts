// runChecks as the extension will call it (in process): settings as the highest
// source below explicit values, progress callbacks, a real duplicate client id, and
// probeClientId for when the extension itself holds the configured id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks, type Check } from '../../../src/extension/doctor';
import type { EnvironmentInputs } from '../../../src/extension/doctor/environmentCheck';
import { startSim, TestClient } from '../../helpers/simHarness';

const LOCAL: EnvironmentInputs = {
  platform: 'linux',
  env: {},
  procVersion: 'Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP\n',
  localhostAddresses: ['127.0.0.1'],
};

test('settings outrank the environment and .env; every check is reported through onCheck', async () => {
  const fx = await startSim({ startMs: Date.now() });
  try {
    const seen: Check[] = [];
    const report = await runChecks({
      settings: { port: fx.sim.port, clientId: 5 },
      env: { IBKR_PORT: '1', IBKR_CLIENT_ID: '9' },
      envFile: null,
      environment: LOCAL,
      onCheck: (c) => seen.push(c),
    });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.checks.filter((c) => c.status !== 'pass')));
    assert.deepEqual(report.target, { host: '127.0.0.1', port: fx.sim.port, clientId: 5 });
    const config = report.checks[0]!;
    assert.match(config.finding, new RegExp(`port ${fx.sim.port} .*\\(setting ibkrAi\\.port\\), client id 5 \\(setting ibkrAi\\.clientId\\)`));
    assert.ok(config.evidence.some((e) => /overrides environment IBKR_PORT=1/.test(e.detail)));
    assert.equal(seen.length, 9);
    assert.deepEqual(new Set(seen.map((c) => c.id)).size, 9);
    assert.match(report.checks.find((c) => c.id === 'session')!.finding, /client id 5/);
    assert.match(report.checks.find((c) => c.id === 'environment')!.finding, /not WSL \(linux\); local session/);
  } finally {
    await fx.stop();
  }
});

test('a client id really held by another client: 326 with the free ids; probeClientId connects as another id', async () => {
  const fx = await startSim({ startMs: Date.now() });
  const holder = await new TestClient(fx.sim.port, 1).connect();
  try {
    const clash = await runChecks({ flags: { port: String(fx.sim.port), clientId: '1' }, envFile: null, environment: LOCAL });
    assert.equal(clash.verdict, 'fail');
    const s = clash.checks.find((c) => c.id === 'session')!;
    assert.equal(s.cause, 'session.client-id-in-use');
    assert.match(s.finding, /Free client ids: 2, 3, 4, 11/);
    assert.equal(holder.ib.isConnected, true, 'the holder of id 1 keeps its session');

    const asOther = await runChecks({ flags: { port: String(fx.sim.port), clientId: '1' }, envFile: null, environment: LOCAL, probeClientId: 42 });
    assert.equal(asOther.verdict, 'pass', JSON.stringify(asOther.checks.filter((c) => c.status !== 'pass')));
    assert.match(asOther.checks.find((c) => c.id === 'session')!.finding, /client id 42/);
  } finally {
    holder.disconnect();
    await fx.stop();
  }
});
