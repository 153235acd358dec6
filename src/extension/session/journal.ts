// The session journal: append-only JSON lines, one file per session in the journal
// directory. Every line is written (write(2), so it survives the process) before append
// returns. A line that gates an action or records money - an order intent before its bytes
// go to TWS, a cancel request, the session's start, a stop, a fill and its commission - is
// also fsync'ed before the action, so not even a power loss leaves an order or a fill the
// journal does not know. Two ways: append() fsyncs at once; appendDurable() resolves after
// an fsync shared by every line appended that way in the same event-loop turn (group
// commit: a cycle's ten order intents cost one fsync, and each order waits for it before
// it is sent). Lines that only explain or mirror (decisions, cycle starts, order statuses,
// P&L marks, notices, reconcile reports) are fsync'ed together after the turn on libuv's
// thread pool (off the event loop), or sooner by the next fsync: what a power loss could
// take from those is either re-derivable or still at TWS (a restart reconciles it).
// Reading tolerates a torn last line, the one kind of damage a crash leaves.
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';

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

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (creating if needed) `<dir>/<sessionId>.jsonl` for appending. */
  static open(dir: string, sessionId: string): Journal {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (err) {
      throw new JournalError(`journal directory ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? err}); choose another with --journal or ibkrAi.journalDir`, 'not-writable');
    }
    const path = join(dir, `${sessionId}.jsonl`);
    try {
      return new Journal(path, openSync(path, 'a'));
    } catch (err) {
      throw new JournalError(`cannot open journal ${path}: ${(err as Error).message}`, 'not-writable');
    }
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
      writeSync(this.fd, text);
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
   * resolves once it is fsync'ed: every line appended this way in the same event-loop turn
   * shares one fsync, run right after the turn. Act on the line only after it resolves; it
   * rejects with a JournalError when the fsync fails.
   */
  appendDurable(type: string, data: Record<string, unknown> = {}): { line: JournalLine; durable: Promise<void> } {
    if (this.fd === undefined) throw new JournalError(`journal ${this.path} is closed`, 'io');
    if (this.deferredFailure) throw this.deferredFailure;
    const line: JournalLine = { t: Date.now(), type, ...data };
    try {
      writeSync(this.fd, JSON.stringify(line) + '\n');
    } catch (err) {
      throw this.failure(err);
    }
    this.lines++;
    this.unsynced = true;
    const durable = new Promise<void>((resolve, reject) => this.group.push({ resolve, reject }));
    if (!this.groupScheduled) {
      this.groupScheduled = true;
      setImmediate(() => this.flushGroup());
    }
    return { line, durable };
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
    const code = (err as NodeJS.ErrnoException).code;
    return new JournalError(
      code === 'ENOSPC' || code === 'EDQUOT' ? `disk full while writing journal ${this.path}: trading stopped, the journal so far is intact` : `cannot write journal ${this.path}: ${(err as Error).message}`,
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
    const text = readFileSync(path, 'utf8');
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
