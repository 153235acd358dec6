// What the order manager (orderManager.ts) takes and gives: the broker surface it needs, its
// dependencies, a placing request with its hooks and result, the order update the session
// publishes, and the report of adopting TWS's view after a reconnect or a restart.
import type { PlaceOptions } from '../broker/orders';
import type { Stream } from '../core/observable';
import type { BrokerContract, Fill, OrderRequest, TrackedOrder } from '../broker/types';
import type { OrderKind } from './orderRef';
import type { FillRecord, IntentState, SessionLedger } from './sessionLedger';

/** What the order manager needs of the broker client (BrokerClient has all of it). */
export interface OrderBroker {
  placeOrder(request: OrderRequest, opts?: PlaceOptions): Promise<TrackedOrder>;
  cancelOrder(orderId: number, timeoutMs?: number): Promise<TrackedOrder>;
  order(orderId: number): TrackedOrder | undefined;
  orders(): TrackedOrder[];
  /** An order or execution with this orderRef is known (placed, open, completed or executed today). */
  knowsOrderRef(orderRef: string): boolean;
  allFills(): Fill[];
  readonly orderUpdates: Stream<TrackedOrder>;
  /** reqIds: moves the order id sequence past every id TWS knows (after error 103). */
  refreshOrderIds?(): Promise<number>;
}

export interface OrderUpdate {
  readonly orderRef: string;
  readonly orderId?: number;
  readonly cycle: number;
  readonly symbol: string;
  readonly kind: OrderKind;
  readonly action: 'BUY' | 'SELL';
  readonly quantity: number;
  /** `sending`: journaled, going to TWS */
  readonly state: IntentState | 'sending';
  readonly filled: number;
  readonly avgFillPrice: number;
  readonly note?: string;
  /** TWS's error code of a rejection */
  readonly errorCode?: number;
}

export interface PlaceRequest {
  readonly orderRef: string;
  readonly cycle: number;
  readonly symbol: string;
  readonly kind: OrderKind;
  readonly contract: BrokerContract;
  readonly action: 'BUY' | 'SELL';
  readonly quantity: number;
  readonly marketTime: number;
}

export interface PlaceHooks {
  /** The intent is on disk: the order is written to the socket right after, in the same turn. */
  readonly onSending?: () => void;
}

export interface PlaceResult {
  readonly orderRef: string;
  readonly orderId?: number;
  /** the order left for TWS (it may still have been rejected there) */
  readonly sent: boolean;
  readonly state: IntentState | 'refused';
  readonly error?: string;
}

export interface AdoptReport {
  /** journaled orders found at TWS, open or with executions */
  readonly found: string[];
  /** journaled orders TWS had no trace of: closed as not-at-tws, never resent */
  readonly notAtTws: string[];
  /** fills found at TWS that the journal did not have yet */
  readonly newFills: string[];
  /** orders of the session TWS knows but the journal lacked (restored older journal): journaled as found */
  readonly imported: string[];
}

export interface OrderManagerDeps {
  readonly broker: OrderBroker;
  readonly ledger: SessionLedger;
  readonly sessionId: string;
  /** Journal append that also applies the line to the ledger; throws JournalError. */
  readonly write: (type: string, data: Record<string, unknown>) => void;
  /** The same for a line an action waits for (the intent): resolves once it is fsync'ed, the intents of one turn sharing an fsync. */
  readonly writeDurable: (type: string, data: Record<string, unknown>) => Promise<void>;
  readonly onOrder?: (u: OrderUpdate) => void;
  readonly onFill?: (f: FillRecord) => void;
  /** A failure inside a broker listener (e.g. the journal failed while recording a fill). */
  readonly onError?: (err: unknown) => void;
  /** Order type and time in force of every session order. */
  readonly tif?: 'DAY' | 'GTC';
}
