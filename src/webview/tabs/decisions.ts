// The Decisions tab: per cycle and symbol, the features the model saw -> its action -> the
// risk verdict -> the order. The host sends only new or changed rows; this tab keeps the
// newest MAX_DECISIONS by their sequence number and shows them newest first.
import { h } from '../dom';
import { fmt } from '../format';
import { modelText } from '../modelText';
import { Grid } from '../grid';
import type { DecisionRow } from '../protocol';
import type { Column } from '../grid';

/** The decision grid's columns (the live Decisions tab and a past session's decisions). */
export function decisionColumns(): Column<DecisionRow>[] {
  return [
    { key: 'cycle', title: 'Cycle', width: '60px', align: 'right', text: (r) => String(r.cycle), value: (r) => r.cycle },
    { key: 'time', title: 'Market time', width: '112px', text: (r) => fmt.ny(r.marketTime) },
    { key: 'symbol', title: 'Symbol', width: '72px', text: (r) => r.symbol },
    { key: 'features', title: 'Features', width: 'minmax(260px, 2.4fr)', text: (r) => r.features, cls: () => 'small wrap' },
    { key: 'action', title: '→ Model', width: 'minmax(160px, 1.2fr)', text: modelText, cls: () => 'wrap' },
    {
      key: 'verdict',
      title: '→ Risk',
      width: 'minmax(110px, 1.2fr)',
      text: (r) => r.verdict || '—',
      cls: (r) => `wrap ${r.blocked ? 'down' : r.verdict === 'ok' ? 'up' : ''}`,
    },
    { key: 'order', title: '→ Order', width: 'minmax(150px, 1.4fr)', text: (r) => r.order, value: (r) => r.outcome, cls: () => 'wrap' },
    { key: 'reason', title: 'Why', width: 'minmax(200px, 2fr)', text: (r) => r.reason, cls: () => 'small wrap' },
  ];
}

const MAX_DECISIONS = 500;

export class DecisionsTab {
  private readonly rows = new Map<number, DecisionRow>();
  private readonly grid = new Grid<DecisionRow>(
    'decisions-grid',
    'Decisions',
    decisionColumns(),
    (r) => String(r.seq),
    'No decisions yet: start an AI session.',
  );

  constructor(view: HTMLElement) {
    const box = h(
      'section',
      { class: 'box' },
      h(
        'p',
        { class: 'muted small' },
        'Per cycle and symbol: the features the model saw → its output → the risk verdict → the order, and why. Newest first; times are New York (the market’s).',
      ),
    );
    this.grid.mount(box);
    view.append(box);
  }

  /** The snapshot's rows replace everything (the host sends at most its own limit). */
  reset(rows: readonly DecisionRow[]): void {
    this.rows.clear();
    for (const d of rows) this.rows.set(d.seq, d);
  }

  /** New or updated rows (by seq); the oldest beyond MAX_DECISIONS are dropped. */
  merge(rows: readonly DecisionRow[]): void {
    for (const d of rows) this.rows.set(d.seq, d);
    if (this.rows.size > MAX_DECISIONS) {
      const keys = [...this.rows.keys()].sort((a, b) => a - b);
      for (const k of keys.slice(0, this.rows.size - MAX_DECISIONS)) this.rows.delete(k);
    }
  }

  /** Draws the rows newest first; returns how many there are. */
  render(): number {
    const rows = [...this.rows.values()].sort((a, b) => b.seq - a.seq);
    this.grid.update(rows);
    return rows.length;
  }
}
