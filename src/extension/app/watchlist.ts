// The watchlist: the AI session's symbols plus the user's own list (the `ibkrAi.watchlist`
// setting), each with TWS's bid, ask, last and change from the previous close, and whether
// the data is delayed. This module keeps the list and the quotes (no vscode: the VS Code
// edge reads and writes the setting) and checks every edit before the setting is written.
import type { Quote } from '../broker/types';
import { SYMBOL } from '../session/sessionConfig';
import type { WatchlistOp, WatchlistRow, WatchlistView } from '../../webview/protocol';

export const WATCHLIST_SETTING = 'ibkrAi.watchlist';
/** As package.json's schema for the setting says. */
export const WATCHLIST_MAX = 50;

const SYMBOL_RULE = 'a letter, then up to 11 letters, digits or dots (e.g. NVDA)';

/** The setting's value as a list of symbols: the valid ones (upper-cased, once each), and a problem per invalid entry. */
export function parseWatchlist(value: unknown): { symbols: string[]; problems: string[] } {
  if (value === undefined || value === null) return { symbols: [], problems: [] };
  if (!Array.isArray(value))
    return { symbols: [], problems: [`${WATCHLIST_SETTING} must be a list of symbols, e.g. ["NVDA", "MSFT"]; got ${JSON.stringify(value)}`] };
  const symbols: string[] = [];
  const problems: string[] = [];
  for (const x of value) {
    const s = typeof x === 'string' ? x.trim().toUpperCase() : '';
    if (!SYMBOL.test(s)) problems.push(`${WATCHLIST_SETTING}: ${JSON.stringify(x)} is not a symbol: ${SYMBOL_RULE}`);
    else if (!symbols.includes(s)) symbols.push(s);
  }
  return { symbols, problems };
}

/**
 * The user's list after an edit from the panel, or why the edit is refused (nothing is
 * written then). Adding a symbol already listed, or removing one not listed, is no change.
 */
export function editWatchlist(current: readonly string[], op: WatchlistOp, raw: string): { symbols: string[]; changed: boolean } | { error: string } {
  const symbol = raw.trim().toUpperCase();
  if (!SYMBOL.test(symbol)) return { error: `${WATCHLIST_SETTING}: ${JSON.stringify(raw.slice(0, 40))} is not a symbol: ${SYMBOL_RULE}` };
  const has = current.includes(symbol);
  if (op === 'remove') return has ? { symbols: current.filter((s) => s !== symbol), changed: true } : { symbols: [...current], changed: false };
  if (has) return { symbols: [...current], changed: false };
  if (current.length >= WATCHLIST_MAX) return { error: `${WATCHLIST_SETTING} holds at most ${WATCHLIST_MAX} symbols: remove one before adding ${symbol}` };
  return { symbols: [...current, symbol], changed: true };
}

/** A watchlist row from a symbol's quote (change from the previous close, when both are known). */
export function watchlistRow(symbol: string, inSession: boolean, inUserList: boolean, q: Quote | undefined, error?: string): WatchlistRow {
  const change = q?.last !== undefined && q.close !== undefined && q.close > 0 ? q.last - q.close : undefined;
  return {
    symbol,
    inSession,
    inUserList,
    ...(q?.bid !== undefined ? { bid: q.bid } : {}),
    ...(q?.ask !== undefined ? { ask: q.ask } : {}),
    ...(q?.last !== undefined ? { last: q.last } : {}),
    ...(change !== undefined ? { change, changePct: (100 * change) / q!.close! } : {}),
    delayed: q?.delayed ?? false,
    ...(error ? { error } : {}),
  };
}

/** The list and its quotes, as the panel shows them. */
export class WatchlistState {
  private session: readonly string[] = [];
  private user: readonly string[] = [];
  private readonly quotes = new Map<string, Quote>();
  private readonly errors = new Map<string, string>();
  private editError: string | undefined;
  private readonly symbolListeners = new Set<(symbols: readonly string[]) => void>();

  constructor(private readonly changed: () => void) {}

  /** Called with the symbols to quote each time the list changes. */
  onSymbols(fn: (symbols: readonly string[]) => void): () => void {
    this.symbolListeners.add(fn);
    return () => this.symbolListeners.delete(fn);
  }

  /** The session's symbols first, then the user's. */
  symbols(): string[] {
    return [...new Set([...this.session, ...this.user])];
  }

  get userSymbols(): readonly string[] {
    return this.user;
  }

  setSession(symbols: readonly string[]): void {
    this.session = [...symbols];
    this.listChanged();
  }

  setUser(symbols: readonly string[]): void {
    this.user = [...symbols];
    this.editError = undefined;
    this.listChanged();
  }

  private listChanged(): void {
    const wanted = new Set(this.symbols());
    for (const k of [...this.quotes.keys()]) if (!wanted.has(k)) this.quotes.delete(k);
    for (const k of [...this.errors.keys()]) if (!wanted.has(k)) this.errors.delete(k);
    this.changed();
    const list = this.symbols();
    for (const fn of [...this.symbolListeners]) fn(list);
  }

  setQuote(symbol: string, q: Quote): void {
    this.quotes.set(symbol, q);
    this.errors.delete(symbol);
    this.changed();
  }

  setQuoteError(symbol: string, error: string): void {
    this.errors.set(symbol, error);
    this.changed();
  }

  /** The connection is gone: no prices (the list stays). */
  clearQuotes(): void {
    this.quotes.clear();
    this.errors.clear();
    this.changed();
  }

  /** An edit from the panel was refused: the panel says why. */
  setEditError(error: string | undefined): void {
    this.editError = error;
    this.changed();
  }

  view(): WatchlistView {
    const session = new Set(this.session);
    const user = new Set(this.user);
    return {
      rows: this.symbols().map((s) => watchlistRow(s, session.has(s), user.has(s), this.quotes.get(s), this.errors.get(s))),
      ...(this.editError ? { error: this.editError } : {}),
    };
  }
}
