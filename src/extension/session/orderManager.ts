// The session's order manager. Idempotent by construction:
//   - every order carries an orderRef naming session, cycle and symbol; an orderRef is used
//     at most once (the journal is checked before placing);
//   - the intent is journaled (fsync'ed) inside the broker's beforeSend, after the order id
//     is assigned and before a byte goes to TWS: a crash never leaves an order at TWS that
//     the journal does not know (orders placed together share the fsync);
//   - after a reconnect or a restart, every journaled order that may still be open is
//     matched with TWS's open orders and executions (by order id and orderRef); one TWS
//     does not know is closed as `not-at-tws` and NEVER sent again - the next cycle's
//     decision starts from the position that resulted;
//   - statuses, fills and commissions are journaled as they arrive, so partial fills,
//     rejects and cancels feed the next decision.
//   - orders of the session that TWS knows but the journal lacks (a journal folder restored
//     from an older copy) are journaled as found and never sent; an orderRef TWS already has
//     is refused at placing;
//   - 103 (Duplicate order id: another client used the id) means TWS never took the order:
//     the same intent goes once more under a fresh id from reqIds, the new id journaled
//     (`order-reassigned`) before it is sent.
import type { Fill, OrderRequest, TrackedOrder } from '../broker/types';
import { JournalError } from './journal';
import { belongsToSession, parseOrderRef } from './orderRef';
import type { AdoptReport, OrderManagerDeps, PlaceHooks, PlaceRequest, PlaceResult } from './orderTypes';
import { FINAL_INTENT_STATES, type FillRecord, type IntentRecord, type IntentState } from './sessionLedger';
import { orderUpdateOf } from './journalOrderUpdates';

// The types live in orderTypes.ts; re-exported for the modules that name them from here.
export type { AdoptReport, OrderBroker, OrderManagerDeps, OrderUpdate, PlaceHooks, PlaceRequest, PlaceResult } from './orderTypes';

export class OrderManager {
  private off: (() => void) | undefined;
  private readonly sending = new Set<string>();

  constructor(private readonly deps: OrderManagerDeps) {}

  /** Follows the broker's order updates (call once, before placing). */
  start(): void {
    if (this.off) return;
    this.off = this.deps.broker.orderUpdates.on((o) => {
      try {
        this.sync(o);
      } catch (err) {
        this.deps.onError?.(err);
      }
    });
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
  }

  /** Signed shares still to fill on the session's working orders for `symbol`, and filled shares whose executions are still to arrive. */
  workingQuantity(symbol: string): number {
    let q = 0;
    for (const i of this.working()) if (i.symbol === symbol) q += (i.action === 'BUY' ? 1 : -1) * Math.max(0, i.quantity - i.filled);
    const booked = this.deps.ledger.sharesByRef;
    for (const i of this.awaitingExecutions()) if (i.symbol === symbol) q += (i.action === 'BUY' ? 1 : -1) * (i.filled - (booked.get(i.orderRef) ?? 0));
    return q;
  }

  hasWorking(symbol: string): boolean {
    return (
      this.working().some((i) => i.symbol === symbol) ||
      [...this.sending].some((ref) => ref.split(':')[3] === symbol) ||
      this.awaitingExecutions().some((i) => i.symbol === symbol)
    );
  }

  /**
   * Orders TWS reports finished (filled, or cancelled after partial fills) whose executions
   * have not all arrived: TWS often sends the final orderStatus before the last execDetails.
   * Until they arrive the order counts as working, so no fill is missed and no order doubled.
   */
  awaitingExecutions(): IntentRecord[] {
    return this.deps.ledger.finishedAwaitingExecutions();
  }

  /** Journaled orders that may still be working. */
  working(): IntentRecord[] {
    return this.deps.ledger.openIntents();
  }

  /**
   * Journals the intent (in beforeSend, with its order id) and sends it. Resolves once TWS
   * acknowledged or refused it; the order is then followed to its end by `sync`. Throws
   * JournalError when the journal cannot record the intent (nothing was sent then).
   */
  async place(p: PlaceRequest, hooks: PlaceHooks = {}): Promise<PlaceResult> {
    const { ledger } = this.deps;
    if (ledger.knowsIntent(p.orderRef) || this.sending.has(p.orderRef)) {
      return { orderRef: p.orderRef, sent: false, state: 'refused', error: `orderRef ${p.orderRef} was already used: an intent is never sent twice` };
    }
    // TWS's word over the journal's: a ref TWS already has (a journal restored from an older copy) is never sent again.
    if (this.deps.broker.knowsOrderRef(p.orderRef)) {
      return {
        orderRef: p.orderRef,
        sent: false,
        state: 'refused',
        error: `orderRef ${p.orderRef} is already known to TWS (an order or execution the journal lacks): it is never sent again`,
      };
    }
    this.sending.add(p.orderRef);
    try {
      const first = await this.attempt(p, undefined, hooks);
      if (first.duplicateId === undefined) return first.result;
      // 103 Duplicate order id: another client used the id, so TWS never took the order. The same
      // intent goes once more under a fresh id from reqIds (journaled first); a second 103 stands.
      const fresh = await this.deps.broker.refreshOrderIds?.().catch(() => undefined);
      if (fresh === undefined) return first.result;
      const second = await this.attempt(p, first.duplicateId, hooks);
      return second.result;
    } finally {
      this.sending.delete(p.orderRef);
    }
  }

