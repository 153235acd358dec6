// Encodes TWS's openOrder (5), openOrderEnd (53), completedOrder (101) and
// completedOrdersEnd (102) messages, server versions 100..178.
// Layouts checked against: the official ibapi Python decoder.py processOpenOrder /
// processCompletedOrderMsg + orderdecoder.py (nautechsystems/nautilus_ibapi), the Java
// EOrderDecoder.java (xqguo/twsapi source/JavaClient/com/ib/client/), @stoqey/ib 1.6.10
// dist/core/io/decoder.js (decodeMsg_OPEN_ORDER / decodeMsg_COMPLETED_ORDER), and real
// IB Gateway captures (wboayue/rust-ibapi src/orders/common/test_data.rs), which also fix
// how TWS spells unset values field by field: "" for most optional doubles,
// "2147483647" for displaySize and scale sizes, Double.MAX_VALUE text for what-if margins
// and adjusted-order prices, "0.0" for an absent limit/aux price, "0" for cashQty.
// openOrder has a version field only below ORDER_CONTAINER (145); completedOrder never.
// Its value there is the server version: every official decoder gates on it only up to 34
// (ibapi orderdecoder.py, Java EOrderDecoder), but @stoqey/ib 1.6.10 also gates modelCode
// (MODELS_SUPPORT, 103) on it where they use the server version, so a "34" made it stop
// one field short at 103..144. From 145 on the clients themselves use the server version.

import type { WireComboLeg, WireContract } from './contractTypes';
import { EventId } from '../../tws/messageIds';
import type { WireOrder, WireOrderCondition, WireOrderState } from './orderTypes';
import { ORDER_CONDITION } from './orderTypes';
import { MAX_LONG_TEXT, checkEncodeVersion, doubleOrMaxText, intOrMaxText, isPegBenchOrder, isTrailingOrder, plainNumber } from './orderWireRules';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, formatDouble } from '../../tws/wire';

