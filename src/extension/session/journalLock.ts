// One writer per journal folder. Two sessions on one folder would both resume the same
// unfinished session, reconcile the same orders and place the same orderRefs; so a session
// takes `journal.lock` (created with O_EXCL: exactly one process can create it) before it
// reads the folder's plan or sends anything, and removes it at its end. The lock names its
// holder (pid, host, start time, session id). A lock left by a process that is gone (same
// host, pid not running: a crash or SIGKILL) is taken over, and the session journals that it
// did; any other lock refuses the start, naming the other session. Where the system tells a
// process apart from a later one with the same pid (Linux and WSL: the boot id and the
// process's start tick), the lock records both, so a lock from before a restart, or whose pid
// now belongs to another program, is known stale, and a lock from another container (pid
// namespace) on the same host is never taken; elsewhere a running pid is taken as the holder.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'journal.lock';
/** Held for the instant of a takeover, so two starters cannot both remove the stale lock. */
export const TAKEOVER_FILE = 'journal.lock.takeover';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken */
  readonly startedAt: string;
  /** set once the session knows which session it runs (new or resumed) */
  readonly sessionId?: string;
  /** tells this lock from a later one of the same pid */
  readonly token: string;
  /** the holder process's identity where the system gives one (see ProcessIdentity) */
  readonly boot?: string;
  readonly procStart?: string;
  /** the pid namespace its pid counts in: a container on the same host has its own */
  readonly pidNs?: string;
}

/** What tells a process from a later one with the same pid: the boot it runs in and its start tick in that boot. */
export interface ProcessIdentity {
  readonly boot: string;
  /** the pid namespace of the process asking (pids of other namespaces cannot be checked from it) */
  readonly pidNs: string | undefined;
  /** undefined when no process has that pid */
  readonly start: string | undefined;
}

/** The folder is locked by another session (or the lock cannot be read): nothing may be sent. */
export class JournalLockError extends Error {
  constructor(
    message: string,
    readonly holder?: LockOwner,
  ) {
    super(message);
    this.name = 'JournalLockError';
  }
}

export interface JournalLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** The stale lock (of a process that is gone) this one replaced, and how it was known stale. */
  readonly tookOver?: LockOwner;
  readonly staleBecause?: string;
  /** Records the session id in the lock file. */
  setSession(sessionId: string): void;
  /** Removes the lock (only if it is still this one). Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** Whether a process of this host runs (default: signal 0; EPERM counts as running). */
  isAlive?: (pid: number) => boolean;
  /** The identity of the process with this pid (default: linuxIdentity; undefined where the system gives none). */
  identity?: (pid: number) => ProcessIdentity | undefined;
  host?: string;
  pid?: number;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux (and WSL): the boot id and field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined elsewhere. */
export function linuxIdentity(pid: number): ProcessIdentity | undefined {
  let boot: string;
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
  let pidNs: string | undefined;
  try {
    pidNs = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidNs = undefined;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { boot, pidNs, start: undefined };
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  return { boot, pidNs, start };
}

/** Why a lock of this host whose pid runs is still not held (the pid is another process now), or undefined when it is held. */
function notTheHolder(holder: LockOwner, identity: ProcessIdentity | undefined): string | undefined {
  if (!identity || holder.boot === undefined || holder.procStart === undefined) return undefined;
  if (identity.boot !== holder.boot) return `the machine restarted since, so pid ${holder.pid} is another process`;
  if (identity.start !== holder.procStart) return `pid ${holder.pid} now belongs to another process`;
  return undefined;
}

type ReadResult = LockOwner | 'gone' | 'unreadable';

function readOwner(path: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
  try {
    const o = JSON.parse(text.split('\n')[0] ?? '') as Partial<LockOwner>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.startedAt === 'string' && typeof o.token === 'string') return o as LockOwner;
  } catch {
    // below
  }
  return 'unreadable';
}

/** "session X (pid 123 on host, started T)" */
export function describeOwner(o: LockOwner): string {
  return `session ${o.sessionId ?? '(starting, id not chosen yet)'} (pid ${o.pid} on ${o.host}, started ${o.startedAt})`;
}

function writeOwner(fd: number, owner: LockOwner): void {
  const text = JSON.stringify(owner) + '\n';
  writeSync(fd, text, 0);
  ftruncateSync(fd, Buffer.byteLength(text));
  fsyncSync(fd);
}

