// The journal folder's lock: one holder at a time, the holder named on refusal, a lock of a
// process that is gone taken over, and released only by its own holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireJournalLock, JournalLockError, LOCK_FILE, processAlive, TAKEOVER_FILE } from '../../../src/extension/session/journalLock';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-lock-'));
const held = (d: string) => JSON.parse(readFileSync(join(d, LOCK_FILE), 'utf8')) as Record<string, unknown>;

/** A pid that certainly ran on this host and is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(r.stdout.toString());
  assert.equal(processAlive(pid), false);
  return pid;
}

test('the lock names its holder (pid, host, start time, session id) and a second taker is refused naming it', () => {
  const d = dir();
  const a = acquireJournalLock(d);
  a.setSession('20250102T150405678Z-9f3a61c2');
  const h = held(d);
  assert.deepEqual([h.pid, h.host, h.sessionId], [process.pid, hostname(), '20250102T150405678Z-9f3a61c2']);
  assert.ok(!Number.isNaN(Date.parse(String(h.startedAt))));
  assert.throws(
    () => acquireJournalLock(d),
    (e: unknown) =>
      e instanceof JournalLockError &&
      e.message.includes(`session 20250102T150405678Z-9f3a61c2 (pid ${process.pid} on ${hostname()}, started ${String(h.startedAt)})`) &&
      /only one session may write a journal folder/.test(e.message) &&
      e.message.includes(d),
  );
  assert.equal(held(d).token, h.token, 'the refused taker left the lock alone');
  a.release();
  assert.equal(existsSync(join(d, LOCK_FILE)), false);
  a.release(); // idempotent
  const b = acquireJournalLock(d);
  assert.equal(b.tookOver, undefined);
  b.release();
});

test('a lock of a process of this host that is gone is taken over, and says whose it was', () => {
  const d = dir();
  const pid = deadPid();
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2025-01-02T15:04:05.000Z', sessionId: 's-old', token: 'old' }) + '\n');
  const l = acquireJournalLock(d);
  assert.deepEqual([l.tookOver?.pid, l.tookOver?.sessionId], [pid, 's-old']);
  assert.equal(held(d).pid, process.pid);
  assert.equal(existsSync(join(d, TAKEOVER_FILE)), false);
  l.release();
});

test('a lock of another host is never taken over (its process cannot be checked)', () => {
  const d = dir();
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 1, host: 'other-box', startedAt: '2025-01-02T15:04:05.000Z', token: 't' }) + '\n');
  assert.throws(
    () => acquireJournalLock(d, { isAlive: () => false }),
    (e: unknown) =>
      e instanceof JournalLockError && /another machine/.test(e.message) && /other-box/.test(e.message) && /\(starting, id not chosen yet\)/.test(e.message),
  );
});

test('an unreadable lock refuses with the file to delete; a takeover in progress refuses too', () => {
  const d = dir();
  writeFileSync(join(d, LOCK_FILE), '');
  assert.throws(
    () => acquireJournalLock(d),
    (e: unknown) => e instanceof JournalLockError && e.message.includes(`delete ${join(d, LOCK_FILE)}`),
  );
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 123, host: hostname(), startedAt: 'x', token: 't' }));
  writeFileSync(join(d, TAKEOVER_FILE), JSON.stringify({ pid: 456, host: hostname(), startedAt: 'x', token: 'u' }));
  assert.throws(
    () => acquireJournalLock(d, { isAlive: () => false }),
    (e: unknown) => e instanceof JournalLockError && /being taken over by pid 456/.test(e.message),
  );
});

test('release removes only its own lock (a lock that was replaced stays)', () => {
  const d = dir();
  const l = acquireJournalLock(d);
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 7, host: hostname(), startedAt: 'x', token: 'someone-else' }) + '\n');
  l.release();
  assert.equal(held(d).token, 'someone-else');
});

test('a process that exits without releasing (process.exit) leaves no lock behind', () => {
  const d = dir();
  const script = `require(${JSON.stringify(join(__dirname, '../../../src/extension/session/journalLock.ts'))}).acquireJournalLock(${JSON.stringify(d)}); process.exit(130);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script]);
  assert.equal(r.status, 130, r.stderr.toString());
  assert.equal(existsSync(join(d, LOCK_FILE)), false);
});
