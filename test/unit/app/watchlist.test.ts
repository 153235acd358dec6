// The watchlist: the setting parsed (bad entries named with the rule), edits from the panel
// checked before anything is written, rows from quotes (change from the previous close,
// delayed marked), and the list the quote streams follow (session symbols first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Quote } from '../../../src/extension/broker/types';
import { editWatchlist, parseWatchlist, WATCHLIST_MAX, watchlistRow, WatchlistState } from '../../../src/extension/app/watchlist';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { isHostToWebview } from '../../../src/webview/validate';

const quote = (over: Partial<Quote>): Quote => ({ symbol: 'AMD', delayed: false, updatedAt: 0, ticks: 1, ...over });

test('the setting: symbols upper-cased once each; each bad entry named with what would be valid', () => {
  assert.deepEqual(parseWatchlist(undefined), { symbols: [], problems: [] });
  assert.deepEqual(parseWatchlist([' amd', 'SPY', 'AMD', 'brk.b']), { symbols: ['AMD', 'SPY', 'BRK.B'], problems: [] });
  const r = parseWatchlist(['NVDA', '1X', 42, 'TOO.LONG.SYMBOL']);
  assert.deepEqual(r.symbols, ['NVDA']);
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0]!, /^ibkrAi\.watchlist: "1X" is not a symbol: a letter, then up to 11 letters, digits or dots \(e\.g\. NVDA\)$/);
  assert.match(r.problems[1]!, /42 is not a symbol/);
  assert.match(parseWatchlist('NVDA').problems[0]!, /ibkrAi\.watchlist must be a list of symbols, e\.g\. \["NVDA", "MSFT"\]; got "NVDA"/);
});

test('edits: add and remove checked; a bad symbol or a full list is refused with the reason', () => {
  assert.deepEqual(editWatchlist(['SPY'], 'add', ' amd '), { symbols: ['SPY', 'AMD'], changed: true });
  assert.deepEqual(editWatchlist(['SPY', 'AMD'], 'add', 'AMD'), { symbols: ['SPY', 'AMD'], changed: false });
  assert.deepEqual(editWatchlist(['SPY', 'AMD'], 'remove', 'spy'), { symbols: ['AMD'], changed: true });
  assert.deepEqual(editWatchlist(['AMD'], 'remove', 'SPY'), { symbols: ['AMD'], changed: false });
  const bad = editWatchlist(['SPY'], 'add', 'rm -rf /');
  assert.ok('error' in bad);
  assert.match(bad.error, /^ibkrAi\.watchlist: "rm -rf \/" is not a symbol: a letter/);
  const long = editWatchlist([], 'add', 'x'.repeat(500));
  assert.ok('error' in long && long.error.length < 200, 'the echo of a long input is cut');
  const full = Array.from({ length: WATCHLIST_MAX }, (_, i) => `S${i}`);
  const r = editWatchlist(full, 'add', 'AMD');
  assert.ok('error' in r);
  assert.match(r.error, /holds at most 50 symbols: remove one before adding AMD/);
});

test('rows: bid, ask, last, change from the previous close, delayed marked; nothing invented', () => {
  assert.deepEqual(watchlistRow('AMD', false, true, undefined), { symbol: 'AMD', inSession: false, inUserList: true, delayed: false });
  const r = watchlistRow('AMD', true, false, quote({ bid: 99.9, ask: 100.1, last: 102, close: 100, delayed: true }));
  assert.equal(r.change, 2);
  assert.equal(r.changePct, 2);
  assert.equal(r.delayed, true);
  assert.equal(r.bid, 99.9);
  assert.equal(watchlistRow('AMD', true, false, quote({ last: 102 })).change, undefined, 'no previous close: no change');
  assert.equal(watchlistRow('AMD', true, false, quote({ bid: 1 }), 'no security definition').error, 'no security definition');
});

test("state: session symbols then the user's, once each; quotes of dropped symbols forgotten; the streams follow", () => {
  const changes: number[] = [];
  const lists: string[][] = [];
  const w = new WatchlistState(() => changes.push(1));
  w.onSymbols((s) => lists.push([...s]));
  w.setUser(['SPY', 'NVDA']);
  w.setSession(['NVDA', 'MSFT']);
  assert.deepEqual(w.symbols(), ['NVDA', 'MSFT', 'SPY']);
  assert.deepEqual(lists, [
    ['SPY', 'NVDA'],
    ['NVDA', 'MSFT', 'SPY'],
  ]);
  w.setQuote('SPY', quote({ symbol: 'SPY', last: 500, close: 495 }));
  const v = w.view();
  assert.deepEqual(
    v.rows.map((r) => [r.symbol, r.inSession, r.inUserList]),
    [
      ['NVDA', true, true],
      ['MSFT', true, false],
      ['SPY', false, true],
    ],
  );
  assert.equal(v.rows[2]!.change, 5);
  w.setEditError('ibkrAi.watchlist: "1X" is not a symbol');
  assert.match(w.view().error!, /not a symbol/);
  w.setUser(['NVDA']);
  assert.equal(w.view().error, undefined, 'a new list clears the refused edit');
  assert.deepEqual(w.symbols(), ['NVDA', 'MSFT']);
  w.setUser(['NVDA', 'SPY']);
  assert.equal(w.view().rows[2]!.last, undefined, "SPY's old quote was forgotten when it left the list");
  assert.ok(changes.length > 0);
});

test('through the store: its own topic, a session sets its symbols, a disconnect clears the prices', () => {
  const store = new PanelStore();
  const topics: string[] = [];
  store.onChange((t) => topics.push(t));
  store.watchlist.setUser(['AMD']);
  assert.deepEqual(topics, ['watchlist']);
  store.beginSession({ state: 'starting', mode: 'paper', symbols: ['NVDA'], cycle: 0, cycles: 4, lastDecisions: [], workingOrders: [] });
  assert.deepEqual(
    store.watchlist.view().rows.map((r) => r.symbol),
    ['NVDA', 'AMD'],
  );
  store.watchlist.setQuote('AMD', quote({ last: 150 }));
  assert.ok(isHostToWebview(store.message('watchlist')));
  assert.ok(isHostToWebview({ type: 'snapshot', state: store.snapshot() }));
  store.clearBrokerData();
  assert.equal(store.watchlist.view().rows[1]!.last, undefined);
  assert.equal(store.watchlist.view().rows.length, 2, 'the list stays');
});
