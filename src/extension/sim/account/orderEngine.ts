// The simulated order book of one TWS: order lifecycle (PreSubmitted -> Submitted ->
// Filled / Cancelled / Inactive), brackets, OCA groups, time in force and partial fills.
// Its parts: orderValidation.ts (what TWS refuses outright), orderMatching.ts (when a working
// order trades), marginCheck.ts (the 201 margin rejection, what-if), executionRecord.ts (what
// an execution reports). It knows nothing about sockets: the server turns its events into messages.
import { EventEmitter } from 'node:events';
import type { WireComboLeg, WireContract } from '../protocol/contractTypes';
import type { WireOrder, WireOrderState } from '../protocol/orderTypes';
import type { Market } from '../market/market';
import { contractFor } from '../market/instrumentContract';
import { isRegularHours, twsLocalTime } from '../market/marketTime';
import { round6 } from '../market/rounding';
import { twsReportedOrder } from '../protocol/twsReportedOrder';
import type { Account } from './account';
import { comboFillCommissions, commissionLeg, executionCommission } from './commissions';
import { executionRecord, type ExecutionFill } from './executionRecord';
import { MarginCheck } from './marginCheck';
import { dayOrderExpired, fillPrice, orderQuote } from './orderMatching';
import { orderRejection, READ_ONLY_MESSAGE } from './orderValidation';
import { isActiveOrder, reportedOrderState, type ExecutionRecord, type SimOrder } from './simOrder';

export interface OrderEngineEvents {
  /** Order's openOrder + orderStatus should be sent to its owner. */
  update: [order: SimOrder];
  execution: [order: SimOrder, record: ExecutionRecord];
  /** An error tied to an order id (code, message). */
  orderError: [clientId: number, orderId: number, code: number, message: string];
  /** The account changed (fills): positions, cash, P&L. */
  accountChanged: [conIds: number[]];
}

export interface OrderEngineOptions {
  market: Market;
  account: Account;
  /** Split each fill into this many executions (fault `partial-fills`). */
  partialFillChunks?: number;
  /** Reject every new order with this reason (fault `reject-orders`). */
  rejectReason?: string;
  /** Read-Only API (fault `read-only`): orders and what-if rejected with 321. */
  readOnly?: boolean;
}

export class OrderEngine extends EventEmitter<OrderEngineEvents> {
  readonly orders = new Map<number, SimOrder>();
  readonly executions: ExecutionRecord[] = [];
  private nextPermId = 1_000_000_000 + Math.floor(Math.random() * 1000) * 1000;
  private execSeq = 0;
  private readonly market: Market;
  private readonly account: Account;
  private readonly margin: MarginCheck;
  partialFillChunks: number;
  rejectReason: string | undefined;
  readOnly: boolean;

  constructor(opts: OrderEngineOptions) {
    super();
    this.market = opts.market;
    this.account = opts.account;
    this.partialFillChunks = Math.max(1, opts.partialFillChunks ?? 1);
    this.rejectReason = opts.rejectReason;
    this.readOnly = opts.readOnly ?? false;
    this.margin = new MarginCheck(this.market, this.account, (conId) => this.legContract(conId));
  }

  /** Id counters that must not repeat after a restart (simState.ts). */
  counters(): { nextPermId: number; execSeq: number } {
    return { nextPermId: this.nextPermId, execSeq: this.execSeq };
  }

  /** Restores orders, executions and counters saved by simState.ts (before any client connects). */
  restore(orders: readonly SimOrder[], executions: readonly ExecutionRecord[], counters: { nextPermId: number; execSeq: number }): void {
    this.orders.clear();
    for (const o of orders) this.orders.set(o.orderId, o);
    this.executions.splice(0, this.executions.length, ...executions);
    this.nextPermId = Math.max(this.nextPermId, counters.nextPermId);
    this.execSeq = Math.max(this.execSeq, counters.execSeq);
  }

  isActive(o: SimOrder): boolean {
    return isActiveOrder(o);
  }

  /** Highest order id used so far (TWS's nextValidId never goes below it). */
  maxOrderId(): number {
    let max = 0;
    for (const id of this.orders.keys()) if (id > max) max = id;
    return max;
  }

