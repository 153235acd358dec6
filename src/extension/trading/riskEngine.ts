// Pre-order risk checks. Every order the live session or the backtester wants to send goes
// through check(), which answers with an explicit verdict naming the rule that refused it.
// What each limit means is said once, in riskLimits.ts. Time comes from an injected clock
// so tests and backtests control it.
import { US_REGULAR_HOURS, formatMinute, isWithinSession, sessionOfDate, zonedTime } from '../core/marketHours';
import type { SessionHours } from '../core/marketHours';
import { ownershipProblem } from './bookRules';
import type { RiskLimits } from './riskLimits';

export type RiskRule =
  | 'connection'
  | 'ownership'
  | 'buyingPower'
  | 'symbolAllowlist'
  | 'tradingHours'
  | 'maxOrderQuantity'
  | 'maxPosition'
  | 'maxGrossNotional'
  | 'maxOrdersPerMinute'
  | 'dailyLossLimit'
  | 'stopLoss';

/** The link to TWS as the risk engine sees it (the broker's full state is broker/types.ts BrokerConnectionState). */
export type RiskConnectionState = 'connected' | 'connecting' | 'disconnected' | 'reconciling';

export interface PositionView {
  readonly quantity: number;
  readonly avgCost: number;
  readonly marketPrice: number;
}

export interface AccountView {
  readonly connection: RiskConnectionState;
  readonly equity: number;
  /** the book's positions (its own shares, plus working and proposed orders), never what it does not own */
  readonly positions: ReadonlyMap<string, PositionView>;
  /** shares TWS holds now per symbol (the whole account's, all owners); absent when unknown */
  readonly held?: ReadonlyMap<string, number>;
  /** shares TWS holds outside the book per symbol (signed: held - the book's own); absent when unknown */
  readonly external?: ReadonlyMap<string, number>;
  /** what the account can still buy: TWS's BuyingPower less the book's working and proposed buys; absent when unknown */
  readonly buyingPower?: number;
}

/** An order as the risk engine judges it (the session's own proposal is session/decision.ts OrderProposal). */
export interface RiskOrder {
  readonly symbol: string;
  /** signed: + buy, - sell */
  readonly quantity: number;
  /** reference price for notional checks */
  readonly price: number;
  /** an option's stock: the allowlist names stocks (an option's `symbol` is its own position key) */
  readonly underlying?: string;
}

export type RiskVerdict =
  { readonly allowed: true; readonly rule: null; readonly reason: string } | { readonly allowed: false; readonly rule: RiskRule; readonly reason: string };

/** The time now in epoch ms (Date.now; tests pass their own). */
export type NowMs = () => number;

export interface StopLossBreach {
  readonly symbol: string;
  /** the order that closes the position */
  readonly order: RiskOrder;
  readonly adverseMove: number;
}

const MINUTE_MS = 60_000;

function refuse(rule: RiskRule, reason: string): RiskVerdict {
  return { allowed: false, rule, reason };
}

/** An order that shrinks a position without flipping it: allowed past loss limits so a position can always be closed. */
export function isRiskReducing(current: number, quantity: number): boolean {
  const after = current + quantity;
  return current !== 0 && Math.abs(after) < Math.abs(current) && (after === 0 || Math.sign(after) === Math.sign(current));
}

/** Adverse move of a position from its average cost: positive when it is losing. */
export function adverseMove(p: PositionView): number {
  if (p.quantity === 0 || !(p.avgCost > 0)) return 0;
  return -Math.sign(p.quantity) * (p.marketPrice / p.avgCost - 1);
}

export class RiskEngine {
  private readonly hours: SessionHours | null;
  private readonly dayZone: string;
  private readonly sent: number[] = [];
  private readonly stoppedOut = new Map<string, number>();
  private dayKey = -1;
  /** the trading day the daily loss limit was reached on (-1: not reached) */
  private lossLimitDay = -1;
  /** the trading day observeEquity last reported the limit reached (a check may reach it first) */
  private lossLimitReported = -1;
  private dayStartEquity = NaN;
  private lastEquity = NaN;

  constructor(
    readonly limits: RiskLimits,
    private readonly clock: NowMs = Date.now,
  ) {
    this.hours = limits.tradingHours === undefined ? US_REGULAR_HOURS : limits.tradingHours;
    this.dayZone = this.hours?.timeZone ?? 'UTC';
    for (const [name, v] of Object.entries(limits)) {
      if (typeof v === 'number' && !(v >= 0)) throw new RangeError(`risk limit ${name} must be a number >= 0, got ${v}`);
    }
  }

