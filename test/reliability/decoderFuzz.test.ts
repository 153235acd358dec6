// Seeded fuzz of the decode path: bytes "from TWS" -> the link's frame guard -> @stoqey/ib's
// socket and decoder -> the link's event checks -> the broker's event hub. Streams are built
// from real simulator output (the corpus), damaged (bit flips, cuts, inserted and deleted
// bytes, fields replaced, dropped or added with the frame length fixed up, bad lengths,
// swapped message ids, random bytes) and cut into random chunks. For every input: nothing
// is thrown, the host sees no exception, and either the stream is accepted or the link
// reports exactly one protocol fault naming the cause and forwards nothing after it; every
// order, fill and bar event that is forwarded has sane values. Clean streams never fault.
// A smaller leg runs the same inputs over real TCP and checks the socket is dropped.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { IbLink } from '../../src/extension/broker/ibLink';
import type { LinkEventMap } from '../../src/extension/broker/linkEvents';
import { EventHub } from '../../src/extension/core/observable';
import { waitFor } from '../helpers/simHarness';
import { INVARIANTS } from './support/eventInvariants';
import { Figures } from './support/figures';
import { buildCorpus, type Corpus } from './support/twsCorpus';
import { MUTATIONS, StreamFuzzer, type FuzzCase, type Mutation } from './support/streamFuzz';

const figures = new Figures(__filename);
const SEED = 20261121;
const CLEAN = 2_000;
const DAMAGED = 18_000;
const OVER_TCP = 200;

const FAULT_TEXT =
  /^(TWS sent bytes that are not a TWS API message: |TWS sent a message the API decoder cannot read \(|the TWS API decoder failed on message |TWS sent a malformed \w+ message: )/;

const uncaught: unknown[] = [];
process.on('uncaughtException', (e) => uncaught.push(e));

let corpus: Corpus;
before(async () => {
  corpus = await buildCorpus();
  assert.ok(corpus.frames.length > 50, `corpus of ${corpus.frames.length} frames`);
});

interface Outcome {
  faults: string[];
  violations: string[];
  afterFault: number;
  events: number;
}

/** Watches a hub: faults, invariant violations, events forwarded after a fault. */
function watch(hub: EventHub<LinkEventMap>): Outcome {
  const o: Outcome = { faults: [], violations: [], afterFault: 0, events: 0 };
  hub.on('protocolError', (r) => o.faults.push(r));
  for (const [name, check] of Object.entries(INVARIANTS)) {
    hub.on(name as keyof LinkEventMap, (...args: unknown[]) => {
      o.events++;
      if (o.faults.length) o.afterFault++;
      const bad = (check as (...a: unknown[]) => string | undefined)(...args);
      if (bad) o.violations.push(bad);
    });
  }
  return o;
}

function feed(c: FuzzCase): Outcome {
  const hub = new EventHub<LinkEventMap>();
  const o = watch(hub);
  const link = new IbLink({ host: '127.0.0.1', port: 1, clientId: 1 }, hub, () => {});
  link.listenWithoutSocket();
  try {
    for (const chunk of c.chunks) link.receive(chunk);
  } catch (err) {
    assert.fail(`case ${c.index} (${c.mutation}) threw ${String(err)}`);
  } finally {
    link.close();
  }
  return o;
}

function judge(c: FuzzCase, o: Outcome): void {
  const where = `case ${c.index} (${c.mutation})`;
  assert.ok(o.faults.length <= 1, `${where}: one fault at most: ${o.faults.join(' | ')}`);
  for (const f of o.faults) assert.match(f, FAULT_TEXT, where);
  assert.equal(o.afterFault, 0, `${where}: nothing forwarded after the fault`);
  assert.deepEqual(o.violations, [], where);
}

test(`${CLEAN} clean streams from the simulator's own output: decoded without a single fault`, () => {
  const fz = new StreamFuzzer(corpus, SEED);
  let events = 0;
  for (let i = 0; i < CLEAN; i++) {
    const c = fz.next(i, 'none');
    const o = feed(c);
    judge(c, o);
    assert.deepEqual(o.faults, [], `clean case ${i}`);
    events += o.events;
  }
  assert.ok(events > CLEAN, `${events} events forwarded`);
  figures.fuzzed('decoder (bytes -> link -> @stoqey/ib)', CLEAN);
});

test(`${DAMAGED} damaged streams: never a throw or an uncaught exception; a fault naming the cause or a clean decode; no bad order, fill or bar forwarded`, () => {
  const fz = new StreamFuzzer(corpus, SEED + 1);
  const byMutation = new Map<Mutation, { n: number; faults: number }>();
  for (let i = 0; i < DAMAGED; i++) {
    const m = MUTATIONS[i % MUTATIONS.length]!;
    const c = fz.next(i, m);
    const o = feed(c);
    judge(c, o);
    const s = byMutation.get(m) ?? { n: 0, faults: 0 };
    s.n++;
    s.faults += o.faults.length;
    byMutation.set(m, s);
  }
  assert.deepEqual(uncaught, []);
  // Cut streams wait for more bytes and reordered whole frames are still frames: no fault.
  assert.equal(byMutation.get('truncate')!.faults, 0);
  assert.equal(byMutation.get('reorder-frames')!.faults, 0);
  for (const m of ['random-bytes', 'bad-length', 'extra-field', 'drop-field', 'insert-bytes'] as const) {
    const s = byMutation.get(m)!;
    assert.ok(s.faults >= s.n * 0.5, `${m}: ${s.faults} faults in ${s.n}`);
  }
  figures.fuzzed('decoder (bytes -> link -> @stoqey/ib)', DAMAGED);
});

test(`${OVER_TCP} of the damaged streams over real TCP: the link drops the socket on a fault and the host never throws`, async () => {
  const fz = new StreamFuzzer(corpus, SEED + 2);
  let current: FuzzCase | undefined;
  let written = false;
  const closed = new Set<Socket>();
  const server: Server = createServer((s) => {
    const c = current!;
    s.on('close', () => closed.add(s));
    s.on('error', () => {});
    // Answer the client's `API` handshake with the case's bytes, chunk by chunk; never close first.
    s.once('data', () => {
      for (const chunk of c.chunks) s.write(chunk);
      s.write(Buffer.alloc(0), () => (written = true));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  let dropped = 0;
  try {
    for (let i = 0; i < OVER_TCP; i++) {
      const m = MUTATIONS[i % MUTATIONS.length]!;
      const c = fz.next(i, m);
      current = c;
      written = false;
      const hub = new EventHub<LinkEventMap>();
      const o = watch(hub);
      const before = closed.size;
      const link = new IbLink({ host: '127.0.0.1', port, clientId: 1 }, hub, () => {});
      // The connection manager's part: a protocol error closes the link.
      hub.on('protocolError', () => link.close());
      link.open();
      await waitFor(() => written, 2000, `case ${i}: written`);
      await waitFor(() => o.faults.length > 0, 30, '').catch(() => {});
      if (o.faults.length) {
        await waitFor(() => closed.size > before, 2000, `case ${i}: the socket closed after the fault`);
        dropped++;
      }
      link.close();
      judge(c, o);
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.ok(dropped > OVER_TCP / 3, `${dropped} connections dropped`);
  assert.deepEqual(uncaught, []);
  figures.fuzzed('decoder (bytes -> link -> @stoqey/ib)', OVER_TCP);
});
