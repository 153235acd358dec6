// The simulated account: cash, positions with IB-style average cost (commissions
// included), realized P&L, and the account values TWS reports, all derived from fills
// so NetLiquidation, TotalCashValue and BuyingPower stay consistent.
import type { WireContract } from '../protocol/contractTypes';

export interface Position {
  contract: WireContract;
  /** Signed quantity (shares or contracts). */
  quantity: number;
  /** Average cost per unit including commissions, times the multiplier (IB convention). */
  avgCost: number;
  multiplier: number;
  realizedPnl: number;
}

export interface FillResult {
  realizedPnl: number | undefined; // undefined when the fill only opened/added
}

export type Marks = (conId: number) => number | undefined;

export class Account {
  readonly positions = new Map<number, Position>();
  cash: number;
  realizedPnl = 0;
  commissions = 0;
  private startNetLiq: number | undefined;

  constructor(
    readonly id: string,
    startingCash: number,
    readonly currency = 'USD',
  ) {
    this.cash = startingCash;
  }

  get isPaper(): boolean {
    return this.id.startsWith('D');
  }

  /** Applies a fill: `quantity` > 0 buys, < 0 sells, at `price` per unit. */
  applyFill(contract: WireContract, quantity: number, price: number, multiplier: number, commission: number): FillResult {
    this.cash -= quantity * price * multiplier + commission;
    this.commissions += commission;
    const pos = this.positions.get(contract.conId) ?? { contract, quantity: 0, avgCost: 0, multiplier, realizedPnl: 0 };
    const unitCost = price * multiplier;
    let realized: number | undefined;
    const sameSide = pos.quantity === 0 || Math.sign(pos.quantity) === Math.sign(quantity);
    // Commissions raise a long's average cost and lower a short's (IB's convention).
    if (sameSide) {
      const newQty = pos.quantity + quantity;
      pos.avgCost = (Math.abs(pos.quantity) * pos.avgCost + Math.abs(quantity) * unitCost + Math.sign(newQty) * commission) / Math.abs(newQty);
      pos.quantity = newQty;
    } else {
      const closing = Math.min(Math.abs(quantity), Math.abs(pos.quantity));
      const direction = Math.sign(pos.quantity); // +1 closing a long
      const closingCommission = commission * (closing / Math.abs(quantity));
      realized = direction * (unitCost - pos.avgCost) * closing - closingCommission;
      pos.quantity += quantity;
      const opened = Math.abs(quantity) - closing;
      if (opened > 0) {
        pos.avgCost = (opened * unitCost + Math.sign(pos.quantity) * (commission - closingCommission)) / opened;
      } else if (pos.quantity === 0) {
        pos.avgCost = 0;
      }
      pos.realizedPnl += realized;
      this.realizedPnl += realized;
    }
    pos.contract = contract;
    this.positions.set(contract.conId, pos);
    return { realizedPnl: realized };
  }

  /** What survives a restart (simState.ts): cash, positions, P&L and the day's starting value. */
  snapshot(): AccountSnapshot {
    return {
      id: this.id,
      currency: this.currency,
      cash: this.cash,
      realizedPnl: this.realizedPnl,
      commissions: this.commissions,
      ...(this.startNetLiq !== undefined ? { startNetLiq: this.startNetLiq } : {}),
      positions: [...this.positions.values()].map((p) => ({ ...p })),
    };
  }

  /** Takes a snapshot back; `sameDay` keeps the day's starting value (DailyPnL). */
  restore(s: AccountSnapshot, sameDay: boolean): void {
    this.cash = s.cash;
    this.realizedPnl = s.realizedPnl;
    this.commissions = s.commissions;
    this.startNetLiq = sameDay ? s.startNetLiq : undefined;
    this.positions.clear();
    for (const p of s.positions) this.positions.set(p.contract.conId, { ...p });
  }

  /** Market value and unrealized P&L of one position at `mark`. */
  valuation(pos: Position, mark: number): { marketValue: number; unrealizedPnl: number } {
    const marketValue = pos.quantity * mark * pos.multiplier;
    return { marketValue, unrealizedPnl: marketValue - pos.quantity * pos.avgCost };
  }

  summary(marks: Marks): AccountSummary {
    let gross = 0;
    let longValue = 0;
    let unrealized = 0;
    let optionValue = 0;
    for (const pos of this.positions.values()) {
      if (pos.quantity === 0) continue;
      const mark = marks(pos.contract.conId) ?? pos.avgCost / pos.multiplier;
      const { marketValue, unrealizedPnl } = this.valuation(pos, mark);
      gross += Math.abs(marketValue);
      longValue += marketValue;
      unrealized += unrealizedPnl;
      if (pos.contract.secType === 'OPT') optionValue += marketValue;
    }
    const netLiq = this.cash + longValue;
    if (this.startNetLiq === undefined) this.startNetLiq = netLiq;
    // Reg T intraday: 25% of gross position value as both initial and maintenance margin.
    const initMargin = 0.25 * gross;
    const maintMargin = 0.25 * gross;
    const available = netLiq - initMargin;
    return {
      NetLiquidation: netLiq,
      TotalCashValue: this.cash,
      SettledCash: this.cash,
      GrossPositionValue: gross,
      EquityWithLoanValue: netLiq,
      InitMarginReq: initMargin,
      MaintMarginReq: maintMargin,
      AvailableFunds: available,
      ExcessLiquidity: netLiq - maintMargin,
      BuyingPower: Math.max(0, available * 4),
      UnrealizedPnL: unrealized,
      RealizedPnL: this.realizedPnl,
      OptionMarketValue: optionValue,
      DailyPnL: netLiq - this.startNetLiq,
    };
  }

  /** Margin the account would need with `extra` added to one position (what-if orders). */
  marginWith(marks: Marks, conId: number, extraValue: number): { init: number; maint: number } {
    return this.marginWithLegs(marks, [{ conId, value: extraValue }]);
  }

  /** Margin with several positions changed at once (a combo's legs: signed value = qty x ratio x price x multiplier). */
  marginWithLegs(marks: Marks, extras: ReadonlyArray<{ conId: number; value: number }>): { init: number; maint: number } {
    const added = new Map<number, number>();
    for (const e of extras) added.set(e.conId, (added.get(e.conId) ?? 0) + e.value);
    let gross = 0;
    for (const pos of this.positions.values()) {
      const mark = marks(pos.contract.conId) ?? 0;
      gross += Math.abs(pos.quantity * mark * pos.multiplier + (added.get(pos.contract.conId) ?? 0));
    }
    for (const [conId, value] of added) if (!this.positions.has(conId)) gross += Math.abs(value);
    return { init: 0.25 * gross, maint: 0.25 * gross };
  }
}

export interface AccountSnapshot {
  id: string;
  currency: string;
  cash: number;
  realizedPnl: number;
  commissions: number;
  startNetLiq?: number;
  positions: Position[];
}

export interface AccountSummary {
  NetLiquidation: number;
  TotalCashValue: number;
  SettledCash: number;
  GrossPositionValue: number;
  EquityWithLoanValue: number;
  InitMarginReq: number;
  MaintMarginReq: number;
  AvailableFunds: number;
  ExcessLiquidity: number;
  BuyingPower: number;
  UnrealizedPnL: number;
  RealizedPnL: number;
  OptionMarketValue: number;
  DailyPnL: number;
}
