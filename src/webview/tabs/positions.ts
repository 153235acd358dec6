// The Positions tab: the account's open positions with live prices, unrealized P&L, market
// value, share of net liquidation, the day's P&L, and whose they are (the AI session's book
// or external: the user's or another program's, which the session never trades).
import { ownerText } from '../accountText';
import { h } from '../dom';
import { fmt, signClass } from '../format';
import { Grid, type Column } from '../grid';
import type { PositionRow } from '../protocol';

/** The numbers of a position. */
type NumberKey = { [K in keyof PositionRow]-?: PositionRow[K] extends number | undefined ? K : never }[keyof PositionRow];

/** A right-aligned column of one of the position's numbers, sorted by it; a signed one is coloured up or down. */
function num<K extends NumberKey>(key: K, title: string, width: string, text: (x: PositionRow[K]) => string, signed = false): Column<PositionRow> {
  return {
    key,
    title,
    width,
    align: 'right',
    text: (r) => text(r[key]),
    value: (r) => r[key],
    ...(signed ? { cls: (r: PositionRow) => signClass(r[key]) } : {}),
  };
}

export function mountPositionsTab(view: HTMLElement): { render(rows: readonly PositionRow[], currency?: string): void } {
  let currency: string | undefined;
  const grid = new Grid<PositionRow>(
    'positions-grid',
    'Positions',
    [
      { key: 'symbol', title: 'Symbol', width: '1fr', text: (r) => r.symbol },
      { key: 'secType', title: 'Type', width: '0.6fr', text: (r) => r.secType },
      num('quantity', 'Quantity', '0.9fr', fmt.qty),
      num('avgCost', 'Avg cost', '1fr', fmt.price),
      num('last', 'Last', '1fr', fmt.price),
      num('marketValue', 'Market value', '1.3fr', (x) => fmt.money(x, currency)),
      num('pctOfNetLiq', '% Net Liq', '0.9fr', fmt.sharePct),
      num('dayChange', 'Day P&L', '1.1fr', (x) => fmt.signedMoney(x, currency), true),
      num('unrealized', 'Unrealized P&L', '1.2fr', (x) => fmt.signedMoney(x, currency), true),
      { key: 'owner', title: 'Owner', width: '1.2fr', text: ownerText, value: (r) => r.owner, cls: (r) => (r.owner ? `owner-${r.owner}` : '') },
    ],
    (r) => r.key,
    'No positions.',
  );
  const box = h('section', { class: 'box' });
  grid.mount(box);
  view.append(box);
  return {
    render: (rows, cur) => {
      currency = cur;
      grid.update(rows);
    },
  };
}
