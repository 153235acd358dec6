// The session journal: append-only JSON lines, one file per session in the journal
// directory. Every line is written (write(2), so it survives the process) before append
// returns. A line that gates an action or records money - an order intent before its bytes
// go to TWS, a cancel request, the session's start, a stop, a fill and its commission - is
// also fsync'ed before the action, so not even a power loss leaves an order or a fill the
// journal does not know. Two ways: append() fsyncs at once; appendDurable() resolves after
// an fsync shared by every line appended that way in the same job and the promise
// continuations it sets off (group commit: a cycle's ten order intents cost one fsync, and
// each order waits for it before it is sent). Lines that only explain or mirror
// (decisions, cycle starts, order statuses, P&L marks, notices, reconcile reports) are
// fsync'ed together after the turn on libuv's thread pool (off the event loop), or sooner
// by the next fsync: what a power loss could take from those is either re-derivable or
// still at TWS (a restart reconciles it).
// Reading tolerates a torn last line, the one kind of damage a crash leaves; opening for
// append cuts it off first (and journals what was cut), so the next line never lands on a
// fragment. A short write (fewer bytes written than the line has) is a JournalError: the
// partial line is cut back and trading stops.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
  accessSync,
  constants,
} from 'node:fs';
import { join } from 'node:path';
import { stripBom } from '../core/textFile';

export interface JournalLine {
  /** Epoch ms when written. */
  t: number;
  type: string;
  [key: string]: unknown;
}

export class JournalError extends Error {
  constructor(
    message: string,
    readonly code: 'not-writable' | 'disk-full' | 'io' | 'corrupt',
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

/** The one file-system call whose result the journal must check (tests inject short writes). */
export interface JournalIo {
  /** Like fs.writeSync(fd, buffer, offset, length): returns the bytes written. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

const NODE_IO: JournalIo = { writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length) };

/** What opening a journal cut from its end: a torn last line left by a crash. */
export interface TailRepair {
  readonly cutBytes: number;
  /** the cut text (at most 200 characters), for the journal line */
  readonly cut: string;
  readonly reason: 'no-newline' | 'not-json';
}

/**
 * Cuts a torn last line from a journal file (a crash mid-write: no final newline, or a last
 * line that is not JSON) back to the last whole line, fsync'ed. Undefined when the end is whole.
 */
export function repairTail(path: string): TailRepair | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.length === 0) return undefined;
  let keep: number;
  let reason: TailRepair['reason'];
  if (bytes[bytes.length - 1] !== 0x0a) {
    keep = bytes.lastIndexOf(0x0a) + 1;
    reason = 'no-newline';
  } else {
    const start = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const last = bytes.subarray(start, bytes.length - 1).toString('utf8');
    if (last.trim() === '' || isJsonLine(start === 0 ? stripBom(last) : last)) return undefined;
    keep = start;
    reason = 'not-json';
  }
  const cutBytes = bytes.length - keep;
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, keep);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { cutBytes, cut: bytes.subarray(keep).toString('utf8').slice(0, 200), reason };
}

