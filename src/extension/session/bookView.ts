// The book beside TWS: what TWS holds of each symbol (and whether that report is fresh), the
// account as the risk checks see it, the book capped to TWS where TWS holds less, and each
// reconciliation journaled. TWS is the truth; the session never trades to restore its belief.
import type { BrokerClient } from '../broker/brokerClient';
import type { BrokerContract, BrokerConnectionState as BrokerState, ReconcileReport } from '../broker/types';
import { capToHeld, externalQuantity } from '../trading/bookRules';
import type { AccountView, RiskConnectionState, PositionView } from '../trading/riskEngine';
import type { OrderManager } from './orderManager';
import type { SessionHost } from './runningSession';
import type { SessionJournal } from './sessionJournal';
import type { SessionLedger } from './sessionLedger';

/**
 * Event order of TWS's position reports and the book's fills (one counter): a position TWS
 * reported before the book's last fill in that symbol is stale (TWS sends positions on their
 * own stream, and keeps them back during an 1100), so it caps nothing until TWS reports again.
 */
export class PositionFreshness {
  private seq = 0;
  private readonly positionSeq = new Map<number, number>();
  private readonly fillSeq = new Map<string, number>();

  /** Follows TWS's position reports. Returns the unsubscribe. */
  follow(broker: BrokerClient): () => void {
    return broker.positions.subscribe((now, before) => {
      for (const [key, p] of now) if (before.get(key) !== p && p.contract.conId !== undefined) this.positionSeq.set(p.contract.conId, ++this.seq);
    });
  }

  fill(symbol: string): void {
    this.fillSeq.set(symbol, ++this.seq);
  }

  /** TWS's last position report of `conId` came before the book's last fill in `symbol`. */
  stale(conId: number, symbol: string): boolean {
    return (this.positionSeq.get(conId) ?? 0) < (this.fillSeq.get(symbol) ?? 0);
  }
}

export interface BookViewDeps {
  readonly host: SessionHost;
  readonly broker: BrokerClient;
  readonly ledger: SessionLedger;
  readonly journal: SessionJournal;
  readonly contracts: ReadonlyMap<string, BrokerContract>;
  readonly orders: OrderManager;
  readonly freshness: PositionFreshness;
  readonly capital: number;
}

export class BookView {
  /** A reconciliation is being recorded (the risk checks see `reconciling`). */
  private reconciling = false;

  constructor(private readonly deps: BookViewDeps) {}

  /**
   * Shares TWS holds now in `symbol` (all owners), or undefined when not known. Unless `raw`,
   * a position TWS reported before the book's last fill is stale (positions come on their own
   * stream, after the executions, and are held back during an 1100): undefined until TWS reports again.
   */
  held(symbol: string, raw = false): number | undefined {
    const conId = this.conIdOf(symbol);
    if (conId === undefined) return undefined;
    if (!raw && this.deps.freshness.stale(conId, symbol)) return undefined;
    return this.deps.broker.position(conId)?.quantity ?? 0;
  }

  private conIdOf(symbol: string): number | undefined {
    return this.deps.contracts.get(symbol)?.conId ?? this.deps.ledger.start?.startPositions?.[symbol]?.conId;
  }

  /** Positions as the risk checks see them: held, plus working orders, plus `proposed` (decided this cycle, not placed yet). */
  accountView(proposed?: ReadonlyMap<string, number>): AccountView {
    return this.accountSnapshot()(proposed);
  }

  /**
   * The book, working orders, TWS's holdings and the account read once; the view for any
   * `proposed` from it. A cycle's decisions take their views from one snapshot (nothing
   * changes the book between them), instead of scanning the working orders and the P&L again
   * for each symbol.
   */
  accountSnapshot(): (proposed?: ReadonlyMap<string, number>) => AccountView {
    const { host, ledger, orders } = this.deps;
    const symbols = host.config.symbols;
    const rows = symbols.map((symbol) => {
      const b = ledger.book(symbol);
      return { symbol, quantity: b.quantity, working: orders.workingQuantity(symbol), avgCost: b.basis, price: b.mark ?? b.basis };
    });
    const held = new Map<string, number>();
    const external = new Map<string, number>();
    for (const symbol of symbols) {
      const h = this.held(symbol);
      if (h === undefined) continue;
      held.set(symbol, h);
      external.set(symbol, externalQuantity(ledger.book(symbol).quantity, h));
    }
    const connection = this.connectionView();
    const equity = this.deps.capital + ledger.pnl().net;
    const bp = this.deps.broker.account.value?.buyingPower;
    return (proposed) => {
      const positions = new Map<string, PositionView>();
      // What the account can still buy: TWS's BuyingPower less the buys the book has working or proposed.
      let pendingBuys = 0;
      for (const r of rows) {
        const pending = r.working + (proposed?.get(r.symbol) ?? 0);
        positions.set(r.symbol, { quantity: r.quantity + pending, avgCost: r.avgCost, marketPrice: r.price });
        if (pending > 0) pendingBuys += pending * r.price;
      }
      return {
        connection,
        equity,
        positions,
        held,
        external,
        ...(bp !== undefined && Number.isFinite(bp) ? { buyingPower: bp - pendingBuys } : {}),
      };
    };
  }

