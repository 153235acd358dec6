// The frames the simulator sends about orders, built in one place for the live feed, the
// snapshot answers and the what-if reply (and for tests that decode them with independent
// clients at every server version).
import type { OrderEngine } from '../account/orderEngine';
import type { ExecutionRecord, SimOrder } from '../account/simOrder';
import type { WireContract } from '../protocol/contractTypes';
import { encodeCommissionReport, encodeCompletedOrder, encodeExecDetails, encodeOpenOrder, encodeOrderStatus } from '../protocol/orderCodec';
import type { WireOrder, WireOrderState } from '../protocol/orderTypes';
import { twsReportedOrder } from '../protocol/twsReportedOrder';

export function openOrderFrame(sv: number, engine: OrderEngine, o: SimOrder): string[] {
  return encodeOpenOrder(sv, o.contract, o.order, engine.stateOf(o));
}

export function orderStatusFrame(sv: number, o: SimOrder): string[] {
  return encodeOrderStatus(sv, {
    orderId: o.orderId,
    status: o.status,
    filled: o.filled,
    remaining: o.remaining,
    avgFillPrice: o.avgFillPrice,
    permId: o.permId,
    parentId: o.order.parentId,
    lastFillPrice: o.lastFillPrice,
    clientId: o.clientId,
    whyHeld: o.whyHeld,
    mktCapPrice: 0,
  });
}

export function completedOrderFrame(sv: number, engine: OrderEngine, o: SimOrder): string[] {
  return encodeCompletedOrder(sv, o.contract, { ...o.order, filledQuantity: o.filled }, engine.stateOf(o));
}

/** execDetails then its commissionReport; reqId -1 for a live fill. */
export function executionFrames(sv: number, reqId: number, rec: ExecutionRecord): [string[], string[]] {
  return [encodeExecDetails(sv, reqId, rec.contract, rec.execution), encodeCommissionReport(sv, rec.commission)];
}

/** The openOrder that answers a what-if placeOrder: the order as TWS would keep it, with the preview. */
export function whatIfFrame(
  sv: number,
  orderId: number,
  clientId: number,
  account: string,
  contract: WireContract,
  order: WireOrder,
  preview: WireOrderState,
): string[] {
  return encodeOpenOrder(sv, contract, twsReportedOrder({ ...order, orderId, clientId, account: order.account || account }), preview);
}
