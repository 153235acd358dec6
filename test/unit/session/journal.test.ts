import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, JournalError } from '../../../src/extension/session/journal';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-'));

test('appends durable JSON lines and reads them back in order', () => {
  const d = dir();
  const j = Journal.open(d, 's1');
  j.append('intent', { orderRef: 'a', qty: 5 });
  j.append('fill', { orderRef: 'a', price: 10 });
  j.close();
  const lines = Journal.read(join(d, 's1.jsonl'));
  assert.deepEqual(lines.map((l) => [l.type, l.orderRef]), [['intent', 'a'], ['fill', 'a']]);
  assert.equal(readFileSync(join(d, 's1.jsonl'), 'utf8').split('\n').length, 3, 'one line each plus the final newline');
  assert.deepEqual(Journal.sessions(d), ['s1']);
});

test('re-opening appends: a restarted session keeps what was written', () => {
  const d = dir();
  Journal.open(d, 's').append('a');
  Journal.open(d, 's').append('b');
  assert.deepEqual(Journal.read(join(d, 's.jsonl')).map((l) => l.type), ['a', 'b']);
});

test('a torn last line from a crash is dropped; damage in the middle is an error', () => {
  const d = dir();
  const p = join(d, 's.jsonl');
  const j = Journal.open(d, 's');
  j.append('intent', { n: 1 });
  j.close();
  appendFileSync(p, '{"t":1,"type":"fi');
  assert.deepEqual(Journal.read(p).map((l) => l.type), ['intent']);
  writeFileSync(p, '{"t":1,"type":"a"}\nnot json\n{"t":2,"type":"b"}\n');
  assert.throws(() => Journal.read(p), (e: unknown) => e instanceof JournalError && e.code === 'corrupt' && /line 2/.test(e.message));
});

test('a directory that is not writable is refused with a message naming it', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
  const d = dir();
  chmodSync(d, 0o500);
  assert.throws(() => Journal.open(join(d, 'sub'), 's'), (e: unknown) => e instanceof JournalError && e.code === 'not-writable' && e.message.includes(d));
});

test('a path that cannot be a directory is refused with a message naming it', () => {
  const d = dir();
  const file = join(d, 'file');
  writeFileSync(file, 'x');
  assert.throws(() => Journal.open(join(file, 'journal'), 's'), (e: unknown) => e instanceof JournalError && e.code === 'not-writable' && e.message.includes(file));
});

test('a full disk surfaces as disk-full (on /dev/full)', { skip: process.platform !== 'linux' }, () => {
  const j = Journal.open(dir(), 's');
  // Swap the descriptor for /dev/full, which fails every write with ENOSPC.
  (j as unknown as { fd: number }).fd = openSync('/dev/full', 'w');
  assert.throws(() => j.append('intent'), (e: unknown) => e instanceof JournalError && e.code === 'disk-full' && /disk full/.test(e.message));
});
