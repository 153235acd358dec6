// The Orders tab: this connection's orders, newest first, with our lifecycle state and fills.
import { h } from '../dom';
import { fmt } from '../format';
import { Grid } from '../grid';
import type { OrderRow } from '../protocol';

export function mountOrdersTab(view: HTMLElement): { render(rows: readonly OrderRow[]): void } {
  const grid = new Grid<OrderRow>(
    'orders-grid',
    'Orders',
    [
      { key: 'orderId', title: 'Id', width: '0.6fr', text: (r) => `#${r.orderId}`, value: (r) => r.orderId },
      { key: 'symbol', title: 'Symbol', width: '0.8fr', text: (r) => r.symbol },
      { key: 'action', title: 'Side', width: '0.6fr', text: (r) => r.action, cls: (r) => (r.action === 'BUY' ? 'up' : 'down') },
      { key: 'quantity', title: 'Qty', width: '0.6fr', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
      { key: 'type', title: 'Type', width: '0.6fr', text: (r) => r.type },
      { key: 'status', title: 'Status', width: '1fr', text: (r) => r.status, value: (r) => r.status, cls: (r) => `status-${r.status}` },
      { key: 'filled', title: 'Filled', width: '0.6fr', align: 'right', text: (r) => fmt.qty(r.filled), value: (r) => r.filled },
      {
        key: 'avgFillPrice',
        title: 'Avg fill',
        width: '0.8fr',
        align: 'right',
        text: (r) => (r.filled > 0 ? fmt.price(r.avgFillPrice) : '—'),
        value: (r) => r.avgFillPrice,
      },
      { key: 'orderRef', title: 'Ref / note', width: '2.4fr', text: (r) => [r.orderRef, r.note].filter(Boolean).join(' · ') },
    ],
    (r) => String(r.orderId),
    'No orders yet.',
  );
  const box = h('section', { class: 'box' });
  grid.mount(box);
  view.append(box);
  return { render: (rows) => grid.update(rows) };
}