  /**
   * placeOrder from a client. Returns the what-if preview for whatIf orders (nothing is placed),
   * otherwise undefined; errors are emitted as `orderError`.
   */
  place(clientId: number, orderId: number, contract: WireContract, order: WireOrder): WireOrderState | undefined {
    if (this.readOnly) {
      this.emit('orderError', clientId, orderId, 321, READ_ONLY_MESSAGE);
      return undefined;
    }
    const invalid = orderRejection(contract, order);
    if (invalid) {
      this.emit('orderError', clientId, orderId, invalid.code, invalid.message);
      return undefined;
    }
    if (order.whatIf) {
      // TWS answers an unaffordable what-if with its numbers AND the 201 the order would get.
      const preview = this.margin.whatIf(contract, order);
      const rejection = this.margin.rejection(contract, order);
      if (rejection) {
        preview.warningText = rejection;
        queueMicrotask(() => this.emit('orderError', clientId, orderId, 201, rejection)); // after the preview is sent
      }
      return preview;
    }

    const existing = this.orders.get(orderId);
    if (existing) {
      if (existing.clientId !== clientId) {
        this.emit('orderError', clientId, orderId, 103, 'Duplicate order id');
        return undefined;
      }
      if (!this.isActive(existing)) {
        this.emit('orderError', clientId, orderId, 103, 'Duplicate order id');
        return undefined;
      }
      this.modify(existing, contract, order);
      return undefined;
    }
    if (this.rejectReason !== undefined) {
      const rejected = this.create(clientId, orderId, contract, order);
      rejected.status = 'Inactive';
      this.emit('orderError', clientId, orderId, 201, `Order rejected - reason:${this.rejectReason}`);
      this.emit('update', rejected);
      return undefined;
    }
    const unaffordable = this.margin.rejection(contract, order);
    if (unaffordable) {
      const rejected = this.create(clientId, orderId, contract, order);
      rejected.status = 'Inactive';
      this.emit('orderError', clientId, orderId, 201, unaffordable);
      this.emit('update', rejected);
      return undefined;
    }
    const sim = this.create(clientId, orderId, contract, order);
    if (order.transmit === false) {
      sim.held = true;
      return undefined;
    }
    this.transmitGroup(sim);
    return undefined;
  }

  private create(clientId: number, orderId: number, contract: WireContract, order: WireOrder): SimOrder {
    const permId = this.nextPermId++;
    const sim: SimOrder = {
      orderId,
      clientId,
      permId,
      contract,
      order: twsReportedOrder({ ...order, orderId, clientId, permId, account: order.account || this.account.id, tif: order.tif || 'DAY' }),
      status: 'PendingSubmit',
      filled: 0,
      remaining: order.totalQuantity,
      avgFillPrice: 0,
      lastFillPrice: 0,
      commission: 0,
      comboCharges: 0,
      whyHeld: '',
      triggered: false,
      held: false,
      submittedAt: this.market.now(),
    };
    this.orders.set(orderId, sim);
    return sim;
  }

  /**
   * Transmitting an order releases the held orders of its bracket, parent first. An
   * order already settled by an earlier one of the group (a sibling filled and
   * cancelled it) is not submitted again.
   */
  private transmitGroup(sim: SimOrder): void {
    const group = this.bracketGroup(sim);
    for (const o of group) o.held = false;
    for (const o of group) if (o.status === 'PendingSubmit') this.submit(o);
  }

  /** A parent and its children, held until one of them is transmitted. */
  private bracketGroup(sim: SimOrder): SimOrder[] {
    const rootId = sim.order.parentId || sim.orderId;
    const group: SimOrder[] = [];
    for (const o of this.orders.values()) {
      if (o.clientId !== sim.clientId) continue;
      if ((o.orderId === rootId || o.order.parentId === rootId) && (o.held || o === sim)) group.push(o);
    }
    return group.sort((a, b) => a.orderId - b.orderId);
  }

  private submit(o: SimOrder): void {
    const parent = o.order.parentId ? this.orders.get(o.order.parentId) : undefined;
    if (parent && parent.status !== 'Filled') {
      o.status = 'PreSubmitted';
      o.whyHeld = 'child';
      this.emit('update', o);
      return;
    }
    if (!isRegularHours(this.market.now()) && !o.order.outsideRth) {
      o.status = 'PreSubmitted';
      this.emit('update', o);
      this.emit(
        'orderError',
        o.clientId,
        o.orderId,
        399,
        'Order Message:\nWarning: your order will not be placed at the exchange until the regular trading session opens.',
      );
      return;
    }
    o.status = 'PreSubmitted';
    this.emit('update', o);
    o.status = 'Submitted';
    this.emit('update', o);
    this.match(o);
  }

