// The account as the manual order desk sees it (manualOrders.ts): TWS's positions of the
// whole account plus working manual orders for the risk checks, the market price a ticket is
// valued at, and what the user should know before confirming.
import { definedFields, pick } from '../core/objects';
import { uncoveredCallWarning, type Holding } from '../trading/callCoverage';
import { limitThroughMarket } from '../trading/limitThroughMarket';
import type { BrokerContract, TrackedOrder } from '../broker/types';
import { TERMINAL_STATES } from '../broker/types';
import type { OrderTicket } from '../trading/orderTicket';
import type { AccountView, PositionView, RiskEngine, RiskOrder } from '../trading/riskEngine';
import type { ManualBroker } from './manualBroker';
import { isManualOrderRef, parseOrderRef } from './orderRef';

/** An option's position key in the risk checks, e.g. `NVDA 20261218 150C` (a stock's is its symbol). */
export function optionLabel(c: Pick<BrokerContract, 'symbol' | 'expiry' | 'strike' | 'right'>): string {
  return `${c.symbol} ${c.expiry ?? '?'} ${c.strike ?? '?'}${c.right ?? '?'}`;
}

/** A stock's or an option's key in the risk checks (undefined: neither). */
function riskKey(c: BrokerContract): string | undefined {
  return c.secType === 'STK' ? c.symbol : c.secType === 'OPT' ? optionLabel(c) : undefined;
}

/** Units per contract: an option's multiplier (100), 1 for a stock. */
function unitsOf(c: BrokerContract): number {
  return c.secType === 'OPT' ? (c.multiplier ?? 100) : 1;
}

/**
 * The whole account as the checks see a manual order: TWS's positions plus working manual
 * orders. Options count per contract (their own key) in shares' terms: contracts x multiplier
 * at the premium per share. A working combo counts per leg; `known` gives its legs' contracts
 * (options the desk resolved), else a leg is keyed by its conId.
 */
export function accountView(broker: ManualBroker, working: readonly TrackedOrder[], known: ReadonlyMap<number, BrokerContract> = new Map()): AccountView {
  const snap = broker.account.value;
  const prices = new Map<number, number>();
  for (const p of snap?.portfolio ?? []) if (p.contract.conId !== undefined && p.marketPrice > 0) prices.set(p.contract.conId, p.marketPrice);
  const positions = new Map<string, PositionView>();
  const held = new Map<string, number>();
  const keys = new Map<number, string>();
  for (const [conId, c] of known) keys.set(conId, riskKey(c) ?? `conId ${conId}`);
  for (const p of broker.positionList()) {
    const key = riskKey(p.contract);
    if (!key) continue;
    if (p.contract.conId !== undefined) keys.set(p.contract.conId, key);
    const units = unitsOf(p.contract);
    held.set(key, p.quantity * units);
    const avgCost = p.avgCost / units;
    positions.set(key, { quantity: p.quantity * units, avgCost, marketPrice: prices.get(p.contract.conId ?? -1) ?? avgCost });
  }
  let workingBuys = 0;
  const add = (key: string, units: number, price: number) => {
    const now = positions.get(key);
    positions.set(key, { quantity: (now?.quantity ?? 0) + units, avgCost: now?.avgCost ?? price, marketPrice: now?.marketPrice ?? price });
  };
  for (const o of working) {
    const c = o.contract;
    if (!c) continue;
    const left = Math.max(0, o.quantity - o.filled) * (o.action === 'BUY' ? 1 : -1);
    if (c.secType === 'BAG') {
      for (const leg of c.legs ?? [])
        add(keys.get(leg.conId) ?? `conId ${leg.conId}`, left * leg.ratio * (leg.action === 'BUY' ? 1 : -1) * 100, prices.get(leg.conId) ?? 0);
      const net = o.limitPrice ?? 0;
      if (left > 0 && net > 0) workingBuys += left * net * 100;
      continue;
    }
    const key = riskKey(c);
    if (!key) continue;
    const units = left * unitsOf(c);
    const price = o.limitPrice ?? o.stopPrice ?? positions.get(key)?.marketPrice ?? 0;
    if (units > 0) workingBuys += units * price;
    add(key, units, price);
  }
  return {
    connection: broker.isReady ? 'connected' : 'disconnected',
    equity: snap?.netLiquidation ?? 0,
    positions,
    held,
    ...(snap?.buyingPower !== undefined ? { buyingPower: snap.buyingPower - workingBuys } : {}),
  };
}

