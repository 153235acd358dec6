// The Positions tab: the account's open positions with live prices, unrealized P&L, market
// value, share of net liquidation, the day's P&L, and whose they are (the AI session's book
// or external: the user's or another program's, which the session never trades).
import { ownerText } from '../accountText';
import { h } from '../dom';
import { fmt, signClass } from '../format';
import { Grid } from '../grid';
import type { PositionRow } from '../protocol';

export function mountPositionsTab(view: HTMLElement): { render(rows: readonly PositionRow[], currency?: string): void } {
  let currency: string | undefined;
  const grid = new Grid<PositionRow>(
    'positions-grid',
    'Positions',
    [
      { key: 'symbol', title: 'Symbol', width: '1fr', text: (r) => r.symbol },
      { key: 'secType', title: 'Type', width: '0.6fr', text: (r) => r.secType },
      { key: 'quantity', title: 'Quantity', width: '0.9fr', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
      { key: 'avgCost', title: 'Avg cost', width: '1fr', align: 'right', text: (r) => fmt.price(r.avgCost), value: (r) => r.avgCost },
      { key: 'last', title: 'Last', width: '1fr', align: 'right', text: (r) => fmt.price(r.last), value: (r) => r.last },
      {
        key: 'marketValue',
        title: 'Market value',
        width: '1.3fr',
        align: 'right',
        text: (r) => fmt.money(r.marketValue, currency),
        value: (r) => r.marketValue,
      },
      { key: 'pctOfNetLiq', title: '% Net Liq', width: '0.9fr', align: 'right', text: (r) => fmt.sharePct(r.pctOfNetLiq), value: (r) => r.pctOfNetLiq },
      {
        key: 'dayChange',
        title: 'Day P&L',
        width: '1.1fr',
        align: 'right',
        text: (r) => fmt.signedMoney(r.dayChange, currency),
        value: (r) => r.dayChange,
        cls: (r) => signClass(r.dayChange),
      },
      {
        key: 'unrealized',
        title: 'Unrealized P&L',
        width: '1.2fr',
        align: 'right',
        text: (r) => fmt.signedMoney(r.unrealized, currency),
        value: (r) => r.unrealized,
        cls: (r) => signClass(r.unrealized),
      },
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
