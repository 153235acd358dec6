// The journal folder's lock: one holder at a time, the holder named on refusal, a lock of a
// process that is gone taken over, and released only by its own holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireJournalLock, JournalLockError, linuxIdentity, LOCK_FILE, processAlive, TAKEOVER_FILE } from '../../../src/extension/session/journalLock';

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
  assert.equal(l.staleBecause, `pid ${pid} is no longer running`);
  assert.equal(held(d).pid, process.pid);
  assert.equal(existsSync(join(d, TAKEOVER_FILE)), false);
  l.release();
});

test("on Linux the lock records its process's boot and start tick, read from /proc", () => {
  const d = dir();
  const l = acquireJournalLock(d);
  const h = held(d);
  assert.equal(h.boot, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  assert.match(String(h.procStart), /^\d+$/);
  assert.equal(h.pidNs, readlinkSync('/proc/self/ns/pid'));
  assert.deepEqual(linuxIdentity(process.pid), { boot: h.boot, pidNs: h.pidNs, start: h.procStart });
  assert.equal(linuxIdentity(deadPid())?.start, undefined, 'no start tick for a pid that does not run');
  l.release();
});

test("a lock whose pid runs but is another process (pid reused, or a restart since) is taken over and says why; the real holder's is not", () => {
  // This test's own process plays "the pid that runs": its identity is the real one from /proc.
  const me = linuxIdentity(process.pid)!;
  const lockOf = (boot: string, procStart: string) =>
    JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2025-01-02T15:04:05.000Z', token: 'old', boot, procStart }) + '\n';

  const reused = dir();
  writeFileSync(join(reused, LOCK_FILE), lockOf(me.boot, String(Number(me.start) - 1)));
  const a = acquireJournalLock(reused, { pid: 424242 });
  assert.equal(a.tookOver?.token, 'old');
  assert.equal(a.staleBecause, `pid ${process.pid} now belongs to another process`);
  a.release();

  const rebooted = dir();
  writeFileSync(join(rebooted, LOCK_FILE), lockOf('00000000-0000-0000-0000-000000000000', me.start!));
  const b = acquireJournalLock(rebooted, { pid: 424242 });
  assert.equal(b.staleBecause, `the machine restarted since, so pid ${process.pid} is another process`);
  b.release();

  // The same boot and start tick: the holder itself runs, so the start is refused.
  const live = dir();
  writeFileSync(join(live, LOCK_FILE), lockOf(me.boot, me.start!));
  assert.throws(
    () => acquireJournalLock(live, { pid: 424242 }),
    (e: unknown) => e instanceof JournalLockError && /only one session may write/.test(e.message),
  );
  assert.equal(held(live).token, 'old', 'left alone');

  // A lock written without an identity (an older version, or a system without /proc): a running pid holds it.
  const older = dir();
  writeFileSync(join(older, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2025-01-02T15:04:05.000Z', token: 'old' }) + '\n');
  assert.throws(() => acquireJournalLock(older, { pid: 424242 }), JournalLockError);
  // A lock from another pid namespace (a container on this host) is never taken, even of a pid that does not run here.
  const container = dir();
  writeFileSync(
    join(container, LOCK_FILE),
    JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: '2025-01-02T15:04:05.000Z', token: 'old', boot: me.boot, procStart: '5', pidNs: 'pid:[1]' }) +
      '\n',
  );
  assert.throws(
    () => acquireJournalLock(container, { pid: 424242 }),
    (e: unknown) => e instanceof JournalLockError && /in another container \(pid namespace pid:\[1\]/.test(e.message),
  );
  // Nor is a lock taken over where this system gives no identity to compare.
  writeFileSync(join(live, LOCK_FILE), lockOf(me.boot, '1'));
  assert.throws(() => acquireJournalLock(live, { pid: 424242, identity: () => undefined }), JournalLockError);
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
