// Decodes the client's placeOrder message (id 3), server versions 100..178.
// Layout checked against: the official ibapi Python client.py placeOrder
// (nautechsystems/nautilus_ibapi ibapi/client.py, IB API 10.x), the Java EClient.placeOrder
// (xqguo/twsapi source/JavaClient/com/ib/client/EClient.java) and @stoqey/ib 1.6.10
// dist/core/io/encoder.js placeOrder; order conditions per ibapi order_condition.py.
// Every branch on a version below 100 (conId, tradingClass, secId, combo legs, scale,
// hedge, algo, what-if, ...) is always on for the versions the simulator speaks.

import type { WireComboLeg, WireContract } from './contractTypes';
import { emptyContract } from './contractTypes';
import type { WireOrder, WireOrderCondition, WireTagValue } from './orderTypes';
import { ORDER_CONDITION, emptyOrder } from './orderTypes';
import { checkDecodeVersion, isBag, isPegBenchOrder, isPegBestOrder, isPegMidOrder } from './orderWireRules';
import { SV } from '../../tws/serverVersions';
import type { FieldReader } from '../../tws/wire';
import { ProtocolError, UNSET_DOUBLE } from '../../tws/wire';

export interface PlaceOrderRequest {
  orderId: number;
  contract: WireContract;
  order: WireOrder;
}

