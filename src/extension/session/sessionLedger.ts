// The session's state as a fold over its journal lines. The running session applies each
// line right after writing it, and a restarted session replays the file: one code path,
// so what a resumed session believes is exactly what the journal says.
import type { JournalLine } from './journal';
import type { OrderKind } from './orderRef';
import { parseOrderRef } from './orderRef';
import { ArchivedOrders, countIntent } from './archivedOrders';
import type { OrderCounts } from './archivedOrders';
import { pick } from '../core/objects';

/** An order's state as the session knows it. `not-sent`: refused before leaving this process;
 *  `not-at-tws`: journaled, but TWS had no trace of it after a restart (never sent, or ended unfilled). */
export type IntentState =
  'pendingSubmit' | 'submitted' | 'partiallyFilled' | 'pendingCancel' | 'inactive' | 'filled' | 'cancelled' | 'rejected' | 'lost' | 'not-sent' | 'not-at-tws';

export const FINAL_INTENT_STATES: ReadonlySet<IntentState> = new Set(['filled', 'cancelled', 'rejected', 'lost', 'not-sent', 'not-at-tws']);

export interface StartPosition {
  /** the book's shares at the start: carried from earlier sessions on the journal folder (capped
   *  to what TWS holds), plus positions adopted with --adopt-positions; never shares held outside the book */
  readonly quantity: number;
  /** what TWS held at the start (the book's shares and any held outside it) */
  readonly held?: number;
  /** shares adopted into the book at this start (--adopt-positions) */
  readonly adopted?: number;
  /** the price the position is valued from for the session's P&L (the last close before the session) */
  readonly price: number;
  readonly conId?: number;
}

export interface SessionStartData {
  sessionId: string;
  mode: string;
  account: string;
  clientId: number;
  host: string;
  port: number;
  symbols: string[];
  cycleSeconds: number;
  cycles: number;
  capital: number;
  capitalPerSymbol: number;
  model: { name: string; dir: string; sha256: string; barSize: string };
  risk: Record<string, unknown>;
  flattenOnStop: boolean;
  conIds: Record<string, number>;
  startPositions: Record<string, StartPosition>;
}

export interface IntentData {
  orderRef: string;
  orderId: number;
  cycle: number;
  symbol: string;
  kind: OrderKind;
  action: 'BUY' | 'SELL';
  quantity: number;
  orderType: string;
  tif: string;
  account: string;
  clientId: number;
  marketTime: number;
}

export interface IntentRecord extends IntentData {
  state: IntentState;
  filled: number;
  avgFillPrice: number;
  note?: string;
  /** TWS's error code of a rejection (order-status lines carry it) */
  errorCode?: number;
}

export interface FillData {
  execId: string;
  orderRef: string;
  orderId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  shares: number;
  price: number;
  time: string;
  /** found at TWS by a reconciliation rather than seen live */
  adopted?: boolean;
}

export interface FillRecord extends FillData {
  commission?: number;
}

export interface SymbolBook {
  readonly symbol: string;
  startQuantity: number;
  /** the book's shares: its start quantity plus its own fills, less what TWS no longer holds (book-capped) */
  quantity: number;
  /** average price of the open position (fills at their price, the start position at its start price) */
  basis: number;
  realized: number;
  commissions: number;
  mark: number | undefined;
  bought: number;
  sold: number;
  fills: number;
  /** shares removed from the book because TWS held fewer (sold by hand or by another program) */
  capped: number;
}

export interface RiskStopData {
  rule: string;
  reason: string;
  flatten: boolean;
}

export interface SessionEndData {
  status: string;
  reason: string;
  exitCode: number;
}

/** Shares TWS reported filled for an order beyond those the journal has executions for. */
function owedShares(i: IntentRecord, sharesByRef: ReadonlyMap<string, number>): number {
  const owed = i.filled - (sharesByRef.get(i.orderRef) ?? 0);
  return owed > 1e-9 ? owed : 0;
}

const RETAINED_SETTLED = 500; // settled intents kept in full (see SessionLedger.archived)

