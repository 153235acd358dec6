// The blotter: every order the panel has seen, kept per session and connection. TWS numbers
// orders per client, so a new session's order #11 is not an old session's #11: a row is keyed
// by its orderRef (it names its session; a manual bracket's exits carry `<ref>:tp` / `<ref>:sl`)
// with its order id (brackets placed by older versions share one ref across their three legs),
// else by the connection it was seen on and its order id (merged by permId when TWS lists it
// again after a reconnect).
// Each row carries its fills with their commissions and, for an order a session decision
// placed, its slippage against the decision's price. Working orders are marked stale while
// the connection is down.
import { TERMINAL_STATES, type BrokerContract, type Fill, type OrderLifecycle, type TrackedOrder } from '../broker/types';
import type { DecisionRecord } from '../session/decision';
import { parseOrderRef } from '../session/orderRef';
import type { FillRow, OrderRow } from '../../webview/protocol';

const isFinal = (s: OrderLifecycle): boolean => TERMINAL_STATES.has(s);

interface Entry {
  key: string;
  seq: number;
  placedAt: number;
  order: TrackedOrder;
  /** when each execution was first seen, by execId */
  seenAt: Map<string, number>;
}

/** Signed per-share slippage, positive when it cost money: BUY paid above the decision price, SELL got below it. */
export function slippageOf(action: string, avgFillPrice: number, decisionPrice: number): number {
  const d = action === 'SELL' ? decisionPrice - avgFillPrice : avgFillPrice - decisionPrice;
  return Math.round(d * 1e4) / 1e4;
}

export class Blotter {
  private readonly entries = new Map<string, Entry>();
  private readonly byPermId = new Map<number, string>();
  private readonly decisionPrices = new Map<string, { price: number; at: number }>();
  private connection = 0;
  private connected = false;
  private seq = 0;

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new connection to TWS: its order ids start a new key space. */
  newConnection(): void {
    this.connection++;
  }

  /** Whether TWS is connected now (working orders are stale while it is not). */
  setConnected(connected: boolean): boolean {
    if (this.connected === connected) return false;
    this.connected = connected;
    return [...this.entries.values()].some((e) => !isFinal(e.order.state));
  }

  /** A session decision that placed an order: its price is what the fills' slippage is measured against. */
  decision(d: DecisionRecord): boolean {
    const p = d.outcome === 'order' ? d.proposal : undefined;
    if (!p) return false;
    this.decisionPrices.set(p.orderRef, { price: p.price, at: d.marketTime });
    if (this.decisionPrices.size > this.limit * 4) this.decisionPrices.delete(this.decisionPrices.keys().next().value!);
    return [...this.entries.values()].some((e) => e.order.orderRef === p.orderRef);
  }

  upsert(o: TrackedOrder): void {
    const key = this.keyOf(o);
    let e = this.entries.get(key);
    if (!e) {
      e = { key, seq: ++this.seq, placedAt: this.now(), order: o, seenAt: new Map() };
      this.entries.set(key, e);
    }
    e.order = o;
    if (o.permId !== undefined) this.byPermId.set(o.permId, key);
    for (const f of o.fills) if (!e.seenAt.has(f.execId)) e.seenAt.set(f.execId, this.now());
    if (this.entries.size > this.limit * 2) this.trim();
  }

  rows(): OrderRow[] {
    return [...this.entries.values()]
      .sort((a, b) => b.seq - a.seq)
      .slice(0, this.limit)
      .map((e) => this.row(e));
  }

  private keyOf(o: TrackedOrder): string {
    if (o.orderRef) return `ref:${o.orderRef}#${o.orderId}`;
    const known = o.permId !== undefined ? this.byPermId.get(o.permId) : undefined;
    return known ?? `c${this.connection}:${o.orderId}`;
  }

  private trim(): void {
    const drop = [...this.entries.values()].sort((a, b) => a.seq - b.seq).slice(0, this.entries.size - this.limit);
    for (const e of drop) {
      this.entries.delete(e.key);
      if (e.order.permId !== undefined && this.byPermId.get(e.order.permId) === e.key) this.byPermId.delete(e.order.permId);
    }
  }

  private row(e: Entry): OrderRow {
    const o = e.order;
    const decided = o.orderRef ? this.decisionPrices.get(o.orderRef) : undefined;
    const decisionPrice = decided?.price;
    const sessionId = parseOrderRef(o.orderRef)?.sessionId;
    const note = o.note ?? o.errors[o.errors.length - 1]?.message;
    return {
      key: e.key,
      orderId: o.orderId,
      ...(sessionId ? { sessionId } : {}),
      symbol: o.contract?.symbol ?? '?',
      ...(o.contract && o.contract.secType !== 'STK' ? { contract: contractText(o) } : {}),
      action: o.action ?? '?',
      quantity: o.quantity,
      type: o.type ?? '?',
      status: o.state,
      filled: o.filled,
      remaining: o.remaining,
      avgFillPrice: o.avgFillPrice,
      ...(o.orderRef ? { orderRef: o.orderRef } : {}),
      ...(note ? { note } : {}),
      placedAt: e.placedAt,
      updatedAt: o.updatedAt,
      // A combo's fills in its own units at the net price (its legs' executions carry the commissions).
      fills: o.fills.filter((f) => o.contract?.secType !== 'BAG' || f.contract.secType === 'BAG').map((f) => fillRow(f, e.seenAt.get(f.execId) ?? o.updatedAt)),
      commission: Math.round(o.fills.reduce((sum, f) => sum + (f.commission ?? 0), 0) * 1e4) / 1e4,
      ...(decided ? { decisionPrice: decided.price, decisionTime: decided.at } : {}),
      ...(decisionPrice !== undefined && o.filled > 0 ? { slippage: slippageOf(o.action ?? 'BUY', o.avgFillPrice, decisionPrice) } : {}),
      stale: !this.connected && !isFinal(o.state),
    };
  }
}

/** An option or a combo as the blotter names it: `NVDA 20261218 150C`, `NVDA combo (+1 20261218 150C, -1 20261218 155C)` (a leg not filled yet by its conId). */
export function contractText(o: TrackedOrder): string {
  const c = o.contract;
  if (!c) return '?';
  const option = (x: BrokerContract) => `${x.expiry ?? '?'} ${x.strike ?? '?'}${x.right ?? '?'}`;
  if (c.secType === 'OPT') return `${c.symbol} ${option(c)}`;
  if (c.secType !== 'BAG') return `${c.symbol} ${c.secType}`;
  const known = new Map(o.fills.filter((f) => f.contract.secType === 'OPT').map((f) => [f.contract.conId, f.contract]));
  const legs = (c.legs ?? []).map((l) => {
    const leg = known.get(l.conId);
    return `${l.action === 'BUY' ? '+' : '-'}${l.ratio} ${leg ? option(leg) : `#${l.conId}`}`;
  });
  return `${c.symbol} combo (${legs.join(', ')})`;
}

function fillRow(f: Fill, at: number): FillRow {
  return { execId: f.execId, shares: f.shares, price: f.price, at, ...(f.commission !== undefined ? { commission: f.commission } : {}) };
}
