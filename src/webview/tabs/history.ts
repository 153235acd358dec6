// The History tab: the past sessions of the journal folder, newest first, read back from
// their journals by the host; the one picked (the newest by default) with its summary table,
// its equity curve, each symbol's price with the session's fills, its trades and its
// decisions. Trades and fills export to CSV (the host asks which session and where).
import { actionBox } from '../actionButton';
import { h } from '../dom';
import { fmt, signClass } from '../format';
import { costColumns } from '../costColumns';
import { Grid, type Column } from '../grid';
import type { HistorySession, HistoryView, TradeRow } from '../protocol';
import { summaryTable } from '../summaryTable';
import { decisionColumns } from './decisions';
import { pnlChart, priceChart } from './pnlChart';

export class HistoryTab {
  private selected: string | undefined;
  /** the user picked a session: keep it; else the newest is shown, also when a new one arrives */
  private picked = false;
  private view: HistoryView | undefined;
  private readonly head = h('div', { id: 'history-head', class: 'row' });
  private readonly detail = h('div', { id: 'history-detail' });
  private readonly sessions = new Grid<HistorySession>(
    'history-grid',
    'Past sessions',
    this.markSelected([
      { key: 'started', title: 'Started', width: '150px', text: (r) => (r.startedAt ? fmt.nyDateTime(r.startedAt) : '—'), value: (r) => r.startedAt },
      { key: 'session', title: 'Session', width: 'minmax(260px, 1.6fr)', text: (r) => r.sessionId },
      { key: 'mode', title: 'Mode', width: '64px', text: (r) => r.summary.mode },
      { key: 'status', title: 'Status', width: '96px', text: (r) => r.summary.status ?? 'no end', value: (r) => r.summary.status },
      {
        key: 'cycles',
        title: 'Cycles',
        width: '72px',
        align: 'right',
        text: (r) => `${r.summary.cyclesDone}/${r.summary.cyclesPlanned}`,
        value: (r) => r.summary.cyclesDone,
      },
      { key: 'fills', title: 'Fills', width: '56px', align: 'right', text: (r) => fmt.qty(r.summary.trades), value: (r) => r.summary.trades },
      {
        key: 'net',
        title: 'Net P&L',
        width: '104px',
        align: 'right',
        text: (r) => fmt.pnl(r.summary.totals.net),
        value: (r) => r.summary.totals.net,
        cls: (r) => signClass(r.summary.totals.net),
      },
    ]),
    (r) => r.sessionId,
    'No past sessions in the journal folder yet.',
  );
  private readonly trades = new Grid<TradeRow>(
    'history-trades-grid',
    'Trades and fills',
    [
      { key: 'time', title: 'Time', width: '112px', text: (r) => (r.at ? fmt.ny(r.at) : '—'), value: (r) => r.at },
      { key: 'symbol', title: 'Symbol', width: '72px', text: (r) => r.symbol },
      { key: 'side', title: 'Side', width: '56px', text: (r) => r.side, cls: (r) => (r.side === 'BUY' ? 'up' : 'down') },
      { key: 'shares', title: 'Shares', width: '72px', align: 'right', text: (r) => fmt.qty(r.shares), value: (r) => r.shares },
      { key: 'price', title: 'Price', width: '84px', align: 'right', text: (r) => fmt.price(r.price), value: (r) => r.price },
      ...costColumns<TradeRow>(),
      { key: 'orderId', title: 'Order', width: '64px', align: 'right', text: (r) => `#${r.orderId}`, value: (r) => r.orderId },
      { key: 'ref', title: 'Ref', width: 'minmax(200px, 2fr)', text: (r) => r.orderRef, cls: () => 'small' },
    ],
    (r) => r.execId,
    'No fills in this session.',
  );
  private readonly decisions = new Grid('history-decisions-grid', 'Decisions of the session', decisionColumns(), (r) => String(r.seq), 'No decisions.');
  private readonly summaryBox = h('div', { id: 'history-summary' });
  private readonly equityBox = h('div', { id: 'history-equity', class: 'chart' });
  private readonly pricesBox = h('div', { id: 'history-prices', class: 'chart' });
  private readonly tradesNote = h('p', { class: 'muted small' });
  private readonly decisionsNote = h('p', { class: 'muted small' });
  private readonly title = h('h3', { id: 'history-title' });

