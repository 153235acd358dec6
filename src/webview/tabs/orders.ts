// The Blotter tab: every order seen, newest first, kept per session and connection (keyed by
// orderRef, else connection and order id: TWS reuses order ids), with the time it was placed,
// its fills and their commissions, and its slippage against the price the decision was made
// at. Working orders are marked stale while the connection is down. "Place Order…" and
// "Flatten Position…" open the host's ticket (its input boxes, the preview, a modal); a working
// order of the ticket has Modify and Cancel on its row, which send only its id (the host asks
// the rest, and changes only orders of the ticket).
import { actionButton } from '../actionButton';
import { h } from '../dom';
import { fmt } from '../format';
import { costColumns } from '../costColumns';
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

/** A session id as the blotter shows it: its random suffix (the full id is the cell's value). */
export function shortSession(id: string | undefined): string {
  if (!id) return '—';
  const m = /-([0-9a-f]{8})$/.exec(id);
  return m ? m[1]! : id;
}

function fillsText(r: OrderRow): string {
  if (r.fills.length === 0) return '—';
  return r.fills.map((f) => `${fmt.qty(f.shares)} @ ${fmt.price(f.price)}`).join(', ');
}

export function mountOrdersTab(view: HTMLElement): { render(rows: readonly OrderRow[]): void } {
  const grid = new Grid<OrderRow>(
    'orders-grid',
    'Blotter',
    [
      { key: 'placed', title: 'Placed', width: '112px', text: (r) => fmt.ny(r.placedAt), value: (r) => r.placedAt },
      { key: 'session', title: 'Session', width: '84px', text: (r) => shortSession(r.sessionId), value: (r) => r.sessionId },
      { key: 'orderId', title: 'Id', width: '56px', align: 'right', text: (r) => `#${r.orderId}`, value: (r) => r.orderId },
      // An option or a combo shows what it is (the symbol alone would read as shares).
      {
        key: 'symbol',
        title: 'Symbol',
        width: 'minmax(140px, 1.6fr)',
        text: (r) => r.contract ?? r.symbol,
        value: (r) => r.symbol,
        cls: (r) => (r.contract ? 'wrap small' : ''),
      },
      { key: 'action', title: 'Side', width: '56px', text: (r) => r.action, cls: (r) => (r.action === 'BUY' ? 'up' : 'down') },
      { key: 'quantity', title: 'Qty', width: '64px', align: 'right', text: (r) => fmt.qty(r.quantity), value: (r) => r.quantity },
      { key: 'type', title: 'Type', width: '56px', text: (r) => r.type },
      {
        key: 'status',
        title: 'Status',
        width: '128px',
        text: (r) => (r.stale ? `${r.status} (stale)` : r.status),
        value: (r) => r.status,
        cls: (r) => `status-${r.status}${r.stale ? ' stale' : ''}`,
      },
      { key: 'filled', title: 'Filled', width: '64px', align: 'right', text: (r) => fmt.qty(r.filled), value: (r) => r.filled },
      {
        key: 'avgFillPrice',
        title: 'Avg fill',
        width: '84px',
        align: 'right',
        text: (r) => (r.filled > 0 ? fmt.price(r.avgFillPrice) : '—'),
        value: (r) => r.avgFillPrice,
      },
      ...costColumns<OrderRow>(),
      { key: 'fills', title: 'Fills', width: 'minmax(140px, 1.2fr)', text: fillsText, value: (r) => r.fills.length },
      {
        key: 'lastFill',
        title: 'Last fill',
        width: '112px',
        text: (r) => (r.fills.length ? fmt.ny(r.fills[r.fills.length - 1]!.at) : '—'),
        value: (r) => r.fills[r.fills.length - 1]?.at,
      },
      { key: 'orderRef', title: 'Ref / note', width: 'minmax(200px, 2fr)', text: (r) => [r.orderRef, r.note].filter(Boolean).join(' · '), cls: () => 'small' },
      { key: 'actions', title: '', width: '1.8fr', text: () => '', render: renderActions },
    ],
    (r) => r.key,
    'No orders yet.',
  );
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    actionButton('Place Order…', 'placeOrder', {
      appearance: 'primary',
      id: 'btn-place-order',
      title: 'A stock, an option from the chain or a combo of 2-4 option legs: previewed (what-if) and confirmed before it goes',
    }),
    actionButton('Flatten Position…', 'flattenPosition', { id: 'btn-flatten-position', title: 'Close one position at the market, confirmed first' }),
  );
  const box = h(
    'section',
    { class: 'box' },
    toolbar,
    h(
      'p',
      { class: 'muted small' },
      'Every order seen, newest first, per session and connection. Times are New York (the market’s). Slippage per share against the decision’s price: positive cost money.',
    ),
  );
  grid.mount(box);
  view.append(box);
  return { render: (rows) => grid.update(rows) };
}