  /** One placeOrder of `p`; `retryOf`: the order id TWS refused as a duplicate (the intent is journaled already). */
  private async attempt(p: PlaceRequest, retryOf: number | undefined, hooks: PlaceHooks): Promise<{ result: PlaceResult; duplicateId?: number }> {
    const { ledger } = this.deps;
    let orderId: number | undefined;
    const request: OrderRequest = {
      contract: p.contract,
      action: p.action,
      quantity: p.quantity,
      type: 'MKT',
      tif: this.deps.tif ?? 'DAY',
      orderRef: p.orderRef,
    };
    try {
      const placed = await this.deps.broker.placeOrder(request, {
        beforeSend: async (intent) => {
          const [leg] = intent.legs;
          if (!leg) throw new Error(`order ${p.orderRef}: an intent without a leg`);
          orderId = leg.orderId;
          if (retryOf !== undefined) {
            await this.deps.writeDurable('order-reassigned', {
              orderRef: p.orderRef,
              orderId: leg.orderId,
              previousOrderId: retryOf,
              reason: `TWS refused order id ${retryOf} as a duplicate (103: another client used it); the same intent goes once under order id ${leg.orderId}`,
            });
            this.emitOrder(ledger.intents.get(p.orderRef), 'sending');
            return;
          }
          const intentLine = {
            orderRef: p.orderRef,
            orderId: leg.orderId,
            cycle: p.cycle,
            symbol: p.symbol,
            kind: p.kind,
            action: p.action,
            quantity: p.quantity,
            orderType: leg.request.type,
            tif: leg.request.tif ?? 'DAY',
            account: intent.account,
            clientId: intent.clientId,
            marketTime: p.marketTime,
          };
          await this.deps.writeDurable('intent', intentLine);
          this.emitOrder(ledger.intents.get(p.orderRef), 'sending');
          hooks.onSending?.();
        },
      });
      this.sync(this.deps.broker.order(placed.orderId) ?? placed);
      return { result: { orderRef: p.orderRef, orderId: placed.orderId, sent: true, state: ledger.intents.get(p.orderRef)?.state ?? 'pendingSubmit' } };
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (err instanceof JournalError) throw err;
      if (cause instanceof JournalError) throw cause;
      const message = err instanceof Error ? err.message : String(err);
      const rec = ledger.intents.get(p.orderRef);
      const sentFlag = (err as { orderSent?: boolean }).orderSent;
      if (!rec) return { result: { orderRef: p.orderRef, sent: false, state: 'refused', error: message } };
      const tracked = orderId !== undefined ? this.deps.broker.order(orderId) : undefined;
      if (tracked) this.sync(tracked);
      if (sentFlag === false && !FINAL_INTENT_STATES.has(rec.state)) {
        this.deps.write('order-not-sent', { orderRef: p.orderRef, orderId: rec.orderId, reason: message });
        this.emitOrder(rec);
      }
      const result: PlaceResult = {
        orderRef: p.orderRef,
        ...(orderId !== undefined ? { orderId } : {}),
        sent: sentFlag !== false,
        state: rec.state,
        error: message,
      };
      const duplicate =
        retryOf === undefined &&
        orderId !== undefined &&
        (err as { code?: number }).code === 103 &&
        rec.orderId === orderId &&
        rec.filled === 0 &&
        (tracked?.fills.length ?? 0) === 0;
      return duplicate ? { result, duplicateId: orderId } : { result };
    }
  }