function isJsonLine(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Line types fsync'ed at the end of the turn (or by the next gating line) instead of at once. */
export const DEFERRED_SYNC_TYPES: ReadonlySet<string> = new Set(['decision', 'cycle-start', 'pnl', 'notice', 'order-status', 'reconcile']);

export class Journal {
  private fd: number | undefined;
  private lines = 0;
  /** Written lines not fsync'ed yet (deferred types). */
  private unsynced = false;
  private syncScheduled = false;
  /** An fsync on the thread pool is running: the descriptor stays open until it ends. */
  private syncing = false;
  private closeWhenSynced: number | undefined;
  /** A deferred fsync failed: the next append throws it. */
  private deferredFailure: JournalError | undefined;
  /** appendDurable() callers waiting for the group's fsync. */
  private group: Array<{ resolve: () => void; reject: (err: JournalError) => void }> = [];
  private groupScheduled = false;
  /** Bytes in the file: where a short write is cut back to. */
  private size: number;
  /** The torn tail cut at open, if any (also journaled as a `journal-repair` line). */
  repaired: TailRepair | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly io: JournalIo,
  ) {
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  /**
   * Opens (creating if needed) `<dir>/<sessionId>.jsonl` for appending. A torn last line is
   * cut first and a `journal-repair` line says how many bytes were cut, before anything else
   * is appended.
   */
  static open(dir: string, sessionId: string, opts: { io?: JournalIo } = {}): Journal {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new JournalError(
        `journal directory ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? err}); choose another with --journal or ibkrAi.session.journalDir`,
        'not-writable',
      );
    }
    const path = join(dir, `${sessionId}.jsonl`);
    let journal: Journal;
    let repair: TailRepair | undefined;
    try {
      repair = repairTail(path);
      journal = new Journal(path, openSync(path, 'a'), opts.io ?? NODE_IO);
    } catch (err) {
      throw new JournalError(`cannot open journal ${path}: ${(err as Error).message}`, 'not-writable');
    }
    if (repair) {
      journal.repaired = repair;
      journal.append('journal-repair', { cutBytes: repair.cutBytes, reason: repair.reason, cut: repair.cut });
    }
    return journal;
  }

  get lineCount(): number {
    return this.lines;
  }

  /**
   * Appends one line: written before it returns, and fsync'ed too unless its type is one of
   * DEFERRED_SYNC_TYPES (then by the end of the event-loop turn). Throws JournalError; the
   * caller must stop trading then.
   */
  append(type: string, data: Record<string, unknown> = {}): JournalLine {
    if (this.fd === undefined) throw new JournalError(`journal ${this.path} is closed`, 'io');
    if (this.deferredFailure) throw this.deferredFailure;
    const line: JournalLine = { t: Date.now(), type, ...data };
    const text = JSON.stringify(line) + '\n';
    const defer = DEFERRED_SYNC_TYPES.has(type);
    try {
      this.writeLine(this.fd, text);
      if (!defer) {
        fsyncSync(this.fd);
        this.unsynced = false;
        this.settleGroup(undefined);
      }
    } catch (err) {
      throw this.failure(err);
    }
    this.lines++;
    if (defer) {
      this.unsynced = true;
      this.syncSoon();
    }
    return line;
  }

  /**
   * Appends one line now (written before it returns; throws JournalError like append) and
   * resolves once it is fsync'ed: every line appended this way in the same job (and the
   * promise continuations it sets off) shares one fsync, run once those have run - before
   * the event loop goes on to timers or I/O, so nothing else runs between the last intent
   * and its order's send. Act on the line only after it resolves; it rejects with a
   * JournalError when the fsync fails.
   */
  appendDurable(type: string, data: Record<string, unknown> = {}): { line: JournalLine; durable: Promise<void> } {
    if (this.fd === undefined) throw new JournalError(`journal ${this.path} is closed`, 'io');
    if (this.deferredFailure) throw this.deferredFailure;
    const line: JournalLine = { t: Date.now(), type, ...data };
    try {
      this.writeLine(this.fd, JSON.stringify(line) + '\n');
    } catch (err) {
      throw this.failure(err);
    }
    this.lines++;
    this.unsynced = true;
    const durable = new Promise<void>((resolve, reject) => this.group.push({ resolve, reject }));
    if (!this.groupScheduled) {
      this.groupScheduled = true;
      // A tick queued from a promise continuation runs once the microtask queue is empty:
      // after every order of the burst has written its intent (setImmediate waited for the
      // poll phase too: a turn of the loop, milliseconds at the tail on a busy machine).
      process.nextTick(() => this.flushGroup());
    }
    return { line, durable };
  }

  /** Writes one whole line or throws: a short write is cut back and fails the journal for good. */
  private writeLine(fd: number, text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const written = this.io.writeSync(fd, bytes, 0, bytes.length);
    if (written !== bytes.length) {
      let cutBack = true;
      try {
        ftruncateSync(fd, this.size);
      } catch {
        cutBack = false;
      }
      const err = new JournalError(
        `short write to journal ${this.path}: ${written} of ${bytes.length} bytes written (disk or quota full?); trading stopped, ${cutBack ? 'the partial line was cut back' : 'the partial line could not be cut back (the next start cuts it)'}`,
        'io',
      );
      this.deferredFailure ??= err;
      throw err;
    }
    this.size += written;
  }

  /** The group commit: one fsync (on the event loop: the waiting orders have nothing else to do) for the turn's durable lines. */
  private flushGroup(): void {
    this.groupScheduled = false;
    if (this.group.length === 0) return;
    if (this.fd === undefined) {
      this.settleGroup(new JournalError(`journal ${this.path} was closed before its last lines were synced`, 'io'));
      return;
    }
    try {
      fsyncSync(this.fd);
      this.unsynced = false;
      this.settleGroup(undefined);
    } catch (err) {
      const failure = this.failure(err);
      this.deferredFailure ??= failure;
      this.settleGroup(failure);
    }
  }

  private settleGroup(err: JournalError | undefined): void {
    if (this.group.length === 0) return;
    const waiting = this.group;
    this.group = [];
    for (const w of waiting) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  /** After this turn, fsyncs the deferred lines on the thread pool (the event loop goes on). */
  private syncSoon(): void {
    if (this.syncScheduled || this.syncing) return;
    this.syncScheduled = true;
    setImmediate(() => {
      this.syncScheduled = false;
      const fd = this.fd;
      if (fd === undefined || !this.unsynced) return;
      this.unsynced = false;
      this.syncing = true;
      fsync(fd, (err) => {
        this.syncing = false;
        if (err) this.deferredFailure ??= this.failure(err);
        if (this.closeWhenSynced !== undefined) {
          closeSync(this.closeWhenSynced);
          this.closeWhenSynced = undefined;
          return;
        }
        if (this.unsynced) this.syncSoon();
      });
    });
  }

  /** fsyncs the lines written with a deferred sync, now (a failure surfaces at the next append). */
  sync(): void {
    if (this.fd === undefined || (!this.unsynced && this.group.length === 0)) return;
    try {
      fsyncSync(this.fd);
      this.unsynced = false;
      this.settleGroup(undefined);
    } catch (err) {
      this.deferredFailure ??= this.failure(err);
      this.settleGroup(this.deferredFailure);
    }
  }

  private failure(err: unknown): JournalError {
    if (err instanceof JournalError) return err;
    const code = (err as NodeJS.ErrnoException).code;
    return new JournalError(
      code === 'ENOSPC' || code === 'EDQUOT'
        ? `disk full while writing journal ${this.path}: trading stopped, the journal so far is intact`
        : `cannot write journal ${this.path}: ${(err as Error).message}`,
      code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'io',
    );
  }

  close(): void {
    this.sync();
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    // An fsync still running on the thread pool closes the descriptor when it ends.
    if (this.syncing) this.closeWhenSynced = fd;
    else closeSync(fd);
  }

  /** Every complete line of a journal file; a torn final line (crash mid-write) is dropped. */
  static read(path: string): JournalLine[] {
    if (!existsSync(path)) return [];
    const text = stripBom(readFileSync(path, 'utf8'));
    const rows = text.split('\n');
    const out: JournalLine[] = [];
    rows.forEach((row, i) => {
      if (row.trim() === '') return;
      try {
        out.push(JSON.parse(row) as JournalLine);
      } catch {
        if (i < rows.length - 1 && rows.slice(i + 1).some((r) => r.trim() !== '')) {
          throw new JournalError(`journal ${path} line ${i + 1} is not JSON: it was changed by something other than this program`, 'corrupt');
        }
      }
    });
    return out;
  }

  /** Session ids with a journal in `dir`, oldest first by name. */
  static sessions(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => f.slice(0, -'.jsonl'.length))
      .sort();
  }
}
