// The panel's tabs (toolkit vscode-panels): one tab and one view per protocol Tab, a count
// badge on the list tabs, the selection remembered across hide/restore and switchable by
// the host.
import { h } from './dom';
import { saveTab, savedTab } from './host';
import { TABS, type Tab } from './protocol';
import { isTab } from './validate';

const LABELS: Record<Tab, string> = {
  positions: 'Positions',
  watchlist: 'Watchlist',
  orders: 'Blotter',
  decisions: 'Decisions',
  session: 'Session',
  history: 'History',
  checks: 'Setup Checks',
  backtest: 'Backtest',
};

/** The tabs that show how many rows they hold. */
const COUNTED: ReadonlySet<Tab> = new Set<Tab>(['positions', 'watchlist', 'orders', 'decisions']);

export class TabStrip {
  readonly el = h('vscode-panels', { id: 'tabs', 'aria-label': 'Trading panel' });
  readonly views = {} as Record<Tab, HTMLElement>;
  private readonly counts: Partial<Record<Tab, HTMLElement>> = {};

  constructor() {
    for (const t of TABS) {
      const tab = h('vscode-panel-tab', { id: `tab-${t}` }, LABELS[t]);
      if (COUNTED.has(t)) {
        const badge = h('vscode-badge', { appearance: 'secondary' }, '0');
        this.counts[t] = badge;
        tab.append(badge);
      }
      this.el.append(tab);
    }
    for (const t of TABS) {
      this.views[t] = h('vscode-panel-view', { id: `view-${t}` });
      this.el.append(this.views[t]);
    }
    this.el.addEventListener('change', () => {
      const id = (this.el as unknown as { activeid?: string }).activeid ?? '';
      const t = id.replace(/^tab-/, '');
      if (isTab(t)) saveTab(t);
    });
  }

  setCount(t: Tab, n: number): void {
    const badge = this.counts[t];
    if (badge) badge.textContent = String(n);
  }

  select(t: Tab): void {
    this.el.setAttribute('activeid', `tab-${t}`);
    (this.el as unknown as { activeid: string }).activeid = `tab-${t}`;
    saveTab(t);
  }

  /** Back on the tab selected before the panel was hidden. */
  restore(): void {
    const t = savedTab();
    if (t) this.select(t);
  }
}
