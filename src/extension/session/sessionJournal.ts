// The session's journal as the session writes it: every line applied to the ledger as it is
// appended, and the first failure to write stops trading (the session ends `failed`).
import { JournalError, type JournalLine, type TailRepair } from './journal';
import { EXIT_CODES, type EndControl } from './sessionOutcome';
import type { SessionLedger } from './sessionLedger';

/** What the session writes its journal with (Journal; tests may wrap it). */
export interface JournalSink {
  readonly path: string;
  /** The torn tail cut when the journal was opened (Journal.open journals it). */
  readonly repaired?: TailRepair | undefined;
  append(type: string, data?: Record<string, unknown>): JournalLine;
  /** Written now, on disk when `durable` resolves (see Journal.appendDurable). */
  appendDurable(type: string, data?: Record<string, unknown>): { line: JournalLine; durable: Promise<void> };
  close(): void;
}

export class SessionJournal {
  private failureValue: JournalError | undefined;

  constructor(
    readonly sink: JournalSink,
    readonly ledger: SessionLedger,
    private readonly end: EndControl,
  ) {}

  get path(): string {
    return this.sink.path;
  }

  /** The failure that stopped trading, if the journal failed. */
  get failure(): JournalError | undefined {
    return this.failureValue;
  }

  /** Side lines (notices) are journaled once the session has its start line, while the journal works. */
  get takesNotices(): boolean {
    return !this.failureValue && this.ledger.start !== undefined;
  }

  /** Appends one journal line (see Journal for which types are fsync'ed at once) and applies it to the ledger; a journal failure stops trading. */
  write(type: string, data: Record<string, unknown>): JournalLine {
    if (this.failureValue) throw this.failureValue;
    try {
      const line = this.sink.append(type, data);
      this.ledger.apply(line);
      return line;
    } catch (err) {
      throw this.fail(err);
    }
  }

  /**
   * Appends a line an action waits for (an order intent): applied to the ledger now, and
   * resolved once on disk; the lines of one turn share an fsync. A failure stops trading.
   */
  writeDurable(type: string, data: Record<string, unknown>): Promise<void> {
    if (this.failureValue) return Promise.reject(this.failureValue);
    try {
      const { line, durable } = this.sink.appendDurable(type, data);
      this.ledger.apply(line);
      return durable.catch((err: unknown) => {
        throw this.fail(err);
      });
    } catch (err) {
      return Promise.reject(this.fail(err));
    }
  }

  /** A journal write failed (here or in a broker listener): trading stops, the session ends as failed. Returns the error to throw. */
  fail(err: unknown): JournalError {
    const j = err instanceof JournalError ? err : new JournalError(`cannot write the journal: ${err instanceof Error ? err.message : String(err)}`, 'io');
    this.failureValue ??= j;
    this.end.stopping = true;
    this.end.requestEnd({ status: 'failed', reason: `journal: ${j.message}; trading stopped`, exitCode: EXIT_CODES.failed });
    return j;
  }

  close(): void {
    this.sink.close();
  }
}
