// The Orders tab: this connection's orders, newest first, with our lifecycle state and fills.
// "Place Order…" and "Flatten Position…" open the host's ticket (its input boxes, the
// preview, a modal); a working order of the ticket has Modify and Cancel on its row, which
// send only its id (the host asks the rest, and changes only orders of the ticket).
import { actionButton } from '../actionButton';
import { h } from '../dom';
import { fmt } from '../format';
import { Grid } from '../grid';
import { post } from '../host';
import type { OrderAction, OrderRow } from '../protocol';

const TERMINAL = new Set(['filled', 'cancelled', 'rejected', 'lost']);

/** A working order placed from the ticket (its orderRef is `manual:...`). */
export function isManualWorking(r: OrderRow): boolean {
  return (r.orderRef ?? '').startsWith('manual:') && !TERMINAL.has(r.status);
}

function rowButton(label: string, action: OrderAction, orderId: number): HTMLElement {
  const b = h('vscode-button', { appearance: 'secondary', class: 'row-action', 'data-order-action': action, title: `${label} order #${orderId}` }, label);
  b.addEventListener('click', () => post({ type: 'orderAction', action, orderId }));
  return b;
}

/** Modify / Cancel on a working manual order's row; rebuilt only when the row's state changes. */
function renderActions(cell: HTMLElement, r: OrderRow): void {
  const want = isManualWorking(r) ? `manual:${r.orderId}` : '';
  if (cell.getAttribute('data-actions') === want) return;
  cell.setAttribute('data-actions', want);
  cell.replaceChildren(...(want ? [rowButton('Modify', 'modifyOrder', r.orderId), rowButton('Cancel', 'cancelOrder', r.orderId)] : []));
}

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
      { key: 'actions', title: '', width: '1.8fr', text: () => '', render: renderActions },
    ],
    (r) => String(r.orderId),
    'No orders yet.',
  );
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    actionButton('Place Order…', 'placeOrder', {
      appearance: 'primary',
      id: 'btn-place-order',
      title: 'A stock order: previewed (what-if) and confirmed before it goes',
    }),
    actionButton('Flatten Position…', 'flattenPosition', { id: 'btn-flatten-position', title: 'Close one position at the market, confirmed first' }),
  );
  const box = h('section', { class: 'box' }, toolbar);
  grid.mount(box);
  view.append(box);
  return { render: (rows) => grid.update(rows) };
}
