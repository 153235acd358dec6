import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFERRED_SYNC_TYPES, Journal, JournalError } from '../../../src/extension/session/journal';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-'));

test('appends durable JSON lines and reads them back in order', () => {
  const d = dir();
  const j = Journal.open(d, 's1');
  j.append('intent', { orderRef: 'a', qty: 5 });
  j.append('fill', { orderRef: 'a', price: 10 });
  j.close();
  const lines = Journal.read(join(d, 's1.jsonl'));
  assert.deepEqual(
    lines.map((l) => [l.type, l.orderRef]),
    [
      ['intent', 'a'],
      ['fill', 'a'],
    ],
  );
  assert.equal(readFileSync(join(d, 's1.jsonl'), 'utf8').split('\n').length, 3, 'one line each plus the final newline');
  assert.deepEqual(Journal.sessions(d), ['s1']);
});

test('re-opening appends: a restarted session keeps what was written', () => {
  const d = dir();
  Journal.open(d, 's').append('a');
  Journal.open(d, 's').append('b');
  assert.deepEqual(
    Journal.read(join(d, 's.jsonl')).map((l) => l.type),
    ['a', 'b'],
  );
});

test('a torn last line from a crash is dropped; damage in the middle is an error', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  const j = Journal.open(d, 's');
  j.append('intent', { n: 1 });
  j.close();
  appendFileSync(p, '{"t":1,"type":"fi');
  assert.deepEqual(
    Journal.read(p).map((l) => l.type),
    ['intent'],
  );
  writeFileSync(p, '{"t":1,"type":"a"}\nnot json\n{"t":2,"type":"b"}\n');
  assert.throws(
    () => Journal.read(p),
    (e: unknown) => e instanceof JournalError && e.code === 'corrupt' && /line 2/.test(e.message),
  );
});

test('a directory that is not writable is refused with a message naming it', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
  const d = dir();
  chmodSync(d, 0o500);
  assert.throws(
    () => Journal.open(join(d, 'sub'), 's'),
    (e: unknown) => e instanceof JournalError && e.code === 'not-writable' && e.message.includes(d),
  );
});

test('a path that cannot be a directory is refused with a message naming it', () => {
  const d = dir();
  const file = join(d, 'file');
  writeFileSync(file, 'x');
  assert.throws(
    () => Journal.open(join(file, 'journal'), 's'),
    (e: unknown) => e instanceof JournalError && e.code === 'not-writable' && e.message.includes(file),
  );
});

test('a full disk surfaces as disk-full (on /dev/full)', { skip: process.platform !== 'linux' }, () => {
  const j = Journal.open(dir(), 's');
  // Swap the descriptor for /dev/full, which fails every write with ENOSPC.
  (j as unknown as { fd: number }).fd = openSync('/dev/full', 'w');
  assert.throws(
    () => j.append('intent'),
    (e: unknown) => e instanceof JournalError && e.code === 'disk-full' && /disk full/.test(e.message),
  );
});

test('lines that gate an action are fsynced at once; recording lines are written at once and fsynced off the event loop after the turn', async () => {
  const d = dir();
  const j = Journal.open(d, 'sync');
  const internals = j as unknown as { unsynced: boolean; syncing: boolean; syncScheduled: boolean };
  for (const type of ['intent', 'cancel-request', 'session-start', 'kill', 'risk-stop', 'fill', 'commission'])
    assert.ok(!DEFERRED_SYNC_TYPES.has(type), `${type} gates an action or records money`);
  j.append('decision', { n: 1 });
  j.append('order-status', { n: 2 });
  // Written before append returns: another reader (or a restart after a crash of the process) sees them.
  assert.deepEqual(
    Journal.read(join(d, 'sync.jsonl')).map((l) => l.type),
    ['decision', 'order-status'],
  );
  assert.equal(internals.unsynced, true);
  j.append('intent', { n: 3 });
  assert.equal(internals.unsynced, false, "the intent's fsync covers the lines before it");
  j.append('fill', { n: 4 });
  assert.equal(internals.unsynced, false, 'a fill is fsynced before append returns');
  j.append('order-status', { n: 4.5 });
  assert.equal(internals.unsynced, true);
  await new Promise((r) => setImmediate(r));
  assert.equal(internals.unsynced, false, 'the status went to an fsync after the turn');
  for (let i = 0; i < 200 && internals.syncing; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(internals.syncing, false);
  j.append('pnl', { n: 5 });
  j.close(); // fsyncs what is pending, even with an fsync in flight
  assert.deepEqual(
    Journal.read(join(d, 'sync.jsonl')).map((l) => l.type),
    ['decision', 'order-status', 'intent', 'fill', 'order-status', 'pnl'],
  );
  assert.throws(
    () => j.append('intent'),
    (e: unknown) => e instanceof JournalError && /closed/.test(e.message),
  );
});

test('durable lines of one turn are written at once and resolve only after the fsync after the turn; an earlier fsync covers them; a full disk throws', async () => {
  const d = dir();
  const j = Journal.open(d, 'group');
  const fd = (j as unknown as { fd: number }).fd;
  const internals = j as unknown as { fd: number };
  const a = j.appendDurable('intent', { n: 1 });
  const b = j.appendDurable('intent', { n: 2 });
  let resolved = 0;
  void a.durable.then(() => resolved++);
  void b.durable.then(() => resolved++);
  // Written at once (a crash of the process after this keeps them), not yet acknowledged as durable.
  assert.deepEqual(
    Journal.read(join(d, 'group.jsonl')).map((l) => l.n),
    [1, 2],
  );
  await Promise.resolve();
  assert.equal(resolved, 0, 'nothing resolves before the fsync after the turn');
  await Promise.all([a.durable, b.durable]);
  assert.equal(resolved, 2);
  assert.equal(internals.fd, fd);
  // An fsync at once (a fill) covers durable lines written before it.
  const c = j.appendDurable('intent', { n: 3 });
  j.append('fill', { n: 4 });
  let cDone = false;
  void c.durable.then(() => (cDone = true));
  await Promise.resolve();
  assert.equal(cDone, true, "the fill's fsync covered the intent before it");
  // A full disk (ENOSPC from /dev/full) fails the durable append before anything is acted on.
  if (process.platform === 'linux') {
    internals.fd = openSync('/dev/full', 'w');
    assert.throws(
      () => j.appendDurable('intent', { n: 5 }),
      (e: unknown) => e instanceof JournalError && e.code === 'disk-full',
    );
  }
  internals.fd = fd;
  j.close();
});

test('opening a journal with a torn tail (no final newline) cuts it back to the last whole line and journals what was cut, before appending', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  const j = Journal.open(d, 's');
  j.append('intent', { n: 1 });
  j.close();
  const whole = readFileSync(p).length;
  appendFileSync(p, '{"t":1,"type":"fi');
  const k = Journal.open(d, 's');
  assert.deepEqual(k.repaired, { cutBytes: 17, cut: '{"t":1,"type":"fi', reason: 'no-newline' });
  k.append('fill', { n: 2 });
  k.close();
  // Without the repair the fill would have landed on the fragment and made the journal unreadable.
  const lines = Journal.read(p);
  assert.deepEqual(
    lines.map((l) => l.type),
    ['intent', 'journal-repair', 'fill'],
  );
  assert.deepEqual([lines[1]!.cutBytes, lines[1]!.reason, lines[1]!.cut], [17, 'no-newline', '{"t":1,"type":"fi']);
  assert.equal(
    readFileSync(p, 'utf8')
      .split('\n')
      .filter((r) => r !== '')
      .every((r) => JSON.parse(r)),
    true,
    'every line whole JSON',
  );
  assert.ok(readFileSync(p).length > whole);
});

