// SimulatorHost, the extension's owner of the embedded simulator, under plain node: a real
// simulator on a free loopback port that a real @stoqey/ib client reaches; one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { SimulatorHost, type RunningSimulator } from '../../../src/extension/app/simulatorHost';
import { TestClient } from '../../helpers/simHarness';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

test('starts once on a free port, serves a TWS client, stops and reports each change', { timeout: 20_000 }, async () => {
  const changes: Array<RunningSimulator | undefined> = [];
  const host = new SimulatorHost({ log: () => {}, onChange: (r) => changes.push(r) });
  assert.equal(host.running, undefined);

  // Two quick starts share one simulator.
  const [a, b] = await Promise.all([host.start(), host.start()]);
  assert.deepEqual(a, b);
  assert.equal(a.host, '127.0.0.1');
  assert.ok(a.port > 0 && a.port !== 7497);
  assert.equal(a.account, 'DU1234567');
  assert.deepEqual(host.running, a);
  assert.deepEqual(await host.start(), a);

  const client = await new TestClient(a.port, 3).connect();
  assert.equal(client.accounts, 'DU1234567');
  client.disconnect();

  assert.equal(await host.stop(), true);
  assert.equal(host.running, undefined);
  assert.equal(await accepts(a.port), false);
  assert.equal(await host.stop(), false);
  assert.deepEqual(changes, [a, undefined]);
});

test('dispose stops a running simulator', { timeout: 20_000 }, async () => {
  const host = new SimulatorHost({ log: () => {}, onChange: () => {} });
  const { port } = await host.start();
  await host.dispose();
  assert.equal(await accepts(port), false);
});