  private modify(o: SimOrder, contract: WireContract, order: WireOrder): void {
    o.order = twsReportedOrder({
      ...o.order,
      ...order,
      orderId: o.orderId,
      clientId: o.clientId,
      permId: o.permId,
      account: order.account || o.order.account,
      filledQuantity: o.filled,
    });
    o.contract = contract.conId ? contract : o.contract;
    o.remaining = Math.max(0, order.totalQuantity - o.filled);
    if (o.held && order.transmit !== false) {
      this.transmitGroup(o);
      return;
    }
    this.emit('update', o);
    if (o.status === 'Submitted') this.match(o);
  }

  cancel(clientId: number, orderId: number): void {
    const o = this.orders.get(orderId);
    if (!o || o.clientId !== clientId) {
      this.emit('orderError', clientId, orderId, 135, `Can't find order with id =${orderId}`);
      return;
    }
    if (!this.isActive(o)) {
      this.emit('orderError', clientId, orderId, 161, `Cancel attempted when order is not in a cancellable state.  Order permId =${o.permId}`);
      return;
    }
    this.cancelOrder(o, '');
  }

  /** reqGlobalCancel: every active order of every client. */
  cancelAll(): void {
    for (const o of [...this.orders.values()]) if (this.isActive(o)) this.cancelOrder(o, '');
  }

  private cancelOrder(o: SimOrder, reason: string): void {
    o.status = 'Cancelled';
    o.completedStatus = reason || 'Cancelled by Trader';
    o.completedTime = twsLocalTime(this.market.now());
    this.emit('orderError', o.clientId, o.orderId, 202, `Order Canceled - reason:${reason}`);
    this.emit('update', o);
    // Children of a cancelled parent go with it.
    for (const child of this.orders.values()) {
      if (child.order.parentId === o.orderId && child.clientId === o.clientId && this.isActive(child)) this.cancelOrder(child, '');
    }
  }

  /** Runs every market tick: triggers stops, fills what crosses, expires DAY orders. */
  onTick(): void {
    const now = this.market.now();
    for (const o of [...this.orders.values()]) {
      if (o.held) continue;
      if (o.status === 'PreSubmitted' && o.whyHeld === '' && (isRegularHours(now) || o.order.outsideRth)) {
        o.status = 'Submitted';
        this.emit('update', o);
      }
      if (o.status === 'Submitted') {
        if (o.order.tif === 'DAY' && dayOrderExpired(o.submittedAt, now)) {
          this.cancelOrder(o, '');
          continue;
        }
        this.match(o);
      }
    }
  }

  private match(o: SimOrder): void {
    const q = orderQuote(this.market, o.contract);
    if (!q) return;
    const price = fillPrice(o, q);
    if (price === undefined) {
      if (o.order.tif === 'IOC') this.cancelOrder(o, '');
      return;
    }
    const chunk = Math.ceil(o.order.totalQuantity / this.partialFillChunks);
    const qty = Math.min(o.remaining, chunk);
    this.fill(o, qty, price);
    if (o.order.tif === 'IOC' && o.remaining > 0) this.cancelOrder(o, '');
  }