/** The view after `o` (a combo's earlier leg) is added: its position, and its cost out of the buying power. */
export function withOrder(view: AccountView, o: RiskOrder): AccountView {
  const positions = new Map(view.positions);
  const now = positions.get(o.symbol);
  positions.set(o.symbol, { quantity: (now?.quantity ?? 0) + o.quantity, avgCost: now?.avgCost ?? o.price, marketPrice: now?.marketPrice ?? o.price });
  return { ...view, positions, ...(view.buyingPower !== undefined ? { buyingPower: view.buyingPower - Math.abs(o.quantity * o.price) } : {}) };
}

/** Contracts the account holds of an option (all owners). */
export function heldContracts(broker: ManualBroker, conId: number | undefined): number {
  return broker.positionList().find((p) => p.contract.secType === 'OPT' && p.contract.conId === conId)?.quantity ?? 0;
}

/** What the account holds of a stock (all owners). */
export function heldQuantity(broker: ManualBroker, symbol: string): number {
  return broker.positionList().find((p) => p.contract.secType === 'STK' && p.contract.symbol === symbol)?.quantity ?? 0;
}

/** A stock or an option holding of `quantity` (signed), for the call coverage check. */
export function holdingOf(c: BrokerContract, quantity: number): Holding & { conId?: number } {
  return {
    secType: c.secType,
    quantity,
    label: c.secType === 'OPT' ? optionLabel(c) : c.symbol,
    ...definedFields(pick(c, ['conId', 'right', 'expiry', 'multiplier'])),
  };
}

/** The account's holdings of one stock and its options (every owner), for the call coverage check. */
export function holdingsOf(broker: ManualBroker, symbol: string): Array<Holding & { conId?: number }> {
  return broker
    .positionList()
    .filter((p) => p.contract.symbol === symbol && (p.contract.secType === 'STK' || p.contract.secType === 'OPT') && p.quantity !== 0)
    .map((p) => holdingOf(p.contract, p.quantity));
}