/** `r` is positioned after the message id; `sv` is the connection's negotiated server version. */
export function decodePlaceOrder(r: FieldReader, sv: number): PlaceOrderRequest {
  checkDecodeVersion(sv, 'placeOrder');
  if (sv < SV.ORDER_CONTAINER) r.int('version'); // 27 or 45; the layout follows sv, not this
  const orderId = r.int('orderId');
  const c = emptyContract();
  const o = emptyOrder({ orderId });

  c.conId = r.int('conId');
  c.symbol = r.str('symbol');
  c.secType = r.str('secType');
  c.lastTradeDateOrContractMonth = r.str('lastTradeDateOrContractMonth');
  c.strike = r.double('strike');
  c.right = r.str('right');
  c.multiplier = r.str('multiplier');
  c.exchange = r.str('exchange');
  c.primaryExch = r.str('primaryExchange');
  c.currency = r.str('currency');
  c.localSymbol = r.str('localSymbol');
  c.tradingClass = r.str('tradingClass');
  c.secIdType = r.str('secIdType');
  c.secId = r.str('secId');

  o.action = r.str('action');
  o.totalQuantity = r.decimal('totalQuantity') ?? 0; // an int below FRACTIONAL_POSITIONS, same text
  o.orderType = r.str('orderType');
  o.lmtPrice = r.doubleMax('lmtPrice');
  o.auxPrice = r.doubleMax('auxPrice');

  o.tif = r.str('tif');
  o.ocaGroup = r.str('ocaGroup');
  o.account = r.str('account');
  o.openClose = r.str('openClose');
  o.origin = r.int('origin');
  o.orderRef = r.str('orderRef');
  o.transmit = r.bool('transmit');
  o.parentId = r.int('parentId');
  o.blockOrder = r.bool('blockOrder');
  o.sweepToFill = r.bool('sweepToFill');
  o.displaySize = r.intMax('displaySize');
  o.triggerMethod = r.int('triggerMethod');
  o.outsideRth = r.bool('outsideRth');
  o.hidden = r.bool('hidden');

  if (isBag(c.secType)) {
    c.comboLegs = readComboLegs(r);
    const priceCount = r.int('orderComboLegsCount');
    for (let i = 0; i < priceCount; i++) o.orderComboLegs.push({ price: r.doubleMax(`orderComboLeg[${i}].price`) });
    o.smartComboRoutingParams = readTagValues(r, 'smartComboRoutingParams');
  }

  o.sharesAllocation = r.str('sharesAllocation'); // deprecated, always ""
  o.discretionaryAmt = r.double('discretionaryAmt');
  o.goodAfterTime = r.str('goodAfterTime');
  o.goodTillDate = r.str('goodTillDate');
  o.faGroup = r.str('faGroup');
  o.faMethod = r.str('faMethod');
  o.faPercentage = r.str('faPercentage');
  if (sv < SV.FA_PROFILE_DESUPPORT) o.faProfile = r.str('faProfile');
  if (sv >= SV.MODELS_SUPPORT) o.modelCode = r.str('modelCode');
  o.shortSaleSlot = r.int('shortSaleSlot');
  o.designatedLocation = r.str('designatedLocation');
  o.exemptCode = r.intMax('exemptCode') ?? -1;
  o.ocaType = r.int('ocaType');
  o.rule80A = r.str('rule80A');
  o.settlingFirm = r.str('settlingFirm');
  o.allOrNone = r.bool('allOrNone');
  o.minQty = r.intMax('minQty');
  o.percentOffset = r.doubleMax('percentOffset');
  o.eTradeOnly = r.bool('eTradeOnly');
  o.firmQuoteOnly = r.bool('firmQuoteOnly');
  o.nbboPriceCap = r.doubleMax('nbboPriceCap');
  o.auctionStrategy = r.intMax('auctionStrategy');
  o.startingPrice = r.doubleMax('startingPrice');
  o.stockRefPrice = r.doubleMax('stockRefPrice');
  o.delta = r.doubleMax('delta');
  o.stockRangeLower = r.doubleMax('stockRangeLower');
  o.stockRangeUpper = r.doubleMax('stockRangeUpper');
  o.overridePercentageConstraints = r.bool('overridePercentageConstraints');

  o.volatility = r.doubleMax('volatility');
  o.volatilityType = r.intMax('volatilityType');
  o.deltaNeutralOrderType = r.str('deltaNeutralOrderType');
  o.deltaNeutralAuxPrice = r.doubleMax('deltaNeutralAuxPrice');
  if (o.deltaNeutralOrderType !== '') {
    o.deltaNeutralConId = r.int('deltaNeutralConId');
    o.deltaNeutralSettlingFirm = r.str('deltaNeutralSettlingFirm');
    o.deltaNeutralClearingAccount = r.str('deltaNeutralClearingAccount');
    o.deltaNeutralClearingIntent = r.str('deltaNeutralClearingIntent');
    o.deltaNeutralOpenClose = r.str('deltaNeutralOpenClose');
    o.deltaNeutralShortSale = r.bool('deltaNeutralShortSale');
    o.deltaNeutralShortSaleSlot = r.int('deltaNeutralShortSaleSlot');
    o.deltaNeutralDesignatedLocation = r.str('deltaNeutralDesignatedLocation');
  }
  o.continuousUpdate = r.bool('continuousUpdate');
  o.referencePriceType = r.intMax('referencePriceType');
  o.trailStopPrice = r.doubleMax('trailStopPrice');
  o.trailingPercent = r.doubleMax('trailingPercent');

  o.scaleInitLevelSize = r.intMax('scaleInitLevelSize');
  o.scaleSubsLevelSize = r.intMax('scaleSubsLevelSize');
  o.scalePriceIncrement = r.doubleMax('scalePriceIncrement');
  // The 7 scale extras follow only for a real increment (> 0 and not Double.MAX_VALUE).
  if (o.scalePriceIncrement !== undefined && o.scalePriceIncrement > 0) {
    o.scalePriceAdjustValue = r.doubleMax('scalePriceAdjustValue');
    o.scalePriceAdjustInterval = r.intMax('scalePriceAdjustInterval');
    o.scaleProfitOffset = r.doubleMax('scaleProfitOffset');
    o.scaleAutoReset = r.bool('scaleAutoReset');
    o.scaleInitPosition = r.intMax('scaleInitPosition');
    o.scaleInitFillQty = r.intMax('scaleInitFillQty');
    o.scaleRandomPercent = r.bool('scaleRandomPercent');
  }
  o.scaleTable = r.str('scaleTable');
  o.activeStartTime = r.str('activeStartTime');
  o.activeStopTime = r.str('activeStopTime');

  o.hedgeType = r.str('hedgeType');
  if (o.hedgeType !== '') o.hedgeParam = r.str('hedgeParam');
  o.optOutSmartRouting = r.bool('optOutSmartRouting');
  o.clearingAccount = r.str('clearingAccount');
  o.clearingIntent = r.str('clearingIntent');
  o.notHeld = r.bool('notHeld');

  if (r.bool('deltaNeutralContractPresent')) {
    c.deltaNeutralContract = {
      conId: r.int('deltaNeutralContract.conId'),
      delta: r.double('deltaNeutralContract.delta'),
      price: r.double('deltaNeutralContract.price'),
    };
  }

  o.algoStrategy = r.str('algoStrategy');
  if (o.algoStrategy !== '') o.algoParams = readTagValues(r, 'algoParams');
  o.algoId = r.str('algoId');
  o.whatIf = r.bool('whatIf');
  o.orderMiscOptions = r.str('orderMiscOptions');
  o.solicited = r.bool('solicited');
  o.randomizeSize = r.bool('randomizeSize');
  o.randomizePrice = r.bool('randomizePrice');

  if (sv >= SV.PEGGED_TO_BENCHMARK) {
    if (isPegBenchOrder(o.orderType)) {
      o.referenceContractId = r.int('referenceContractId');
      o.isPeggedChangeAmountDecrease = r.bool('isPeggedChangeAmountDecrease');
      o.peggedChangeAmount = r.double('peggedChangeAmount');
      o.referenceChangeAmount = r.double('referenceChangeAmount');
      o.referenceExchangeId = r.str('referenceExchangeId');
    }
    const n = r.int('conditionsCount');
    for (let i = 0; i < n; i++) o.conditions.push(readCondition(r, i));
    if (n > 0) {
      o.conditionsIgnoreRth = r.bool('conditionsIgnoreRth');
      o.conditionsCancelOrder = r.bool('conditionsCancelOrder');
    }
    o.adjustedOrderType = r.str('adjustedOrderType');
    o.triggerPrice = r.doubleMax('triggerPrice');
    o.lmtPriceOffset = r.doubleMax('lmtPriceOffset');
    o.adjustedStopPrice = r.doubleMax('adjustedStopPrice');
    o.adjustedStopLimitPrice = r.doubleMax('adjustedStopLimitPrice');
    o.adjustedTrailingAmount = r.doubleMax('adjustedTrailingAmount');
    o.adjustableTrailingUnit = r.int('adjustableTrailingUnit');
  }
  if (sv >= SV.EXT_OPERATOR) o.extOperator = r.str('extOperator');
  if (sv >= SV.SOFT_DOLLAR_TIER) {
    o.softDollarTier = { name: r.str('softDollarTier.name'), value: r.str('softDollarTier.value'), displayName: '' };
  }
  if (sv >= SV.CASH_QTY) o.cashQty = r.doubleMax('cashQty');
  if (sv >= SV.DECISION_MAKER) {
    o.mifid2DecisionMaker = r.str('mifid2DecisionMaker');
    o.mifid2DecisionAlgo = r.str('mifid2DecisionAlgo');
  }
  if (sv >= SV.MIFID_EXECUTION) {
    o.mifid2ExecutionTrader = r.str('mifid2ExecutionTrader');
    o.mifid2ExecutionAlgo = r.str('mifid2ExecutionAlgo');
  }
  if (sv >= SV.AUTO_PRICE_FOR_HEDGE) o.dontUseAutoPriceForHedge = r.bool('dontUseAutoPriceForHedge');
  if (sv >= SV.ORDER_CONTAINER) o.isOmsContainer = r.bool('isOmsContainer');
  if (sv >= SV.D_PEG_ORDERS) o.discretionaryUpToLimitPrice = r.bool('discretionaryUpToLimitPrice');
  if (sv >= SV.PRICE_MGMT_ALGO) o.usePriceMgmtAlgo = readOptionalBool(r, 'usePriceMgmtAlgo');
  if (sv >= SV.DURATION) o.duration = r.intMax('duration');
  if (sv >= SV.POST_TO_ATS) o.postToAts = r.intMax('postToAts');
  if (sv >= SV.AUTO_CANCEL_PARENT) o.autoCancelParent = r.bool('autoCancelParent');
  if (sv >= SV.ADVANCED_ORDER_REJECT) o.advancedErrorOverride = r.str('advancedErrorOverride');
  if (sv >= SV.MANUAL_ORDER_TIME) o.manualOrderTime = r.str('manualOrderTime');
  if (sv >= SV.PEGBEST_PEGMID_OFFSETS) {
    // Each group is present only when the client's own rule says so; mirror those rules.
    if (c.exchange === 'IBKRATS') o.minTradeQty = r.intMax('minTradeQty');
    let midOffsets = false;
    if (isPegBestOrder(o.orderType)) {
      o.minCompeteSize = r.intMax('minCompeteSize');
      o.competeAgainstBestOffset = readCompeteOffset(r);
      midOffsets = o.competeAgainstBestOffset === Infinity;
    } else if (isPegMidOrder(o.orderType)) {
      midOffsets = true;
    }
    if (midOffsets) {
      o.midOffsetAtWhole = r.doubleMax('midOffsetAtWhole');
      o.midOffsetAtHalf = r.doubleMax('midOffsetAtHalf');
    }
  }
  // CUSTOMER_ACCOUNT (183) and later fields are beyond MAX_SIM_SERVER_VERSION.
  return { orderId, contract: c, order: o };
}

