// Order tracking as a state machine fed by openOrder, orderStatus, execDetails,
// commissionReport and order errors, in whatever order they arrive.
//
// Each order keeps the *evidence* it has received (the largest filled quantity any status
// reported, the fills by execution id, whether TWS ever said Cancelled / Filled, rejection
// errors...) and its public view is derived from that evidence. Accumulating evidence is
// commutative and idempotent (maxima, sets keyed by id), so the terminal state does not
// depend on arrival order and duplicates change nothing:
//   filled    when the fills (or a status) reach the order's quantity - fills may precede status;
//   rejected  when TWS rejected it (201, 203, 321, ...) and it did not fill;
//   cancelled when TWS said Cancelled (status or 202) and it did not fill - a late
//             "Submitted" after a cancel does not bring it back;
//   lost      when TWS never had it (not transmitted, or unknown after a reconnect).
// Pure: no I/O and no timers; the clock is whatever time the caller passes in.
import { failsRequest } from '../tws/errorCodes';
import type { CommissionEvent, OpenOrderEvent, OrderStatusEvent } from './linkEvents';
import { Stream } from '../core/observable';
import { derive, isSettled, signature, type OrderRecord } from './orderView';
import type { Fill, OrderErrorInfo, OrderRequest, TrackedOrder } from './types';

export type TrackerEvent =
  | { type: 'placed'; orderId: number; request: OrderRequest; account: string; clientId: number; at: number }
  | { type: 'notSent'; orderId: number; reason: string; at: number }
  | { type: 'openOrder'; ev: OpenOrderEvent; at: number }
  | { type: 'orderStatus'; ev: OrderStatusEvent; at: number }
  | { type: 'execution'; fill: Fill; at: number }
  | { type: 'commission'; ev: CommissionEvent; at: number }
  | { type: 'error'; orderId: number; code: number; message: string; at: number }
  | { type: 'cancelRequested'; orderId: number; at: number }
  | { type: 'modifyRequested'; orderId: number; request: OrderRequest; at: number }
  | { type: 'modifySettled'; orderId: number; at: number }
  /** Reconciliation: TWS does not list the order as open after a (re)connect. */
  | { type: 'notOpenAtTws'; orderId: number; at: number };

/** Errors that refuse a cancel, not the order. */
const CANCEL_REFUSALS = new Set([161, 10147, 10148, 135]);
/** Errors that refuse a modification, not the order (when a modification is pending). */
const MODIFY_REFUSALS = new Set([104, 105, 201, 110, 321, 387, 434]);

const WORKING = new Set(['PendingSubmit', 'ApiPending', 'PreSubmitted', 'Submitted']);

/** Execution id without the correction suffix: "0000e0d5.6554d8a6.01.01" -> "0000e0d5.6554d8a6.01". */
export function execKey(execId: string): string {
  const m = /^(.*)\.(\d{2})$/.exec(execId);
  return m && m[1]!.split('.').length >= 3 ? m[1]! : execId;
}

function correction(execId: string): number {
  const m = /\.(\d{2})$/.exec(execId);
  return m ? Number(m[1]) : 0;
}

export class OrderTracker {
  /** Our client id: executions of other client ids are the account's fills, not our orders. */
  clientId: number | undefined;
  /** Every order whose view changed, after the change. */
  readonly updates = new Stream<TrackedOrder>();
  /** Every execution the first time it is seen (all client ids), with commission if known. */
  readonly newFills = new Stream<Fill>();
  private readonly records = new Map<number, OrderRecord>();
  private readonly permIndex = new Map<number, number>();
  /** All executions of the account seen today, by execution key. */
  private readonly fillsByKey = new Map<string, Fill>();
  private readonly orphanCommissions = new Map<string, CommissionEvent>();
  /**
   * Finished orders, oldest first: beyond the newest RETAINED_FINISHED (and a minute after
   * they finished) their records are dropped, so a long session's memory stays flat. Their
   * executions stay in fillsByKey (the day's fills); late events for them are ignored.
   */
  private readonly finished: Array<{ orderId: number; at: number }> = [];
  private readonly retired = new Set<number>();