  /** Journals what changed in one of the session's orders: new fills, commissions, status. */
  sync(o: TrackedOrder): void {
    const { ledger } = this.deps;
    const rec = ledger.intentByOrderId(o.orderId);
    if (!rec || (o.orderRef && o.orderRef !== rec.orderRef)) return;
    for (const f of o.fills) this.recordFill(f, rec);
    const state = o.state as IntentState;
    if (rec.state === state && rec.filled === o.filled) return;
    // Never backwards: an older view (or a later 'lost' after a reconnect) does not undo what is known.
    if (FINAL_INTENT_STATES.has(rec.state) && (!FINAL_INTENT_STATES.has(state) || state === 'lost')) return;
    if (o.filled < rec.filled) return;
    const lastError = o.errors[o.errors.length - 1];
    const note = o.note ?? (state === 'rejected' || state === 'cancelled' ? lastError?.message : undefined);
    this.deps.write('order-status', {
      orderRef: rec.orderRef,
      orderId: o.orderId,
      state,
      ...(o.twsStatus ? { twsStatus: o.twsStatus } : {}),
      filled: o.filled,
      remaining: o.remaining,
      avgFillPrice: o.avgFillPrice,
      ...(note ? { note } : {}),
      ...(lastError ? { error: { code: lastError.code, message: lastError.message } } : {}),
    });
    this.emitOrder(rec);
  }

  /**
   * After a (re)connect's reconciliation (or a restart): settles every journaled order that
   * may still be open from what TWS reports, and journals executions the journal missed.
   */
  adopt(): AdoptReport {
    const { ledger, broker, sessionId } = this.deps;
    const imported = this.importUnjournaled();
    const found: string[] = [];
    const notAtTws: string[] = [];
    const before = new Set(ledger.fills.keys());
    const fillsByRef = new Map<string, Fill[]>();
    for (const f of broker.allFills()) {
      const ref = f.orderRef;
      if (!ref || !belongsToSession(ref, sessionId)) continue;
      const list = fillsByRef.get(ref) ?? [];
      list.push(f);
      fillsByRef.set(ref, list);
    }
    // Executions of the session's orders, whatever their state in the journal.
    for (const [ref, fills] of fillsByRef) {
      const rec = ledger.intents.get(ref);
      if (!rec) continue;
      for (const f of fills) this.recordFill(f, rec, true);
    }
    for (const rec of this.working()) {
      const tracked = broker.order(rec.orderId);
      const known = tracked && (!tracked.orderRef || tracked.orderRef === rec.orderRef) && tracked.state !== 'lost';
      if (known) {
        found.push(rec.orderRef);
        this.sync(tracked);
        continue;
      }
      const fills = fillsByRef.get(rec.orderRef);
      if (fills) {
        found.push(rec.orderRef);
        const filled = fills.reduce((s, f) => s + f.shares, 0);
        const done = filled >= rec.quantity;
        this.deps.write('order-status', {
          orderRef: rec.orderRef,
          orderId: rec.orderId,
          state: done ? 'filled' : 'cancelled',
          filled,
          remaining: Math.max(0, rec.quantity - filled),
          avgFillPrice: avgPrice(fills),
          note: done ? 'filled at TWS (found by reconciliation)' : 'no longer open at TWS; partly filled (found by reconciliation)',
        });
        this.emitOrder(ledger.intents.get(rec.orderRef));
        continue;
      }
      notAtTws.push(rec.orderRef);
      this.deps.write('order-status', {
        orderRef: rec.orderRef,
        orderId: rec.orderId,
        state: 'not-at-tws',
        filled: 0,
        remaining: rec.quantity,
        avgFillPrice: 0,
        note: 'journaled, but TWS has neither an open order nor an execution for it: it never left, or ended unfilled; it is not sent again',
      });
      this.emitOrder(ledger.intents.get(rec.orderRef));
    }
    const newFills = [...ledger.fills.keys()].filter((id) => !before.has(id));
    return { found, notAtTws, newFills, imported };
  }