export class SessionLedger {
  start: SessionStartData | undefined;
  /** Highest cycle number journaled (cycles are numbered from 1 and never reused). */
  lastCycle = 0;
  lastMarketTime: number | undefined;
  restarts = 0;
  readonly intents = new Map<string, IntentRecord>();
  readonly orderRefById = new Map<number, string>();
  readonly fills = new Map<string, FillRecord>();
  /** Shares executed per orderRef (the journal's fills). */
  readonly sharesByRef = new Map<string, number>();
  /**
   * orderRefs not settled yet: working at TWS, or finished with executions still to arrive.
   * Kept as lines are applied, so the per-decision questions (what is working, what is owed)
   * cost the open orders, not the session's history.
   */
  private readonly unsettled = new Set<string>();
  /** Settled intents stay in `intents` (their executions in `fills`) while among the newest
   *  RETAINED_SETTLED to settle or their symbol's last 3 (the suspension rule reads those); older
   *  ones are folded into `archived`: the summary's counts stay exact, every orderRef and execution
   *  id is still known (never sent or booked twice), and their lines live in the journal. */
  private readonly archived = new ArchivedOrders();
  /** settled orderRefs, oldest first, not archived yet (a queue: `settledHead` is its front) */
  private settledQueue: string[] = [];
  private settledHead = 0;
  /** the last 3 orderRefs of each symbol, oldest first */
  private readonly lastBySymbol = new Map<string, string[]>();
  readonly books = new Map<string, SymbolBook>();
  readonly blocks = new Map<string, number>();
  readonly stopOuts: Array<{ symbol: string; marketTime: number }> = [];
  /** market times the daily loss limit was reached at (it then holds for the rest of that day) */
  readonly lossLimits: number[] = [];
  decisions = 0;
  riskStop: RiskStopData | undefined;
  killed: { reason: string; flatten: boolean } | undefined;
  end: SessionEndData | undefined;
  firstLineAt: number | undefined;
  lastLineAt: number | undefined;

  static fromLines(lines: readonly JournalLine[]): SessionLedger {
    const l = new SessionLedger();
    for (const line of lines) l.apply(line);
    return l;
  }

  get sessionId(): string | undefined {
    return this.start?.sessionId;
  }

  apply(line: JournalLine): void {
    this.firstLineAt ??= line.t;
    this.lastLineAt = line.t;
    const d = line as unknown as Record<string, any>;
    switch (line.type) {
      case 'session-start': {
        const s = d as unknown as SessionStartData;
        this.start = s;
        // The session's symbols and every symbol the book carries from earlier sessions.
        for (const symbol of new Set([...s.symbols, ...Object.keys(s.startPositions ?? {})])) {
          const sp = s.startPositions[symbol];
          const q = sp?.quantity ?? 0;
          this.books.set(symbol, {
            symbol,
            startQuantity: q,
            quantity: q,
            basis: q !== 0 ? (sp?.price ?? 0) : 0,
            realized: 0,
            commissions: 0,
            mark: sp?.price,
            bought: 0,
            sold: 0,
            fills: 0,
            capped: 0,
          });
        }
        break;
      }
      case 'session-resume':
        this.restarts++;
        break;
      case 'cycle-start':
        this.lastCycle = Math.max(this.lastCycle, Number(d.cycle));
        this.lastMarketTime = Number(d.marketTime);
        break;
      case 'decision':
        this.decisions++;
        if (d.outcome === 'blocked' && d.verdict?.rule) this.blocks.set(d.verdict.rule, (this.blocks.get(d.verdict.rule) ?? 0) + 1);
        break;
      case 'intent': {
        const i = d as unknown as IntentData;
        if (this.knowsIntent(i.orderRef)) break; // never twice: the first one stands
        this.intents.set(i.orderRef, { ...pickIntent(i), state: 'pendingSubmit', filled: 0, avgFillPrice: 0 });
        const last = this.lastBySymbol.get(i.symbol) ?? [];
        last.push(i.orderRef);
        if (last.length > 3) last.shift();
        this.lastBySymbol.set(i.symbol, last);
        this.orderRefById.set(i.orderId, i.orderRef);
        this.unsettled.add(i.orderRef);
        // An orderRef's cycle is used: the next cycle is numbered past it (intents found at TWS included).
        if (Number.isInteger(i.cycle)) this.lastCycle = Math.max(this.lastCycle, i.cycle);
        break;
      }
      case 'order-reassigned': {
        // TWS refused the order id (103: another client used it); the same intent goes once more under a fresh id.
        const rec = this.intents.get(String(d.orderRef));
        if (!rec || typeof d.orderId !== 'number') break;
        if (this.orderRefById.get(rec.orderId) === rec.orderRef) this.orderRefById.delete(rec.orderId);
        rec.orderId = d.orderId;
        rec.state = 'pendingSubmit';
        rec.filled = 0;
        rec.avgFillPrice = 0;
        rec.note = String(d.reason ?? 'order id reassigned');
        this.orderRefById.set(rec.orderId, rec.orderRef);
        this.unsettled.add(rec.orderRef);
        break;
      }
      case 'book-capped': {
        // TWS holds fewer shares than the book believed: the book shrinks to what TWS holds.
        const book = this.book(String(d.symbol));
        const to = Number(d.to);
        if (!Number.isFinite(to)) break;
        book.capped += Math.abs(book.quantity - to);
        book.quantity = to;
        if (to === 0) book.basis = 0;
        break;
      }
      case 'order-not-sent':
      case 'order-status': {
        const rec = this.intents.get(String(d.orderRef));
        if (!rec) break;
        rec.state = line.type === 'order-not-sent' ? 'not-sent' : (d.state as IntentState);
        if (typeof d.filled === 'number') rec.filled = d.filled;
        if (typeof d.avgFillPrice === 'number') rec.avgFillPrice = d.avgFillPrice;
        if (typeof d.note === 'string' || typeof d.reason === 'string') rec.note = String(d.note ?? d.reason);
        const code = (d.error as { code?: unknown } | undefined)?.code;
        if (typeof code === 'number') rec.errorCode = code;
        this.settle(rec.orderRef);
        break;
      }
      case 'fill': {
        const f = d as unknown as FillData;
        if (this.knowsFill(f.execId)) break;
        this.fills.set(f.execId, { ...pickFill(f) });
        this.sharesByRef.set(f.orderRef, (this.sharesByRef.get(f.orderRef) ?? 0) + f.shares);
        this.settle(f.orderRef);
        const book = this.book(f.symbol);
        const signed = f.side === 'BUY' ? f.shares : -f.shares;
        applyFill(book, signed, f.price);
        book.fills++;
        if (signed > 0) book.bought += f.shares;
        else book.sold += f.shares;
        break;
      }
      case 'commission': {
        const f = this.fills.get(String(d.execId));
        if (!f || f.commission !== undefined || typeof d.commission !== 'number') break;
        f.commission = d.commission;
        this.book(f.symbol).commissions += d.commission;
        break;
      }
      case 'pnl': {
        const marks = (d.marks ?? {}) as Record<string, number>;
        for (const [symbol, price] of Object.entries(marks)) if (Number.isFinite(price)) this.book(symbol).mark = price;
        break;
      }
      case 'stop-out':
        this.stopOuts.push({ symbol: String(d.symbol), marketTime: Number(d.marketTime) });
        break;
      case 'loss-limit':
        this.lossLimits.push(Number(d.marketTime));
        break;
      case 'risk-stop':
        this.riskStop ??= { rule: String(d.rule), reason: String(d.reason), flatten: Boolean(d.flatten) };
        break;
      case 'kill':
        this.killed ??= { reason: String(d.reason), flatten: Boolean(d.flatten) };
        break;
      case 'session-end':
        this.end = { status: String(d.status), reason: String(d.reason), exitCode: Number(d.exitCode) };
        break;
      default:
        break;
    }
  }

