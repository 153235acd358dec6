// The Watchlist tab: the AI session's symbols and the user's own list (the ibkrAi.watchlist
// setting) with bid, ask, last and the change from the previous close, delayed data marked.
// Adding and removing post an edit to the host, which checks the symbol and writes the
// setting; the list shown is always the host's.
import { changeText, dataText, typedSymbol, watchlistSource } from '../accountText';
import { h } from '../dom';
import { fmt, signClass } from '../format';
import { Grid } from '../grid';
import { post } from '../host';
import type { WatchlistRow, WatchlistView } from '../protocol';

export function mountWatchlistTab(view: HTMLElement): { render(v: WatchlistView): void } {
  const input = h('input', {
    id: 'watchlist-input',
    type: 'text',
    placeholder: 'Symbol, e.g. AMD',
    'aria-label': 'Symbol to add to the watchlist',
    maxlength: 12,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const add = h('vscode-button', { id: 'watchlist-add', appearance: 'secondary' }, 'Add');
  const error = h('p', { id: 'watchlist-error', class: 'error small', role: 'alert', hidden: true });
  const submit = () => {
    const symbol = typedSymbol(input.value);
    if (!symbol) return;
    post({ type: 'editWatchlist', op: 'add', symbol });
    input.value = '';
  };
  add.addEventListener('click', submit);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') submit();
  });

  const grid = new Grid<WatchlistRow>(
    'watchlist-grid',
    'Watchlist',
    [
      { key: 'symbol', title: 'Symbol', width: '0.9fr', text: (r) => r.symbol },
      { key: 'bid', title: 'Bid', width: '1fr', align: 'right', text: (r) => fmt.price(r.bid), value: (r) => r.bid },
      { key: 'ask', title: 'Ask', width: '1fr', align: 'right', text: (r) => fmt.price(r.ask), value: (r) => r.ask },
      { key: 'last', title: 'Last', width: '1fr', align: 'right', text: (r) => fmt.price(r.last), value: (r) => r.last },
      { key: 'change', title: 'Change', width: '1.5fr', align: 'right', text: changeText, value: (r) => r.change, cls: (r) => signClass(r.change) },
      {
        key: 'data',
        title: 'Data',
        width: '0.8fr',
        text: dataText,
        value: (r) => (r.error ? 'error' : r.delayed ? 'delayed' : 'live'),
        cls: (r) => (r.error ? 'data-error' : r.delayed ? 'data-delayed' : ''),
      },
      // Where the row comes from; the user's own rows end in ✕, which removes them.
      {
        key: 'remove',
        title: 'From',
        width: '1fr',
        text: (r) => `${watchlistSource(r)}${r.inUserList ? ' ✕' : ''}`,
        cls: (r) => (r.inUserList ? 'remove' : ''),
      },
    ],
    (r) => r.symbol,
    'No symbols: add one above, or start an AI session.',
  );
  // One listener for every row's remove cell (rows are reused across updates).
  grid.el.addEventListener('click', (e) => {
    const cell = (e.target as Element | null)?.closest?.('[data-col="remove"].remove');
    const symbol = cell?.closest('[data-key]')?.getAttribute('data-key');
    if (symbol) post({ type: 'editWatchlist', op: 'remove', symbol });
  });

  const box = h('section', { class: 'box' });
  box.append(h('div', { class: 'row watchlist-add' }, input, add), error);
  grid.mount(box);
  view.append(box);
  let titles = new Map<string, string>();
  return {
    render(v: WatchlistView): void {
      grid.update(v.rows);
      error.textContent = v.error ?? '';
      error.hidden = !v.error;
      // Why a symbol has no quotes, and how to remove a row, as tooltips.
      const next = new Map(v.rows.map((r) => [r.symbol, r.error ?? '']));
      for (const row of grid.el.querySelectorAll<HTMLElement>('[data-key]')) {
        const key = row.getAttribute('data-key') ?? '';
        const t = next.get(key) ?? '';
        if (titles.get(key) !== t) row.querySelector('[data-col="data"]')?.setAttribute('title', t);
        const rm = row.querySelector('[data-col="remove"]');
        if (rm) rm.setAttribute('title', rm.classList.contains('remove') ? `Remove ${key} from your watchlist` : '');
      }
      titles = next;
    },
  };
}
