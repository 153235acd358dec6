// The account strip under the header, shown whenever the connection is ready (and while it
// reconnects, marked stale): net liquidation, cash, buying power, and today's P&L with its
// realized and unrealized parts, all in the account's currency (TWS's figures).
import { accountFigures, FIGURES, type Figure } from './accountText';
import { h } from './dom';
import type { AccountView, ConnectionView } from './protocol';

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
