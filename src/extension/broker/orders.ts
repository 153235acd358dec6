// Placing, modifying and cancelling orders, what-if previews, and waiting on them.
//
// Placement order of operations, which the trading session relies on:
//   1. the request is validated and its contract resolved;
//   2. order ids are assigned and the caller's `beforeSend(intent)` runs and is awaited
//      (journal the intent durably here) - if it throws, nothing is sent;
//   3. the client must still be `ready`, else nothing is sent (BrokerError.orderSent=false);
//   4. the message(s) go through the pacer; an order is never re-sent by the client, not
//      even after a reconnect (reconciliation tells what TWS has);
//   5. the promise resolves when TWS acknowledges (or rejects with the TWS error).
import { setDeadline } from '../core/clock';
import { BrokerError, TimeoutError } from './errors';
import { ClientCode } from '../tws/errorCodes';
import type { ContractService } from './contracts';
import type { LinkHub } from './linkHub';
import type { WireOrderSpec } from './linkEvents';
import { OrderTracker } from './orderTracker';
import type { Stream } from '../core/observable';
import {
  bracketExitRef,
  TERMINAL_STATES,
  type BeforeSend,
  type BracketExit,
  type BracketRequest,
  type Fill,
  type OrderChanges,
  type OrderIntent,
  type OrderIntentLeg,
  type OrderPreview,
  type OrderRequest,
  type TrackedOrder,
} from './types';

export interface PlaceOptions {
  /** Awaited after ids are assigned and before anything is sent (journal the intent here). */
  beforeSend?: BeforeSend;
  /** How long to wait for TWS's acknowledgement (default timeouts.orderAckMs). */
  timeoutMs?: number;
}

interface Waiter {
  orderId: number;
  done: (o: TrackedOrder) => boolean;
  resolve: (o: TrackedOrder) => void;
  reject: (e: BrokerError) => void;
  /** Rejected when the session drops (acknowledgement waits). */
  linkBound: boolean;
}

