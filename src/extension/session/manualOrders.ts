// The manual order desk: the user's own orders (the order ticket: stocks, an option from the
// chain, a combo of 2-4 option legs; Flatten Position), held to the same rules as a session's orders:
//   - the ticket is validated first (trading/orderTicket.ts); a bad field sends nothing;
//   - the risk engine judges it like a session order (max order quantity, notional, buying
//     power, allowlist, rate, daily loss, trading hours unless the user overrides the hours
//     for that order), on TWS's clock;
//   - a what-if (margin, commission, funds after) is asked before the user confirms;
//   - a live account needs ibkrAi.allowLive and the account id typed for every order;
//   - the intent is fsync'ed to `<journalDir>/manual/<desk id>.jsonl` (a folder of its own, so
//     no session mistakes it for its journal) before the order goes; statuses, fills,
//     modifications and cancels are journaled too;
//   - the orderRef is `manual:<time>-<random>` (a bracket's exits: `<ref>:tp` / `<ref>:sl`,
//     orderRef.ts), checked against the journal and TWS before use: never sent twice, and
//     never part of a session's book.
// Only manual orders are modified or cancelled here: a session's orders are the session's.
import { join } from 'node:path';
import type { BrokerContract, OrderChanges, OrderIntent, OrderPreview, OrderRequest, TrackedOrder } from '../broker/types';
import { bracketExitRef, TERMINAL_STATES } from '../broker/types';
import { bracketMarketProblem, describeTicket, ticketReferencePrice, validateTicket, type OrderTicket, type TicketInput } from '../trading/orderTicket';
import type { DerivativeTicket } from '../trading/optionTicket';
import { RiskEngine, type RiskOrder, type RiskVerdict } from '../trading/riskEngine';
import type { RiskLimits } from '../trading/riskLimits';
import { Journal, JournalError } from './journal';
import type { ManualBroker } from './manualBroker';
import { accountView, DayLoss, describePrices, heldQuantity, marketPrice, notChangeable, warnings, withOrder } from './manualAccount';
import { draftDerivative, type DerivativeInput, type PreviewLeg } from './manualDerivatives';
import { derivativeChanges, stockChanges } from './manualModify';
import { intentRecord, orderRequest } from './manualIntent';
import { FLATTEN_EXEMPT } from './killSwitch';
import { isManualOrderRef, manualParentRef, newManualOrderRef, newSessionId } from './orderRef';

export interface ManualDeskOptions {
  readonly broker: ManualBroker;
  /** the session journal folder: manual orders are journaled in its `manual/` subfolder */
  readonly journalDir: string;
  /** the risk settings (ibkrAi.risk.*) the sessions use */
  readonly risk: RiskLimits;
  /** ibkrAi.allowLive: without it nothing goes to a live account */
  readonly allowLive: boolean;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

export interface ManualPreview {
  readonly ticket: OrderTicket | DerivativeTicket;
  readonly text: string;
  readonly contract: BrokerContract;
  readonly account: string;
  readonly live: boolean;
  /** the price the checks valued it at (limit, stop, else the market), per share; a combo's net */
  readonly referencePrice: number;
  /** what the risk checks judge (a combo: one per leg), again when it is placed */
  readonly riskOrders: readonly RiskOrder[];
  /** an option or a combo: its options, and shares per contract */
  readonly legs?: readonly PreviewLeg[];
  readonly multiplier?: number;
  /** a combo's net quote per share */
  readonly net?: { readonly bid: number; readonly ask: number };
  readonly verdict: RiskVerdict;
  readonly hoursOverridden: boolean;
  /** a closing order (Flatten Position): exempt from the size and rate limits, like a session's flatten */
  readonly closing: boolean;
  /** TWS's what-if: margin and commission (absent when the checks refused: nothing was asked) */
  readonly whatIf?: OrderPreview;
  /** what the account holds of the symbol (of an option: contracts) before, and after a full fill */
  readonly positionBefore: number;
  readonly positionAfter: number;
  /** what the user should know before confirming (a short opened, a working order on the symbol) */
  readonly warnings: readonly string[];
}

export type PrepareResult = { readonly ok: true; readonly preview: ManualPreview } | { readonly ok: false; readonly problems: readonly string[] };

export interface ManualPlaceResult {
  readonly orderRef?: string;
  /** the order id (a bracket's entry) */
  readonly orderId?: number;
  /** a bracket's take-profit and stop-loss order ids */
  readonly exits?: { readonly takeProfit: number; readonly stopLoss: number };
  /** the order left for TWS (it may still be rejected there) */
  readonly sent: boolean;
  readonly state: string;
  readonly error?: string;
}

export class ManualOrderDesk {
  readonly deskId = newSessionId();
  private journal: Journal | undefined;
  private readonly market = { now: Date.now() };
  private readonly risk: RiskEngine;
  private readonly anyHours: RiskEngine;
  /** orderRefs journaled by this desk */
  private readonly refs = new Set<string>();
  /** each journaled order (each bracket leg has its own orderRef): order id -> what is journaled of it */
  private readonly tracked = new Map<number, { orderRef: string; state: string; filled: number; execIds: Set<string> }>();
  private readonly off: () => void;
  /** options this desk resolved (a working combo's legs are known by conId only) */
  private readonly known = new Map<number, BrokerContract>();
  private readonly dayLoss: DayLoss;