export function encodeOpenOrder(sv: number, contract: WireContract, order: WireOrder, state: WireOrderState): string[] {
  checkEncodeVersion(sv, 'openOrder');
  const w = new FieldWriter().int(EventId.OPEN_ORDER);
  if (sv < SV.ORDER_CONTAINER) w.int(sv); // >= 34: every version-gated field on
  const o = order;
  w.int(o.orderId);
  writeContract(w, contract);
  writeMainFields(w, sv, o);
  w.int(o.clientId).int(o.permId).bool(o.outsideRth).bool(o.hidden).raw(plainNumber(o.discretionaryAmt));
  w.str(o.goodAfterTime).str(o.sharesAllocation);
  writeFaAndModel(w, sv, o);
  w.str(o.goodTillDate).str(o.rule80A).doubleMax(o.percentOffset).str(o.settlingFirm);
  w.int(o.shortSaleSlot).str(o.designatedLocation).int(o.exemptCode);
  w.int(o.auctionStrategy ?? 0);
  writeBoxAndRange(w, o);
  w.raw(intOrMaxText(o.displaySize)).bool(o.blockOrder).bool(o.sweepToFill).bool(o.allOrNone).intMax(o.minQty);
  w.int(o.ocaType).bool(o.eTradeOnly).bool(o.firmQuoteOnly).doubleMax(o.nbboPriceCap);
  w.int(o.parentId).int(o.triggerMethod);
  writeVolatility(w, o, true);
  writeTrail(w, o);
  w.doubleMax(o.basisPoints).intMax(o.basisPointsType);
  writeCombos(w, contract, o);
  writeScale(w, o);
  w.str(o.hedgeType);
  if (o.hedgeType !== '') w.str(o.hedgeParam);
  w.bool(o.optOutSmartRouting).str(o.clearingAccount).str(o.clearingIntent).bool(o.notHeld);
  writeDeltaNeutralContract(w, contract);
  writeAlgo(w, o);
  w.bool(o.solicited);
  w.bool(o.whatIf).str(state.status);
  if (sv >= SV.WHAT_IF_EXT_FIELDS) {
    w.raw(doubleOrMaxText(state.initMarginBefore), doubleOrMaxText(state.maintMarginBefore));
    w.raw(doubleOrMaxText(state.equityWithLoanBefore), doubleOrMaxText(state.initMarginChange));
    w.raw(doubleOrMaxText(state.maintMarginChange), doubleOrMaxText(state.equityWithLoanChange));
  }
  w.raw(doubleOrMaxText(state.initMarginAfter), doubleOrMaxText(state.maintMarginAfter));
  w.raw(doubleOrMaxText(state.equityWithLoanAfter));
  w.doubleMax(state.commission).doubleMax(state.minCommission).doubleMax(state.maxCommission);
  w.str(state.commissionCurrency).str(state.warningText);
  w.bool(o.randomizeSize).bool(o.randomizePrice);
  if (sv >= SV.PEGGED_TO_BENCHMARK) {
    writePegBenchAndConditions(w, o);
    w.str(o.adjustedOrderType).raw(doubleOrMaxText(o.triggerPrice));
    writeStopPriceAndLmtPriceOffset(w, o);
    w.raw(doubleOrMaxText(o.adjustedStopPrice), doubleOrMaxText(o.adjustedStopLimitPrice));
    w.raw(doubleOrMaxText(o.adjustedTrailingAmount)).int(o.adjustableTrailingUnit);
  }
  if (sv >= SV.SOFT_DOLLAR_TIER) {
    w.str(o.softDollarTier.name).str(o.softDollarTier.value).str(o.softDollarTier.displayName);
  }
  if (sv >= SV.CASH_QTY) w.raw(plainNumber(o.cashQty ?? 0));
  if (sv >= SV.AUTO_PRICE_FOR_HEDGE) w.bool(o.dontUseAutoPriceForHedge);
  if (sv >= SV.ORDER_CONTAINER) w.bool(o.isOmsContainer);
  if (sv >= SV.D_PEG_ORDERS) w.bool(o.discretionaryUpToLimitPrice);
  if (sv >= SV.PRICE_MGMT_ALGO) w.bool(o.usePriceMgmtAlgo);
  if (sv >= SV.DURATION) w.intMax(o.duration);
  if (sv >= SV.POST_TO_ATS) w.intMax(o.postToAts);
  if (sv >= SV.AUTO_CANCEL_PARENT) w.bool(o.autoCancelParent);
  if (sv >= SV.PEGBEST_PEGMID_OFFSETS) writePegBestPegMid(w, o);
  // BOND_ACCRUED_INTEREST (185) and later are beyond MAX_SIM_SERVER_VERSION.
  return w.fields;
}

export function encodeOpenOrderEnd(): string[] {
  return [String(EventId.OPEN_ORDER_END), '1'];
}

/** completedOrder exists from COMPLETED_ORDERS (150); no order id, client id or what-if block. */
export function encodeCompletedOrder(sv: number, contract: WireContract, order: WireOrder, state: WireOrderState): string[] {
  checkEncodeVersion(sv, 'completedOrder', SV.COMPLETED_ORDERS);
  const o = order;
  const w = new FieldWriter().int(EventId.COMPLETED_ORDER);
  writeContract(w, contract);
  writeMainFields(w, sv, o);
  w.int(o.permId).bool(o.outsideRth).bool(o.hidden).raw(plainNumber(o.discretionaryAmt)).str(o.goodAfterTime);
  writeFaAndModel(w, sv, o);
  w.str(o.goodTillDate).str(o.rule80A).doubleMax(o.percentOffset).str(o.settlingFirm);
  w.int(o.shortSaleSlot).str(o.designatedLocation).int(o.exemptCode);
  writeBoxAndRange(w, o);
  w.raw(intOrMaxText(o.displaySize)).bool(o.sweepToFill).bool(o.allOrNone).intMax(o.minQty);
  w.int(o.ocaType).int(o.triggerMethod);
  writeVolatility(w, o, false);
  writeTrail(w, o);
  writeCombos(w, contract, o);
  writeScale(w, o);
  w.str(o.hedgeType);
  if (o.hedgeType !== '') w.str(o.hedgeParam);
  w.str(o.clearingAccount).str(o.clearingIntent).bool(o.notHeld);
  writeDeltaNeutralContract(w, contract);
  writeAlgo(w, o);
  w.bool(o.solicited).str(state.status).bool(o.randomizeSize).bool(o.randomizePrice);
  writePegBenchAndConditions(w, o); // PEGGED_TO_BENCHMARK (102) < COMPLETED_ORDERS
  writeStopPriceAndLmtPriceOffset(w, o);
  w.raw(plainNumber(o.cashQty ?? 0))
    .bool(o.dontUseAutoPriceForHedge)
    .bool(o.isOmsContainer);
  w.str(o.autoCancelDate)
    .decimal(o.filledQuantity ?? 0)
    .raw(intOrMaxText(o.refFuturesConId));
  w.bool(o.autoCancelParent).str(o.shareholder).bool(o.imbalanceOnly).bool(o.routeMarketableToBbo);
  w.raw(o.parentPermId === undefined ? MAX_LONG_TEXT : String(o.parentPermId));
  w.str(state.completedTime).str(state.completedStatus);
  if (sv >= SV.PEGBEST_PEGMID_OFFSETS) writePegBestPegMid(w, o);
  return w.fields;
}