export class OrderService {
  readonly tracker = new OrderTracker();
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly hub: LinkHub,
    private readonly contracts: ContractService,
    /** Why orders may not go now (not ready, TWS lost IB, ...), or undefined. */
    private readonly tradingBlocked: () => BrokerError | undefined,
  ) {
    const now = () => hub.clock.now();
    const events = hub.events;
    events.on('openOrder', (ev) => {
      if (ev.whatIf) {
        hub.registry.get<OrderPreview>(ev.orderId)?.resolve(ev.preview ?? {});
        return;
      }
      this.tracker.apply({ type: 'openOrder', ev, at: now() });
    });
    events.on('orderStatus', (ev) => this.tracker.apply({ type: 'orderStatus', ev, at: now() }));
    events.on('execDetails', (_reqId, fill) => this.tracker.apply({ type: 'execution', fill, at: now() }));
    events.on('commissionReport', (ev) => this.tracker.apply({ type: 'commission', ev, at: now() }));
    events.on('error', (id, code, message) => this.tracker.apply({ type: 'error', orderId: id, code, message, at: now() }));
    this.tracker.updates.on((o) => this.checkWaiters(o));
  }

  /** Order views as they change (an async iterable too). */
  get updates(): Stream<TrackedOrder> {
    return this.tracker.updates;
  }

  /** Executions the first time they are seen (all client ids of the account). */
  get fills(): Stream<Fill> {
    return this.tracker.newFills;
  }

  get(orderId: number): TrackedOrder | undefined {
    return this.tracker.get(orderId);
  }

  all(): TrackedOrder[] {
    return this.tracker.all();
  }

  /** Sets whose orders the tracker follows (the session's client id). */
  setClientId(clientId: number): void {
    this.tracker.clientId = clientId;
  }

  /** The session dropped: acknowledgement waits fail (their orders are settled by reconciliation). */
  linkLost(err: BrokerError): void {
    for (const w of [...this.waiters]) {
      if (!w.linkBound) continue;
      this.waiters.delete(w);
      w.reject(
        new BrokerError({
          reqId: w.orderId,
          code: ClientCode.ConnectionLost,
          message: `connection lost while waiting on order ${w.orderId} (${err.message}); reconciliation after the reconnect settles it - do not resend`,
        }),
      );
    }
  }

  // ---------- placing ----------

  async place(request: OrderRequest, opts: PlaceOptions = {}): Promise<TrackedOrder> {
    this.assertCanTrade('placeOrder');
    validate(request);
    const contract = await this.contracts.resolve(request.contract);
    const facts = this.hub.requireLink('placeOrder');
    const leg: OrderIntentLeg = { orderId: this.hub.takeId(), role: request.ocaGroup ? 'oca' : 'single', request: { ...request, contract } };
    const intent: OrderIntent = { kind: 'single', account: facts.accountId, clientId: facts.clientId, createdAt: this.hub.clock.now(), legs: [leg] };
    const [placed] = await this.transmit(intent, opts);
    return placed!;
  }

  /**
   * Entry + take-profit (limit) + stop-loss (stop), linked by parentId: the children only
   * work once the entry fills, and a fill of one child cancels the other.
   */
  async placeBracket(b: BracketRequest, opts: PlaceOptions = {}): Promise<{ parent: TrackedOrder; takeProfit: TrackedOrder; stopLoss: TrackedOrder }> {
    this.assertCanTrade('placeBracket');
    if (b.entryType === 'LMT' && !isPrice(b.entryLimitPrice)) throw invalid('a limit entry needs entryLimitPrice');
    if (!isPrice(b.takeProfitPrice) || !isPrice(b.stopLossPrice)) throw invalid('a bracket needs takeProfitPrice and stopLossPrice');
    const buy = b.action === 'BUY';
    if (buy ? !(b.takeProfitPrice > b.stopLossPrice) : !(b.takeProfitPrice < b.stopLossPrice)) {
      throw invalid(`take-profit ${b.takeProfitPrice} must be ${buy ? 'above' : 'below'} the stop-loss ${b.stopLossPrice} for a ${b.action} bracket`);
    }
    const contract = await this.contracts.resolve(b.contract);
    const facts = this.hub.requireLink('placeBracket');
    const exit = buy ? 'SELL' : 'BUY';
    const common = {
      contract,
      quantity: b.quantity,
      ...(b.tif ? { tif: b.tif } : {}),
      ...(b.outsideRth ? { outsideRth: true } : {}),
    };
    // Each leg its own orderRef: the exits carry the entry's with :tp / :sl.
    const ref = (exit?: BracketExit) => (b.orderRef ? { orderRef: exit ? bracketExitRef(b.orderRef, exit) : b.orderRef } : {});
    const parentId = this.hub.takeId();
    const tpId = this.hub.takeId();
    const slId = this.hub.takeId();
    const legs: OrderIntentLeg[] = [
      {
        orderId: parentId,
        role: 'parent',
        request: {
          ...common,
          ...ref(),
          action: b.action,
          type: b.entryType,
          ...(b.entryType === 'LMT' ? { limitPrice: b.entryLimitPrice! } : {}),
          transmit: false,
        },
      },
      {
        orderId: tpId,
        role: 'takeProfit',
        request: { ...common, ...ref('takeProfit'), action: exit, type: 'LMT', limitPrice: b.takeProfitPrice, parentId, transmit: false },
      },
      {
        orderId: slId,
        role: 'stopLoss',
        request: { ...common, ...ref('stopLoss'), action: exit, type: 'STP', stopPrice: b.stopLossPrice, parentId, transmit: true },
      },
    ];
    for (const l of legs) validate(l.request);
    const intent: OrderIntent = { kind: 'bracket', account: facts.accountId, clientId: facts.clientId, createdAt: this.hub.clock.now(), legs };
    const [parent, takeProfit, stopLoss] = await this.transmit(intent, opts);
    return { parent: parent!, takeProfit: takeProfit!, stopLoss: stopLoss! };
  }

  /** Orders in one OCA group: when one fills (type 1) the others are cancelled. */
  async placeOcaGroup(requests: OrderRequest[], group: string, opts: PlaceOptions & { ocaType?: 1 | 2 | 3 } = {}): Promise<TrackedOrder[]> {
    this.assertCanTrade('placeOcaGroup');
    if (requests.length < 2) throw invalid('an OCA group needs at least two orders');
    if (!group) throw invalid('an OCA group needs a name');
    const resolved: OrderRequest[] = [];
    for (const r of requests) {
      const req: OrderRequest = {
        ...r,
        contract: await this.contracts.resolve(r.contract),
        ocaGroup: group,
        ocaType: opts.ocaType ?? r.ocaType ?? 1,
        transmit: true,
      };
      validate(req);
      resolved.push(req);
    }
    const facts = this.hub.requireLink('placeOcaGroup');
    const legs = resolved.map((request): OrderIntentLeg => ({ orderId: this.hub.takeId(), role: 'oca', request }));
    const intent: OrderIntent = { kind: 'oca', account: facts.accountId, clientId: facts.clientId, createdAt: this.hub.clock.now(), legs };
    return this.transmit(intent, opts);
  }

  private async transmit(intent: OrderIntent, opts: PlaceOptions): Promise<TrackedOrder[]> {
    if (opts.beforeSend) {
      try {
        await opts.beforeSend(intent);
      } catch (err) {
        throw new BrokerError({
          reqId: intent.legs[0]!.orderId,
          code: ClientCode.HookFailed,
          message: `beforeSend refused or failed, nothing was sent: ${err instanceof Error ? err.message : String(err)}`,
          orderSent: false,
          cause: err,
        });
      }
    }
    // The hook may have taken a while: the connection must still be ready.
    const blocked = this.tradingBlocked();
    if (blocked)
      throw new BrokerError({ reqId: intent.legs[0]!.orderId, code: blocked.code, message: `${blocked.message}; nothing was sent`, orderSent: false });
    const at = this.hub.clock.now();
    for (const leg of intent.legs)
      this.tracker.apply({ type: 'placed', orderId: leg.orderId, request: leg.request, account: intent.account, clientId: intent.clientId, at });
    const timeoutMs = opts.timeoutMs ?? this.hub.config.timeouts.orderAckMs;
    // Register the acknowledgement waits before sending: TWS can answer within the same tick.
    const acks = intent.legs.map((leg) => this.waitFor(leg.orderId, (o) => o.state !== 'pendingSubmit', timeoutMs, 'acknowledgement', true));
    for (const a of acks) a.catch(() => {});
    const sends = intent.legs.map((leg) =>
      this.hub
        .send('placeOrder', (api) => api.placeOrder(leg.orderId, leg.request.contract, wireSpec(leg.request, intent.account)))
        .catch((err: unknown) => {
          // Rejected by the pacer / gateway: the message never reached the socket.
          const reason = `not transmitted: ${err instanceof Error ? err.message : String(err)}`;
          this.tracker.apply({ type: 'notSent', orderId: leg.orderId, reason, at: this.hub.clock.now() });
        }),
    );
    await Promise.all(sends);
    const results: TrackedOrder[] = [];
    for (let i = 0; i < intent.legs.length; i++) {
      const leg = intent.legs[i]!;
      let o: TrackedOrder;
      try {
        o = await acks[i]!;
      } catch (err) {
        // The connection went while waiting: say whether the order surely did not leave.
        const now = this.tracker.get(leg.orderId);
        if (now?.state === 'lost')
          throw new BrokerError({
            reqId: leg.orderId,
            code: ClientCode.ConnectionLost,
            message: `order ${leg.orderId} ${now.note ?? 'was not transmitted'}`,
            orderSent: false,
          });
        if (err instanceof TimeoutError) {
          throw new BrokerError({
            reqId: leg.orderId,
            code: err.code,
            message: `order ${leg.orderId} was sent but TWS did not acknowledge it within ${timeoutMs} ms; it may be working - follow it with orderUpdates / reconcile(), do not resend`,
            orderSent: true,
          });
        }
        throw err;
      }
      if (o.state === 'rejected') {
        const last = o.errors[o.errors.length - 1];
        throw new BrokerError({
          reqId: leg.orderId,
          code: last?.code ?? 201,
          message: `order ${leg.orderId} rejected: ${last?.message ?? o.note ?? 'rejected'}`,
          orderSent: true,
        });
      }
      if (o.state === 'lost')
        throw new BrokerError({
          reqId: leg.orderId,
          code: ClientCode.ConnectionLost,
          message: `order ${leg.orderId} ${o.note ?? 'was not transmitted'}`,
          orderSent: false,
        });
      results.push(o);
    }
    return results;
  }

  // ---------- changing ----------

  async modify(orderId: number, changes: OrderChanges, timeoutMs = this.hub.config.timeouts.modifyMs): Promise<TrackedOrder> {
    this.assertCanTrade('modifyOrder');
    const o = this.tracker.get(orderId);
    if (!o) throw new BrokerError({ reqId: orderId, code: ClientCode.NotFound, message: `order ${orderId} is not known to this client` });
    if (TERMINAL_STATES.has(o.state)) throw new BrokerError({ reqId: orderId, code: 104, message: `order ${orderId} is ${o.state} and cannot be modified` });
    if (o.modifyPending)
      throw new BrokerError({ reqId: orderId, code: ClientCode.InvalidRequest, message: `order ${orderId} already has a modification pending` });
    const base = requestOf(o);
    const next: OrderRequest = {
      ...base,
      ...(changes.quantity !== undefined ? { quantity: changes.quantity } : {}),
      ...(changes.limitPrice !== undefined ? { limitPrice: changes.limitPrice } : {}),
      ...(changes.stopPrice !== undefined ? { stopPrice: changes.stopPrice } : {}),
      ...(changes.tif !== undefined ? { tif: changes.tif } : {}),
      transmit: true,
    };
    validate(next);
    if (changes.quantity !== undefined && changes.quantity < o.filled)
      throw invalid(`order ${orderId} already filled ${o.filled}; the quantity cannot go below that`);
    const account = o.account ?? this.hub.requireLink('modifyOrder').accountId;
    this.tracker.apply({ type: 'modifyRequested', orderId, request: next, at: this.hub.clock.now() });
    const settled = this.waitFor(orderId, (x) => !x.modifyPending || TERMINAL_STATES.has(x.state), timeoutMs, 'modification', true);
    settled.catch(() => {});
    try {
      await this.hub.send('modifyOrder', (api) => api.placeOrder(orderId, next.contract, wireSpec(next, account)));
    } catch (err) {
      this.tracker.apply({ type: 'modifySettled', orderId, at: this.hub.clock.now() });
      throw err;
    }
    let after: TrackedOrder;
    try {
      after = await settled;
    } catch (err) {
      this.tracker.apply({ type: 'modifySettled', orderId, at: this.hub.clock.now() });
      throw err;
    }
    const refused = after.errors.length > o.errors.length ? after.errors[after.errors.length - 1] : undefined;
    if (refused && !TERMINAL_STATES.has(after.state))
      throw new BrokerError({ reqId: orderId, code: refused.code, message: `modification of order ${orderId} refused: ${refused.message}` });
    return after;
  }

  /** Cancels; resolves with the order once TWS has settled it (cancelled - or filled first). */
  async cancel(orderId: number, timeoutMs = this.hub.config.timeouts.cancelMs): Promise<TrackedOrder> {
    const o = this.tracker.get(orderId);
    if (!o) throw new BrokerError({ reqId: orderId, code: ClientCode.NotFound, message: `order ${orderId} is not known to this client` });
    if (TERMINAL_STATES.has(o.state)) return o;
    this.hub.requireLink('cancelOrder');
    if (!this.hub.isReady) throw new BrokerError({ reqId: orderId, code: ClientCode.NotReady, message: `cancelOrder: the connection is not ready` });
    this.tracker.apply({ type: 'cancelRequested', orderId, at: this.hub.clock.now() });
    const settled = this.waitFor(orderId, (x) => TERMINAL_STATES.has(x.state) || !x.cancelRequested, timeoutMs, 'cancel', true);
    settled.catch(() => {});
    await this.hub.send('cancelOrder', (api) => api.cancelOrder(orderId));
    const after = await settled;
    if (!TERMINAL_STATES.has(after.state)) {
      const last = after.errors[after.errors.length - 1];
      throw new BrokerError({ reqId: orderId, code: last?.code ?? 161, message: `cancel of order ${orderId} refused: ${last?.message ?? 'not cancellable'}` });
    }
    return after;
  }

  /** What-if: margin and commission of an order, without placing it. */
  async preview(request: OrderRequest, timeoutMs = this.hub.config.timeouts.whatIfMs): Promise<OrderPreview> {
    this.assertCanTrade('previewOrder');
    validate(request);
    const contract = await this.contracts.resolve(request.contract);
    const facts = this.hub.requireLink('previewOrder');
    const id = this.hub.takeId();
    const spec = { ...wireSpec({ ...request, contract, transmit: true }, facts.accountId), whatIf: true };
    const req = this.hub.request<OrderPreview>({
      key: id,
      kind: `what-if ${request.action} ${request.quantity} ${contract.symbol}`,
      timeoutMs,
      send: (api) => api.placeOrder(id, contract, spec),
    });
    return req.promise;
  }

  // ---------- waiting ----------

  /** Resolves with the order once `done(order)` holds (checked now and on every change). */
  waitFor(orderId: number, done: (o: TrackedOrder) => boolean, timeoutMs: number, what = 'condition', linkBound = false): Promise<TrackedOrder> {
    const now = this.tracker.get(orderId);
    if (now && done(now)) return Promise.resolve(now);
    return new Promise<TrackedOrder>((resolve, reject) => {
      const timer = setDeadline(
        this.hub.clock,
        () => {
          this.waiters.delete(w);
          reject(new TimeoutError(`order ${orderId} ${what}`, timeoutMs, orderId));
        },
        timeoutMs,
      );
      const w: Waiter = {
        orderId,
        done,
        linkBound,
        resolve: (o) => {
          timer.cancel();
          resolve(o);
        },
        reject: (e) => {
          timer.cancel();
          reject(e);
        },
      };
      this.waiters.add(w);
    });
  }

  /** Resolves once the order is filled, cancelled, rejected or lost. */
  done(orderId: number, timeoutMs = 60_000): Promise<TrackedOrder> {
    return this.waitFor(orderId, (o) => TERMINAL_STATES.has(o.state), timeoutMs, 'completion');
  }

  private checkWaiters(o: TrackedOrder): void {
    for (const w of [...this.waiters]) {
      if (w.orderId !== o.orderId || !w.done(o)) continue;
      this.waiters.delete(w);
      w.resolve(o);
    }
  }

  private assertCanTrade(what: string): void {
    const blocked = this.tradingBlocked();
    if (blocked) throw new BrokerError({ code: blocked.code, message: `${what}: ${blocked.message}`, orderSent: false });
  }
}