  /**
   * Orders of this session that TWS knows (open, completed or executed) but the journal lacks:
   * the journal was restored from an older copy. Each is journaled as found (intent, then its
   * status and fills through the usual path) and never sent; its cycle is used, so the
   * session's next orderRefs are numbered past it.
   */
  private importUnjournaled(): string[] {
    const { ledger, broker, sessionId } = this.deps;
    const byRef = new Map<string, { order?: TrackedOrder; fills: Fill[] }>();
    const entry = (ref: string) => {
      let e = byRef.get(ref);
      if (!e) byRef.set(ref, (e = { fills: [] }));
      return e;
    };
    for (const o of broker.orders()) if (o.orderRef && belongsToSession(o.orderRef, sessionId) && !ledger.knowsIntent(o.orderRef)) entry(o.orderRef).order = o;
    for (const f of broker.allFills())
      if (f.orderRef && belongsToSession(f.orderRef, sessionId) && !ledger.knowsIntent(f.orderRef)) entry(f.orderRef).fills.push(f);
    const imported: string[] = [];
    for (const [ref, e] of byRef) {
      // belongsToSession parsed it.
      const parts = parseOrderRef(ref);
      if (!parts) continue;
      const first = e.fills[0];
      const action = e.order?.action ?? first?.side;
      if (action !== 'BUY' && action !== 'SELL') continue;
      this.deps.write('intent', {
        orderRef: ref,
        // No order: its fills gave the action, so there is a first fill.
        orderId: e.order?.orderId ?? first?.orderId,
        cycle: parts.cycle,
        symbol: parts.symbol,
        kind: parts.kind,
        action,
        quantity: e.order?.quantity ?? e.fills.reduce((s, f) => s + f.shares, 0),
        orderType: e.order?.type ?? 'MKT',
        tif: e.order?.tif ?? 'DAY',
        account: e.order?.account ?? first?.account ?? '',
        clientId: e.order?.clientId ?? first?.clientId ?? -1,
        marketTime: 0,
        found: 'at TWS, missing from the journal (restored from an older copy?): journaled as found, never sent again',
      });
      imported.push(ref);
    }
    return imported;
  }

  /** Cancels every working order of the session; resolves once TWS settled them (or failed to). */
  async cancelAll(reason: string, timeoutMs?: number): Promise<{ cancelled: string[]; failed: Array<{ orderRef: string; error: string }> }> {
    const cancelled: string[] = [];
    const failed: Array<{ orderRef: string; error: string }> = [];
    await Promise.all(
      this.working().map(async (rec) => {
        this.deps.write('cancel-request', { orderRef: rec.orderRef, orderId: rec.orderId, reason });
        try {
          const o = await this.deps.broker.cancelOrder(rec.orderId, timeoutMs);
          this.sync(o);
          cancelled.push(rec.orderRef);
        } catch (err) {
          if (err instanceof JournalError) throw err;
          failed.push({ orderRef: rec.orderRef, error: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    return { cancelled, failed };
  }

  /** Resolves once none of `orderRefs` is working any more (executions in), or after `timeoutMs`. */
  async settle(orderRefs: readonly string[], timeoutMs: number): Promise<boolean> {
    const open = () => {
      const awaiting = new Set(this.awaitingExecutions().map((i) => i.orderRef));
      return orderRefs.some((ref) => {
        const r = this.deps.ledger.intents.get(ref);
        return r !== undefined && (!FINAL_INTENT_STATES.has(r.state) || awaiting.has(ref));
      });
    };
    if (!open()) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(!open());
      }, timeoutMs);
      const off = this.deps.broker.orderUpdates.on(() => {
        // sync runs first (it subscribed first), so the ledger is current here
        if (open()) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  private recordFill(f: Fill, rec: IntentRecord, adopted = false): void {
    const { ledger } = this.deps;
    if (!ledger.knowsFill(f.execId)) {
      this.deps.write('fill', {
        execId: f.execId,
        orderRef: rec.orderRef,
        orderId: rec.orderId,
        symbol: rec.symbol,
        side: f.side,
        shares: f.shares,
        price: f.price,
        time: f.time,
        ...(adopted ? { adopted: true } : {}),
      });
      const onFill = this.deps.onFill;
      if (onFill) onFill(this.journaledFill(f.execId));
    }
    if (f.commission !== undefined && ledger.commissionOwed(f.execId)) {
      this.deps.write('commission', {
        execId: f.execId,
        orderRef: rec.orderRef,
        commission: f.commission,
        ...(f.commissionCurrency ? { currency: f.commissionCurrency } : {}),
        ...(f.realizedPnl !== undefined ? { realizedPnl: f.realizedPnl } : {}),
      });
    }
  }

  /** `rec`: the ledger's record of an intent just journaled (always there once its line is applied). */
  private emitOrder(rec: IntentRecord | undefined, state?: 'sending'): void {
    const onOrder = this.deps.onOrder;
    if (!onOrder) return;
    if (!rec) throw new Error('an order update for an intent the ledger does not have');
    onOrder(orderUpdateOf(rec, state));
  }

  /** The ledger's record of a fill just journaled (always there once its line is applied). */
  private journaledFill(execId: string): FillRecord {
    const fill = this.deps.ledger.fills.get(execId);
    if (!fill) throw new Error(`execution ${execId} is not in the ledger after journaling it`);
    return fill;
  }
}

function avgPrice(fills: readonly Fill[]): number {
  const shares = fills.reduce((s, f) => s + f.shares, 0);
  return shares > 0 ? fills.reduce((s, f) => s + f.shares * f.price, 0) / shares : 0;
}
