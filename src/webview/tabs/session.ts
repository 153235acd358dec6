// The Session tab: the AI session's state, progress, P&L (with its equity curve over time),
// its summary table once it ended, and its latest notices.
import { h } from '../dom';
import { fmt, signClass } from '../format';
import type { OrderRow, SessionView } from '../protocol';
import { summaryTable } from '../summaryTable';
import { pnlChart, priceChart } from './pnlChart';

/** The session's fills per symbol, from the blotter's rows of that session, at their decision's market time (the price axis's clock). */
function sessionFills(orders: readonly OrderRow[], sessionId: string | undefined, symbol: string) {
  if (!sessionId) return [];
  return orders
    .filter((o) => o.sessionId === sessionId && o.symbol === symbol)
    .flatMap((o) => (o.decisionTime === undefined ? [] : o.fills.map((f) => ({ at: o.decisionTime!, price: f.price, side: o.action, shares: f.shares }))));
}

export function mountSessionTab(view: HTMLElement): {
  render(v: SessionView, orders: readonly OrderRow[]): void;
  renderPrices(v: SessionView, orders: readonly OrderRow[]): void;
} {
  const sessionHead = h('div', { id: 'session-head', class: 'row' });
  const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-label': 'Session progress' }, h('div', { class: 'bar' }));
  const chartBox = h('div', { id: 'pnl-chart', class: 'chart' });
  const summaryBox = h('div', { id: 'session-summary' });
  const pricesBox = h('div', { id: 'session-prices', class: 'chart' });
  const pricesTitle = h('h3', {}, 'Prices and fills');
  const noticesList = h('ul', { id: 'session-notices', class: 'notices' });
  view.append(
    h(
      'section',
      { class: 'box' },
      sessionHead,
      progress,
      h('h3', {}, 'Net P&L'),
      chartBox,
      pricesTitle,
      pricesBox,
      summaryBox,
      h('h3', {}, 'Notices'),
      noticesList,
    ),
  );
  function renderPrices(v: SessionView, orders: readonly OrderRow[]): void {
    pricesBox.replaceChildren(...v.prices.map((p) => priceChart(p.symbol, p.points, sessionFills(orders, v.sessionId, p.symbol))));
    pricesTitle.hidden = pricesBox.hidden = v.prices.length === 0;
  }
  return {
    renderPrices,
    render(v: SessionView, orders: readonly OrderRow[]): void {
      renderPrices(v, orders);
      const pnl = v.pnl?.net;
      sessionHead.replaceChildren(
        h('span', { class: `badge badge-${v.active ? 'running' : v.state}`, id: 'session-state' }, v.state),
        h('span', { id: 'session-progress' }, v.cycles ? `cycle ${v.cycle}/${v.cycles}` : 'no session yet'),
        h('span', { class: 'muted' }, [v.mode, v.account, v.symbols.join(', ')].filter(Boolean).join(' · ')),
        h('span', { id: 'session-pnl', class: signClass(pnl), 'data-value': pnl ?? '' }, pnl !== undefined ? `net P&L ${fmt.pnl(pnl)}` : ''),
      );
      if (v.pnl)
        sessionHead.append(
          h(
            'span',
            { class: 'muted small' },
            `realized ${fmt.pnl(v.pnl.realized)} · unrealized ${fmt.pnl(v.pnl.unrealized)} · commissions ${fmt.money(v.pnl.commissions)}`,
          ),
        );
      if (v.reason && !v.active) sessionHead.append(h('div', { class: 'muted small reason' }, v.reason));
      (progress.firstElementChild as HTMLElement).style.width = `${v.cycles ? Math.min(100, (100 * v.cycle) / v.cycles) : 0}%`;
      progress.setAttribute('aria-valuenow', String(v.cycle));
      progress.setAttribute('aria-valuemax', String(v.cycles));
      chartBox.replaceChildren(pnlChart(v.points));
      summaryBox.replaceChildren(...(v.summaryTable ? [h('h3', {}, 'Summary'), summaryTable(v.summaryTable)] : []));
      summaryBox.hidden = !v.summaryTable;
      noticesList.replaceChildren(
        ...v.notices
          .slice(-20)
          .reverse()
          .map((n) => h('li', { class: n.level }, `${fmt.ny(n.at)} ${n.message}`)),
      );
    },
  };
}