function isPrice(x: number | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function invalid(message: string): BrokerError {
  return new BrokerError({ code: ClientCode.InvalidRequest, message, orderSent: false });
}

export function validate(r: OrderRequest): void {
  if (!r.contract || (!r.contract.symbol && !r.contract.conId)) throw invalid('order without a contract');
  if (r.action !== 'BUY' && r.action !== 'SELL') throw invalid(`action must be BUY or SELL, got ${String(r.action)}`);
  if (!(Number.isFinite(r.quantity) && r.quantity > 0)) throw invalid(`quantity must be > 0, got ${r.quantity}`);
  if ((r.type === 'LMT' || r.type === 'STP LMT') && !isPrice(r.limitPrice)) throw invalid(`${r.type} order needs limitPrice`);
  if ((r.type === 'STP' || r.type === 'STP LMT') && !isPrice(r.stopPrice)) throw invalid(`${r.type} order needs stopPrice`);
  if (!['MKT', 'LMT', 'STP', 'STP LMT'].includes(r.type)) throw invalid(`unsupported order type ${String(r.type)}`);
  if (r.contract.secType === 'BAG' && !(r.contract.legs && r.contract.legs.length >= 2)) throw invalid('a BAG order needs a combo contract with legs');
  if (r.orderRef !== undefined && r.orderRef.length > 255) throw invalid('orderRef is longer than 255 characters');
}

export function wireSpec(r: OrderRequest, account: string): WireOrderSpec {
  const spec: WireOrderSpec = {
    action: r.action,
    totalQuantity: r.quantity,
    orderType: r.type,
    tif: r.tif ?? 'DAY',
    outsideRth: r.outsideRth ?? false,
    orderRef: r.orderRef ?? '',
    ocaGroup: r.ocaGroup ?? '',
    ocaType: r.ocaGroup ? (r.ocaType ?? 1) : 0,
    parentId: r.parentId ?? 0,
    transmit: r.transmit ?? true,
    account,
    whatIf: false,
  };
  if (r.type === 'LMT' || r.type === 'STP LMT') spec.lmtPrice = r.limitPrice!;
  if (r.type === 'STP' || r.type === 'STP LMT') spec.auxPrice = r.stopPrice!;
  return spec;
}

/** The request an order stands for (from what we sent, or from what TWS reported after a reconcile). */
function requestOf(o: TrackedOrder): OrderRequest {
  if (!o.contract || !o.action || !o.type)
    throw new BrokerError({ reqId: o.orderId, code: ClientCode.InvalidRequest, message: `order ${o.orderId}: contract and order details are not known yet` });
  const r: OrderRequest = { contract: o.contract, action: o.action, quantity: o.quantity, type: o.type as OrderRequest['type'] };
  if (o.limitPrice !== undefined) r.limitPrice = o.limitPrice;
  if (o.stopPrice !== undefined) r.stopPrice = o.stopPrice;
  if (o.tif === 'DAY' || o.tif === 'GTC' || o.tif === 'IOC') r.tif = o.tif;
  if (o.orderRef) r.orderRef = o.orderRef;
  if (o.ocaGroup) r.ocaGroup = o.ocaGroup;
  if (o.parentId) r.parentId = o.parentId;
  return r;
}