  /** Checks one order against every rule, in a fixed order; the first rule that refuses wins. */
  check(order: RiskOrder, account: AccountView): RiskVerdict {
    const now = this.clock();
    const l = this.limits;
    const current = account.positions.get(order.symbol)?.quantity ?? 0;
    const reducing = isRiskReducing(current, order.quantity);

    if (account.connection !== 'connected') {
      return refuse('connection', `no orders while ${account.connection}: wait until the broker connection is up and positions are reconciled`);
    }
    if (!Number.isFinite(order.quantity) || order.quantity === 0 || !Number.isInteger(order.quantity)) {
      return refuse('maxOrderQuantity', `order quantity ${order.quantity} is not a non-zero whole number of shares`);
    }
    const notOurs = ownershipProblem(
      order.symbol,
      order.quantity,
      current,
      account.held?.get(order.symbol),
      l.allowShort !== false,
      account.external?.get(order.symbol),
    );
    if (notOurs) return refuse('ownership', notOurs);
    const listed = order.underlying ?? order.symbol;
    if (l.symbolAllowlist && !l.symbolAllowlist.includes(listed)) {
      return refuse('symbolAllowlist', `${listed} is not in the symbol allowlist (${l.symbolAllowlist.join(', ') || 'empty'})`);
    }
    if (this.hours && !isWithinSession(now, this.hours)) {
      const z = zonedTime(now, this.hours.timeZone);
      // That day's hours (an early close ends at 13:00), or why there are none (a holiday).
      const day = sessionOfDate(this.hours, z.year, z.month, z.day);
      const span = day ?? this.hours;
      const holiday = !day && this.hours.weekdays.includes(z.weekday) ? '; the market is closed that day (holiday)' : '';
      return refuse(
        'tradingHours',
        `${formatMinute(z.minuteOfDay)} ${this.hours.timeZone} (weekday ${z.weekday}) is outside trading hours ` +
          `${formatMinute(span.openMinute)}-${formatMinute(span.closeMinute)} on weekdays ${this.hours.weekdays.join(',')}${holiday}`,
      );
    }
    if (l.maxOrderQuantity !== undefined && Math.abs(order.quantity) > l.maxOrderQuantity) {
      return refuse('maxOrderQuantity', `order for ${Math.abs(order.quantity)} shares exceeds the maximum of ${l.maxOrderQuantity} per order`);
    }
    if (l.maxPositionPerSymbol !== undefined && !reducing && Math.abs(current + order.quantity) > l.maxPositionPerSymbol) {
      return refuse('maxPosition', `${order.symbol} position would be ${current + order.quantity} shares, beyond the maximum of ${l.maxPositionPerSymbol}`);
    }
    if (l.maxGrossNotional !== undefined && !reducing) {
      const gross = grossNotionalAfter(order, account.positions);
      if (gross > l.maxGrossNotional) {
        return refuse('maxGrossNotional', `gross notional would be ${gross.toFixed(2)}, beyond the maximum of ${l.maxGrossNotional}`);
      }
    }
    if (account.buyingPower !== undefined && !reducing) {
      const cost = Math.abs(order.quantity * order.price);
      if (cost > account.buyingPower) {
        return refuse(
          'buyingPower',
          `order worth ${cost.toFixed(2)} is more than the account can buy (TWS BuyingPower left: ${Math.max(0, account.buyingPower).toFixed(2)})`,
        );
      }
    }
    if (l.maxOrdersPerMinute !== undefined) {
      const recent = this.ordersSince(now - MINUTE_MS);
      if (recent >= l.maxOrdersPerMinute) {
        return refuse('maxOrdersPerMinute', `${recent} orders in the last minute reach the maximum of ${l.maxOrdersPerMinute} per minute`);
      }
    }
    if (l.dailyLossLimit !== undefined && !reducing && this.dailyLossLimitReached(account.equity)) {
      return refuse(
        'dailyLossLimit',
        `the daily loss limit of ${l.dailyLossLimit} is reached today (loss now ${this.dailyLoss(account.equity).toFixed(2)}); only orders that reduce a position go until the next trading day`,
      );
    }
    if (l.stopLossFraction !== undefined && !reducing) {
      const stoppedDay = this.stoppedOut.get(order.symbol);
      if (stoppedDay === zonedTime(now, this.dayZone).dateKey) {
        return refuse('stopLoss', `${order.symbol} was stopped out today; re-entry is allowed from the next trading day`);
      }
      const p = account.positions.get(order.symbol);
      if (p && adverseMove(p) >= l.stopLossFraction) {
        return refuse(
          'stopLoss',
          `${order.symbol} is ${(adverseMove(p) * 100).toFixed(2)}% against its average cost, past the ${(l.stopLossFraction * 100).toFixed(2)}% stop`,
        );
      }
    }
    return { allowed: true, rule: null, reason: 'passed all risk checks' };
  }