export function encodeCompletedOrdersEnd(): string[] {
  return [String(EventId.COMPLETED_ORDERS_END)];
}

// --- pieces shared by openOrder and completedOrder, in wire order ---

/** The order messages' contract: no primaryExchange, secId or includeExpired. */
function writeContract(w: FieldWriter, c: WireContract): void {
  w.int(c.conId).str(c.symbol).str(c.secType).str(c.lastTradeDateOrContractMonth);
  w.raw(plainNumber(c.strike)).str(c.right).str(c.multiplier).str(c.exchange).str(c.currency);
  w.str(c.localSymbol).str(c.tradingClass);
}

/** action .. orderRef. */
function writeMainFields(w: FieldWriter, sv: number, o: WireOrder): void {
  w.str(o.action);
  if (sv >= SV.FRACTIONAL_POSITIONS) w.decimal(o.totalQuantity);
  else w.int(o.totalQuantity);
  w.str(o.orderType)
    .double(o.lmtPrice ?? 0)
    .double(o.auxPrice ?? 0);
  w.str(o.tif).str(o.ocaGroup).str(o.account).str(o.openClose).int(o.origin).str(o.orderRef);
}

function writeFaAndModel(w: FieldWriter, sv: number, o: WireOrder): void {
  w.str(o.faGroup).str(o.faMethod).str(o.faPercentage);
  if (sv < SV.FA_PROFILE_DESUPPORT) w.str(o.faProfile);
  if (sv >= SV.MODELS_SUPPORT) w.str(o.modelCode);
}

function writeBoxAndRange(w: FieldWriter, o: WireOrder): void {
  w.doubleMax(o.startingPrice).doubleMax(o.stockRefPrice).doubleMax(o.delta);
  w.doubleMax(o.stockRangeLower).doubleMax(o.stockRangeUpper);
}

/** openOrder carries the delta-neutral settling/clearing/openClose fields, completedOrder not. */
function writeVolatility(w: FieldWriter, o: WireOrder, openOrderAttribs: boolean): void {
  w.doubleMax(o.volatility)
    .int(o.volatilityType ?? 0)
    .str(o.deltaNeutralOrderType)
    .doubleMax(o.deltaNeutralAuxPrice);
  if (o.deltaNeutralOrderType !== '') {
    w.int(o.deltaNeutralConId);
    if (openOrderAttribs) {
      w.str(o.deltaNeutralSettlingFirm).str(o.deltaNeutralClearingAccount).str(o.deltaNeutralClearingIntent);
      w.str(o.deltaNeutralOpenClose);
    }
    w.bool(o.deltaNeutralShortSale).int(o.deltaNeutralShortSaleSlot).str(o.deltaNeutralDesignatedLocation);
  }
  w.bool(o.continuousUpdate).int(o.referencePriceType ?? 0);
}

/**
 * The first trailStopPrice slot. Captured TWS messages carry "" here for non-trailing
 * orders while the later (adjusted-order) slot holds the stop price; clients keep the later.
 */
function writeTrail(w: FieldWriter, o: WireOrder): void {
  w.doubleMax(isTrailingOrder(o.orderType) ? o.trailStopPrice : undefined).doubleMax(o.trailingPercent);
}

