// The simulator's faults for the reliability suite, over real TCP: order events delivered
// twice or out of order (nothing lost, nothing invented), bytes no TWS API client can decode
// (garbage, a truncated message, an oversized frame header), a hang that ends, and a client
// id refused only for a while.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { EventName } from '@stoqey/ib';
import { encodeFrame, FrameReader, MAX_FRAME_BYTES } from '../../../src/extension/tws/wire';
import { once, sleep, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';

const NVDA = { symbol: 'NVDA', secType: 'STK', exchange: 'SMART', currency: 'USD' } as never;

/** Places MKT BUY 3 NVDA and returns the names of the live order events received until 3 shares are filled (plus a settle time). */
async function orderEvents(fx: SimFixture, clientId: number): Promise<string[]> {
  const c = await new TestClient(fx.sim.port, clientId).connect();
  const names: string[] = [];
  const execIds: string[] = [];
  const ib = c.ib as unknown as NodeJS.EventEmitter;
  for (const ev of [EventName.openOrder, EventName.orderStatus, EventName.commissionReport]) ib.on(ev, () => names.push(ev));
  ib.on(EventName.execDetails, (_r: number, _c: unknown, e: { execId: string }) => {
    names.push(EventName.execDetails);
    execIds.push(e.execId);
  });
  try {
    const id = c.takeOrderId();
    c.ib.placeOrder(id, NVDA, { action: 'BUY', totalQuantity: 3, orderType: 'MKT', transmit: true } as never);
    await waitFor(() => fx.sim.engine.orders.get(id)?.status === 'Filled', 5000, 'the fill');
    await sleep(600);
    return names;
  } finally {
    c.disconnect();
  }
}

const count = (names: string[]) => names.reduce<Record<string, number>>((m, n) => ((m[n] = (m[n] ?? 0) + 1), m), {});

test('duplicate-order-events: every live openOrder, orderStatus, execDetails and commissionReport arrives twice', async () => {
  const plain = await startSim({ faultSpecs: ['partial-fills:3'] });
  const dup = await startSim({ faultSpecs: ['partial-fills:3', 'duplicate-order-events'] });
  try {
    const once_ = count(await orderEvents(plain, 1));
    const twice = count(await orderEvents(dup, 1));
    assert.equal(once_.execDetails, 3);
    for (const [name, n] of Object.entries(once_)) assert.equal(twice[name], 2 * n, `${name}: ${twice[name]} vs ${n}`);
    const recorded = dup.records().filter((l) => l.dir === 'out' && l.name === 'execDetails');
    assert.equal(recorded.length, 6);
    assert.equal(new Set(recorded.map((l) => l.fields.join('|'))).size, 3, 'the copies are identical');
  } finally {
    await plain.stop();
    await dup.stop();
  }
});

test('shuffle-order-events: the same events, none lost or added, in another order than TWS sends them', async () => {
  const plain = await startSim({ faultSpecs: ['partial-fills:3'] });
  const shuffled = await startSim({ faultSpecs: ['partial-fills:3', 'shuffle-order-events:400'] });
  try {
    const natural = await orderEvents(plain, 1);
    const mixed = await orderEvents(shuffled, 1);
    assert.deepEqual(count(mixed), count(natural), 'same events');
    assert.notDeepEqual(mixed, natural, 'not in the natural order');
    // TWS's own order: every commissionReport right after its execDetails. Shuffled, not so.
    const after = (seq: string[]) => seq.every((n, i) => n !== EventName.commissionReport || seq[i - 1] === EventName.execDetails);
    assert.equal(after(natural), true);
    // Snapshots are not shuffled: reqOpenOrders still ends with openOrderEnd after its orders.
    const c = await new TestClient(shuffled.sim.port, 2).connect();
    try {
      const end = once(c.ib, EventName.openOrderEnd, 3000);
      c.ib.reqOpenOrders();
      await end;
    } finally {
      c.disconnect();
    }
  } finally {
    await plain.stop();
    await shuffled.stop();
  }
});

/** A raw API client (handshake + startApi) that keeps every byte it receives. */
async function rawClient(port: number, clientId: number): Promise<{ socket: Socket; bytes: () => Buffer; closed: () => boolean }> {
  const chunks: Buffer[] = [];
  let closed = false;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('close', () => (closed = true));
  const v = Buffer.from('v100..176');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(v.length);
  socket.write(Buffer.concat([Buffer.from('API\0'), len, v]));
  await waitFor(() => chunks.length > 0, 2000, 'the server version');
  socket.write(encodeFrame(['71', '2', String(clientId), '']));
  return { socket, bytes: () => Buffer.concat(chunks), closed: () => closed };
}

test('garbage:S writes the recorded random bytes raw into the stream after S seconds, to every client', async () => {
  const fx = await startSim({ faultSpecs: ['garbage:0.4,48'] });
  try {
    const a = await rawClient(fx.sim.port, 1);
    const b = await rawClient(fx.sim.port, 2);
    await waitFor(() => fx.records().some((l) => l.name === 'fault:garbage'), 3000, 'the garbage');
    await sleep(100);
    const lines = fx.records().filter((l) => l.name === 'fault:garbage');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.equal(Buffer.from(l.fields[0]!, 'hex').length, 48);
    for (const c of [a, b]) {
      const got = c.bytes();
      const hex = got.toString('hex');
      assert.ok(
        lines.some((l) => hex.includes(l.fields[0]!)),
        'the recorded bytes reached the client',
      );
      assert.equal(c.closed(), false, 'the simulator itself keeps the socket open: the client must notice');
      c.socket.destroy();
    }
  } finally {
    await fx.stop();
  }
});

test('malformed-frame:S sends a well-framed orderStatus cut after its order id', async () => {
  const fx = await startSim({ faultSpecs: ['malformed-frame:0.3'] });
  try {
    const c = await rawClient(fx.sim.port, 1);
    await waitFor(() => fx.records().some((l) => l.name === 'fault:malformed-frame'), 3000, 'the frame');
    await sleep(100);
    const frames = new FrameReader().push(c.bytes());
    assert.deepEqual(frames[frames.length - 1], ['3', '0']);
    c.socket.destroy();
  } finally {
    await fx.stop();
  }
});

test('oversized-frame:S sends a header above the 16 MiB API maximum', async () => {
  const fx = await startSim({ faultSpecs: ['oversized-frame:0.3'] });
  try {
    const c = await rawClient(fx.sim.port, 1);
    await waitFor(() => fx.records().some((l) => l.name === 'fault:oversized-frame'), 3000, 'the header');
    await sleep(100);
    const reader = new FrameReader();
    assert.throws(() => reader.push(c.bytes()), new RegExp(`frame of ${MAX_FRAME_BYTES + 1} bytes exceeds`));
    c.socket.destroy();
  } finally {
    await fx.stop();
  }
});

test('half-open:S,FOR: hung for FOR seconds; the hung socket stays dead, a new connection is answered', async () => {
  const fx = await startSim({ faultSpecs: ['half-open:0.3,0.5'] });
  try {
    const first = await new TestClient(fx.sim.port, 1).connect();
    await sleep(400);
    const hung = new TestClient(fx.sim.port, 2);
    await assert.rejects(hung.connect(300), /timed out/, 'nothing answered during the hang');
    hung.disconnect();
    await sleep(500);
    const before = fx.records().length;
    first.ib.reqCurrentTime();
    await sleep(200);
    assert.equal(fx.records().length, before, 'the socket that hung is not answered again');
    const fresh = await new TestClient(fx.sim.port, 3).connect(2000);
    assert.equal(fresh.accounts, 'DU1234567');
    fresh.disconnect();
    first.disconnect();
  } finally {
    await fx.stop();
  }
});

test('client-id-in-use@S..E: refused with 326 only between S and E seconds', async () => {
  const fx = await startSim({ faultSpecs: ['client-id-in-use:4@0.3..0.9'] });
  try {
    const early = await new TestClient(fx.sim.port, 4).connect();
    early.disconnect();
    await sleep(400);
    const refused = new TestClient(fx.sim.port, 4);
    refused.ib.connect();
    assert.match((await refused.error(326)).message, /already in use/);
    refused.disconnect();
    await sleep(600);
    const later = await new TestClient(fx.sim.port, 4).connect();
    assert.equal(later.accounts, 'DU1234567');
    later.disconnect();
  } finally {
    await fx.stop();
  }
});
