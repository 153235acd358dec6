// The broker layer's own domain types. Nothing outside src/extension/broker sees an
// @stoqey/ib type: ibLink.ts and wireMapping.ts translate at the boundary.

// ---------- contracts ----------

export type SecType = 'STK' | 'OPT' | 'BAG' | 'FUT' | 'CASH' | 'IND';
export type OptionRight = 'C' | 'P';
export type OrderAction = 'BUY' | 'SELL';

export interface ComboLeg {
  conId: number;
  ratio: number;
  action: OrderAction;
  /** Exchange of the leg; SMART when omitted. */
  exchange?: string;
}

export interface BrokerContract {
  /** IB's contract id; set once the contract is resolved. */
  conId?: number;
  symbol: string;
  secType: SecType;
  exchange: string;
  currency: string;
  primaryExchange?: string;
  /** Options: expiry as yyyyMMdd (or yyyyMM). */
  expiry?: string;
  strike?: number;
  right?: OptionRight;
  multiplier?: number;
  localSymbol?: string;
  tradingClass?: string;
  /** BAG (combo) contracts: the legs, each with a conId. */
  legs?: ComboLeg[];
}

export interface ContractDetails {
  contract: BrokerContract;
  longName: string;
  minTick: number;
  orderTypes: string[];
  validExchanges: string[];
  timeZoneId: string;
  tradingHours: string;
  liquidHours: string;
  underConId?: number;
  industry?: string;
  category?: string;
}

export interface OptionChain {
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  multiplier: number;
  expirations: string[];
  strikes: number[];
}

// ---------- orders ----------

export type OrderType = 'MKT' | 'LMT' | 'STP' | 'STP LMT';
export type TimeInForce = 'DAY' | 'GTC' | 'IOC';

/** What the caller wants placed. Prices are per unit (per share / per option premium). */
export interface OrderRequest {
  contract: BrokerContract;
  action: OrderAction;
  quantity: number;
  type: OrderType;
  limitPrice?: number;
  stopPrice?: number;
  tif?: TimeInForce;
  outsideRth?: boolean;
  /** Free text that travels with the order and its executions (session / cycle ids). */
  orderRef?: string;
  ocaGroup?: string;
  /** 1 cancel the rest on a fill (default), 2 reduce with block, 3 reduce without block. */
  ocaType?: 1 | 2 | 3;
  /** Set by placeBracket; callers normally leave these alone. */
  parentId?: number;
  transmit?: boolean;
}

export interface BracketRequest {
  contract: BrokerContract;
  action: OrderAction;
  quantity: number;
  /** Entry: market, or limit at `entryLimitPrice`. */
  entryType: 'MKT' | 'LMT';
  entryLimitPrice?: number;
  takeProfitPrice: number;
  stopLossPrice: number;
  tif?: TimeInForce;
  outsideRth?: boolean;
  /** The entry's; the exits carry it with a suffix (bracketExitRef), so no orderRef is sent twice. */
  orderRef?: string;
}

/** A bracket's exit legs. */
export type BracketExit = 'takeProfit' | 'stopLoss';

/**
 * A bracket exit's orderRef: the entry's with `:tp` or `:sl`. Each leg has its own ref (no
 * orderRef is ever sent twice) and names its entry, so an exit found at TWS maps back to it.
 */
export function bracketExitRef(entryRef: string, exit: BracketExit): string {
  return `${entryRef}:${exit === 'takeProfit' ? 'tp' : 'sl'}`;
}

export interface OrderChanges {
  quantity?: number;
  limitPrice?: number;
  stopPrice?: number;
  tif?: TimeInForce;
}

/** The order exactly as it will be sent (after defaults), handed to `beforeSend`. */
export interface OrderIntentLeg {
  orderId: number;
  role: 'single' | 'parent' | 'takeProfit' | 'stopLoss' | 'oca';
  request: OrderRequest;
}

/** Everything about to go to TWS for one placement (a bracket is one intent of three legs). */
export interface OrderIntent {
  kind: 'single' | 'bracket' | 'oca';
  account: string;
  clientId: number;
  createdAt: number;
  legs: OrderIntentLeg[];
}

