// The account as the manual order desk sees it (manualOrders.ts): TWS's positions of the
// whole account plus working manual orders for the risk checks, the market price a ticket is
// valued at, and what the user should know before confirming.
import type { BrokerContract, TrackedOrder } from '../broker/types';
import { TERMINAL_STATES } from '../broker/types';
import type { OrderTicket } from '../trading/orderTicket';
import type { AccountView, PositionView } from '../trading/riskEngine';
import type { ManualBroker } from './manualOrders';

/** The whole account as the checks see a manual order: TWS's positions plus working manual orders. */
export function accountView(broker: ManualBroker, working: readonly TrackedOrder[]): AccountView {
  const snap = broker.account.value;
  const prices = new Map<string, number>();
  for (const p of snap?.portfolio ?? []) if (p.contract.secType === 'STK' && p.marketPrice > 0) prices.set(p.contract.symbol, p.marketPrice);
  const positions = new Map<string, PositionView>();
  const held = new Map<string, number>();
  for (const p of broker.positionList()) {
    if (p.contract.secType !== 'STK') continue;
    held.set(p.contract.symbol, p.quantity);
    positions.set(p.contract.symbol, { quantity: p.quantity, avgCost: p.avgCost, marketPrice: prices.get(p.contract.symbol) ?? p.avgCost });
  }
  let workingBuys = 0;
  for (const o of working) {
    const symbol = o.contract?.symbol;
    if (!symbol) continue;
    const left = Math.max(0, o.quantity - o.filled) * (o.action === 'BUY' ? 1 : -1);
    const now = positions.get(symbol);
    const price = o.limitPrice ?? o.stopPrice ?? now?.marketPrice ?? 0;
    if (left > 0) workingBuys += left * price;
    positions.set(symbol, { quantity: (now?.quantity ?? 0) + left, avgCost: now?.avgCost ?? price, marketPrice: now?.marketPrice ?? price });
  }
  return {
    connection: broker.isReady ? 'connected' : 'disconnected',
    equity: snap?.netLiquidation ?? 0,
    positions,
    held,
    ...(snap?.buyingPower !== undefined ? { buyingPower: snap.buyingPower - workingBuys } : {}),
  };
}

/** What the account holds of a stock (all owners). */
export function heldQuantity(broker: ManualBroker, symbol: string): number {
  return broker.positionList().find((p) => p.contract.secType === 'STK' && p.contract.symbol === symbol)?.quantity ?? 0;
}

/** What the user should know before confirming. */
export function warnings(broker: ManualBroker, t: OrderTicket, before: number): string[] {
  const out: string[] = [];
  const signed = t.side === 'BUY' ? t.quantity : -t.quantity;
  const after = before + signed;
  if (after < 0 && before >= 0) out.push(`this opens a short position: the account holds ${before} ${t.symbol} and would hold ${after}`);
  if (before < 0 && after > 0) out.push(`this covers the short of ${-before} ${t.symbol} and opens a long position of ${after}`);
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
  return snap?.portfolio.find((p) => p.contract.symbol === contract.symbol && p.marketPrice > 0)?.marketPrice;
}

/** An order's prices for a message, e.g. "limit 1.05, stop 0.9". */
export function describePrices(o: TrackedOrder): string {
  const parts = [];
  if (o.limitPrice !== undefined) parts.push(`limit ${o.limitPrice}`);
  if (o.stopPrice !== undefined) parts.push(`stop ${o.stopPrice}`);
  return parts.join(', ') || 'no prices';
}
