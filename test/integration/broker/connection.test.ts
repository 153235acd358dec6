// Staged connect against the simulator over TCP: the named steps, the facts the state
// carries (account, paper/live, server version, farms), and each step failing with its
// own reason: TCP refused, handshake never answered, client id in use (326), a server
// version the client refuses. No order is ever sent while not ready.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import { connected, makeClient, placedCounts, sleep, startSim } from '../../helpers/brokerFixture';

test('connect runs tcp -> handshake -> api -> sync and is ready only after the sync', async () => {
  const t = await connected();
  try {
    const seen = t.states.map((s) => `${s.status}${s.step ? ':' + s.step : ''}`);
    const order = ['connecting:tcp', 'connecting:handshake', 'connecting:api', 'syncing:sync', 'ready'];
    let at = -1;
    for (const step of order) {
      const i = seen.indexOf(step, at + 1);
      assert.ok(i > at, `state ${step} after the previous steps; saw ${seen.join(' ')}`);
      at = i;
    }
    const s = t.client.state.value;
    assert.equal(s.status, 'ready');
    assert.equal(s.accountId, 'DU1234567');
    assert.equal(s.isPaper, true);
    assert.equal(t.client.isPaper, true);
    assert.equal(s.serverVersion, 176);
    assert.equal(s.clientId, 1);
    assert.deepEqual(
      s.farms,
      { usfarm: 'ok', ushmds: 'ok', secdefil: 'ok', 'ibkr-ai-trader-sim': 'ok' },
      "the three farms, and the simulator's own farm name (sim/protocol/simulatorMark.ts)",
    );
    assert.ok(!t.logs.some((l) => /TCP_NODELAY/.test(l.message)), 'Nagle turned off on the @stoqey/ib socket');
    // The sync happened before ready: its report exists and TWS saw the four sync requests first.
    assert.equal(t.client.lastReconciliation?.trigger, 'connect');
    const names = t.fx
      .records()
      .filter((l) => l.dir === 'in')
      .map((l) => l.name);
    for (const n of ['reqPositions', 'reqOpenOrders', 'reqExecutions', 'reqAccountUpdates'])
      assert.ok(names.includes(n), `${n} sent during sync; got ${names.join(',')}`);
  } finally {
    await t.close();
  }
});

test('a live account is reported as not paper', async () => {
  const t = await connected({ live: true });
  try {
    assert.equal(t.client.accountId, 'U1234567');
    assert.equal(t.client.isPaper, false);
  } finally {
    await t.close();
  }
});

test('tcp step fails with a reason when nothing listens on the port', async () => {
  const fx = await startSim();
  const port = fx.sim.port;
  await fx.stop();
  const { client } = makeClient(port);
  try {
    const err = await client.connect().then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof BrokerError);
    assert.equal(err.step, 'tcp');
    assert.equal(err.code, 502);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(err.message, /TWS or IB Gateway running/);
    const s = client.state.value;
    assert.equal(s.status, 'failed');
    assert.equal(s.step, 'tcp');
    assert.equal(s.lastError?.code, 502);
  } finally {
    await client.dispose();
  }
});

test('handshake step times out with a reason when the API is disabled', async () => {
  const fx = await startSim({ faultSpecs: ['api-disabled'] });
  const { client } = makeClient(fx.sim.port);
  try {
    const err = (await client.connect().catch((e: unknown) => e)) as BrokerError;
    assert.ok(err instanceof BrokerError, String(err));
    assert.equal(err.step, 'handshake');
    assert.equal(err.code, ClientCode.Timeout);
    assert.match(err.message, /did not answer the API handshake within 800 ms/);
    assert.match(err.message, /ActiveX and Socket Clients/);
    assert.equal(client.state.value.status, 'failed');
  } finally {
    await client.dispose();
    await fx.stop();
  }
});

test('the api step (nextValidId, managedAccounts) fails on 326 and says so; the client id is not changed unless configured', async () => {
  const fx = await startSim({ faultSpecs: ['client-id-in-use:1'] });
  const { client } = makeClient(fx.sim.port, { clientId: 1 });
  try {
    const err = (await client.connect().catch((e: unknown) => e)) as BrokerError;
    assert.ok(err instanceof BrokerError, String(err));
    assert.equal(err.step, 'api');
    assert.equal(err.code, 326);
    assert.match(err.message, /client id 1 is already in use/);
    assert.match(err.message, /does not switch ids by itself/);
    const s = client.state.value;
    assert.equal(s.status, 'failed');
    assert.equal(s.clientId, 1);
    // Only client id 1 was ever offered to TWS.
    const startApis = fx.records().filter((l) => l.name === 'startApi');
    assert.ok(startApis.length >= 1);
    assert.ok(
      startApis.every((l) => l.fields[2] === '1'),
      JSON.stringify(startApis.map((l) => l.fields)),
    );
  } finally {
    await client.dispose();
    await fx.stop();
  }
});

test('with alternateClientIds configured, 326 moves to the next id', async () => {
  const fx = await startSim({ faultSpecs: ['client-id-in-use:1'] });
  const { client, logs } = makeClient(fx.sim.port, { clientId: 1, alternateClientIds: [4] });
  try {
    const s = await client.connect();
    assert.equal(s.status, 'ready');
    assert.equal(s.clientId, 4);
    assert.ok(logs.some((l) => /client id 1 is in use/.test(l.message)));
  } finally {
    await client.dispose();
    await fx.stop();
  }
});

test('handshake fails with a reason when TWS speaks a version the client refuses', async () => {
  const fx = await startSim({ faultSpecs: ['old-server'] });
  const { client } = makeClient(fx.sim.port);
  try {
    const err = (await client.connect().catch((e: unknown) => e)) as BrokerError;
    assert.ok(err instanceof BrokerError, String(err));
    assert.equal(err.step, 'handshake');
    assert.match(err.message, /server version|TWS/);
    assert.match(err.message, /99/);
  } finally {
    await client.dispose();
    await fx.stop();
  }
});

test('no order is sent while not ready; disconnect() stays disconnected', async () => {
  const fx = await startSim();
  const { client } = makeClient(fx.sim.port);
  try {
    const nvda = { symbol: 'NVDA', secType: 'STK' as const, exchange: 'SMART', currency: 'USD', conId: 4815747 };
    const before = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e);
    assert.ok(before instanceof BrokerError);
    assert.equal(before.code, ClientCode.NotReady);
    assert.equal(before.orderSent, false);

    await client.connect();
    await client.disconnect();
    assert.equal(client.state.value.status, 'disconnected');
    const after = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 1, type: 'MKT' }).catch((e: unknown) => e);
    assert.ok(after instanceof BrokerError);
    assert.equal(after.code, ClientCode.NotReady);
    await sleep(client.reconnectBoundMs + 200);
    assert.equal(client.state.value.status, 'disconnected', 'a user disconnect is not followed by a reconnect');
    assert.equal(placedCounts(fx).size, 0, 'TWS never saw a placeOrder');
  } finally {
    await client.dispose();
    await fx.stop();
  }
});