export type BeforeSend = (intent: OrderIntent) => Promise<void> | void;

/** Our lifecycle of an order, derived from TWS's statuses, fills and errors. */
export type OrderLifecycle =
  | 'pendingSubmit' // handed to TWS, no acknowledgement yet
  | 'submitted' // working (TWS PreSubmitted / Submitted / PendingSubmit / ApiPending)
  | 'partiallyFilled'
  | 'pendingCancel'
  | 'inactive' // TWS "Inactive" without a rejection (e.g. held); may come back
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'lost'; // TWS does not know the order: never transmitted, or gone after a reconnect

export const TERMINAL_STATES: ReadonlySet<OrderLifecycle> = new Set(['filled', 'cancelled', 'rejected', 'lost']);

export interface OrderErrorInfo {
  code: number;
  message: string;
  at: number;
}

export interface TrackedOrder {
  orderId: number;
  permId?: number;
  clientId?: number;
  parentId?: number;
  contract?: BrokerContract;
  action?: OrderAction;
  type?: string;
  quantity: number;
  limitPrice?: number;
  stopPrice?: number;
  tif?: string;
  orderRef?: string;
  ocaGroup?: string;
  account?: string;
  state: OrderLifecycle;
  /** TWS's own status string, as last reported. */
  twsStatus?: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  lastFillPrice?: number;
  /** Sum of the commission reports of this order's fills. */
  commission: number;
  fills: Fill[];
  errors: OrderErrorInfo[];
  warnings: OrderErrorInfo[];
  whyHeld?: string;
  /** Why the order is lost / rejected / was closed while disconnected. */
  note?: string;
  cancelRequested: boolean;
  modifyPending: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Fill {
  execId: string;
  orderId: number;
  permId?: number;
  clientId?: number;
  contract: BrokerContract;
  side: OrderAction;
  shares: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  /** TWS's execution time text, e.g. "20250102 10:15:01 US/Eastern". */
  time: string;
  account: string;
  exchange: string;
  orderRef?: string;
  commission?: number;
  commissionCurrency?: string;
  realizedPnl?: number;
}

export interface OrderPreview {
  initMarginBefore?: number;
  initMarginChange?: number;
  initMarginAfter?: number;
  maintMarginBefore?: number;
  maintMarginChange?: number;
  maintMarginAfter?: number;
  equityWithLoanBefore?: number;
  equityWithLoanChange?: number;
  equityWithLoanAfter?: number;
  commission?: number;
  minCommission?: number;
  maxCommission?: number;
  commissionCurrency?: string;
  warningText?: string;
}

// ---------- account ----------

export interface Position {
  account: string;
  contract: BrokerContract;
  quantity: number;
  /** IB average cost: per unit including commissions, times the multiplier. */
  avgCost: number;
}

export interface PortfolioItem extends Position {
  marketPrice: number;
  marketValue: number;
  unrealizedPnl?: number;
  realizedPnl?: number;
}

export interface AccountValue {
  key: string;
  value: string;
  currency: string;
  account: string;
}

export interface AccountSnapshot {
  account: string;
  /** `key` or `key:currency` -> value as TWS sent it. */
  values: Record<string, string>;
  netLiquidation?: number;
  totalCashValue?: number;
  buyingPower?: number;
  availableFunds?: number;
  excessLiquidity?: number;
  currency?: string;
  portfolio: PortfolioItem[];
  updatedAt: number;
}

export interface AccountSummaryRow {
  account: string;
  tag: string;
  value: string;
  currency: string;
}

export interface AccountPnl {
  account: string;
  daily: number;
  unrealized?: number;
  realized?: number;
  at: number;
}

export interface PositionPnl {
  account: string;
  conId: number;
  position: number;
  daily: number;
  unrealized?: number;
  realized?: number;
  value: number;
  at: number;
}

// ---------- market data ----------

export interface Quote {
  conId?: number;
  symbol: string;
  bid?: number;
  ask?: number;
  last?: number;
  bidSize?: number;
  askSize?: number;
  lastSize?: number;
  volume?: number;
  open?: number;
  high?: number;
  low?: number;
  close?: number;
  /** TWS's last-trade timestamp (epoch ms), when sent. */
  lastTimestamp?: number;
  /** The data is delayed (no live subscription: reqMarketDataType 3). */
  delayed: boolean;
  /** Local receive time of the latest tick (epoch ms). */
  updatedAt: number;
  /** Ticks received so far on this subscription (all sessions). */
  ticks: number;
}

export interface Bar {
  /** Bar start, epoch ms. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap?: number;
  count?: number;
}

export type WhatToShow = 'TRADES' | 'MIDPOINT' | 'BID' | 'ASK' | 'BID_ASK';

export interface HistoricalQuery {
  /** e.g. "1 D", "3600 S". */
  duration: string;
  /** e.g. "5 secs", "1 min", "1 day". */
  barSize: string;
  /** "" (now) or "yyyyMMdd HH:mm:ss US/Eastern" / "yyyyMMdd-HH:mm:ss". */
  endDateTime?: string;
  whatToShow?: WhatToShow;
  useRth?: boolean;
}

// ---------- connection ----------

export type ConnectionStatus = 'disconnected' | 'connecting' | 'syncing' | 'ready' | 'reconnecting' | 'failed';

/** The named steps of a connect; each can fail with a reason. */
export type ConnectStep = 'tcp' | 'handshake' | 'api' | 'sync';

export type FarmStatus = 'ok' | 'broken' | 'inactive' | 'connecting';

export interface ErrorInfo {
  reqId: number;
  code: number;
  message: string;
  step?: ConnectStep;
  at: number;
}

/** The broker's connection to TWS: status, step, target, account, farms, last error. */
export interface BrokerConnectionState {
  status: ConnectionStatus;
  /** The step under way (connecting / syncing), or the step that failed. */
  step?: ConnectStep;
  /** Why the state is failed / reconnecting. */
  reason?: string;
  host: string;
  port: number;
  clientId: number;
  accountId?: string;
  accounts: string[];
  /** Paper account (id starts with "D", e.g. DU1234567). Undefined until known. */
  isPaper?: boolean;
  serverVersion?: number;
  /** TWS's connection time text from the handshake. */
  serverTime?: string;
  readySince?: number;
  /** Reconnect attempt under way (1-based) and when the next one starts. */
  attempt?: number;
  nextRetryAt?: number;
  reconnects: number;
  /** TWS <-> IB servers (1100 lost, 1101/1102 restored). */
  ibConnectivity: 'ok' | 'lost';
  /** Data farms by name ("usfarm", "ushmds", "secdefil", ...), from 2103-2108, 2119, 2157, 2158. */
  farms: Record<string, FarmStatus>;
  lastError?: ErrorInfo;
}

export interface BrokerMetrics {
  /** Messages waiting in the 45 msg/s pacer. */
  queuedMessages: number;
  /** Historical requests waiting for IBKR's historical pacing rules. */
  queuedHistorical: number;
  /** Requests sent and not yet answered. */
  pendingRequests: number;
  sentMessages: number;
  maxQueuedMessages: number;
  /** Error 100 (message rate exceeded) seen from TWS: should stay 0. */
  pacingViolations: number;
  /** Error 162 pacing violations of historical requests: should stay 0. */
  historicalPacingViolations: number;
  reconnects: number;
  heartbeatRttMs?: number;
}

// ---------- reconciliation ----------

export interface OrderDifference {
  orderId: number;
  permId?: number;
  orderRef?: string;
  kind: 'changed' | 'unknownToUs' | 'goneAtTws' | 'notTransmitted';
  before?: { state: OrderLifecycle; filled: number };
  after: { state: OrderLifecycle; filled: number };
  detail: string;
}

export interface PositionDifference {
  account: string;
  conId: number;
  symbol: string;
  believed: number;
  actual: number;
}

export interface ReconcileReport {
  at: number;
  trigger: 'connect' | 'reconnect' | 'dataLost' | 'manual';
  orders: OrderDifference[];
  newFills: Fill[];
  positions: PositionDifference[];
  /** Open orders and today's executions TWS reported. */
  openOrders: number;
  executions: number;
  clean: boolean;
}