  constructor(view: HTMLElement) {
    const box = actionBox(
      ['Refresh', 'refreshHistory', 'btn-refresh-history'],
      ['Export trades and fills (CSV)…', 'exportHistoryCsv', 'btn-export-csv'],
      this.head,
    );
    this.sessions.mount(box);
    this.sessions.el.addEventListener('click', (e) => this.pick(e.target));
    this.sessions.el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') this.pick(e.target);
    });
    this.detail.append(
      this.title,
      this.summaryBox,
      h('h3', {}, 'Net P&L'),
      this.equityBox,
      h('h3', {}, 'Prices and fills'),
      this.pricesBox,
      h('h3', {}, 'Trades and fills'),
      this.tradesNote,
    );
    const tradesBox = h('div', {});
    this.trades.mount(tradesBox);
    const decisionsBox = h('div', {});
    this.decisions.mount(decisionsBox);
    this.detail.append(tradesBox, h('h3', {}, 'Decisions'), this.decisionsNote, decisionsBox);
    box.append(this.detail);
    view.append(box);
  }

  private sel(r: HistorySession): string {
    return r.sessionId === this.selected ? 'selected' : '';
  }

  /** Every cell of the picked session's row is marked selected (after the cell's own class). */
  private markSelected(columns: Array<Column<HistorySession>>): Array<Column<HistorySession>> {
    return columns.map((c) => ({ ...c, cls: (r) => (c.cls ? `${c.cls(r)} ${this.sel(r)}` : this.sel(r)) }));
  }

  private pick(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest('vscode-data-grid-row[data-key]') : null;
    const key = row?.getAttribute('data-key');
    if (!key || key === this.selected || !this.view) return;
    this.selected = key;
    this.picked = true;
    this.render(this.view);
  }

  render(v: HistoryView): void {
    this.view = v;
    const head: Node[] = [];
    if (v.loading) head.push(h('vscode-progress-ring', { class: 'small-ring' }), h('span', {}, 'Reading the journal folder…'));
    if (v.dir) head.push(h('span', { class: 'muted small', id: 'history-dir' }, `Journal folder: ${v.dir}`));
    if (v.error) head.push(h('span', { class: 'down', id: 'history-error' }, v.error));
    if (!v.dir && !v.loading) head.push(h('span', { class: 'muted' }, 'Refresh to read the past sessions of the journal folder (ibkrAi.session.journalDir).'));
    if (v.skipped.length) head.push(h('div', { class: 'muted small reason' }, `Not shown: ${v.skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}`));
    this.head.replaceChildren(...head);
    if (!this.picked || !v.sessions.some((s) => s.sessionId === this.selected)) {
      this.selected = v.sessions[0]?.sessionId;
      this.picked = false;
    }
    this.sessions.update(v.sessions);
    const s = v.sessions.find((x) => x.sessionId === this.selected);
    this.detail.hidden = !s;
    if (!s) return;
    this.detail.setAttribute('data-session', s.sessionId);
    const when = [s.startedAt ? fmt.nyDateTime(s.startedAt) : undefined, s.endedAt ? fmt.nyDateTime(s.endedAt) : undefined].filter(Boolean).join(' → ');
    this.title.textContent = `Session ${s.sessionId}${when ? ` · ${when}` : ''}`;
    this.summaryBox.replaceChildren(summaryTable(s.summary));
    this.equityBox.replaceChildren(pnlChart(s.points, 'No P&L was journaled in this session.'));
    this.pricesBox.replaceChildren(
      ...(s.prices.length
        ? s.prices.map((p) =>
            priceChart(
              p.symbol,
              p.points,
              // at their decision's market time: the price axis runs on the market's clock (a simulator's may run fast)
              s.trades.flatMap((t) => (t.symbol === p.symbol && t.decisionTime !== undefined ? [{ ...t, at: t.decisionTime }] : [])),
            ),
          )
        : [h('p', { class: 'muted' }, 'No prices were journaled in this session.')]),
    );
    this.tradesNote.textContent =
      s.tradesTotal > s.trades.length ? `The newest ${s.trades.length} of ${s.tradesTotal} fills (the CSV export has all of them).` : '';
    this.trades.update([...s.trades].reverse());
    this.decisionsNote.textContent = s.decisionsTotal > s.decisions.length ? `The newest ${s.decisions.length} of ${s.decisionsTotal} decisions.` : '';
    this.decisions.update([...s.decisions].reverse());
  }
}
