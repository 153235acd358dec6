// The Positions tab: the account's open positions with live prices and unrealized P&L.
import { h } from '../dom';
import { fmt, signClass } from '../format';
import { Grid } from '../grid';
import type { PositionRow } from '../protocol';

export function mountPositionsTab(view: HTMLElement): { render(rows: readonly PositionRow[]): void } {
  const grid = new Grid<PositionRow>(
    'positions-grid',
    'Positions',
    [
      { key: 'symbol', title: 'Symbol', width: '1.2fr', text: (r) => r.symbol },
      { key: 'secType', title: 'Type', width: '0.6fr', text: (r) => r.secType },
      { key: 'quantity', title: 'Quantity', width: '1fr', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
      { key: 'avgCost', title: 'Avg cost', width: '1fr', align: 'right', text: (r) => fmt.price(r.avgCost), value: (r) => r.avgCost },
      { key: 'last', title: 'Last', width: '1fr', align: 'right', text: (r) => fmt.price(r.last), value: (r) => r.last },
      {
        key: 'unrealized',
        title: 'Unrealized P&L',
        width: '1.2fr',
        align: 'right',
        text: (r) => fmt.pnl(r.unrealized),
        value: (r) => r.unrealized,
        cls: (r) => signClass(r.unrealized),
      },
    ],
    (r) => r.key,
    'No positions.',
  );
  const box = h('section', { class: 'box' });
  grid.mount(box);
  view.append(box);
  return { render: (rows) => grid.update(rows) };
}