  apply(e: TrackerEvent): TrackedOrder | undefined {
    switch (e.type) {
      case 'placed': {
        const r = this.record(e.orderId, e.at);
        r.request = e.request;
        this.noteRef(e.request.orderRef);
        r.account = e.account;
        r.clientId = e.clientId;
        if (e.request.parentId) r.parentId = e.request.parentId;
        return this.changed(r, e.at);
      }
      case 'notSent': {
        const r = this.records.get(e.orderId);
        if (!r) return undefined;
        r.notSent = e.reason;
        return this.changed(r, e.at);
      }
      case 'openOrder': {
        const ev = e.ev;
        if (ev.whatIf || !this.isOurs(ev.clientId) || ev.orderId <= 0 || this.retired.has(ev.orderId)) return undefined;
        const r = this.record(ev.orderId, e.at);
        r.open = ev;
        this.noteRef(ev.orderRef);
        r.acknowledged = true;
        if (ev.permId) this.setPermId(r, ev.permId);
        if (ev.clientId !== undefined) r.clientId = ev.clientId;
        if (ev.parentId) r.parentId = ev.parentId;
        if (ev.account) r.account = ev.account;
        this.status(r, ev.status, undefined);
        return this.changed(r, e.at);
      }
      case 'orderStatus': {
        const ev = e.ev;
        if (!this.isOurs(ev.clientId) || ev.orderId <= 0 || this.retired.has(ev.orderId)) return undefined;
        const r = this.record(ev.orderId, e.at);
        r.acknowledged = true;
        if (ev.permId) this.setPermId(r, ev.permId);
        if (ev.clientId !== undefined) r.clientId = ev.clientId;
        if (ev.parentId) r.parentId = ev.parentId;
        if (ev.filled > r.statusFilled || (ev.filled === r.statusFilled && r.statusAvg === 0)) {
          r.statusFilled = ev.filled;
          r.statusAvg = ev.avgFillPrice;
          r.statusRemaining = ev.remaining;
          if (ev.lastFillPrice) r.lastFillPrice = ev.lastFillPrice;
        } else if (r.statusRemaining === undefined) {
          r.statusRemaining = ev.remaining;
        }
        if (ev.whyHeld !== undefined) r.whyHeld = ev.whyHeld;
        this.status(r, ev.status, ev.remaining);
        return this.changed(r, e.at);
      }
      case 'execution': {
        const f = e.fill;
        const key = execKey(f.execId);
        const prev = this.fillsByKey.get(key);
        if (prev && correction(prev.execId) >= correction(f.execId)) {
          return undefined; // duplicate (or an older version of a corrected execution)
        }
        const fill: Fill = { ...f, contract: this.internContract(f.contract) };
        const orphan = this.orphanCommissions.get(f.execId);
        if (orphan) {
          this.orphanCommissions.delete(f.execId);
          attachCommission(fill, orphan);
        } else if (prev && prev.commission !== undefined && fill.commission === undefined) {
          attachCommission(fill, {
            execId: f.execId,
            commission: prev.commission,
            ...(prev.commissionCurrency ? { currency: prev.commissionCurrency } : {}),
            ...(prev.realizedPnl !== undefined ? { realizedPnl: prev.realizedPnl } : {}),
          });
        }
        this.fillsByKey.set(key, fill);
        this.noteRef(f.orderRef);
        if (!prev) this.newFills.emit(fill);
        if (!this.isOurs(f.clientId) || f.orderId <= 0 || this.retired.has(f.orderId)) return undefined;
        const r = this.record(f.orderId, e.at);
        if (f.permId) this.setPermId(r, f.permId);
        if (f.clientId !== undefined) r.clientId = f.clientId;
        r.fills.set(key, fill);
        return this.changed(r, e.at);
      }
      case 'commission': {
        const ev = e.ev;
        const key = execKey(ev.execId);
        const fill = this.fillsByKey.get(key);
        if (!fill || fill.execId !== ev.execId) {
          this.orphanCommissions.set(ev.execId, ev);
          return undefined;
        }
        if (fill.commission === ev.commission && fill.realizedPnl === ev.realizedPnl) return undefined;
        attachCommission(fill, ev);
        if (!this.isOurs(fill.clientId) || fill.orderId <= 0) return undefined;
        const r = this.records.get(fill.orderId);
        if (!r) return undefined;
        r.fills.set(key, fill);
        return this.changed(r, e.at);
      }
      case 'error': {
        const r = this.records.get(e.orderId);
        if (!r) return undefined;
        const info = { code: e.code, message: e.message, at: e.at };
        if (e.code === 202) {
          r.sawCancelled = true;
        } else if (CANCEL_REFUSALS.has(e.code) && r.cancelRequested) {
          r.cancelRequested = false;
          pushUnique(r.errors, info);
        } else if (r.modifyPending && MODIFY_REFUSALS.has(e.code)) {
          r.modifyPending = false;
          if (r.requestBeforeModify) r.request = r.requestBeforeModify;
          r.requestBeforeModify = undefined;
          pushUnique(r.errors, info);
        } else if (failsRequest(e.code, e.message) && !CANCEL_REFUSALS.has(e.code)) {
          r.rejected = true;
          pushUnique(r.errors, info);
        } else {
          pushUnique(r.warnings, info);
        }
        return this.changed(r, e.at);
      }
      // Flags raised once, each named by its event.
      case 'cancelRequested':
      case 'notOpenAtTws': {
        const r = this.records.get(e.orderId);
        if (!r || r[e.type]) return undefined;
        r[e.type] = true;
        return this.changed(r, e.at);
      }
      case 'modifyRequested': {
        const r = this.records.get(e.orderId);
        if (!r) return undefined;
        r.requestBeforeModify = r.request;
        r.request = e.request;
        r.modifyPending = true;
        return this.changed(r, e.at);
      }
      case 'modifySettled': {
        const r = this.records.get(e.orderId);
        if (!r || !r.modifyPending) return undefined;
        r.modifyPending = false;
        r.requestBeforeModify = undefined;
        return this.changed(r, e.at);
      }
    }
  }