test('a last line that ends in a newline but is not JSON is cut too; a whole journal is left as it is', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  writeFileSync(p, '{"t":1,"type":"a"}\n{"t":2,"ty\u0000\u0000\n');
  const j = Journal.open(d, 's');
  assert.equal(j.repaired?.reason, 'not-json');
  assert.equal(j.repaired?.cutBytes, Buffer.byteLength('{"t":2,"ty\u0000\u0000\n'));
  j.close();
  assert.deepEqual(
    Journal.read(p).map((l) => l.type),
    ['a', 'journal-repair'],
  );
  const before = readFileSync(p, 'utf8');
  const k = Journal.open(d, 's');
  assert.equal(k.repaired, undefined);
  k.close();
  assert.equal(readFileSync(p, 'utf8'), before, 'nothing cut, nothing added');
  // A file that is only a fragment is cut to empty.
  writeFileSync(join(d, 'f.jsonl'), '{"t":1,"ty');
  const f = Journal.open(d, 'f');
  f.close();
  assert.deepEqual(
    Journal.read(join(d, 'f.jsonl')).map((l) => [l.type, l.cutBytes]),
    [['journal-repair', 10]],
  );
});

/** A journal whose writes are cut short after `allow` full writes (the disk filling up mid-line). */
function shortWriting(d: string, allow: number): { journal: Journal; calls: () => number } {
  let calls = 0;
  const journal = Journal.open(d, 's', {
    io: {
      writeSync: (fd, buffer, offset, length) => {
        calls++;
        // The short write really happens: half the line reaches the file.
        return calls > allow ? writeSync(fd, buffer, offset, Math.floor(length / 2)) : writeSync(fd, buffer, offset, length);
      },
    },
  });
  return { journal, calls: () => calls };
}

test('a short write is a JournalError: the partial line is cut back, and every later append fails too', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  const { journal } = shortWriting(d, 1);
  journal.append('session-start', { n: 1 });
  assert.throws(
    () => journal.append('intent', { orderRef: 'x' }),
    (e: unknown) => e instanceof JournalError && e.code === 'io' && /short write/.test(e.message) && /of \d+ bytes written/.test(e.message),
  );
  assert.throws(
    () => journal.append('fill'),
    (e: unknown) => e instanceof JournalError && /short write/.test(e.message),
    'the journal stays failed',
  );
  journal.close();
  assert.deepEqual(
    Journal.read(p).map((l) => l.type),
    ['session-start'],
    'the file holds whole lines only',
  );
  assert.ok(readFileSync(p, 'utf8').endsWith('\n'));
});

test('a short write of a durable line throws at once (the order is never sent)', () => {
  const d = dir();
  const { journal } = shortWriting(d, 0);
  assert.throws(
    () => journal.appendDurable('intent', { orderRef: 'x' }),
    (e: unknown) => e instanceof JournalError && /short write/.test(e.message),
  );
  journal.close();
  assert.deepEqual(Journal.read(join(d, 's.jsonl')), []);
});

test('a journal saved with a UTF-8 byte-order mark is read', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  writeFileSync(p, '\uFEFF{"t":1,"type":"a"}\n{"t":2,"type":"b"}\n');
  assert.deepEqual(
    Journal.read(p).map((l) => l.type),
    ['a', 'b'],
  );
});