function readComboLegs(r: FieldReader): WireComboLeg[] {
  const n = r.int('comboLegsCount');
  const legs: WireComboLeg[] = [];
  for (let i = 0; i < n; i++) {
    const p = `comboLeg[${i}]`;
    legs.push({
      conId: r.int(`${p}.conId`),
      ratio: r.int(`${p}.ratio`),
      action: r.str(`${p}.action`),
      exchange: r.str(`${p}.exchange`),
      openClose: r.int(`${p}.openClose`),
      shortSaleSlot: r.int(`${p}.shortSaleSlot`),
      designatedLocation: r.str(`${p}.designatedLocation`),
      exemptCode: r.intMax(`${p}.exemptCode`) ?? -1,
    });
  }
  return legs;
}

function readTagValues(r: FieldReader, name: string): WireTagValue[] {
  const n = r.int(`${name}Count`);
  const out: WireTagValue[] = [];
  for (let i = 0; i < n; i++) out.push({ tag: r.str(`${name}[${i}].tag`), value: r.str(`${name}[${i}].value`) });
  return out;
}

/** Reads one condition as the client wrote it (ibapi order_condition.py make_fields). */
export function readCondition(r: FieldReader, i: number): WireOrderCondition {
  const p = `condition[${i}]`;
  const type = r.int(`${p}.type`);
  const cond: WireOrderCondition = { type, conjunction: r.str(`${p}.conjunction`) };
  if (type === ORDER_CONDITION.EXECUTION) {
    cond.secType = r.str(`${p}.secType`);
    cond.exchange = r.str(`${p}.exchange`);
    cond.symbol = r.str(`${p}.symbol`);
    return cond;
  }
  const isContract = type === ORDER_CONDITION.PRICE || type === ORDER_CONDITION.VOLUME || type === ORDER_CONDITION.PERCENT_CHANGE;
  if (!isContract && type !== ORDER_CONDITION.TIME && type !== ORDER_CONDITION.MARGIN) {
    throw new ProtocolError(`placeOrder: field "${p}.type" is ${type}, not a known order condition type`);
  }
  cond.isMore = r.bool(`${p}.isMore`);
  cond.value = r.str(`${p}.value`);
  if (isContract) {
    cond.conId = r.int(`${p}.conId`);
    cond.exchange = r.str(`${p}.exchange`);
  }
  if (type === ORDER_CONDITION.PRICE) cond.triggerMethod = r.int(`${p}.triggerMethod`);
  return cond;
}

/** "" = unset; otherwise a 0/1 flag. */
function readOptionalBool(r: FieldReader, name: string): boolean | undefined {
  const v = r.intMax(name);
  return v === undefined ? undefined : v !== 0;
}

/** "Infinity" (COMPETE_AGAINST_BEST_OFFSET_UP_TO_MID) must survive; FieldReader.doubleMax would call it unset. */
function readCompeteOffset(r: FieldReader): number | undefined {
  const s = r.str('competeAgainstBestOffset');
  if (s === 'Infinity' || s === 'inf') return Infinity;
  if (s === '') return undefined;
  const n = Number(s);
  if (Number.isNaN(n)) throw new ProtocolError(`placeOrder: field "competeAgainstBestOffset" is "${s}", expected a number`);
  return n >= UNSET_DOUBLE ? undefined : n;
}