  book(symbol: string): SymbolBook {
    let b = this.books.get(symbol);
    if (!b)
      this.books.set(
        symbol,
        (b = { symbol, startQuantity: 0, quantity: 0, basis: 0, realized: 0, commissions: 0, mark: undefined, bought: 0, sold: 0, fills: 0, capped: 0 }),
      );
    return b;
  }

  private settle(orderRef: string): void {
    const rec = this.intents.get(orderRef);
    if (!rec) return;
    if (!FINAL_INTENT_STATES.has(rec.state) || owedShares(rec, this.sharesByRef) > 0) this.unsettled.add(orderRef);
    else if (this.unsettled.delete(orderRef)) {
      this.settledQueue.push(orderRef);
      this.archiveOldest();
    }
  }

  /** Folds settled intents beyond the newest RETAINED_SETTLED into `archived` (see there). */
  private archiveOldest(): void {
    let tries = this.settledQueue.length - this.settledHead - RETAINED_SETTLED;
    while (tries-- > 0) {
      const ref = this.settledQueue[this.settledHead++];
      const rec = ref === undefined ? undefined : this.intents.get(ref);
      if (ref !== undefined && rec && !this.unsettled.has(ref)) {
        const fills = [...this.fills.values()].filter((f) => f.orderRef === ref);
        // Kept a while longer: among its symbol's last 3, or a commission still to come.
        if (this.lastBySymbol.get(rec.symbol)?.includes(ref) || fills.some((f) => f.commission === undefined)) this.settledQueue.push(ref);
        else {
          this.archived.add(rec, fills);
          this.intents.delete(ref);
          this.sharesByRef.delete(ref);
          if (this.orderRefById.get(rec.orderId) === ref) this.orderRefById.delete(rec.orderId);
          for (const f of fills) this.fills.delete(f.execId);
        }
      }
    }
    if (this.settledHead > 1024 && this.settledHead * 2 > this.settledQueue.length) {
      this.settledQueue = this.settledQueue.slice(this.settledHead);
      this.settledHead = 0;
    }
  }

  /** True for every orderRef this session journaled an intent for, archived or not. */
  knowsIntent(orderRef: string): boolean {
    return this.intents.has(orderRef) || this.archived.refs.has(orderRef);
  }

