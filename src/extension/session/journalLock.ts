// One writer per journal folder. Two sessions on one folder would both resume the same
// unfinished session, reconcile the same orders and place the same orderRefs; so a session
// takes `journal.lock` (created with O_EXCL: exactly one process can create it) before it
// reads the folder's plan or sends anything, and removes it at its end. The lock names its
// holder (pid, host, start time, session id). A lock left by a process that is gone (same
// host, pid not running: a crash or SIGKILL) is taken over, and the session journals that it
// did; any other lock refuses the start, naming the other session.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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
  /** The stale lock (of a process that is gone) this one replaced. */
  readonly tookOver?: LockOwner;
  /** Records the session id in the lock file. */
  setSession(sessionId: string): void;
  /** Removes the lock (only if it is still this one). Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** Whether a process of this host runs (default: signal 0; EPERM counts as running). */
  isAlive?: (pid: number) => boolean;
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
  const path = join(dir, LOCK_FILE);
  let owner: LockOwner = { pid: opts.pid ?? process.pid, host, startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  let tookOver: LockOwner | undefined;
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
        ...(tookOver ? { tookOver } : {}),
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
    if (isAlive(holder.pid)) {
      throw new JournalLockError(
        `the journal folder ${dir} is in use by ${describeOwner(holder)}: only one session may write a journal folder (both would resume and trade the same orders); stop that session or use another journal folder (--journal / ibkrAi.session.journalDir). If pid ${holder.pid} is not that session (the machine restarted and reused it), delete ${path}`,
        holder,
      );
    }
    removeStale(dir, path, holder, owner);
    tookOver = holder;
  }
  throw new JournalLockError(
    `the journal folder ${dir} is being locked by another session starting at the same moment; try again or use another journal folder`,
  );
}
