// The account strip under the header, shown whenever the connection is ready (and while it
// reconnects, marked stale): net liquidation, cash, buying power, and today's P&L with its
// realized and unrealized parts, all in the account's currency (TWS's figures).
import { h } from './dom';
import { fmt, signClass } from './format';
import type { AccountView, ConnectionView } from './protocol';

type Figure = 'netLiquidation' | 'cash' | 'buyingPower' | 'dailyPnl' | 'realizedPnl' | 'unrealizedPnl';

const FIGURES: ReadonlyArray<{ key: Figure; label: string; signed: boolean; title: string }> = [
  { key: 'netLiquidation', label: 'Net Liq', signed: false, title: 'Net liquidation value (TWS NetLiquidation)' },
  { key: 'cash', label: 'Cash', signed: false, title: 'Total cash value (TWS TotalCashValue)' },
  { key: 'buyingPower', label: 'Buying Power', signed: false, title: 'Buying power (TWS BuyingPower)' },
  { key: 'dailyPnl', label: 'Day P&L', signed: true, title: "Today's P&L of the account (TWS reqPnL)" },
  { key: 'realizedPnl', label: 'Realized', signed: true, title: "Today's realized P&L" },
  { key: 'unrealizedPnl', label: 'Unrealized', signed: true, title: 'Unrealized P&L of the open positions' },
];

/** The strip's text of each figure (pure: unit-tested). */
export function accountFigures(a: AccountView): Array<{ key: Figure; label: string; title: string; text: string; value: number | undefined; cls: string }> {
  return FIGURES.map((f) => {
    const value = a[f.key];
    return {
      key: f.key,
      label: f.label,
      title: f.title,
      value,
      text: f.signed ? fmt.signedMoney(value, a.currency) : fmt.money(value, a.currency),
      cls: f.signed ? signClass(value) : '',
    };
  });
}

export class AccountStrip {
  readonly el = h('section', { id: 'account-strip', class: 'account-strip', 'aria-label': 'Account', hidden: true });
  private readonly cells = new Map<Figure, { value: HTMLElement }>();
  private readonly note = h('span', { id: 'acct-note', class: 'muted small' });

  constructor() {
    for (const f of FIGURES) {
      const value = h('span', { id: `acct-${f.key}`, class: 'figure-value' });
      this.cells.set(f.key, { value });
      this.el.append(h('div', { class: 'figure', title: f.title }, h('span', { class: 'figure-label' }, f.label), value));
    }
    this.el.append(this.note);
  }

  render(a: AccountView, c: ConnectionView): void {
    const shown = c.status === 'ready' || c.status === 'reconnecting';
    this.el.hidden = !shown;
    if (!shown) return;
    this.el.classList.toggle('stale', c.status === 'reconnecting');
    for (const f of accountFigures(a)) {
      const el = this.cells.get(f.key)!.value;
      if (el.textContent !== f.text) el.textContent = f.text;
      el.className = `figure-value ${f.cls}`.trim();
      if (f.value === undefined) el.removeAttribute('data-value');
      else el.setAttribute('data-value', String(f.value));
    }
    this.note.textContent =
      c.status === 'reconnecting'
        ? 'reconnecting: figures as of the last update'
        : a.updatedAt === undefined
          ? 'waiting for the account values…'
          : (a.currency ?? '');
  }
}