  connectionView(): RiskConnectionState {
    if (this.reconciling) return 'reconciling';
    return connectionOf(this.deps.broker.state.value);
  }

  /**
   * TWS is the truth: where TWS holds less than the book believes (shares sold by hand or by
   * another program), the book shrinks to what TWS holds, with a notice and a journal line.
   * It never trades to restore its belief. Symbols with orders in flight wait for the next check.
   */
  verifyBook(trigger: string, snapshot = false): void {
    const { host, ledger, orders, journal } = this.deps;
    if (this.connectionView() === 'disconnected' || this.connectionView() === 'connecting') return;
    for (const b of [...ledger.books.values()]) {
      if (b.quantity === 0 || orders.hasWorking(b.symbol)) continue;
      // A reconciliation's positions and executions are one snapshot; otherwise a stale position waits.
      const held = this.held(b.symbol, snapshot);
      if (held === undefined) continue;
      const to = capToHeld(b.quantity, held);
      if (to === b.quantity) continue;
      const reason = `TWS holds ${held} ${b.symbol} but the book believed ${b.quantity}: the book shrinks to ${to} (shares left the account outside this session); nothing is traded to restore it`;
      journal.write('book-capped', { symbol: b.symbol, from: b.quantity, to, held, trigger, reason });
      host.notice('warn', `${trigger}: ${reason}`);
    }
  }

  /** Journals a reconciliation (at the start, or after a reconnect): orders settled, fills found, positions compared. Throws a journal failure. */
  reconcile(trigger: string, report: ReconcileReport | undefined): void {
    this.reconciling = true;
    try {
      this.recordReconciliation(trigger, report);
    } finally {
      this.reconciling = false;
    }
  }

  /** The broker reconciled after a reconnect (a failure goes to the host: a journal failure stops trading). */
  onReconciliation(report: ReconcileReport): void {
    if (this.deps.journal.failure) return;
    try {
      this.reconcile(report.trigger, report);
    } catch (err) {
      this.deps.host.onAsyncError(err);
    }
  }

  private recordReconciliation(trigger: string, report: ReconcileReport | undefined): void {
    const { host, ledger, orders, journal, broker, contracts } = this.deps;
    const adopted = orders.adopt();
    const positions: Record<string, { session: number; tws: number }> = {};
    for (const symbol of host.config.symbols) {
      const conId = contracts.get(symbol)?.conId;
      const tws = conId !== undefined ? (broker.position(conId)?.quantity ?? 0) : 0;
      positions[symbol] = { session: ledger.book(symbol).quantity, tws };
    }
    const differs = Object.entries(positions).filter(([, p]) => capToHeld(p.session, p.tws) !== p.session);
    journal.write('reconcile', {
      trigger,
      imported: adopted.imported,
      found: adopted.found,
      notAtTws: adopted.notAtTws,
      newFills: adopted.newFills,
      positions,
      ...(report ? { openOrders: report.openOrders, executions: report.executions, clean: report.clean } : {}),
    });
    if (adopted.notAtTws.length)
      host.notice(
        'warn',
        `reconciliation: ${adopted.notAtTws.length} journaled order(s) unknown to TWS, closed and not resent: ${adopted.notAtTws.join(', ')}`,
      );
    if (adopted.newFills.length) host.notice('info', `reconciliation: ${adopted.newFills.length} fill(s) found at TWS and journaled`);
    if (adopted.imported.length)
      host.notice(
        'warn',
        `reconciliation: ${adopted.imported.length} order(s) of this session known to TWS but missing from the journal (restored from an older copy?) journaled as found, never resent: ${adopted.imported.join(', ')}`,
      );
    if (differs.length)
      host.notice('warn', `reconciliation: TWS holds less than the book (book vs TWS): ${differs.map(([s, p]) => `${s} ${p.session} vs ${p.tws}`).join(', ')}`);
    // The reconciliation's positions and executions are one fresh snapshot from TWS.
    this.verifyBook(`reconciliation (${trigger})`, true);
  }
}

/** The broker's connection as the risk checks name it. */
export function connectionOf(s: BrokerState): RiskConnectionState {
  switch (s.status) {
    case 'ready':
      return s.ibConnectivity === 'lost' ? 'disconnected' : 'connected';
    case 'syncing':
      return 'reconciling';
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    default:
      return 'disconnected';
  }
}
