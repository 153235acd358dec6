// A keyed toolkit data grid: one row per key, reused across updates, with only the cells
// whose text, value or class changed written (a price tick rewrites one cell, not the grid).
// The grid never squeezes a column below its minimum width: in a narrow panel it scrolls
// sideways in its own box instead of clipping cells or breaking words mid-letter.
import { h } from './dom';

export interface Column<R> {
  key: string;
  title: string;
  width: string;
  text: (r: R) => string;
  value?: (r: R) => string | number | undefined;
  cls?: (r: R) => string;
  align?: 'right';
  /** A cell of controls (buttons) instead of text: called on every update, it keeps the cell current itself. */
  render?: (cell: HTMLElement, r: R) => void;
}

/** A keyed data grid: rows are reused by key and only changed cells are written. */
export class Grid<R> {
  readonly el: HTMLElement;
  private readonly rows = new Map<string, HTMLElement>();
  private readonly empty: HTMLElement;

  constructor(
    id: string,
    label: string,
    private readonly columns: Column<R>[],
    private readonly key: (r: R) => string,
    emptyText: string,
  ) {
    this.el = h('vscode-data-grid', { id, 'aria-label': label, 'generate-header': 'none', 'grid-template-columns': columns.map((c) => c.width).join(' ') });
    const header = h('vscode-data-grid-row', { 'row-type': 'sticky-header' });
    columns.forEach((c, i) =>
      header.append(h('vscode-data-grid-cell', { 'cell-type': 'columnheader', 'grid-column': i + 1, class: c.align === 'right' ? 'num' : undefined }, c.title)),
    );
    this.el.append(header);
    this.el.style.minWidth = `${minWidth(columns.map((c) => c.width))}px`;
    this.empty = h('p', { class: 'muted empty' }, emptyText);
  }

  /** The grid with its "nothing yet" line. */
  mount(parent: HTMLElement): void {
    parent.append(h('div', { class: 'scroll-x' }, this.el), this.empty);
  }

  update(data: readonly R[]): void {
    const seen = new Set<string>();
    let prev: Element | null = this.el.firstElementChild; // the header
    for (const r of data) {
      const k = this.key(r);
      seen.add(k);
      let row = this.rows.get(k);
      if (!row) {
        row = h('vscode-data-grid-row', { 'data-key': k });
        this.columns.forEach((c, i) =>
          row!.append(h('vscode-data-grid-cell', { 'grid-column': i + 1, 'data-col': c.key, class: c.align === 'right' ? 'num' : undefined })),
        );
        this.rows.set(k, row);
      }
      const cells = row.children;
      this.columns.forEach((c, i) => {
        const cell = cells[i] as HTMLElement;
        const text = c.text(r);
        if (c.render) c.render(cell, r);
        else if (cell.textContent !== text) cell.textContent = text;
        const v = c.value?.(r);
        const vs = v === undefined ? null : String(v);
        if (cell.getAttribute('data-value') !== vs) {
          if (vs === null) cell.removeAttribute('data-value');
          else cell.setAttribute('data-value', vs);
        }
        const cls = [c.align === 'right' ? 'num' : '', c.cls?.(r) ?? ''].filter(Boolean).join(' ');
        if (cell.className !== cls) cell.className = cls;
      });
      if (prev?.nextElementSibling !== row) prev!.after(row);
      prev = row;
    }
    for (const [k, row] of this.rows) {
      if (seen.has(k)) continue;
      row.remove();
      this.rows.delete(k);
    }
    this.empty.hidden = data.length > 0;
  }
}

/** The least width of a grid's columns: a fixed "96px", a "minmax(120px, 1fr)"'s minimum, 72px for a bare "1fr" (plus cell padding). */
export function minWidth(widths: readonly string[]): number {
  return widths.reduce((sum, w) => {
    const px = /^(?:minmax\(\s*)?(\d+(?:\.\d+)?)px/.exec(w.trim());
    return sum + (px ? Number(px[1]) : 72);
  }, 0);
}