  /**
   * Call when an order is decided (before it is sent, so the next decision of the same cycle
   * counts it): it counts toward the per-minute rate. Returns its time, for withdrawOrder.
   */
  recordOrder(): number {
    const now = this.clock();
    this.sent.push(now);
    if (this.sent.length > 1024) this.sent.splice(0, this.sent.length - 1024);
    return now;
  }

  /** An order recorded at `at` was not sent after all: it no longer counts. */
  withdrawOrder(at: number): void {
    const i = this.sent.lastIndexOf(at);
    if (i >= 0) this.sent.splice(i, 1);
  }

  /**
   * Feed the account's equity as it changes. The last value seen before a trading day starts
   * (in the trading-hours time zone) is that day's reference for the daily loss limit.
   * Returns true once per trading day: the first time it sees the daily loss limit reached
   * (here, or by a check since the last call), so the caller can journal it.
   */
  observeEquity(equity: number): boolean {
    const reached = this.dailyLossLimitReached(equity);
    this.lastEquity = equity;
    if (!reached || this.lossLimitReported === this.dayKey) return false;
    this.lossLimitReported = this.dayKey;
    return true;
  }

  /**
   * The trading day's starting equity as the broker counts it (net liquidation less TWS's daily
   * P&L of the account): the daily loss limit measures from there, not from the first equity
   * this engine saw, so losses taken before the engine existed still count.
   */
  anchorDayStart(startEquity: number): void {
    this.dayKey = zonedTime(this.clock(), this.dayZone).dateKey;
    this.dayStartEquity = startEquity;
  }

  /** The daily loss limit was reached earlier today (journaled already, e.g. by a session restarted since): it holds until the next trading day. */
  reachDailyLossLimit(): void {
    this.lossLimitDay = this.lossLimitReported = zonedTime(this.clock(), this.dayZone).dateKey;
  }

  /**
   * Whether the daily loss limit is reached today, at `equity` or at any equity checked or
   * observed earlier that trading day: once reached it holds until the next trading day.
   */
  dailyLossLimitReached(equity: number): boolean {
    const limit = this.limits.dailyLossLimit;
    const now = this.clock();
    const start = this.startEquityFor(now, equity);
    if (limit === undefined) return false;
    if (start - equity >= limit) this.lossLimitDay = this.dayKey;
    return this.lossLimitDay === this.dayKey;
  }

  /** Loss since the trading day began (positive when losing) at `equity`: what the daily loss limit compares. */
  dailyLoss(equity: number): number {
    return this.startEquityFor(this.clock(), equity) - equity;
  }

  /** Positions past the stop: orders that close them. Call recordStopOut once one is sent. */
  stopLossBreaches(account: AccountView): StopLossBreach[] {
    const stop = this.limits.stopLossFraction;
    if (stop === undefined) return [];
    const out: StopLossBreach[] = [];
    for (const [symbol, p] of account.positions) {
      const move = adverseMove(p);
      if (p.quantity !== 0 && move >= stop) {
        out.push({ symbol, adverseMove: move, order: { symbol, quantity: -p.quantity, price: p.marketPrice } });
      }
    }
    return out;
  }

  recordStopOut(symbol: string): void {
    this.stoppedOut.set(symbol, zonedTime(this.clock(), this.dayZone).dateKey);
  }

  private ordersSince(fromMs: number): number {
    let n = 0;
    for (let i = this.sent.length - 1; i >= 0 && (this.sent[i] ?? -Infinity) > fromMs; i--) n++;
    return n;
  }

  private startEquityFor(now: number, equity: number): number {
    const key = zonedTime(now, this.dayZone).dateKey;
    if (key !== this.dayKey) {
      this.dayKey = key;
      this.dayStartEquity = Number.isNaN(this.lastEquity) ? equity : this.lastEquity;
    }
    return this.dayStartEquity;
  }
}

function grossNotionalAfter(order: RiskOrder, positions: ReadonlyMap<string, PositionView>): number {
  let gross = 0;
  let seen = false;
  for (const [symbol, p] of positions) {
    if (symbol === order.symbol) {
      seen = true;
      gross += Math.abs((p.quantity + order.quantity) * order.price);
    } else {
      gross += Math.abs(p.quantity * p.marketPrice);
    }
  }
  if (!seen) gross += Math.abs(order.quantity * order.price);
  return gross;
}