  constructor(private readonly options: ManualDeskOptions) {
    const limits = { ...options.risk, allowShort: true };
    this.risk = new RiskEngine(limits, () => this.market.now);
    this.anyHours = new RiskEngine({ ...limits, tradingHours: null }, () => this.market.now);
    this.dayLoss = new DayLoss(options.broker, limits.dailyLossLimit);
    this.off = options.broker.orderUpdates.on((o) => {
      try {
        this.follow(o);
      } catch (err) {
        options.log?.('warn', `manual orders: could not journal order ${o.orderId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /** Validates the ticket, runs the risk checks and (when they pass) TWS's what-if. Nothing is placed. */
  async prepare(input: TicketInput, opts: { overrideHours?: boolean; closing?: boolean } = {}): Promise<PrepareResult> {
    const v = validateTicket(input);
    if (!v.ok) return { ok: false, problems: v.problems.map((p) => p.message) };
    const { broker } = this.options;
    const ticket = v.ticket;
    if (!broker.isReady || !broker.accountId) return { ok: false, problems: ['not connected to TWS: connect first ("IBKR: Connect to TWS")'] };
    let contract: BrokerContract;
    try {
      contract = await broker.resolveStock(ticket.symbol);
    } catch (err) {
      return { ok: false, problems: [`symbol: ${ticket.symbol} is not a stock TWS knows (${err instanceof Error ? err.message : String(err)})`] };
    }
    this.market.now = await broker.twsTime().catch(() => Date.now());
    const market = await marketPrice(this.options.broker, contract);
    const referencePrice = ticketReferencePrice(ticket, market);
    if (referencePrice === undefined)
      return { ok: false, problems: [`${ticket.symbol}: no market price to value a ${ticket.orderType} order at (no quote): use a limit order`] };
    const exits = bracketMarketProblem(ticket, referencePrice);
    if (exits) return { ok: false, problems: [exits] };
    const before = heldQuantity(this.options.broker, ticket.symbol);
    const signed = ticket.side === 'BUY' ? ticket.quantity : -ticket.quantity;
    return this.judge(
      {
        ticket,
        text: describeTicket(ticket),
        contract,
        account: broker.accountId,
        live: broker.isPaper !== true,
        referencePrice,
        riskOrders: [{ symbol: ticket.symbol, quantity: signed, price: referencePrice }],
        hoursOverridden: opts.overrideHours === true,
        closing: opts.closing === true,
        positionBefore: before,
        positionAfter: before + signed,
        warnings: warnings(this.options.broker, ticket, before, market),
      },
      opts,
    );
  }

  /** An option from the chain or a combo of 2-4 legs: validated against the chain, resolved, quoted, then judged like a stock ticket. Nothing is placed. */
  async prepareDerivative(input: DerivativeInput, opts: { overrideHours?: boolean; closing?: boolean } = {}): Promise<PrepareResult> {
    const { broker } = this.options;
    if (!broker.isReady || !broker.accountId) return { ok: false, problems: ['not connected to TWS: connect first ("IBKR: Connect to TWS")'] };
    const drafted = await draftDerivative(broker, input);
    if (!drafted.ok) return drafted;
    const d = drafted.draft;
    for (const l of d.legs) if (l.contract.conId !== undefined) this.known.set(l.contract.conId, l.contract);
    this.market.now = await broker.twsTime().catch(() => Date.now());
    const one = d.legs.length === 1 ? d.legs[0] : undefined;
    return this.judge(
      {
        ...d,
        account: broker.accountId,
        live: broker.isPaper !== true,
        hoursOverridden: opts.overrideHours === true,
        closing: opts.closing === true,
        positionBefore: one?.before ?? 0,
        positionAfter: one?.after ?? 0,
      },
      opts,
    );
  }

  /** The risk checks, and TWS's what-if when they pass. */
  private async judge(draft: Omit<ManualPreview, 'verdict' | 'whatIf'>, opts: { overrideHours?: boolean; closing?: boolean }): Promise<PrepareResult> {
    await this.dayLoss.ready();
    const verdict = this.check(draft.riskOrders, opts);
    const preview: ManualPreview = { ...draft, verdict, warnings: [...draft.warnings, ...this.dayLoss.warnings()] };
    if (!verdict.allowed) return { ok: true, preview };
    const whatIf = await this.options.broker.previewOrder(orderRequest(draft.ticket, draft.contract)).catch((err: unknown) => ({
      warningText: `what-if failed: ${err instanceof Error ? err.message : String(err)}`,
    }));
    return { ok: true, preview: { ...preview, whatIf } };
  }

  /**
   * Places a previewed ticket once the user confirmed it: the checks again (the account may
   * have changed meanwhile), the live-account confirmation, then the intent journaled and
   * fsync'ed, then the order. Nothing is sent when any step refuses.
   */
  async place(preview: ManualPreview, opts: { confirmLive?: (accountId: string) => Promise<string | undefined> } = {}): Promise<ManualPlaceResult> {
    const { broker } = this.options;
    const refuse = (error: string): ManualPlaceResult => ({ sent: false, state: 'refused', error });
    if (!broker.isReady || broker.accountId !== preview.account)
      return refuse(`the connection changed since the preview (account ${broker.accountId ?? 'none'}, previewed ${preview.account}): preview again`);
    this.market.now = await broker.twsTime().catch(() => Date.now());
    await this.dayLoss.ready();
    const verdict = this.check(preview.riskOrders, { overrideHours: preview.hoursOverridden, closing: preview.closing });
    if (!verdict.allowed) return refuse(`risk check ${verdict.rule}: ${verdict.reason}`);
    if (broker.isPaper !== true) {
      if (!this.options.allowLive)
        return refuse(`account ${preview.account} is not a paper account: manual orders on a live account need the setting ibkrAi.allowLive = true`);
      const typed = (await opts.confirmLive?.(preview.account))?.trim();
      if (typed !== preview.account) return refuse(`live order not confirmed: the account id ${preview.account} was not typed`);
    }
    let journal: Journal;
    try {
      journal = this.openJournal();
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
    const orderRef = this.freshRef();
    const t = preview.ticket;
    const request: OrderRequest = { ...orderRequest(t, preview.contract), orderRef };
    const recorded = (preview.hoursOverridden ? this.anyHours : this.risk).recordOrder();
    let orderId: number | undefined;
    try {
      const beforeSend = async (intent: OrderIntent) => {
        const leg = intent.legs[0];
        if (!leg) throw new Error('an intent without a leg');
        if (new Set(intent.legs.map((l) => l.request.orderRef)).size !== intent.legs.length) throw new Error(`the legs of ${orderRef} share an orderRef`);
        orderId = leg.orderId;
        const { durable } = journal.appendDurable('intent', intentRecord(preview, intent, { orderRef, marketTime: this.market.now, risk: verdict.reason }));
        await durable;
        for (const l of intent.legs) {
          const ref = l.request.orderRef ?? orderRef;
          this.refs.add(ref);
          this.tracked.set(l.orderId, { orderRef: ref, state: 'sending', filled: 0, execIds: new Set() });
        }
      };
      let exits: ManualPlaceResult['exits'];
      let placed: TrackedOrder;
      if ('bracket' in t && t.bracket) {
        const b = await broker.placeBracket(
          {
            contract: preview.contract,
            action: t.side,
            quantity: t.quantity,
            entryType: t.orderType === 'LMT' ? 'LMT' : 'MKT',
            ...(t.limitPrice !== undefined ? { entryLimitPrice: t.limitPrice } : {}),
            takeProfitPrice: t.bracket.takeProfitPrice,
            stopLossPrice: t.bracket.stopLossPrice,
            tif: t.tif,
            orderRef,
          },
          { beforeSend },
        );
        for (const leg of [b.takeProfit, b.stopLoss]) this.follow(broker.order(leg.orderId) ?? leg);
        exits = { takeProfit: b.takeProfit.orderId, stopLoss: b.stopLoss.orderId };
        placed = b.parent;
      } else placed = await broker.placeOrder(request, { beforeSend });
      this.follow(broker.order(placed.orderId) ?? placed);
      return { orderRef, orderId: placed.orderId, ...(exits ? { exits } : {}), sent: true, state: this.tracked.get(placed.orderId)?.state ?? placed.state };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const sentFlag = (err as { orderSent?: boolean }).orderSent;
      const journaled = this.refs.has(orderRef);
      if (!journaled || sentFlag === false) (preview.hoursOverridden ? this.anyHours : this.risk).withdrawOrder(recorded);
      if (journaled && sentFlag === false) this.write('order-not-sent', { orderRef, orderId, reason: message });
      for (const [id, rec] of this.tracked) {
        const o = manualParentRef(rec.orderRef) === orderRef ? broker.order(id) : undefined;
        if (o) this.follow(o);
      }
      return {
        orderRef,
        ...(orderId !== undefined ? { orderId } : {}),
        sent: journaled && sentFlag !== false,
        state: (orderId !== undefined ? this.tracked.get(orderId)?.state : undefined) ?? 'refused',
        error: message,
      };
    }
  }

  /** Working manual orders (this desk's and earlier ones TWS still has), newest first. */
  workingOrders(): TrackedOrder[] {
    return this.options.broker
      .orders()
      .filter((o) => isManualOrderRef(o.orderRef) && !TERMINAL_STATES.has(o.state))
      .sort((a, b) => b.orderId - a.orderId);
  }

  /** Changes a working manual order (quantity, limit, stop): checked like a new order for the shares it adds, journaled before it is sent. */
  async modify(
    orderId: number,
    changes: { quantity?: unknown; limitPrice?: unknown; stopPrice?: unknown },
  ): Promise<{ ok: boolean; error?: string; order?: TrackedOrder }> {
    const why = notChangeable(this.options.broker, orderId);
    if (why) return { ok: false, error: why };
    if (this.options.broker.isPaper !== true && !this.options.allowLive)
      return {
        ok: false,
        error: `account ${this.options.broker.accountId ?? '?'} is not a paper account: changing orders on a live account needs the setting ibkrAi.allowLive = true`,
      };
    const { broker } = this.options;
    const o = broker.order(orderId) as TrackedOrder;
    if (o.contract && o.contract.secType !== 'STK') {
      // An option or a combo: its limit, or fewer contracts (adding needs a new, checked order).
      const r = derivativeChanges(o, changes);
      return r.error !== undefined ? { ok: false, error: r.error } : this.sendChanges(o, r.changes);
    }
    const stock = stockChanges(o, changes);
    if ('error' in stock) return { ok: false, error: stock.error };
    const { ticket: t, added } = stock;
    if (added > 0) {
      this.market.now = await broker.twsTime().catch(() => Date.now());
      const price = ticketReferencePrice(t, o.contract ? await marketPrice(this.options.broker, o.contract) : undefined) ?? 0;
      // The shares it adds are new risk: every rule, trading hours included, as for a new order.
      const verdict = this.check([{ symbol: t.symbol, quantity: t.side === 'BUY' ? added : -added, price }], {});
      if (!verdict.allowed) return { ok: false, error: `risk check ${verdict.rule}: ${verdict.reason}` };
    }
    return this.sendChanges(o, stock.next);
  }

  /** Sends a checked modification: journaled (fsync'ed) before it goes, its outcome after. */
  private async sendChanges(o: TrackedOrder, next: OrderChanges): Promise<{ ok: boolean; error?: string; order?: TrackedOrder }> {
    const { broker } = this.options;
    const orderId = o.orderId;
    if (Object.keys(next).length === 0) return { ok: false, error: `order ${orderId}: nothing changed (quantity ${o.quantity}, ${describePrices(o)})` };
    try {
      this.adopt(o);
      await this.writeDurable('modify-request', { orderRef: o.orderRef, orderId, ...next });
      const after = await broker.modifyOrder(orderId, next);
      this.write('modify-done', {
        orderRef: o.orderRef,
        orderId,
        quantity: after.quantity,
        limitPrice: after.limitPrice,
        stopPrice: after.stopPrice,
        state: after.state,
      });
      return { ok: true, order: after };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof JournalError)) this.write('modify-failed', { orderRef: o.orderRef, orderId, error: message });
      return { ok: false, error: message };
    }
  }

  /** Cancels a working manual order; the request is journaled before it is sent. */
  async cancel(orderId: number): Promise<{ ok: boolean; error?: string; order?: TrackedOrder }> {
    const why = notChangeable(this.options.broker, orderId);
    if (why) return { ok: false, error: why };
    const o = this.options.broker.order(orderId) as TrackedOrder;
    try {
      this.adopt(o);
      await this.writeDurable('cancel-request', { orderRef: o.orderRef, orderId, reason: 'cancelled by the user' });
      const after = await this.options.broker.cancelOrder(orderId);
      this.follow(after);
      return { ok: true, order: after };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** A ticket that closes what the account holds of `symbol` at the market (Flatten Position). */
  flattenTicket(symbol: string): TicketInput | undefined {
    const held = heldQuantity(this.options.broker, symbol);
    if (held === 0) return undefined;
    return { symbol, side: held > 0 ? 'SELL' : 'BUY', quantity: Math.abs(held), orderType: 'MKT', tif: 'DAY' };
  }

  dispose(): void {
    this.off();
    this.dayLoss.close();
    this.journal?.close();
    this.journal = undefined;
  }

  // ---------------------------------------------------------------- inside

  /** Judges `orders` in turn (a combo's legs: each sees the ones before it), the first refusal wins. */
  private check(orders: readonly RiskOrder[], opts: { overrideHours?: boolean; closing?: boolean }): RiskVerdict {
    const engine = opts.overrideHours ? this.anyHours : this.risk;
    let view = accountView(this.options.broker, this.workingOrders(), this.known);
    this.dayLoss.anchor(engine, view.equity);
    let verdict: RiskVerdict = { allowed: true, rule: null, reason: 'passed all risk checks' };
    for (const o of orders) {
      verdict = engine.check(o, view);
      // A closing order is exempt from the limits a session's flatten is exempt from (killSwitch.ts).
      if (opts.closing && !verdict.allowed && FLATTEN_EXEMPT.has(verdict.rule))
        verdict = { allowed: true, rule: null, reason: `closing is exempt from ${verdict.rule} (${verdict.reason})` };
      if (!verdict.allowed) return verdict;
      view = withOrder(view, o);
    }
    return verdict;
  }

  /** A ref that neither this desk's journal nor TWS has seen, nor its exits' (a clash of 32 random bits in the same ms is retried, not sent). */
  private freshRef(): string {
    for (;;) {
      const ref = newManualOrderRef();
      const forms = [ref, bracketExitRef(ref, 'takeProfit'), bracketExitRef(ref, 'stopLoss')];
      if (forms.every((r) => !this.refs.has(r) && !this.options.broker.knowsOrderRef(r))) return ref;
    }
  }

  private openJournal(): Journal {
    if (!this.journal) {
      this.journal = Journal.open(join(this.options.journalDir, 'manual'), this.deskId);
      this.journal.append('manual-desk', { deskId: this.deskId, account: this.options.broker.accountId, pid: process.pid });
    }
    return this.journal;
  }

  private write(type: string, data: Record<string, unknown>): void {
    this.openJournal().append(type, data);
  }

  private async writeDurable(type: string, data: Record<string, unknown>): Promise<void> {
    await this.openJournal().appendDurable(type, data).durable;
  }

  /**
   * A manual order this desk did not place (an earlier run's left working at TWS, e.g. a
   * bracket exit), acted on here: journaled with the ticket ref it belongs to, then followed.
   */
  private adopt(o: TrackedOrder): void {
    if (this.tracked.get(o.orderId)?.orderRef === o.orderRef || !o.orderRef) return;
    this.write('adopted', { orderRef: o.orderRef, parentRef: manualParentRef(o.orderRef), orderId: o.orderId, state: o.state, filled: o.filled });
    this.tracked.set(o.orderId, { orderRef: o.orderRef, state: o.state, filled: o.filled, execIds: new Set(o.fills.map((f) => f.execId)) });
  }

  /** Journals what changed in one of this desk's orders: fills first, then the status. */
  private follow(o: TrackedOrder): void {
    if (!o.orderRef) return;
    const rec = this.tracked.get(o.orderId);
    if (!rec || rec.orderRef !== o.orderRef) return;
    for (const f of o.fills) {
      if (rec.execIds.has(f.execId)) continue;
      this.write('fill', {
        manual: true,
        execId: f.execId,
        orderRef: o.orderRef,
        orderId: o.orderId,
        symbol: f.contract.symbol,
        // An option's execution (a combo's leg) or a combo's own line: which contract it is.
        ...(f.contract.secType !== 'STK' ? { secType: f.contract.secType, conId: f.contract.conId } : {}),
        side: f.side,
        shares: f.shares,
        price: f.price,
        time: f.time,
      });
      rec.execIds.add(f.execId);
    }
    if (rec.state === o.state && rec.filled === o.filled) return;
    if (TERMINAL_STATES.has(rec.state as TrackedOrder['state']) && o.state === 'lost') return;
    this.write('order-status', {
      orderRef: o.orderRef,
      orderId: o.orderId,
      state: o.state,
      filled: o.filled,
      remaining: o.remaining,
      avgFillPrice: o.avgFillPrice,
      ...(o.note ? { note: o.note } : {}),
    });
    rec.state = o.state;
    rec.filled = o.filled;
  }
}
