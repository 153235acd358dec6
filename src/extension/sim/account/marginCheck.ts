// TWS's margin arithmetic on an order before it is placed: the 201 rejection of an order
// the account cannot carry, and the what-if preview (margin before/after, commission).
import type { WireContract } from '../protocol/contractTypes';
import type { WireOrder, WireOrderState } from '../protocol/orderTypes';
import type { Market } from '../market/market';
import { roundCents as cents } from '../market/rounding';
import type { Account } from './account';
import { comboOrderCommission, commissionLeg, orderCommission } from './commissions';
import { isPriceSet } from './orderValidation';

interface WhatIfLeg {
  conId: number;
  contract: WireContract;
  /** Per the order's BUY side: a SELL leg is negative. */
  signedQty: number;
  price: number;
  multiplier: number;
}

export class MarginCheck {
  constructor(
    private readonly market: Market,
    private readonly account: Account,
    /** The contract a combo leg's conId stands for. */
    private readonly legContract: (conId: number) => WireContract,
  ) {}

  /**
   * TWS's margin check when an order arrives: the initial margin of the positions with this
   * order filled (at the market) must not exceed the equity with loan value. The wording is
   * TWS's 201 reason as its users report it (e.g. the Quantopian forum thread "Order rejections
   * from IB with order_target_percent at 1.0"; Tiger Open API docs quoting "201:Order rejected -
   * Reason: YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH
   * LOAN VALUE [1247.90 USD] MUST EXCEED THE INITIAL MARGIN [4989.99 USD]"). Orders that lower
   * the requirement (closing) always pass.
   */
  rejection(contract: WireContract, order: WireOrder): string | undefined {
    const marks = (id: number) => this.market.mid(id);
    const price = this.market.mid(contract.conId) ?? (isPriceSet(order.lmtPrice) ? (order.lmtPrice as number) : undefined);
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
  whatIf(contract: WireContract, order: WireOrder): WireOrderState {
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
   */
  private whatIfLegs(contract: WireContract, order: WireOrder): WhatIfLeg[] {
    if (contract.secType !== 'BAG') {
      const price = this.market.mid(contract.conId) ?? (isPriceSet(order.lmtPrice) ? (order.lmtPrice as number) : 0);
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
}