  get(orderId: number): TrackedOrder | undefined {
    const r = this.records.get(orderId);
    return r ? derive(r) : undefined;
  }

  orderIdByPermId(permId: number): number | undefined {
    return this.permIndex.get(permId);
  }

  all(): TrackedOrder[] {
    return [...this.records.values()].map(derive).sort((a, b) => a.orderId - b.orderId);
  }

  /** An order or execution with this orderRef was placed or seen (kept after orders retire, like the day's fills). */
  knowsOrderRef(orderRef: string): boolean {
    return this.orderRefs.has(orderRef);
  }

  private noteRef(orderRef: string | undefined): void {
    if (orderRef) this.orderRefs.add(orderRef);
  }

  /** Every execution of the account seen so far (all client ids). */
  fills(): Fill[] {
    return [...this.fillsByKey.values()];
  }

  hasExecution(execId: string): boolean {
    const f = this.fillsByKey.get(execKey(execId));
    return f !== undefined && correction(f.execId) >= correction(execId);
  }

  private isOurs(clientId: number | undefined): boolean {
    return clientId === undefined || this.clientId === undefined || clientId === this.clientId;
  }

  private record(orderId: number, at: number): OrderRecord {
    let r = this.records.get(orderId);
    if (!r) {
      r = {
        orderId,
        statusFilled: 0,
        statusAvg: 0,
        acknowledged: false,
        sawFilledStatus: false,
        sawCancelled: false,
        rejected: false,
        notOpenAtTws: false,
        cancelRequested: false,
        modifyPending: false,
        fills: new Map(),
        errors: [],
        warnings: [],
        createdAt: at,
        updatedAt: at,
      };
      this.records.set(orderId, r);
    }
    return r;
  }

  private setPermId(r: OrderRecord, permId: number): void {
    r.permId = permId;
    this.permIndex.set(permId, r.orderId);
  }

  private status(r: OrderRecord, status: string, remaining: number | undefined): void {
    if (!status) return;
    if (status === 'Filled' && (remaining === undefined || remaining === 0)) r.sawFilledStatus = true;
    else if (status === 'Cancelled' || status === 'ApiCancelled') r.sawCancelled = true;
    if (status !== 'Filled' && status !== 'Cancelled' && status !== 'ApiCancelled') r.lastStatus = status;
    if (WORKING.has(status) && r.modifyPending && r.open) {
      // TWS echoes the order after a modification: the pending modify is settled once the
      // open order carries the requested values.
      const req = r.request;
      if (
        req &&
        r.open.totalQuantity === req.quantity &&
        (req.limitPrice === undefined || r.open.lmtPrice === req.limitPrice) &&
        (req.stopPrice === undefined || r.open.auxPrice === req.stopPrice)
      ) {
        r.modifyPending = false;
      }
    }
  }

  private changed(r: OrderRecord, at: number): TrackedOrder {
    const view = derive(r);
    const sig = signature(view);
    if (sig !== r.emitted) {
      r.emitted = sig;
      r.updatedAt = Math.max(r.updatedAt, at);
      view.updatedAt = r.updatedAt;
      this.updates.emit(view);
    }
    if (r.finishedAt === undefined && isSettled(r, view)) {
      r.finishedAt = at;
      this.finished.push({ orderId: r.orderId, at });
      this.retireOld(at);
    }
    return view;
  }

  /** Executions of one contract share one contract object (a day's fills are all kept). */
  private readonly contracts = new Map<string, Fill['contract']>();
  /** orderRefs of every order placed or seen and every execution (an O(1) answer for the order manager's check before each send). */
  private readonly orderRefs = new Set<string>();

  private internContract(c: Fill['contract']): Fill['contract'] {
    const key = JSON.stringify(c);
    const known = this.contracts.get(key);
    if (known) return known;
    this.contracts.set(key, c);
    return c;
  }

  private retireOld(now: number): void {
    while (this.finished.length > RETAINED_FINISHED && now - this.finished[0]!.at >= RETIRE_AFTER_MS) {
      const { orderId } = this.finished.shift()!;
      const r = this.records.get(orderId);
      if (!r) continue;
      this.records.delete(orderId);
      if (r.permId !== undefined && this.permIndex.get(r.permId) === orderId) this.permIndex.delete(r.permId);
      this.retired.add(orderId);
    }
  }
}

/** Finished orders kept in full (newest first); older ones are dropped a minute after they finished. */
const RETAINED_FINISHED = 1000;
const RETIRE_AFTER_MS = 60_000;
function attachCommission(fill: Fill, ev: CommissionEvent): void {
  fill.commission = ev.commission;
  if (ev.currency) fill.commissionCurrency = ev.currency;
  if (ev.realizedPnl !== undefined) fill.realizedPnl = ev.realizedPnl;
}

function pushUnique(list: OrderErrorInfo[], info: OrderErrorInfo): void {
  if (!list.some((x) => x.code === info.code && x.message === info.message)) list.push(info);
}
