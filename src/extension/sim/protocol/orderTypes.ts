// Order-side values as they travel on the wire (the TWS API's Order, OrderState,
// Execution, CommissionReport and orderStatus arguments). Field names follow the API.
// Convention: `undefined` = the API's "unset" (Double.MAX_VALUE / Integer.MAX_VALUE /
// empty field); the encoders decide per field how TWS spells unset on the wire.

export interface WireTagValue {
  tag: string;
  value: string;
}

export interface WireSoftDollarTier {
  name: string;
  value: string;
  displayName: string;
}

/** Per-leg price of a BAG order (the API's OrderComboLeg). */
export interface WireOrderComboLeg {
  price?: number;
}

/** Condition type ids (the API's OrderConditionType). */
export const ORDER_CONDITION = {
  PRICE: 1,
  TIME: 3,
  MARGIN: 4,
  EXECUTION: 5,
  VOLUME: 6,
  PERCENT_CHANGE: 7,
} as const;

/**
 * One order condition. Which fields are present depends on `type`:
 * operator conditions (price, time, margin, volume, percent change) carry isMore + value;
 * contract conditions (price, volume, percent change) add conId + exchange; price adds
 * triggerMethod; execution carries secType, exchange, symbol.
 */
export interface WireOrderCondition {
  type: number;
  /** "a" = AND with the next condition, "o" = OR. */
  conjunction: string;
  isMore?: boolean;
  /** The operator value exactly as sent (price, time, margin %, volume, change %). */
  value?: string;
  conId?: number;
  exchange?: string;
  triggerMethod?: number;
  secType?: string;
  symbol?: string;
}

