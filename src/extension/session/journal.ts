// The session journal: append-only JSON lines, one file per session in the journal
// directory. Each line is written and fsync'ed before the caller acts on it (an order
// intent is on disk before its bytes go to TWS), so a crash loses nothing that was
// acted upon. Reading tolerates a torn last line, the one kind of damage a crash leaves.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync, accessSync, constants } from 'node:fs';
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

export class Journal {
  private fd: number | undefined;
  private lines = 0;

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

  /** Appends one line durably. Throws JournalError; the caller must stop trading then. */
  append(type: string, data: Record<string, unknown> = {}): JournalLine {
    if (this.fd === undefined) throw new JournalError(`journal ${this.path} is closed`, 'io');
    const line: JournalLine = { t: Date.now(), type, ...data };
    const text = JSON.stringify(line) + '\n';
    try {
      writeSync(this.fd, text);
      fsyncSync(this.fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new JournalError(
        code === 'ENOSPC' || code === 'EDQUOT' ? `disk full while writing journal ${this.path}: trading stopped, the journal so far is intact` : `cannot write journal ${this.path}: ${(err as Error).message}`,
        code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'io',
      );
    }
    this.lines++;
    return line;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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
