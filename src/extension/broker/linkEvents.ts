// What one TWS session (an IbLink) emits and accepts, in the broker's own types. The rest
// of the broker layer is written against these interfaces, never against @stoqey/ib.
import type { AccountValue, Bar, BrokerContract, ContractDetails, Fill, OptionChain, OrderPreview, PortfolioItem, Position, WhatToShow } from './types';

/** The order fields that go on the wire with placeOrder. */
export interface WireOrderSpec {
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  tif: string;
  outsideRth: boolean;
  orderRef: string;
  ocaGroup: string;
  ocaType: number;
  parentId: number;
  transmit: boolean;
  account: string;
  whatIf: boolean;
}

export interface OpenOrderEvent {
  orderId: number;
  permId?: number;
  clientId?: number;
  parentId?: number;
  contract: BrokerContract;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  orderType: string;
  lmtPrice?: number;
  auxPrice?: number;
  tif?: string;
  ocaGroup?: string;
  orderRef?: string;
  account?: string;
  whatIf: boolean;
  status: string;
  preview?: OrderPreview;
}

export interface OrderStatusEvent {
  orderId: number;
  status: string;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  permId?: number;
  parentId?: number;
  lastFillPrice?: number;
  clientId?: number;
  whyHeld?: string;
}

export interface CommissionEvent {
  execId: string;
  commission: number;
  currency?: string;
  realizedPnl?: number;
}

export interface CompletedOrderEvent {
  permId?: number;
  orderRef?: string;
  contract: BrokerContract;
  action: 'BUY' | 'SELL';
  totalQuantity: number;
  filledQuantity?: number;
  status: string;
  completedStatus?: string;
}

export interface ExecFilter {
  clientId?: number;
  account?: string;
  /** "yyyyMMdd-HH:mm:ss" (UTC): executions after this time. */
  time?: string;
  symbol?: string;
  secType?: string;
  side?: 'BUY' | 'SELL';
}

export type TickKind = 'bid' | 'ask' | 'last' | 'bidSize' | 'askSize' | 'lastSize' | 'volume' | 'open' | 'high' | 'low' | 'close' | 'lastTimestamp';

export type LinkEventMap = {
  /** The TCP connection is up and the `API` handshake has been written. */
  tcpConnected: [];
  server: [serverVersion: number, serverTime: string];
  disconnected: [];
  /** Bytes or a message from TWS that cannot be right (ibLink's boundary checks): the link is dropped. */
  protocolError: [reason: string];
  /** Any message from TWS (liveness). */
  received: [];
  nextValidId: [orderId: number];
  managedAccounts: [accounts: string[]];
  /** Messages without a request id (reqId -1): connection notices, farm status, 100, 326, 502... */
  notice: [code: number, message: string];
  /** Errors and warnings about one request or order id. */
  error: [reqId: number, code: number, message: string];
  currentTime: [epochSeconds: number];
  openOrder: [OpenOrderEvent];
  openOrderEnd: [];
  orderStatus: [OrderStatusEvent];
  completedOrder: [CompletedOrderEvent];
  completedOrdersEnd: [];
  execDetails: [reqId: number, fill: Fill];
  execDetailsEnd: [reqId: number];
  commissionReport: [CommissionEvent];
  position: [Position];
  positionEnd: [];
  accountValue: [AccountValue];
  portfolio: [PortfolioItem];
  accountDownloadEnd: [account: string];
  accountSummary: [reqId: number, account: string, tag: string, value: string, currency: string];
  accountSummaryEnd: [reqId: number];
  pnl: [reqId: number, daily: number, unrealized: number | undefined, realized: number | undefined];
  pnlSingle: [reqId: number, position: number, daily: number, unrealized: number | undefined, realized: number | undefined, value: number];
  /** A price, size or time tick; `delayed`: from delayed market data. (Plain arguments: no object per tick.) */
  tick: [reqId: number, kind: TickKind, value: number, delayed: boolean];
  tickSnapshotEnd: [reqId: number];
  marketDataType: [reqId: number, type: number];
  realtimeBar: [reqId: number, bar: Bar];
  historicalBar: [reqId: number, bar: Bar];
  historicalEnd: [reqId: number];
  historicalUpdate: [reqId: number, bar: Bar];
  contractDetails: [reqId: number, details: ContractDetails];
  contractDetailsEnd: [reqId: number];
  optionChain: [reqId: number, chain: OptionChain];
  optionChainEnd: [reqId: number];
};

/** The requests one TWS session accepts. Calls write immediately: pacing happens in front. */
export interface LinkApi {
  reqCurrentTime(): void;
  reqIds(): void;
  reqManagedAccts(): void;
  reqPositions(): void;
  cancelPositions(): void;
  reqOpenOrders(): void;
  reqCompletedOrders(apiOnly: boolean): void;
  reqExecutions(reqId: number, filter: ExecFilter): void;
  reqAccountUpdates(subscribe: boolean, account: string): void;
  reqAccountSummary(reqId: number, group: string, tags: string): void;
  cancelAccountSummary(reqId: number): void;
  reqPnL(reqId: number, account: string): void;
  cancelPnL(reqId: number): void;
  reqPnLSingle(reqId: number, account: string, conId: number): void;
  cancelPnLSingle(reqId: number): void;
  reqContractDetails(reqId: number, contract: BrokerContract): void;
  reqSecDefOptParams(reqId: number, symbol: string, secType: string, conId: number): void;
  reqMarketDataType(type: 1 | 2 | 3 | 4): void;
  reqMktData(reqId: number, contract: BrokerContract, genericTicks: string, snapshot: boolean): void;
  cancelMktData(reqId: number): void;
  reqRealTimeBars(reqId: number, contract: BrokerContract, whatToShow: WhatToShow, useRth: boolean): void;
  cancelRealTimeBars(reqId: number): void;
  reqHistoricalData(
    reqId: number,
    contract: BrokerContract,
    q: { endDateTime: string; duration: string; barSize: string; whatToShow: WhatToShow; useRth: boolean; keepUpToDate: boolean },
  ): void;
  cancelHistoricalData(reqId: number): void;
  placeOrder(orderId: number, contract: BrokerContract, order: WireOrderSpec): void;
  cancelOrder(orderId: number): void;
}
