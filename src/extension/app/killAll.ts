// The extension's kill switch: the session (if any) stops at once and cancels its working
// orders (flattening its book if asked), then every other open order of this connection is
// cancelled too. The result names each cancelled order and the positions that stay open
// (TWS's figures), and killNotice() words it for the user. No vscode.
import type { BrokerClient } from '../broker/brokerClient';
import { TERMINAL_STATES, type Position, type TrackedOrder } from '../broker/types';
import type { KillReport } from '../session/killSwitch';
import { parseOrderRef } from '../session/orderRef';
import type { TradingSession } from '../session/tradingSession';

export interface KillResult {
  sessionStopped: boolean;
  /** how many orders were cancelled */
  cancelled: number;
  /** each cancelled order, e.g. "BUY 10 NVDA (#12)" */
  cancelledOrders: string[];
  failures: string[];
  /** the session's flattening orders that were sent (symbols) */
  flattened: string[];
  /** whether the session was asked to flatten its book */
  flatten: boolean;
  /** positions TWS still holds after the kill switch (non-zero), by symbol */
  openPositions: Array<{ symbol: string; quantity: number }>;
}

export function describeOrder(o: TrackedOrder | undefined, fallback: string): string {
  if (!o) return fallback;
  const what = [o.action, o.quantity ? String(o.quantity) : undefined, o.contract?.symbol].filter(Boolean).join(' ');
  const price = o.type === 'LMT' && o.limitPrice !== undefined ? ` limit ${o.limitPrice.toFixed(2)}` : '';
  return `${what || 'order'}${price} (#${o.orderId})`;
}

export function openPositions(positions: Iterable<Position>): Array<{ symbol: string; quantity: number }> {
  const bySymbol = new Map<string, number>();
  for (const p of positions) if (p.quantity !== 0) bySymbol.set(p.contract.symbol, (bySymbol.get(p.contract.symbol) ?? 0) + p.quantity);
  return [...bySymbol.entries()].filter(([, q]) => q !== 0).map(([symbol, quantity]) => ({ symbol, quantity }));
}

export async function killAll(
  session: TradingSession | undefined,
  broker: BrokerClient | undefined,
  opts: { reason: string; flatten?: boolean },
): Promise<KillResult> {
  const before = broker?.orders() ?? [];
  const byRef = new Map(before.filter((o) => o.orderRef).map((o) => [o.orderRef!, o]));
  const cancelledOrders: string[] = [];
  const failures: string[] = [];
  const flattened: string[] = [];
  const flatten = session ? (opts.flatten ?? session.config.flattenOnStop) : false;
  if (session) {
    const report = await session.kill({ reason: opts.reason, flatten });
    for (const ref of report?.cancelled ?? []) cancelledOrders.push(describeOrder(byRef.get(ref), ref));
    for (const f of report?.cancelFailures ?? []) failures.push(`${describeOrder(byRef.get(f.orderRef), f.orderRef)}: ${f.error}`);
    for (const f of report?.flattened ?? [])
      if (f.sent) flattened.push(broker?.orders().find((o) => o.orderRef === f.orderRef)?.contract?.symbol ?? f.orderRef);
  }
  if (broker?.isReady) {
    const open = broker.orders().filter((o) => !TERMINAL_STATES.has(o.state) && !o.cancelRequested);
    const results = await Promise.allSettled(open.map((o) => broker.cancelOrder(o.orderId)));
    results.forEach((r, i) => {
      const o = open[i]!;
      if (r.status === 'fulfilled') cancelledOrders.push(describeOrder(o, `#${o.orderId}`));
      else failures.push(`${describeOrder(o, `#${o.orderId}`)}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    });
  }
  return {
    sessionStopped: session !== undefined,
    cancelled: cancelledOrders.length,
    cancelledOrders,
    failures,
    flattened,
    flatten,
    openPositions: broker ? openPositions(broker.positions.value.values()) : [],
  };
}

function shares(p: { symbol: string; quantity: number }): string {
  return `${p.symbol} ${p.quantity > 0 ? '' : 'short '}${Math.abs(p.quantity)}`;
}

function list(items: readonly string[], max = 5): string {
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

/** "no orders", "1 order", "3 orders". */
function orders(n: number): string {
  return n === 0 ? 'no orders' : n === 1 ? '1 order' : `${n} orders`;
}

/** The kill switch's report in one sentence per fact: what stopped, what was cancelled, what stays open. */
export function killNotice(r: KillResult): { message: string; severity: 'warning' | 'error' } {
  const parts: string[] = [];
  parts.push(r.sessionStopped ? 'AI session stopped.' : 'No AI session was running.');
  parts.push(r.cancelled ? `Cancelled ${orders(r.cancelled)}: ${list(r.cancelledOrders)}.` : 'No open orders to cancel.');
  if (r.failures.length) parts.push(`Could not cancel ${list(r.failures)}.`);
  if (r.flattened.length) parts.push(`Closing the session's shares in ${list(r.flattened)}.`);
  if (r.openPositions.length) {
    // TWS's positions, every owner's: only the session's book could have been flattened.
    const why = r.flatten ? '' : r.sessionStopped ? " (the session's book is not flattened: ibkrAi.risk.flattenOnStop is off)" : '';
    parts.push(`Positions still open at TWS: ${list(r.openPositions.map(shares))}${why}.`);
  } else parts.push('No positions open.');
  return { message: `IBKR kill switch: ${parts.join(' ')}`, severity: r.failures.length ? 'error' : 'warning' };
}

/** "Flatten Book"'s report: which of the book's symbols are being closed, what was cancelled, what was not flattened and why. */
export function flattenBookNotice(r: KillReport): { message: string; severity: 'info' | 'error' } {
  const symbol = (ref: string) => parseOrderRef(ref)?.symbol ?? ref;
  const closed = r.flattened.map((f) => symbol(f.orderRef));
  const parts = [
    `the session's book is ${r.notFlattened.length ? 'partly ' : ''}flattened${closed.length ? ` (closing ${list(closed)})` : ' (it held nothing)'}`,
    `${orders(r.cancelled.length)} cancelled`,
  ];
  if (r.cancelFailures.length) parts.push(`could not cancel ${list(r.cancelFailures.map((f) => `the ${symbol(f.orderRef)} order (${f.error})`))}`);
  if (r.notFlattened.length) parts.push(`not flattened: ${r.notFlattened.map((n) => `${n.symbol}: ${n.reason}`).join('; ')}`);
  return {
    message: `IBKR: ${parts.join('; ')}. Positions outside the book stay open.`,
    severity: r.notFlattened.length || r.cancelFailures.length ? 'error' : 'info',
  };
}
