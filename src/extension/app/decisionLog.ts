// The panel's decisions: the newest rows (at most `limit`), each decision that placed an order
// found again by its orderRef so the order's progress rewrites its row, and a version per
// change so the panel is sent only the rows changed since its last message.
import type { DecisionRecord } from '../session/decision';
import type { OrderUpdate } from '../session/orderManager';
import type { DecisionRow } from '../../webview/protocol';
import { decisionRow } from './viewRows';

interface StoredDecision {
  row: DecisionRow;
  /** the order's orderRef, when the decision placed one */
  ref?: string;
  /** the log's version at its last change */
  version: number;
}

export class DecisionLog {
  private readonly items: StoredDecision[] = [];
  private readonly byRef = new Map<string, { item: StoredDecision; record: DecisionRecord }>();
  private seq = 0;
  private versionValue = 0;

  constructor(private readonly limit: number) {}

  /** Bumped by every new or rewritten row. */
  get version(): number {
    return this.versionValue;
  }

  add(d: DecisionRecord): void {
    const ref = d.outcome === 'order' ? d.proposal?.orderRef : undefined;
    const item: StoredDecision = { row: decisionRow(++this.seq, d), version: ++this.versionValue, ...(ref ? { ref } : {}) };
    this.items.push(item);
    if (this.items.length > this.limit) {
      for (const old of this.items.splice(0, this.items.length - this.limit)) if (old.ref) this.byRef.delete(old.ref);
    }
    if (ref) this.byRef.set(ref, { item, record: d });
  }

  /** An order's progress; true when it changed the row of the decision that placed it. */
  order(o: OrderUpdate): boolean {
    const found = this.byRef.get(o.orderRef);
    if (!found) return false;
    const row = decisionRow(found.item.row.seq, found.record, o);
    if (row.order === found.item.row.order) return false;
    found.item.row = row;
    found.item.version = ++this.versionValue;
    return true;
  }

  rows(): DecisionRow[] {
    return this.items.map((d) => d.row);
  }

  /** Rows changed after `version` (new or updated), and the version to ask from next. */
  since(version: number): { rows: DecisionRow[]; version: number } {
    return { rows: this.items.filter((d) => d.version > version).map((d) => d.row), version: this.versionValue };
  }
}
