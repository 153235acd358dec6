// Connection-level faults, each as real TWS behaves: the handshake never answered
// (API disabled), 326 then close, sockets dropped (nightly restart), a hung TWS
// (half-open), and a server version below what clients accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { EventName } from '@stoqey/ib';
import { once, startSim, TestClient } from '../../helpers/simHarness';

/** Raw TCP: send the v100+ handshake and report what comes back within `ms`. */
function rawHandshake(port: number, ms: number): Promise<{ connected: boolean; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    let connected = false;
    const s = connect(port, '127.0.0.1', () => {
      connected = true;
      const v = Buffer.from('v100..176');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(v.length);
      s.write(Buffer.concat([Buffer.from('API\0'), len, v]));
    });
    s.on('data', (d) => (bytes += d.length));
    s.on('error', () => {});
    setTimeout(() => {
      s.destroy();
      resolve({ connected, bytes });
    }, ms);
  });
}

test('api-disabled: TCP connects but the handshake is never answered', async () => {
  const fx = await startSim({ faultSpecs: ['api-disabled'] });
  try {
    const r = await rawHandshake(fx.sim.port, 400);
    assert.equal(r.connected, true, 'the TCP connection is accepted');
    assert.equal(r.bytes, 0, 'no server version is ever sent');
    const client = new TestClient(fx.sim.port, 1);
    await assert.rejects(client.connect(500), /timed out/);
    client.disconnect();
  } finally {
    await fx.stop();
  }
});

test('client-id-in-use: error 326 then the socket is closed; other ids connect', async () => {
  const fx = await startSim({ faultSpecs: ['client-id-in-use:1,2'] });
  try {
    const refused = new TestClient(fx.sim.port, 1);
    const closed = once(refused.ib, EventName.disconnected, 3000);
    refused.ib.connect();
    const e = await refused.error(326);
    assert.match(e.message, /client id is already in use/);
    await closed;
    const ok = await new TestClient(fx.sim.port, 3).connect();
    assert.equal(ok.accounts, 'DU1234567');
    ok.disconnect();
  } finally {
    await fx.stop();
  }
});

test('a real duplicate client id gets 326 while the first session keeps working', async () => {
  const fx = await startSim();
  try {
    const first = await new TestClient(fx.sim.port, 5).connect();
    const second = new TestClient(fx.sim.port, 5);
    second.ib.connect();
    await second.error(326);
    first.ib.reqCurrentTime();
    const [t] = await once(first.ib, EventName.currentTime, 2000);
    assert.ok(t > 0);
    first.disconnect();
    second.disconnect();
  } finally {
    await fx.stop();
  }
});

test('client-id-in-use@S: accepted at first, refused with 326 on reconnect after S seconds', async () => {
  const fx = await startSim({ faultSpecs: ['client-id-in-use:7@0.3'] });
  try {
    const c = await new TestClient(fx.sim.port, 7).connect();
    c.disconnect();
    await new Promise((r) => setTimeout(r, 400));
    const again = new TestClient(fx.sim.port, 7);
    again.ib.connect();
    await again.error(326);
    again.disconnect();
  } finally {
    await fx.stop();
  }
});

test('drop-after: every socket is closed once; reconnecting works', async () => {
  const fx = await startSim({ faultSpecs: ['drop-after:0.3'] });
  try {
    const c = await new TestClient(fx.sim.port, 1).connect();
    await once(c.ib, EventName.disconnected, 3000);
    const again = await new TestClient(fx.sim.port, 1).connect();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(again.ib.isConnected, true, 'only one drop');
    again.disconnect();
  } finally {
    await fx.stop();
  }
});

test('drop-every with a down time: the port refuses while TWS restarts, then accepts', async () => {
  const fx = await startSim({ faultSpecs: ['drop-every:0.3,0.4'] });
  try {
    const c = await new TestClient(fx.sim.port, 1).connect();
    await once(c.ib, EventName.disconnected, 3000);
    const during = await rawHandshake(fx.sim.port, 100);
    assert.equal(during.connected, false, 'connection refused while down');
    await new Promise((r) => setTimeout(r, 450));
    const back = await new TestClient(fx.sim.port, 1).connect();
    await once(back.ib, EventName.disconnected, 3000);
    back.disconnect();
  } finally {
    await fx.stop();
  }
});

test('half-open: after S seconds the socket stays open and nothing is answered', async () => {
  const fx = await startSim({ faultSpecs: ['half-open:0.3'] });
  try {
    const c = await new TestClient(fx.sim.port, 1).connect();
    c.ib.reqCurrentTime();
    await once(c.ib, EventName.currentTime, 1000);
    await new Promise((r) => setTimeout(r, 400));
    c.ib.reqCurrentTime();
    await assert.rejects(once(c.ib, EventName.currentTime, 600), /timed out/);
    assert.equal(c.ib.isConnected, true, 'the socket is still open');
    c.disconnect();
  } finally {
    await fx.stop();
  }
});

test('old-server: a server version below the client range is refused by the client', async () => {
  const fx = await startSim({ faultSpecs: ['old-server'] });
  try {
    const c = new TestClient(fx.sim.port, 1);
    const closed = once(c.ib, EventName.disconnected, 3000);
    c.ib.connect();
    await closed;
    const versionError = c.errors.find((e) => /Unsupported Version|out of date/i.test(e.message));
    assert.ok(versionError, `client reported the version: ${JSON.stringify(c.errors)}`);
    assert.match(versionError.message, /99/);
  } finally {
    await fx.stop();
  }
});
