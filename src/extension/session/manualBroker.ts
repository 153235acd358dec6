// What the manual order desk needs of the broker client (BrokerClient has all of it): the
// desk and its helpers (manualAccount.ts, manualDerivatives.ts) take this, so tests and the
// desk's own modules see one surface.
import type { ComboLegSpec, OptionSpec } from '../broker/contracts';
import type { PlaceOptions } from '../broker/orders';
import type {
  AccountPnl,
  AccountSnapshot,
  BracketRequest,
  BrokerContract,
  OrderChanges,
  OrderPreview,
  OptionChain,
  OrderRequest,
  Position,
  TrackedOrder,
} from '../broker/types';
import type { ReadonlyObservable, Stream } from '../core/observable';

/** What the desk needs of the broker client (BrokerClient has all of it). */
export interface ManualBroker {
  readonly isReady: boolean;
  readonly isPaper: boolean | undefined;
  readonly accountId: string | undefined;
  readonly account: ReadonlyObservable<AccountSnapshot | undefined>;
  readonly orderUpdates: Stream<TrackedOrder>;
  twsTime(): Promise<number>;
  resolveStock(symbol: string): Promise<BrokerContract>;
  optionChain(symbol: string): Promise<OptionChain[]>;
  resolveOption(spec: OptionSpec): Promise<BrokerContract>;
  comboContract(legs: ComboLegSpec[], opts?: { symbol?: string }): Promise<BrokerContract>;
  quoteSnapshot(contract: BrokerContract, timeoutMs?: number): Promise<{ bid?: number; ask?: number; last?: number; close?: number }>;
  previewOrder(request: OrderRequest): Promise<OrderPreview>;
  placeOrder(request: OrderRequest, opts?: PlaceOptions): Promise<TrackedOrder>;
  placeBracket(request: BracketRequest, opts?: PlaceOptions): Promise<{ parent: TrackedOrder; takeProfit: TrackedOrder; stopLoss: TrackedOrder }>;
  modifyOrder(orderId: number, changes: OrderChanges): Promise<TrackedOrder>;
  cancelOrder(orderId: number): Promise<TrackedOrder>;
  order(orderId: number): TrackedOrder | undefined;
  orders(): TrackedOrder[];
  knowsOrderRef(orderRef: string): boolean;
  positionList(): Position[];
  /** TWS's daily, unrealized and realized P&L of the account (reqPnL), about once a second */
  subscribePnl(): { readonly value: ReadonlyObservable<AccountPnl | undefined>; close(): void };
}