export interface WireOrder {
  // identity (openOrder / orderStatus; placeOrder carries orderId only)
  orderId: number;
  clientId: number;
  permId: number;
  // main fields
  action: string; // BUY | SELL | SSHORT
  totalQuantity: number;
  orderType: string; // MKT | LMT | STP | STP LMT | ...
  lmtPrice?: number;
  auxPrice?: number;
  // extended fields
  tif: string;
  ocaGroup: string;
  ocaType: number; // 1 cancel with block, 2 reduce with block, 3 reduce non-block
  account: string;
  openClose: string;
  origin: number; // 0 customer, 1 firm
  orderRef: string;
  transmit: boolean;
  parentId: number;
  blockOrder: boolean;
  sweepToFill: boolean;
  displaySize?: number;
  triggerMethod: number;
  outsideRth: boolean;
  hidden: boolean;
  discretionaryAmt: number;
  goodAfterTime: string;
  goodTillDate: string;
  /** Deprecated; clients send "", TWS echoes an allocation string in openOrder. */
  sharesAllocation: string;
  faGroup: string;
  faMethod: string;
  faPercentage: string;
  /** Deprecated, on the wire only below FA_PROFILE_DESUPPORT (177). */
  faProfile: string;
  modelCode: string;
  shortSaleSlot: number;
  designatedLocation: string;
  exemptCode: number;
  rule80A: string;
  settlingFirm: string;
  allOrNone: boolean;
  minQty?: number;
  percentOffset?: number;
  eTradeOnly: boolean;
  firmQuoteOnly: boolean;
  nbboPriceCap?: number;
  auctionStrategy?: number;
  startingPrice?: number;
  stockRefPrice?: number;
  delta?: number;
  stockRangeLower?: number;
  stockRangeUpper?: number;
  overridePercentageConstraints: boolean;
  // volatility orders
  volatility?: number;
  volatilityType?: number;
  deltaNeutralOrderType: string;
  deltaNeutralAuxPrice?: number;
  deltaNeutralConId: number;
  deltaNeutralSettlingFirm: string;
  deltaNeutralClearingAccount: string;
  deltaNeutralClearingIntent: string;
  deltaNeutralOpenClose: string;
  deltaNeutralShortSale: boolean;
  deltaNeutralShortSaleSlot: number;
  deltaNeutralDesignatedLocation: string;
  continuousUpdate: boolean;
  referencePriceType?: number;
  // trailing
  trailStopPrice?: number;
  trailingPercent?: number;
  // openOrder only
  basisPoints?: number;
  basisPointsType?: number;
  // combos (BAG)
  orderComboLegs: WireOrderComboLeg[];
  smartComboRoutingParams: WireTagValue[];
  // scale orders
  scaleInitLevelSize?: number;
  scaleSubsLevelSize?: number;
  scalePriceIncrement?: number;
  scalePriceAdjustValue?: number;
  scalePriceAdjustInterval?: number;
  scaleProfitOffset?: number;
  scaleAutoReset: boolean;
  scaleInitPosition?: number;
  scaleInitFillQty?: number;
  scaleRandomPercent: boolean;
  scaleTable: string;
  activeStartTime: string;
  activeStopTime: string;
  // hedge
  hedgeType: string;
  hedgeParam: string;
  optOutSmartRouting: boolean;
  clearingAccount: string;
  clearingIntent: string;
  notHeld: boolean;
  // algo
  algoStrategy: string;
  algoParams: WireTagValue[];
  algoId: string;
  whatIf: boolean;
  /** Sent by clients as one "tag=value;" string. */
  orderMiscOptions: string;
  solicited: boolean;
  randomizeSize: boolean;
  randomizePrice: boolean;
  // pegged to benchmark
  referenceContractId: number;
  isPeggedChangeAmountDecrease: boolean;
  peggedChangeAmount: number;
  referenceChangeAmount: number;
  referenceExchangeId: string;
  // conditions
  conditions: WireOrderCondition[];
  conditionsIgnoreRth: boolean;
  conditionsCancelOrder: boolean;
  // adjusted (attached) orders
  adjustedOrderType: string;
  triggerPrice?: number;
  lmtPriceOffset?: number;
  adjustedStopPrice?: number;
  adjustedStopLimitPrice?: number;
  adjustedTrailingAmount?: number;
  adjustableTrailingUnit: number;
  extOperator: string;
  softDollarTier: WireSoftDollarTier;
  cashQty?: number;
  mifid2DecisionMaker: string;
  mifid2DecisionAlgo: string;
  mifid2ExecutionTrader: string;
  mifid2ExecutionAlgo: string;
  dontUseAutoPriceForHedge: boolean;
  isOmsContainer: boolean;
  discretionaryUpToLimitPrice: boolean;
  /** undefined = let TWS decide (sent as ""). */
  usePriceMgmtAlgo?: boolean;
  duration?: number;
  postToAts?: number;
  autoCancelParent: boolean;
  advancedErrorOverride: string;
  manualOrderTime: string;
  // PEG BEST / PEG MID
  minTradeQty?: number;
  minCompeteSize?: number;
  /** Infinity = COMPETE_AGAINST_BEST_OFFSET_UP_TO_MID (sent as "Infinity"). */
  competeAgainstBestOffset?: number;
  midOffsetAtWhole?: number;
  midOffsetAtHalf?: number;
  // completedOrder only
  autoCancelDate: string;
  filledQuantity?: number;
  refFuturesConId?: number;
  shareholder: string;
  imbalanceOnly: boolean;
  routeMarketableToBbo: boolean;
  parentPermId?: number;
}