function writeStopPriceAndLmtPriceOffset(w: FieldWriter, o: WireOrder): void {
  w.raw(doubleOrMaxText(o.trailStopPrice), doubleOrMaxText(o.lmtPriceOffset));
}

/** comboLegsDescrip, the legs (all 8 fields each), the per-leg prices and smart-routing params. */
function writeCombos(w: FieldWriter, c: WireContract, o: WireOrder): void {
  w.str(c.comboLegsDescrip ?? '');
  const legs: WireComboLeg[] = c.comboLegs ?? [];
  w.int(legs.length);
  for (const leg of legs) {
    w.int(leg.conId)
      .int(leg.ratio)
      .str(leg.action)
      .str(leg.exchange)
      .int(leg.openClose ?? 0);
    w.int(leg.shortSaleSlot ?? 0)
      .str(leg.designatedLocation ?? '')
      .int(leg.exemptCode ?? -1);
  }
  w.int(o.orderComboLegs.length);
  for (const leg of o.orderComboLegs) w.doubleMax(leg.price);
  w.int(o.smartComboRoutingParams.length);
  for (const tv of o.smartComboRoutingParams) w.str(tv.tag).str(tv.value);
}

function writeScale(w: FieldWriter, o: WireOrder): void {
  w.raw(intOrMaxText(o.scaleInitLevelSize), intOrMaxText(o.scaleSubsLevelSize)).doubleMax(o.scalePriceIncrement);
  if (o.scalePriceIncrement !== undefined && o.scalePriceIncrement > 0) {
    w.doubleMax(o.scalePriceAdjustValue).intMax(o.scalePriceAdjustInterval).doubleMax(o.scaleProfitOffset);
    w.bool(o.scaleAutoReset).intMax(o.scaleInitPosition).intMax(o.scaleInitFillQty).bool(o.scaleRandomPercent);
  }
}

function writeDeltaNeutralContract(w: FieldWriter, c: WireContract): void {
  const dn = c.deltaNeutralContract;
  w.bool(dn !== undefined);
  if (dn) w.int(dn.conId).double(dn.delta).double(dn.price);
}

function writeAlgo(w: FieldWriter, o: WireOrder): void {
  w.str(o.algoStrategy);
  if (o.algoStrategy === '') return;
  w.int(o.algoParams.length);
  for (const tv of o.algoParams) w.str(tv.tag).str(tv.value);
}

function writePegBenchAndConditions(w: FieldWriter, o: WireOrder): void {
  if (isPegBenchOrder(o.orderType)) {
    w.int(o.referenceContractId).bool(o.isPeggedChangeAmountDecrease);
    w.double(o.peggedChangeAmount).double(o.referenceChangeAmount).str(o.referenceExchangeId);
  }
  w.int(o.conditions.length);
  if (o.conditions.length === 0) return;
  for (const cond of o.conditions) writeCondition(w, cond);
  w.bool(o.conditionsIgnoreRth).bool(o.conditionsCancelOrder);
}

/** Same field order clients use when sending conditions (ibapi order_condition.py). */
export function writeCondition(w: FieldWriter, cond: WireOrderCondition): void {
  w.int(cond.type).str(cond.conjunction);
  if (cond.type === ORDER_CONDITION.EXECUTION) {
    w.str(cond.secType).str(cond.exchange).str(cond.symbol);
    return;
  }
  w.bool(cond.isMore).str(cond.value);
  const isContract = cond.type === ORDER_CONDITION.PRICE || cond.type === ORDER_CONDITION.VOLUME || cond.type === ORDER_CONDITION.PERCENT_CHANGE;
  if (isContract) w.int(cond.conId ?? 0).str(cond.exchange);
  if (cond.type === ORDER_CONDITION.PRICE) w.int(cond.triggerMethod ?? 0);
}

/** TWS sends all five unconditionally (the client-side placeOrder sends them selectively). */
function writePegBestPegMid(w: FieldWriter, o: WireOrder): void {
  w.intMax(o.minTradeQty).intMax(o.minCompeteSize);
  const offset = o.competeAgainstBestOffset;
  w.raw(offset === undefined ? '' : offset === Infinity ? 'Infinity' : formatDouble(offset));
  w.doubleMax(o.midOffsetAtWhole).doubleMax(o.midOffsetAtHalf);
}