/** What the user should know before confirming. */
export function warnings(broker: ManualBroker, t: OrderTicket, before: number, market: number | undefined): string[] {
  const out: string[] = [];
  // A stop limit's limit is set against the stop, not today's market.
  const through = t.orderType === 'LMT' ? limitThroughMarket(t.side, t.limitPrice, market, 'the market') : undefined;
  if (through) out.push(through);
  const signed = t.side === 'BUY' ? t.quantity : -t.quantity;
  const after = before + signed;
  if (after < 0 && before >= 0) out.push(`this opens a short position: the account holds ${before} ${t.symbol} and would hold ${after}`);
  if (before < 0 && after > 0) out.push(`this covers the short of ${-before} ${t.symbol} and opens a long position of ${after}`);
  // Selling shares that cover short calls leaves those calls naked.
  const held = holdingsOf(broker, t.symbol);
  const stockAfter = [...held.filter((h) => h.secType !== 'STK'), { secType: 'STK', quantity: after, label: t.symbol }];
  const naked = uncoveredCallWarning(t.symbol, held, stockAfter);
  if (naked) out.push(naked);
  const working = broker.orders().filter((o) => o.contract?.symbol === t.symbol && !TERMINAL_STATES.has(o.state));
  if (working.length)
    out.push(`${working.length} order(s) already working on ${t.symbol}: ${working.map((o) => `#${o.orderId} ${o.action} ${o.quantity}`).join(', ')}`);
  return out;
}

/** The market price now: last, else the mid, else the close, else the portfolio's mark. */
export async function marketPrice(broker: ManualBroker, contract: BrokerContract): Promise<number | undefined> {
  const snap = broker.account.value;
  const q = await broker.quoteSnapshot(contract, 4000).catch(() => undefined);
  const fromQuote = q?.last ?? (q?.bid !== undefined && q?.ask !== undefined ? (q.bid + q.ask) / 2 : undefined) ?? q?.close;
  if (fromQuote !== undefined && fromQuote > 0) return fromQuote;
  // By conId when known: an option's symbol is its stock's.
  const same = (c: BrokerContract) => (contract.conId !== undefined ? c.conId === contract.conId : c.symbol === contract.symbol);
  return snap?.portfolio.find((p) => same(p.contract) && p.marketPrice > 0)?.marketPrice;
}

/** Why `orderId` may not be changed from the ticket (undefined: it may): only working manual orders are. */
export function notChangeable(broker: ManualBroker, orderId: number): string | undefined {
  const o = broker.order(orderId);
  if (!o) return `order ${orderId} is not known to this connection`;
  const session = parseOrderRef(o.orderRef);
  if (session) return `order ${orderId} belongs to AI session ${session.sessionId}: the session manages it (stop it, or use the kill switch)`;
  if (!isManualOrderRef(o.orderRef))
    return `order ${orderId} was not placed from the order ticket (orderRef "${o.orderRef ?? ''}"): change it where it was placed`;
  if (TERMINAL_STATES.has(o.state)) return `order ${orderId} is ${o.state}: nothing to change`;
  return undefined;
}

/** An order's prices for a message, e.g. "limit 1.05, stop 0.9". */
export function describePrices(o: TrackedOrder): string {
  const parts = [];
  if (o.limitPrice !== undefined) parts.push(`limit ${o.limitPrice}`);
  if (o.stopPrice !== undefined) parts.push(`stop ${o.stopPrice}`);
  return parts.join(', ') || 'no prices';
}

/**
 * The day's loss for the desk's daily loss limit, as TWS counts it: the account's daily P&L
 * (reqPnL), so what was lost today before the desk was opened, by hand or by a session, still
 * counts (the engine alone would count from its first check). Subscribed only with a limit set.
 */
export class DayLoss {
  private readonly feed: ReturnType<ManualBroker['subscribePnl']> | undefined;
  /** the first ticket waited for TWS's first report (a TWS that sends none is waited for once) */
  private waited = false;

  constructor(
    broker: ManualBroker,
    private readonly limit: number | undefined,
  ) {
    this.feed = limit !== undefined ? broker.subscribePnl() : undefined;
  }

  /** Waits up to 2 s for TWS's first report (it sends one about every second); once per desk, so a TWS that sends none costs one wait, not one per ticket. */
  async ready(): Promise<void> {
    const v = this.feed?.value;
    if (!v || v.value !== undefined || this.waited) return;
    this.waited = true;
    await v.when((x) => x !== undefined, 2000).catch(() => undefined);
  }

  /** Starts `engine`'s trading day at `equity` less TWS's daily P&L, when TWS sent one. */
  anchor(engine: RiskEngine, equity: number): void {
    const daily = this.feed?.value.value?.daily;
    if (daily !== undefined && Number.isFinite(daily) && equity > 0) engine.anchorDayStart(equity - daily);
  }

  /** What a preview should say when the limit cannot see the start of the day. */
  warnings(): string[] {
    return this.limit !== undefined && this.feed?.value.value === undefined
      ? [
          `dailyLossLimit ${this.limit}: TWS sent no daily P&L for the account, so the loss counts from this desk's first check, not from the start of the trading day`,
        ]
      : [];
  }

  close(): void {
    this.feed?.close();
  }
}