  private fill(o: SimOrder, qty: number, price: number): void {
    const prevFilled = o.filled;
    const prevAvg = o.avgFillPrice;
    o.filled += qty;
    o.remaining = Math.max(0, o.order.totalQuantity - o.filled);
    o.avgFillPrice = round6((prevAvg * prevFilled + price * qty) / o.filled);
    o.lastFillPrice = price;
    o.order.filledQuantity = o.filled;
    const changed: number[] = [];
    if (o.contract.secType === 'BAG') {
      const legs: Array<{ leg: WireComboLeg; buy: boolean; contract: WireContract; qty: number; price: number }> = [];
      for (const leg of o.contract.comboLegs ?? []) {
        const legQuote = this.market.quote(leg.conId);
        if (!this.market.instruments.byId(leg.conId) || !legQuote) continue;
        const buy = (leg.action === 'BUY') === (o.order.action === 'BUY');
        const contract = this.legContract(leg.conId);
        legs.push({ leg, buy, contract, qty: qty * leg.ratio, price: buy ? legQuote.ask : legQuote.bid });
      }
      // One order, one per-order minimum: the combo's commission is split over its legs.
      const charged = comboFillCommissions(
        o.comboCharges,
        legs.map((l) => commissionLeg(l.contract, l.qty, l.price)),
      );
      o.comboCharges = charged.charged;
      legs.forEach((l, i) => {
        this.recordExecution(
          {
            order: o,
            contract: l.contract,
            buy: l.buy,
            qty: l.qty,
            price: l.price,
            cumQty: o.filled * l.leg.ratio,
            avgPrice: l.price,
            commission: charged.perLeg[i] ?? 0,
          },
          true,
        );
        changed.push(l.leg.conId);
      });
      this.recordExecution(
        { order: o, contract: o.contract, buy: o.order.action === 'BUY', qty, price, cumQty: o.filled, avgPrice: o.avgFillPrice, commission: 0 },
        false,
      );
    } else {
      const multiplier = Number(o.contract.multiplier) || 1;
      const commission = executionCommission(o.contract.secType, prevFilled, prevAvg, o.filled, o.avgFillPrice, multiplier);
      this.recordExecution(
        { order: o, contract: o.contract, buy: o.order.action === 'BUY', qty, price, cumQty: o.filled, avgPrice: o.avgFillPrice, commission },
        true,
      );
      changed.push(o.contract.conId);
    }
    if (o.remaining === 0) {
      o.status = 'Filled';
      o.completedStatus = 'Filled';
      o.completedTime = twsLocalTime(this.market.now());
    }
    this.emit('update', o);
    this.emit('accountChanged', changed);
    if (o.remaining === 0) this.afterFilled(o, qty);
    else this.reduceOcaSiblings(o, qty);
  }

  private legContract(conId: number): WireContract {
    for (const o of this.orders.values()) if (o.contract.conId === conId) return o.contract;
    const inst = this.market.instruments.byId(conId);
    return contractFor(inst, conId);
  }

  /** Books a fill to the account (unless `bookToAccount` is false: a combo's own line) and records its execution. */
  private recordExecution(fill: Omit<ExecutionFill, 'realizedPnl'>, bookToAccount: boolean): void {
    const { order: o, contract, buy, qty, price, commission } = fill;
    o.commission = round6(o.commission + commission);
    const multiplier = Number(contract.multiplier) || 1;
    const realizedPnl = bookToAccount ? this.account.applyFill(contract, buy ? qty : -qty, price, multiplier, commission).realizedPnl : undefined;
    const record = executionRecord({ ...fill, realizedPnl }, this.execSeq++, this.market.now(), this.account);
    this.executions.push(record);
    this.emit('execution', o, record);
  }

  private afterFilled(o: SimOrder, lastQty: number): void {
    // A filled parent releases its children; a filled child cancels its siblings (brackets are OCA).
    for (const child of this.orders.values()) {
      if (child.order.parentId === o.orderId && child.clientId === o.clientId && child.status === 'PreSubmitted' && child.whyHeld === 'child') {
        child.whyHeld = '';
        child.status = 'Submitted';
        this.emit('update', child);
      }
    }
    if (o.order.parentId) {
      for (const sib of this.orders.values()) {
        if (sib !== o && sib.order.parentId === o.order.parentId && sib.clientId === o.clientId && this.isActive(sib)) this.cancelOrder(sib, '');
      }
    }
    this.reduceOcaSiblings(o, lastQty);
    for (const child of this.orders.values()) if (child.order.parentId === o.orderId && child.status === 'Submitted') this.match(child);
  }

  private reduceOcaSiblings(o: SimOrder, qty: number): void {
    const group = o.order.ocaGroup;
    if (!group) return;
    const type = o.order.ocaType || 1;
    for (const sib of [...this.orders.values()]) {
      if (sib === o || sib.order.ocaGroup !== group || !this.isActive(sib)) continue;
      if (type === 1) {
        if (o.remaining === 0) this.cancelOrder(sib, '');
      } else {
        sib.order = { ...sib.order, totalQuantity: Math.max(0, sib.order.totalQuantity - qty) };
        sib.remaining = Math.max(0, sib.order.totalQuantity - sib.filled);
        if (sib.remaining === 0) this.cancelOrder(sib, '');
        else this.emit('update', sib);
      }
    }
  }

  /** The orderState an openOrder for this order carries: TWS fills in the commission once the order has executions. */
  stateOf(o: SimOrder): WireOrderState {
    return reportedOrderState(o, this.account.currency);
  }
}
