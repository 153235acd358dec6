// The simulated order book of one TWS: order lifecycle (PreSubmitted -> Submitted ->
// Filled / Cancelled / Inactive), matching against the market's quotes, brackets,
// OCA groups, time in force, partial fills, what-if previews and executions.
// It knows nothing about sockets: the server turns its events into messages.
import { EventEmitter } from 'node:events';
import type { WireComboLeg, WireContract } from '../protocol/contractTypes';
import type { WireCommissionReport, WireExecution, WireOrder, WireOrderState } from '../protocol/orderTypes';
import { UNSET_DOUBLE } from '../../tws/wire';
import type { Market } from '../market/market';
import { isRegularHours, nyParts, nySessionOfDay, nyTimeToMs, twsLocalTime } from '../market/marketTime';
import type { Account } from './account';
import { comboFillCommissions, comboOrderCommission, executionCommission, orderCommission, type CommissionLeg } from './commissions';
import { twsReportedOrder } from '../protocol/twsReportedOrder';

export type OrderStatusName = 'ApiPending' | 'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive';

export interface SimOrder {
  orderId: number;
  clientId: number;
  permId: number;
  contract: WireContract;
  order: WireOrder;
  status: OrderStatusName;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  lastFillPrice: number;
  /** Commission charged so far (the sum of its executions' reports). */
  commission: number;
  /** Combos: the legs' per-contract charges accrued so far, before the per-order minimum. */
  comboCharges: number;
  whyHeld: string;
  /** STP / STP LMT: has the stop been touched. */
  triggered: boolean;
  /** transmit=false: held in TWS until a later order of its group transmits. */
  held: boolean;
  completedTime?: string;
  completedStatus?: string;
  submittedAt: number;
}

export interface ExecutionRecord {
  reqIdHint: number;
  orderId: number;
  clientId: number;
  contract: WireContract;
  execution: WireExecution;
  commission: WireCommissionReport;
  time: number;
}

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

const ACTIVE: ReadonlySet<OrderStatusName> = new Set(['ApiPending', 'PendingSubmit', 'PreSubmitted', 'Submitted', 'PendingCancel']);
const SUPPORTED_TYPES = new Set(['MKT', 'LMT', 'STP', 'STP LMT']);

export const READ_ONLY_MESSAGE = "Error validating request.-'bW' : cause - The API interface is currently in Read-Only mode.";

