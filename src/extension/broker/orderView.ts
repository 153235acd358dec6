// An order's evidence (what TWS and this client said about it, accumulated by the order
// tracker) and its public view derived from that evidence alone: state, quantities, prices,
// fills. Pure functions; the tracker decides when a view is emitted (its signature changed).
import type { OpenOrderEvent } from './linkEvents';
import { TERMINAL_STATES, type Fill, type OrderErrorInfo, type OrderLifecycle, type OrderRequest, type TrackedOrder } from './types';

/** What is known about one order, in the order it arrived (see orderTracker.ts). */
export interface OrderRecord {
  orderId: number;
  /** when it settled (see isSettled) */
  finishedAt?: number;
  permId?: number;
  clientId?: number;
  parentId?: number;
  request?: OrderRequest;
  /** The request before a pending modification (restored if TWS refuses it). */
  requestBeforeModify?: OrderRequest;
  account?: string;
  open?: OpenOrderEvent;
  /** Largest `filled` any orderStatus reported, and the average price with it. */
  statusFilled: number;
  statusAvg: number;
  statusRemaining?: number;
  lastFillPrice?: number;
  lastStatus?: string;
  whyHeld?: string;
  acknowledged: boolean;
  sawFilledStatus: boolean;
  sawCancelled: boolean;
  rejected: boolean;
  notSent?: string;
  notOpenAtTws: boolean;
  cancelRequested: boolean;
  modifyPending: boolean;
  /** Fills by execution key (id without its correction suffix). */
  fills: Map<string, Fill>;
  errors: OrderErrorInfo[];
  warnings: OrderErrorInfo[];
  createdAt: number;
  updatedAt: number;
  /** Signature of the last view emitted, so duplicates emit nothing. */
  emitted?: string;
}

/** Finished, every execution in and every commission known: nothing more is expected for it. */
export function isSettled(r: OrderRecord, view: TrackedOrder): boolean {
  if (!TERMINAL_STATES.has(view.state) || r.modifyPending) return false;
  let shares = 0;
  for (const f of r.fills.values()) {
    if (f.commission === undefined) return false;
    shares += f.shares;
  }
  return shares + 1e-9 >= r.statusFilled;
}

export function signature(o: TrackedOrder): string {
  // Concatenated, not JSON of an array: it runs for every order event (2,000 for a
  // 1,000-order initial sync). The free texts are quoted so no field can mimic a separator.
  let fills = '';
  for (const f of o.fills) fills += `${f.execId}:${f.commission ?? ''},`;
  return (
    `${o.state}|${o.twsStatus}|${o.quantity}|${o.filled}|${o.avgFillPrice}|${o.commission}|${fills}|${o.errors.length}|${o.warnings.length}|` +
    `${o.limitPrice}|${o.stopPrice}|${o.cancelRequested}|${o.modifyPending}|${o.permId}|${o.contract?.conId}|${JSON.stringify(o.whyHeld)}|${JSON.stringify(o.note)}`
  );
}

/** The public view of an order, from its evidence alone. */
export function derive(r: OrderRecord): TrackedOrder {
  const fills = [...r.fills.values()].sort((a, b) => (a.execId < b.execId ? -1 : a.execId > b.execId ? 1 : 0));
  const open = r.open;
  const req = r.request;
  // A combo order's executions come per leg and for the combo itself: its quantity is in combo units.
  const isBag = (open?.contract ?? req?.contract)?.secType === 'BAG' || fills.some((f) => f.contract.secType === 'BAG');
  const counted = isBag ? fills.filter((f) => f.contract.secType === 'BAG') : fills;
  const fillQty = round(counted.reduce((s, f) => s + f.shares, 0));
  const notional = counted.reduce((s, f) => s + f.shares * f.price, 0);
  const commission = round(fills.reduce((s, f) => s + (f.commission ?? 0), 0));
  let quantity = open?.totalQuantity ?? req?.quantity ?? 0;
  if (r.modifyPending && req) quantity = req.quantity;
  if (!quantity) quantity = Math.max(fillQty, r.statusFilled + (r.statusRemaining ?? 0), ...counted.map((f) => f.cumQty));
  const filled = Math.max(fillQty, r.statusFilled);
  const avgFillPrice = fillQty > 0 && fillQty >= r.statusFilled ? round(notional / fillQty, 6) : r.statusAvg;
  const remaining = Math.max(0, round(quantity - filled));

  let state: OrderLifecycle;
  let note: string | undefined;
  if ((quantity > 0 && filled >= quantity) || r.sawFilledStatus) state = 'filled';
  else if (r.rejected) state = 'rejected';
  else if (r.sawCancelled) state = 'cancelled';
  else if (r.notSent !== undefined && !r.acknowledged) {
    state = 'lost';
    note = r.notSent;
  } else if (r.notOpenAtTws) {
    if (r.acknowledged) {
      state = 'cancelled';
      note = `no longer open at TWS after a reconnect (filled ${filled} of ${quantity})`;
    } else {
      state = 'lost';
      note = 'TWS does not know this order after a reconnect: it was not received';
    }
  } else if (r.lastStatus === 'PendingCancel') state = 'pendingCancel';
  else if (r.lastStatus === 'Inactive') state = 'inactive';
  else if (filled > 0) state = 'partiallyFilled';
  else if (r.acknowledged) state = 'submitted';
  else state = 'pendingSubmit';
  if (state === 'rejected') note = r.errors[r.errors.length - 1]?.message;

  const contract = open?.contract ?? req?.contract ?? fills[0]?.contract;
  const view: TrackedOrder = {
    orderId: r.orderId,
    quantity,
    state,
    filled,
    remaining,
    avgFillPrice,
    commission,
    fills,
    errors: [...r.errors],
    warnings: [...r.warnings],
    cancelRequested: r.cancelRequested,
    modifyPending: r.modifyPending,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.permId) view.permId = r.permId;
  if (r.clientId !== undefined) view.clientId = r.clientId;
  if (r.parentId) view.parentId = r.parentId;
  if (contract) view.contract = contract;
  const action = open?.action ?? req?.action ?? fills[0]?.side;
  if (action) view.action = action;
  const type = open?.orderType ?? req?.type;
  if (type) view.type = type;
  const limit = r.modifyPending ? req?.limitPrice : (open?.lmtPrice ?? req?.limitPrice);
  if (limit !== undefined) view.limitPrice = limit;
  const stop = r.modifyPending ? req?.stopPrice : (open?.auxPrice ?? req?.stopPrice);
  if (stop !== undefined) view.stopPrice = stop;
  const tif = open?.tif ?? req?.tif;
  if (tif) view.tif = tif;
  const orderRef = open?.orderRef ?? req?.orderRef ?? fills[0]?.orderRef;
  if (orderRef) view.orderRef = orderRef;
  const oca = open?.ocaGroup ?? req?.ocaGroup;
  if (oca) view.ocaGroup = oca;
  const account = r.account ?? open?.account ?? fills[0]?.account;
  if (account) view.account = account;
  const twsStatus = r.sawFilledStatus ? 'Filled' : r.sawCancelled ? 'Cancelled' : r.lastStatus;
  if (twsStatus) view.twsStatus = twsStatus;
  if (r.lastFillPrice !== undefined) view.lastFillPrice = r.lastFillPrice;
  else if (fills.length) view.lastFillPrice = fills[fills.length - 1]!.price;
  if (r.whyHeld) view.whyHeld = r.whyHeld;
  if (note) view.note = note;
  return view;
}

function round(x: number, digits = 8): number {
  const f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}