/** Creates the lock file exclusively; undefined when it already exists. */
function create(path: string, owner: LockOwner): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  try {
    writeOwner(fd, owner);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(path);
    } catch {
      // nothing to undo
    }
    throw err;
  }
  return fd;
}

/** Removes the stale lock `stale` at `path` unless someone replaced it meanwhile; under the takeover guard. */
function removeStale(dir: string, path: string, stale: LockOwner, me: LockOwner): void {
  const guard = join(dir, TAKEOVER_FILE);
  const gfd = create(guard, me);
  if (gfd === undefined) {
    const g = readOwner(guard);
    const who = typeof g === 'object' ? `pid ${g.pid} on ${g.host}` : 'another process';
    throw new JournalLockError(
      `the lock ${path} of ${describeOwner(stale)} (no longer running) is being taken over by ${who} right now; if no session is starting on this folder, delete ${guard} and start again`,
      stale,
    );
  }
  try {
    const again = readOwner(path);
    if (typeof again === 'object' && again.token === stale.token) unlinkSync(path);
  } finally {
    closeSync(gfd);
    unlinkSync(guard);
  }
}

/**
 * Takes the folder's lock or throws JournalLockError naming the session that holds it.
 * Call before reading the folder's plan and before connecting.
 */
export function acquireJournalLock(dir: string, opts: LockOptions = {}): JournalLock {
  const host = opts.host ?? hostname();
  const isAlive = opts.isAlive ?? processAlive;
  const identity = opts.identity ?? linuxIdentity;
  const path = join(dir, LOCK_FILE);
  const pid = opts.pid ?? process.pid;
  const mine = identity(pid);
  let owner: LockOwner = {
    pid,
    host,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(mine?.start !== undefined ? { boot: mine.boot, procStart: mine.start } : {}),
    ...(mine?.pidNs !== undefined ? { pidNs: mine.pidNs } : {}),
  };
  let tookOver: { holder: LockOwner; because: string } | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const fd = create(path, owner);
    if (fd !== undefined) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        closeSync(fd); // before the unlink: Windows keeps an open file
        const now = readOwner(path);
        if (typeof now === 'object' && now.token === owner.token) unlinkSync(path);
      };
      // A process that exits without ending its session (process.exit on a second Ctrl-C) leaves no lock behind.
      process.on('exit', release);
      return {
        path,
        get owner() {
          return owner;
        },
        ...(tookOver ? { tookOver: tookOver.holder, staleBecause: tookOver.because } : {}),
        setSession(sessionId: string) {
          owner = { ...owner, sessionId };
          writeOwner(fd, owner);
        },
        release,
      };
    }
    const holder = readOwner(path);
    if (holder === 'gone') continue; // released between our attempt and the read
    if (holder === 'unreadable') {
      throw new JournalLockError(
        `the journal folder ${dir} is locked (${path}), but the lock cannot be read (a session starting this instant, or a damaged file); if no session runs on this folder, delete ${path} and start again`,
      );
    }
    if (holder.host !== host) {
      throw new JournalLockError(
        `the journal folder ${dir} is in use by ${describeOwner(holder)}, another machine: only one session may write a journal folder; stop that session or use another journal folder (--journal / ibkrAi.session.journalDir). If it is certainly not running, delete ${path}`,
        holder,
      );
    }
    if (holder.pidNs !== undefined && mine?.pidNs !== undefined && holder.pidNs !== mine.pidNs) {
      throw new JournalLockError(
        `the journal folder ${dir} is in use by ${describeOwner(holder)} in another container (pid namespace ${holder.pidNs}, this one ${mine.pidNs}), whose process cannot be checked from here: only one session may write a journal folder; stop that session or use another journal folder (--journal / ibkrAi.session.journalDir). If it is certainly not running, delete ${path}`,
        holder,
      );
    }
    const alive = isAlive(holder.pid);
    const reused = alive ? notTheHolder(holder, identity(holder.pid)) : undefined;
    if (alive && reused === undefined) {
      throw new JournalLockError(
        `the journal folder ${dir} is in use by ${describeOwner(holder)}: only one session may write a journal folder (both would resume and trade the same orders); stop that session or use another journal folder (--journal / ibkrAi.session.journalDir). If pid ${holder.pid} is not that session (the machine restarted and reused it), delete ${path}`,
        holder,
      );
    }
    removeStale(dir, path, holder, owner);
    tookOver = { holder, because: reused ?? `pid ${holder.pid} is no longer running` };
  }
  throw new JournalLockError(
    `the journal folder ${dir} is being locked by another session starting at the same moment; try again or use another journal folder`,
  );
}
