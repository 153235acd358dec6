// A session summary as a table (the live session's once it ends, and each past session's):
// a line of facts, then one row per symbol and the totals, money in dollars.
import { h } from './dom';
import { fmt, signClass } from './format';
import type { SummaryView } from './protocol';

const money = (x: number, cls = true) => h('td', { class: `num${cls ? ` ${signClass(x)}` : ''}` }, fmt.pnl(x));
const count = (x: number) => h('td', { class: 'num' }, fmt.qty(x));

export function summaryTable(s: SummaryView): HTMLElement {
  const o = s.orders;
  const facts: Array<[string, string]> = [
    ['Status', `${s.status ?? 'running'}${s.reason ? `: ${s.reason}` : ''}`],
    ['Mode', `${s.mode}, account ${s.account}`],
    ['Cycles', `${s.cyclesDone} of ${s.cyclesPlanned}${s.restarts ? `, resumed ${s.restarts}×` : ''}`],
    ['Decisions', fmt.qty(s.decisions)],
    [
      'Orders',
      `${o.total}: ${o.filled} filled, ${o.partiallyFilled} partly filled, ${o.cancelled} cancelled, ${o.rejected} rejected, ${o.notSent} never reached TWS, ${o.working} working`,
    ],
    ['Blocked by rules', s.blocked.length ? s.blocked.map((b) => `${b.rule} ${b.count}`).join(', ') : 'none'],
  ];
  if (s.riskStop) facts.push(['Stopped by', s.riskStop]);
  const dl = h('table', { class: 'facts' }, ...facts.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v))));
  const head = ['Symbol', 'Orders', 'Fills', 'Bought', 'Sold', 'Position', 'Mark', 'Realized', 'Unrealized', 'Commissions', 'Net'];
  const t = s.totals;
  const table = h(
    'table',
    { class: 'summary-table' },
    h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : undefined }, c)))),
    h(
      'tbody',
      {},
      ...s.perSymbol.map((p) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, p.symbol),
          count(p.orders),
          count(p.fills),
          count(p.bought),
          count(p.sold),
          count(p.position),
          h('td', { class: 'num' }, fmt.price(p.mark)),
          money(p.realized),
          money(p.unrealized),
          h('td', { class: 'num' }, fmt.money(p.commissions)),
          money(p.net),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Total'),
        count(o.total),
        count(s.trades),
        h('td', {}),
        h('td', {}),
        h('td', {}),
        h('td', {}),
        money(t.realized),
        money(t.unrealized),
        h('td', { class: 'num' }, fmt.money(t.commissions)),
        money(t.net),
      ),
    ),
  );
  return h('div', { class: 'summary', 'data-session': s.sessionId }, dl, h('div', { class: 'scroll-x' }, table));
}