/** A fresh order with the API's defaults (what a field not on the wire at a server version keeps). */
export function emptyOrder(over: Partial<WireOrder> = {}): WireOrder {
  return {
    orderId: 0,
    clientId: 0,
    permId: 0,
    action: '',
    totalQuantity: 0,
    orderType: '',
    tif: 'DAY',
    ocaGroup: '',
    ocaType: 0,
    account: '',
    openClose: '',
    origin: 0,
    orderRef: '',
    transmit: true,
    parentId: 0,
    blockOrder: false,
    sweepToFill: false,
    triggerMethod: 0,
    outsideRth: false,
    hidden: false,
    discretionaryAmt: 0,
    goodAfterTime: '',
    goodTillDate: '',
    sharesAllocation: '',
    faGroup: '',
    faMethod: '',
    faPercentage: '',
    faProfile: '',
    modelCode: '',
    shortSaleSlot: 0,
    designatedLocation: '',
    exemptCode: -1,
    rule80A: '',
    settlingFirm: '',
    allOrNone: false,
    eTradeOnly: false,
    firmQuoteOnly: false,
    overridePercentageConstraints: false,
    deltaNeutralOrderType: '',
    deltaNeutralConId: 0,
    deltaNeutralSettlingFirm: '',
    deltaNeutralClearingAccount: '',
    deltaNeutralClearingIntent: '',
    deltaNeutralOpenClose: '',
    deltaNeutralShortSale: false,
    deltaNeutralShortSaleSlot: 0,
    deltaNeutralDesignatedLocation: '',
    continuousUpdate: false,
    orderComboLegs: [],
    smartComboRoutingParams: [],
    scaleAutoReset: false,
    scaleRandomPercent: false,
    scaleTable: '',
    activeStartTime: '',
    activeStopTime: '',
    hedgeType: '',
    hedgeParam: '',
    optOutSmartRouting: false,
    clearingAccount: '',
    clearingIntent: '',
    notHeld: false,
    algoStrategy: '',
    algoParams: [],
    algoId: '',
    whatIf: false,
    orderMiscOptions: '',
    solicited: false,
    randomizeSize: false,
    randomizePrice: false,
    referenceContractId: 0,
    isPeggedChangeAmountDecrease: false,
    peggedChangeAmount: 0,
    referenceChangeAmount: 0,
    referenceExchangeId: '',
    conditions: [],
    conditionsIgnoreRth: false,
    conditionsCancelOrder: false,
    adjustedOrderType: '',
    adjustableTrailingUnit: 0,
    extOperator: '',
    softDollarTier: { name: '', value: '', displayName: '' },
    mifid2DecisionMaker: '',
    mifid2DecisionAlgo: '',
    mifid2ExecutionTrader: '',
    mifid2ExecutionAlgo: '',
    dontUseAutoPriceForHedge: false,
    isOmsContainer: false,
    discretionaryUpToLimitPrice: false,
    autoCancelParent: false,
    advancedErrorOverride: '',
    manualOrderTime: '',
    autoCancelDate: '',
    shareholder: '',
    imbalanceOnly: false,
    routeMarketableToBbo: false,
    ...over,
  };
}

/** The API's OrderState: status plus what-if margin / commission preview. */
export interface WireOrderState {
  status: string;
  initMarginBefore?: number;
  maintMarginBefore?: number;
  equityWithLoanBefore?: number;
  initMarginChange?: number;
  maintMarginChange?: number;
  equityWithLoanChange?: number;
  initMarginAfter?: number;
  maintMarginAfter?: number;
  equityWithLoanAfter?: number;
  commission?: number;
  minCommission?: number;
  maxCommission?: number;
  commissionCurrency: string;
  warningText: string;
  /** completedOrder only. */
  completedTime: string;
  completedStatus: string;
}

export function emptyOrderState(over: Partial<WireOrderState> = {}): WireOrderState {
  return { status: '', commissionCurrency: '', warningText: '', completedTime: '', completedStatus: '', ...over };
}

/** Arguments of the orderStatus event. */
export interface WireOrderStatus {
  orderId: number;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  permId: number;
  parentId: number;
  lastFillPrice: number;
  clientId: number;
  whyHeld: string;
  mktCapPrice: number;
}

export interface WireExecution {
  orderId: number;
  execId: string;
  /** "yyyyMMdd  HH:mm:ss" (two spaces) or with a time zone suffix. */
  time: string;
  acctNumber: string;
  exchange: string;
  side: string; // BOT | SLD
  shares: number;
  price: number;
  permId: number;
  clientId: number;
  liquidation: number;
  cumQty: number;
  avgPrice: number;
  orderRef: string;
  evRule: string;
  evMultiplier?: number;
  modelCode: string;
  /** 1 added, 2 removed, 3 routed out. */
  lastLiquidity: number;
  pendingPriceRevision: boolean;
}

export interface WireCommissionReport {
  execId: string;
  commission: number;
  currency: string;
  realizedPNL?: number;
  yield?: number;
  /** yyyymmdd as an integer. */
  yieldRedemptionDate?: number;
}

/** reqExecutions' filter. */
export interface WireExecutionFilter {
  clientId: number;
  acctCode: string;
  /** "yyyymmdd-hh:mm:ss" (or with a time zone); empty = no time filter. */
  time: string;
  symbol: string;
  secType: string;
  exchange: string;
  side: string;
}
