// One order as the simulated TWS keeps it, and one execution of it: the records the order
// engine changes, the feeds report and --state saves.
import type { WireContract } from '../protocol/contractTypes';
import type { WireCommissionReport, WireExecution, WireOrder, WireOrderState } from '../protocol/orderTypes';

export type OrderStatusName = 'ApiPending' | 'PendingSubmit' | 'PreSubmitted' | 'Submitted' | 'PendingCancel' | 'Cancelled' | 'Filled' | 'Inactive';

export interface SimOrder {
  orderId: number;
  clientId: number;
  permId: number;
  contract: WireContract;
  order: WireOrder;
  status: OrderStatusName;
  filled: number;
  remaining: number;
  avgFillPrice: number;
  lastFillPrice: number;
  /** Commission charged so far (the sum of its executions' reports). */
  commission: number;
  /** Combos: the legs' per-contract charges accrued so far, before the per-order minimum. */
  comboCharges: number;
  whyHeld: string;
  /** STP / STP LMT: has the stop been touched. */
  triggered: boolean;
  /** transmit=false: held in TWS until a later order of its group transmits. */
  held: boolean;
  completedTime?: string;
  completedStatus?: string;
  submittedAt: number;
}

export interface ExecutionRecord {
  reqIdHint: number;
  orderId: number;
  clientId: number;
  contract: WireContract;
  execution: WireExecution;
  commission: WireCommissionReport;
  time: number;
}

const ACTIVE: ReadonlySet<OrderStatusName> = new Set(['ApiPending', 'PendingSubmit', 'PreSubmitted', 'Submitted', 'PendingCancel']);

/** Still working (can fill or be cancelled). */
export function isActiveOrder(o: SimOrder): boolean {
  return ACTIVE.has(o.status);
}

/** The orderState an openOrder for this order carries: TWS fills in the commission once the order has executions. */
export function reportedOrderState(o: SimOrder, currency: string): WireOrderState {
  const executed = o.filled > 0;
  return {
    status: o.status,
    ...(executed ? { commission: o.commission } : {}),
    commissionCurrency: executed ? currency : '',
    warningText: '',
    completedTime: o.completedTime ?? '',
    completedStatus: o.completedStatus ?? '',
  };
}