  /** True for every execution the journal holds, archived or not. */
  knowsFill(execId: string): boolean {
    return this.fills.has(execId) || this.archived.execIds.has(execId);
  }

  /** A journaled execution still without its commission (an archived one had it). */
  commissionOwed(execId: string): boolean {
    const f = this.fills.get(execId);
    return f !== undefined && f.commission === undefined;
  }

  /** Intents of the session by state, in total and per symbol (archived ones included). */
  orderCounts(): OrderCounts {
    const c = this.archived.counts();
    for (const i of this.intents.values()) countIntent(c, i);
    return c;
  }

  /** Executions journaled in the session (archived ones included). */
  get fillCount(): number {
    return this.fills.size + this.archived.execIds.size;
  }

  /** Orders that may still be working at TWS. */
  openIntents(): IntentRecord[] {
    const out: IntentRecord[] = [];
    for (const ref of this.unsettled) {
      const i = this.intents.get(ref);
      if (i && !FINAL_INTENT_STATES.has(i.state)) out.push(i);
    }
    return out;
  }

  /**
   * Orders TWS reports finished (filled, or cancelled after partial fills) whose executions
   * have not all arrived (TWS often sends the final orderStatus before the last execDetails).
   */
  finishedAwaitingExecutions(): IntentRecord[] {
    const out: IntentRecord[] = [];
    for (const ref of this.unsettled) {
      const i = this.intents.get(ref);
      if (i && FINAL_INTENT_STATES.has(i.state) && owedShares(i, this.sharesByRef) > 0) out.push(i);
    }
    return out;
  }

  /** Intents of this session's orderRefs only (a guard against foreign lines). */
  intentByOrderId(orderId: number): IntentRecord | undefined {
    const ref = this.orderRefById.get(orderId);
    return ref ? this.intents.get(ref) : undefined;
  }

  /** Realized and unrealized P&L and commissions, per symbol and in total. */
  pnl(): PnlSnapshot {
    const perSymbol: Record<string, SymbolPnl> = {};
    let realized = 0;
    let unrealized = 0;
    let commissions = 0;
    for (const b of this.books.values()) {
      const u = b.quantity !== 0 && b.mark !== undefined ? b.quantity * (b.mark - b.basis) : 0;
      perSymbol[b.symbol] = {
        position: b.quantity,
        mark: b.mark,
        realized: b.realized,
        unrealized: u,
        commissions: b.commissions,
        net: b.realized + u - b.commissions,
      };
      realized += b.realized;
      unrealized += u;
      commissions += b.commissions;
    }
    return { perSymbol, realized, unrealized, commissions, net: realized + unrealized - commissions };
  }
}

export interface SymbolPnl {
  position: number;
  mark: number | undefined;
  realized: number;
  unrealized: number;
  commissions: number;
  /** realized + unrealized - commissions */
  net: number;
}

export interface PnlSnapshot {
  perSymbol: Record<string, SymbolPnl>;
  realized: number;
  unrealized: number;
  commissions: number;
  net: number;
}

/** Average-cost bookkeeping of one fill (signed shares); realized P&L on the closed part. */
export function applyFill(book: SymbolBook, signed: number, price: number): void {
  const q = book.quantity;
  if (q === 0 || Math.sign(q) === Math.sign(signed)) {
    book.basis = (Math.abs(q) * book.basis + Math.abs(signed) * price) / Math.abs(q + signed);
    book.quantity = q + signed;
    return;
  }
  const closing = Math.min(Math.abs(signed), Math.abs(q));
  book.realized += closing * (price - book.basis) * Math.sign(q);
  book.quantity = q + signed;
  if (book.quantity === 0) book.basis = 0;
  else if (Math.sign(book.quantity) !== Math.sign(q)) book.basis = price; // flipped: the rest opened at this price
}

const INTENT_KEYS = ['orderRef', 'orderId', 'cycle', 'symbol', 'kind', 'action', 'quantity', 'orderType', 'tif', 'account', 'clientId', 'marketTime'] as const;

function pickIntent(i: IntentData): IntentData {
  // an older journal's intent may lack its kind: its orderRef says it
  return { ...pick(i, INTENT_KEYS), kind: i.kind ?? parseOrderRef(i.orderRef)?.kind ?? 'policy' };
}

const FILL_KEYS = ['execId', 'orderRef', 'orderId', 'symbol', 'side', 'shares', 'price'] as const;

/** What an execution was: its id, its order, and what traded at what price (the ledger books it, a past session's trades show it). */
export function fillFacts(f: FillData): Pick<FillData, (typeof FILL_KEYS)[number]> {
  return pick(f, FILL_KEYS);
}

function pickFill(f: FillData): FillData {
  return { ...fillFacts(f), time: f.time, ...(f.adopted ? { adopted: true } : {}) };
}