export class OrderEngine extends EventEmitter<OrderEngineEvents> {
  readonly orders = new Map<number, SimOrder>();
  readonly executions: ExecutionRecord[] = [];
  private nextPermId = 1_000_000_000 + Math.floor(Math.random() * 1000) * 1000;
  private execSeq = 0;
  private readonly market: Market;
  private readonly account: Account;
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
    return ACTIVE.has(o.status);
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
    const invalid = this.validate(contract, order);
    if (invalid) {
      this.emit('orderError', clientId, orderId, invalid.code, invalid.message);
      return undefined;
    }
    if (order.whatIf) {
      // TWS answers an unaffordable what-if with its numbers AND the 201 the order would get.
      const preview = this.whatIf(contract, order);
      const rejection = this.marginRejection(contract, order);
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
    const unaffordable = this.marginRejection(contract, order);
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

  private validate(contract: WireContract, order: WireOrder): { code: number; message: string } | undefined {
    if (!SUPPORTED_TYPES.has(order.orderType)) {
      return { code: 387, message: `Unsupported order type for this exchange and security type. (${order.orderType || 'empty'}; the simulator supports MKT, LMT, STP, STP LMT)` };
    }
    if (!(order.totalQuantity > 0)) return { code: 434, message: 'The order size cannot be zero.' };
    if (order.action !== 'BUY' && order.action !== 'SELL' && order.action !== 'SSHORT') {
      return { code: 201, message: `Order rejected - reason:Invalid action "${order.action}"` };
    }
    if ((order.orderType === 'LMT' || order.orderType === 'STP LMT') && !isSet(order.lmtPrice)) {
      return { code: 201, message: 'Order rejected - reason:Limit price is missing (lmtPrice)' };
    }
    if ((order.orderType === 'STP' || order.orderType === 'STP LMT') && !isSet(order.auxPrice)) {
      return { code: 201, message: 'Order rejected - reason:Stop price is missing (auxPrice)' };
    }
    if (!['DAY', 'GTC', 'IOC', ''].includes(order.tif ?? '')) {
      return { code: 201, message: `Order rejected - reason:Time in force "${order.tif}" is not supported (DAY, GTC, IOC)` };
    }
    if (contract.conId === 0 && contract.secType !== 'BAG') return { code: 200, message: 'No security definition has been found for the request' };
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
    o.order = twsReportedOrder({ ...o.order, ...order, orderId: o.orderId, clientId: o.clientId, permId: o.permId, account: order.account || o.order.account, filledQuantity: o.filled });
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
        if (o.order.tif === 'DAY' && afterClose(o.submittedAt, now)) {
          this.cancelOrder(o, '');
          continue;
        }
        this.match(o);
      }
    }
  }

  private match(o: SimOrder): void {
    const q = this.market.quote(o.contract.conId) ?? this.comboQuote(o.contract);
    if (!q) return;
    const buy = o.order.action === 'BUY';
    const type = o.order.orderType;
    if ((type === 'STP' || type === 'STP LMT') && !o.triggered) {
      const stop = o.order.auxPrice as number;
      if (buy ? q.last >= stop : q.last <= stop) o.triggered = true;
      else return;
    }
    let price: number | undefined;
    const touch = buy ? q.ask : q.bid;
    if (type === 'MKT' || type === 'STP') {
      price = touch;
    } else {
      const limit = o.order.lmtPrice as number;
      if (buy ? touch <= limit : touch >= limit) price = touch;
    }
    if (price === undefined) {
      if (o.order.tif === 'IOC') this.cancelOrder(o, '');
      return;
    }
    const chunk = Math.ceil(o.order.totalQuantity / this.partialFillChunks);
    const qty = Math.min(o.remaining, chunk);
    this.fill(o, qty, price);
    if (o.order.tif === 'IOC' && o.remaining > 0) this.cancelOrder(o, '');
  }

  /** BAG contracts: the net of the legs' quotes (sells count negative). */
  private comboQuote(contract: WireContract): { bid: number; ask: number; last: number } | undefined {
    if (contract.secType !== 'BAG' || !contract.comboLegs?.length) return undefined;
    let bid = 0;
    let ask = 0;
    for (const leg of contract.comboLegs) {
      const q = this.market.quote(leg.conId);
      if (!q) return undefined;
      if (leg.action === 'BUY') {
        bid += q.bid * leg.ratio;
        ask += q.ask * leg.ratio;
      } else {
        bid -= q.ask * leg.ratio;
        ask -= q.bid * leg.ratio;
      }
    }
    const r = (x: number) => Math.round(x * 100) / 100;
    return { bid: r(bid), ask: r(ask), last: r((bid + ask) / 2) };
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
      const charged = comboFillCommissions(o.comboCharges, legs.map((l) => commissionLeg(l.contract, l.qty, l.price)));
      o.comboCharges = charged.charged;
      legs.forEach((l, i) => {
        this.recordExecution(o, l.contract, l.buy, l.qty, l.price, o.filled * l.leg.ratio, l.price, charged.perLeg[i] ?? 0, true);
        changed.push(l.leg.conId);
      });
      this.recordExecution(o, o.contract, o.order.action === 'BUY', qty, price, o.filled, o.avgFillPrice, 0, false);
    } else {
      const multiplier = Number(o.contract.multiplier) || 1;
      const commission = executionCommission(o.contract.secType, prevFilled, prevAvg, o.filled, o.avgFillPrice, multiplier);
      this.recordExecution(o, o.contract, o.order.action === 'BUY', qty, price, o.filled, o.avgFillPrice, commission, true);
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

  private recordExecution(
    o: SimOrder,
    contract: WireContract,
    buy: boolean,
    qty: number,
    price: number,
    cumQty: number,
    avgPrice: number,
    commission: number,
    bookToAccount: boolean,
  ): void {
    const multiplier = Number(contract.multiplier) || 1;
    o.commission = round6(o.commission + commission);
    const fill = bookToAccount ? this.account.applyFill(contract, buy ? qty : -qty, price, multiplier, commission) : { realizedPnl: undefined };
    const now = this.market.now();
    const execId = `0000${hex(this.execSeq++, 4)}.${hex(Math.floor(now / 1000), 8)}.01.01`;
    const execution: WireExecution = {
      orderId: o.orderId,
      execId,
      time: twsLocalTime(now),
      acctNumber: this.account.id,
      exchange: contract.primaryExch && contract.secType === 'STK' ? 'ISLAND' : 'CBOE',
      side: buy ? 'BOT' : 'SLD',
      shares: qty,
      price,
      permId: o.permId,
      clientId: o.clientId,
      liquidation: 0,
      cumQty,
      avgPrice,
      orderRef: o.order.orderRef ?? '',
      evRule: '',
      evMultiplier: undefined,
      modelCode: '',
      lastLiquidity: 2,
      pendingPriceRevision: false,
    };
    const report: WireCommissionReport = {
      execId,
      commission,
      currency: this.account.currency,
      realizedPNL: fill.realizedPnl,
      yield: undefined,
      yieldRedemptionDate: undefined,
    };
    const record: ExecutionRecord = { reqIdHint: -1, orderId: o.orderId, clientId: o.clientId, contract, execution, commission: report, time: now };
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

  /**
   * TWS's margin check when an order arrives: the initial margin of the positions with this
   * order filled (at the market) must not exceed the equity with loan value. The wording is
   * TWS's 201 reason as its users report it (e.g. the Quantopian forum thread "Order rejections
   * from IB with order_target_percent at 1.0"; Tiger Open API docs quoting "201:Order rejected -
   * Reason: YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH
   * LOAN VALUE [1247.90 USD] MUST EXCEED THE INITIAL MARGIN [4989.99 USD]"). Orders that lower
   * the requirement (closing) always pass.
   */
  private marginRejection(contract: WireContract, order: WireOrder): string | undefined {
    const marks = (id: number) => this.market.mid(id);
    const price = this.market.mid(contract.conId) ?? (isSet(order.lmtPrice) ? (order.lmtPrice as number) : undefined);
    if (price === undefined) return undefined;
    const multiplier = Number(contract.multiplier) || 1;
    const signed = (order.action === 'BUY' ? 1 : -1) * order.totalQuantity;
    const s = this.account.summary(marks);
    const after = this.account.marginWith(marks, contract.conId, signed * price * multiplier);
    if (after.init <= s.InitMarginReq || after.init <= s.EquityWithLoanValue) return undefined;
    const ccy = this.account.currency;
    return `Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE [${s.EquityWithLoanValue.toFixed(2)} ${ccy}] MUST EXCEED THE INITIAL MARGIN [${after.init.toFixed(2)} ${ccy}]`;
  }

  /** What-if: margin before/after and commission, nothing placed. */
  private whatIf(contract: WireContract, order: WireOrder): WireOrderState {
    const marks = (id: number) => this.market.mid(id);
    const sign = order.action === 'BUY' ? 1 : -1;
    const legs = this.whatIfLegs(contract, order);
    const s = this.account.summary(marks);
    const after = this.account.marginWithLegs(
      marks,
      legs.map((l) => ({ conId: l.conId, value: sign * l.signedQty * l.price * l.multiplier })),
    );
    const commission =
      contract.secType === 'BAG'
        ? comboOrderCommission(legs.map((l) => commissionLeg(l.contract, Math.abs(l.signedQty), l.price)))
        : orderCommission(contract.secType, order.totalQuantity, legs[0]?.price ?? 0, legs[0]?.multiplier ?? 1);
    // TWS prints what-if amounts as cents ("1234.56"): no float noise from the sums.
    const before = { init: cents(s.InitMarginReq), maint: cents(s.MaintMarginReq), ewl: cents(s.EquityWithLoanValue) };
    const ewlAfter = cents(s.EquityWithLoanValue - commission);
    return {
      status: 'PreSubmitted',
      initMarginBefore: before.init,
      maintMarginBefore: before.maint,
      equityWithLoanBefore: before.ewl,
      initMarginChange: cents(cents(after.init) - before.init),
      maintMarginChange: cents(cents(after.maint) - before.maint),
      equityWithLoanChange: cents(ewlAfter - before.ewl),
      initMarginAfter: cents(after.init),
      maintMarginAfter: cents(after.maint),
      equityWithLoanAfter: ewlAfter,
      commission,
      minCommission: commission,
      maxCommission: commission,
      commissionCurrency: this.account.currency,
      warningText: '',
      completedTime: '',
      completedStatus: '',
    };
  }

  /**
   * What a what-if order adds, leg by leg: a BAG's legs with their ratios and multipliers
   * (options x100), priced at their mids; any other contract is its own single leg.
   * `signedQty` is per the order's BUY side (a SELL leg is negative).
   */
  private whatIfLegs(contract: WireContract, order: WireOrder): Array<{ conId: number; contract: WireContract; signedQty: number; price: number; multiplier: number }> {
    if (contract.secType !== 'BAG') {
      const price = this.market.mid(contract.conId) ?? (isSet(order.lmtPrice) ? (order.lmtPrice as number) : 0);
      return [{ conId: contract.conId, contract, signedQty: order.totalQuantity, price, multiplier: Number(contract.multiplier) || 1 }];
    }
    return (contract.comboLegs ?? []).map((leg) => {
      const legContract = this.legContract(leg.conId);
      return {
        conId: leg.conId,
        contract: legContract,
        signedQty: (leg.action === 'SELL' ? -1 : 1) * leg.ratio * order.totalQuantity,
        price: this.market.mid(leg.conId) ?? 0,
        multiplier: Number(legContract.multiplier) || 1,
      };
    });
  }

  /** The orderState an openOrder for this order carries: TWS fills in the commission once the order has executions. */
  stateOf(o: SimOrder): WireOrderState {
    const executed = o.filled > 0;
    return {
      status: o.status,
      ...(executed ? { commission: o.commission } : {}),
      commissionCurrency: executed ? this.account.currency : '',
      warningText: '',
      completedTime: o.completedTime ?? '',
      completedStatus: o.completedStatus ?? '',
    };
  }
}

/** The WireContract TWS reports for a stock or option of the simulator's catalogue. */
export function contractFor(inst: ReturnType<Market['instruments']['byId']>, conId: number): WireContract {
  if (!inst) return { conId, symbol: '', secType: 'STK', lastTradeDateOrContractMonth: '', strike: 0, right: '', multiplier: '', exchange: 'SMART', primaryExch: '', currency: 'USD', localSymbol: '', tradingClass: '' };
  if ('underlying' in inst) {
    return {
      conId: inst.conId,
      symbol: inst.underlying.symbol,
      secType: 'OPT',
      lastTradeDateOrContractMonth: inst.expiry,
      strike: inst.strike,
      right: inst.right,
      multiplier: String(inst.multiplier),
      exchange: 'SMART',
      primaryExch: '',
      currency: inst.underlying.currency,
      localSymbol: inst.localSymbol,
      tradingClass: inst.tradingClass,
    };
  }
  return {
    conId: inst.conId,
    symbol: inst.symbol,
    secType: 'STK',
    lastTradeDateOrContractMonth: '',
    strike: 0,
    right: '',
    multiplier: '',
    exchange: 'SMART',
    primaryExch: inst.primaryExch,
    currency: inst.currency,
    localSymbol: inst.symbol,
    tradingClass: 'NMS',
  };
}

function isSet(v: number | undefined): boolean {
  return v !== undefined && v !== UNSET_DOUBLE && Number.isFinite(v);
}

function afterClose(submittedMs: number, nowMs: number): boolean {
  const p = nyParts(submittedMs);
  const closeMinute = nySessionOfDay(submittedMs)?.closeMinute ?? 16 * 60; // 13:00 on early closes
  const close = nyTimeToMs(p.year, p.month, p.day, Math.floor(closeMinute / 60), closeMinute % 60);
  return submittedMs < close && nowMs >= close;
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0');
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function cents(x: number): number {
  return Math.round(x * 100) / 100;
}

function commissionLeg(contract: WireContract, quantity: number, price: number): CommissionLeg {
  return { secType: contract.secType, quantity, price, multiplier: Number(contract.multiplier) || 1 };
}
