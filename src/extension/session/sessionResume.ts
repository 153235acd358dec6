// Starting on a journal directory: the newest session that did not end is resumed (its
// ledger rebuilt from the journal); otherwise a new session begins. What a resumed session
// must keep (client id, account, mode) is checked here, before it trades.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, JournalError, type JournalLine } from './journal';
import { SessionLedger, type StartPosition } from './sessionLedger';

export interface JournalPlan {
  readonly sessionId: string;
  readonly path: string;
  /** true: an unfinished session is resumed */
  readonly resume: boolean;
  readonly lines: readonly JournalLine[];
  readonly ledger: SessionLedger;
  /** the newest finished session in the directory, when it was stopped by a rule */
  readonly previous?: { readonly sessionId: string; readonly rule: string; readonly reason: string; readonly lastMarketTime?: number };
  /** a new session: the book the folder's earlier sessions left (symbol -> shares, price, conId); verified against TWS at the start */
  readonly carried?: Readonly<Record<string, StartPosition>>;
}

/** The book a finished session leaves to the next session on its journal folder (non-zero positions only). */
export function carriedBook(ledger: SessionLedger): Record<string, StartPosition> {
  const out: Record<string, StartPosition> = {};
  for (const b of ledger.books.values()) {
    if (b.quantity === 0) continue;
    const conId = ledger.start?.conIds?.[b.symbol] ?? ledger.start?.startPositions?.[b.symbol]?.conId;
    out[b.symbol] = { quantity: b.quantity, price: b.mark ?? b.basis, ...(conId !== undefined ? { conId } : {}) };
  }
  return out;
}

/** The journal directory exists (created if needed) and is writable; checked before connecting. */
export function checkJournalDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new JournalError(
      `journal directory ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose another with --journal or ibkrAi.session.journalDir`,
      'not-writable',
    );
  }
}

/** Which session a start on `dir` continues, or a new one (id from `newId`). */
export function planJournal(dir: string, newId: () => string): JournalPlan {
  let ids: string[];
  try {
    ids = Journal.sessions(dir);
  } catch (err) {
    throw new JournalError(`cannot list journal directory ${dir}: ${(err as Error).message}`, 'not-writable');
  }
  const newest = ids[ids.length - 1];
  if (newest !== undefined) {
    const path = join(dir, `${newest}.jsonl`);
    const lines = Journal.read(path);
    const ledger = SessionLedger.fromLines(lines);
    if (!ledger.end) {
      // Unfinished: resume it (a file without its start line is reused as it stands).
      return { sessionId: ledger.sessionId ?? newest, path, resume: ledger.start !== undefined, lines, ledger };
    }
    const sessionId = freshId(ids, newId);
    const carried = carriedBook(ledger);
    // The daily loss limit reached (it holds for the rest of that day), else a risk stop.
    const lossLimitAt = ledger.lossLimits[ledger.lossLimits.length - 1];
    const previous =
      lossLimitAt !== undefined
        ? { sessionId: newest, rule: 'dailyLossLimit', reason: 'the daily loss limit was reached', lastMarketTime: lossLimitAt }
        : ledger.riskStop
          ? {
              sessionId: newest,
              rule: ledger.riskStop.rule,
              reason: ledger.riskStop.reason,
              ...(ledger.lastMarketTime !== undefined ? { lastMarketTime: ledger.lastMarketTime } : {}),
            }
          : undefined;
    return {
      sessionId,
      path: join(dir, `${sessionId}.jsonl`),
      resume: false,
      lines: [],
      ledger: new SessionLedger(),
      ...(previous ? { previous } : {}),
      ...(Object.keys(carried).length ? { carried } : {}),
    };
  }
  const sessionId = freshId(ids, newId);
  return { sessionId, path: join(dir, `${sessionId}.jsonl`), resume: false, lines: [], ledger: new SessionLedger() };
}

/** A new session id no journal in the folder has: a new session never appends to an old one's file. */
function freshId(existing: readonly string[], newId: () => string): string {
  for (let i = 0; i < 5; i++) {
    const id = newId();
    if (!existing.includes(id)) return id;
  }
  throw new JournalError(`could not choose a session id that no journal in the folder already has (tried 5)`, 'io');
}

/** Why a journaled session cannot be resumed with this connection and mode (undefined: it can). */
export function resumeProblem(
  ledger: SessionLedger,
  now: { account: string; clientId: number; mode: string; symbols?: readonly string[]; cycleSeconds?: number },
): string | undefined {
  const s = ledger.start;
  if (!s) return undefined;
  if (s.clientId !== now.clientId) {
    return `session ${s.sessionId} placed its orders with client id ${s.clientId}; resume it with --client-id ${s.clientId} (orders belong to the client id that placed them, and only then can open orders be matched)`;
  }
  if (s.account !== now.account)
    return `session ${s.sessionId} traded account ${s.account}, but TWS now reports ${now.account}; connect to ${s.account} or use another journal directory`;
  if (s.mode !== now.mode) return `session ${s.sessionId} ran in ${s.mode} mode; resume it with --mode ${s.mode} or use another journal directory`;
  if (now.symbols && s.symbols.join(',') !== now.symbols.join(','))
    return `session ${s.sessionId} trades ${s.symbols.join(',')}; resume it with --symbols ${s.symbols.join(',')} or use another journal directory`;
  if (now.cycleSeconds !== undefined && s.cycleSeconds !== now.cycleSeconds)
    return `session ${s.sessionId} runs ${s.cycleSeconds}-second cycles; resume it with --cycle ${s.cycleSeconds} or use another journal directory`;
  return undefined;
}
