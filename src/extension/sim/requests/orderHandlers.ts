// placeOrder (incl. what-if), cancelOrder, reqGlobalCancel, the open / completed
// order snapshots and reqExecutions.
import type { WireExecutionFilter, WireOrder } from '../protocol/orderTypes';
import type { ExecutionRecord } from '../account/simOrder';
import { RequestId } from '../../tws/messageIds';
import {
  decodeCancelOrder,
  decodePlaceOrder,
  decodeReqAllOpenOrders,
  decodeReqAutoOpenOrders,
  decodeReqCompletedOrders,
  decodeReqExecutions,
  decodeReqGlobalCancel,
  decodeReqOpenOrders,
  encodeCompletedOrdersEnd,
  encodeExecDetailsEnd,
  encodeOpenOrderEnd,
} from '../protocol/orderCodec';
import type { WireContract } from '../protocol/contractTypes';
import type { RecordedOrder } from '../server/recorder';
import { requestedInstrument } from './contractResolver';
import { completedOrderFrame, executionFrames, whatIfFrame } from '../feeds/orderFrames';
import type { Register } from './registry';

export function registerOrderHandlers(on: Register): void {
  on(RequestId.PLACE_ORDER, (sim, conn, r) => {
    const { orderId, contract, order } = decodePlaceOrder(r, conn.version);
    // Journal what reached "TWS" before acting on it.
    conn.record('in', RequestId.PLACE_ORDER, [String(RequestId.PLACE_ORDER), ...r.fields], 'placeOrder', recordedOrder(orderId, contract, order));
    const resolved = requestedInstrument(sim.market, conn, orderId, contract);
    if (!resolved) return;
    const dup = sim.options.faults.duplicateOrderId;
    if (dup && dup.remaining > 0 && !order.whatIf) {
      // --fault duplicate-order-id: another client took this id first; TWS refuses it and the id is used.
      dup.remaining--;
      sim.markOrderIdUsed(orderId);
      conn.sendError(orderId, 103, 'Duplicate order id');
      return;
    }
    const preview = sim.engine.place(conn.clientId as number, orderId, resolved.wire, order);
    if (preview) conn.send(whatIfFrame(conn.version, orderId, conn.clientId as number, sim.account.id, resolved.wire, order, preview));
  });
  on(RequestId.CANCEL_ORDER, (sim, conn, r) => {
    sim.engine.cancel(conn.clientId as number, decodeCancelOrder(r, conn.version).orderId);
  });
  on(RequestId.REQ_GLOBAL_CANCEL, (sim, conn, r) => {
    decodeReqGlobalCancel(r, conn.version);
    sim.engine.cancelAll();
  });
  on(RequestId.REQ_OPEN_ORDERS, (sim, conn, r) => {
    decodeReqOpenOrders(r, conn.version);
    for (const o of sim.engine.orders.values()) if (o.clientId === conn.clientId && sim.engine.isActive(o) && !o.held) sim.feeds.orders.sendOrder(conn, o);
    conn.send(encodeOpenOrderEnd());
  });
  on(RequestId.REQ_ALL_OPEN_ORDERS, (sim, conn, r) => {
    decodeReqAllOpenOrders(r, conn.version);
    for (const o of sim.engine.orders.values()) if (sim.engine.isActive(o) && !o.held) sim.feeds.orders.sendOrder(conn, o);
    conn.send(encodeOpenOrderEnd());
  });
  on(RequestId.REQ_AUTO_OPEN_ORDERS, (_sim, conn, r) => {
    decodeReqAutoOpenOrders(r, conn.version);
    if (conn.clientId !== 0) conn.sendError(-1, 321, "Error validating request.-'bB' : cause - reqAutoOpenOrders is only allowed for client id 0");
  });
  on(RequestId.REQ_COMPLETED_ORDERS, (sim, conn, r) => {
    decodeReqCompletedOrders(r, conn.version);
    for (const o of sim.engine.orders.values()) {
      if (o.status === 'Filled' || o.status === 'Cancelled' || o.status === 'Inactive') {
        conn.send(completedOrderFrame(conn.version, sim.engine, o));
      }
    }
    conn.send(encodeCompletedOrdersEnd());
  });
  on(RequestId.REQ_EXECUTIONS, (sim, conn, r) => {
    const { reqId, filter } = decodeReqExecutions(r, conn.version);
    for (const rec of sim.engine.executions) {
      if (!matches(rec, filter)) continue;
      for (const frame of executionFrames(conn.version, reqId, rec)) conn.send(frame);
    }
    conn.send(encodeExecDetailsEnd(reqId));
  });
}

function matches(rec: ExecutionRecord, f: WireExecutionFilter): boolean {
  if (f.clientId && rec.clientId !== f.clientId) return false;
  if (f.acctCode && rec.execution.acctNumber !== f.acctCode) return false;
  if (f.symbol && rec.contract.symbol !== f.symbol.toUpperCase()) return false;
  if (f.secType && rec.contract.secType !== f.secType.toUpperCase()) return false;
  if (f.side) {
    const side = f.side.toUpperCase() === 'BUY' || f.side.toUpperCase() === 'BOT' ? 'BOT' : 'SLD';
    if (rec.execution.side !== side) return false;
  }
  if (f.time) {
    const m = /^(\d{4})(\d{2})(\d{2})[- ]+(\d{2}):(\d{2}):(\d{2})/.exec(f.time);
    if (m && rec.time < Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) return false;
  }
  return true;
}

function recordedOrder(orderId: number, contract: WireContract, order: WireOrder): RecordedOrder {
  return {
    orderId,
    symbol: contract.symbol,
    secType: contract.secType,
    ...(contract.conId ? { conId: contract.conId } : {}),
    ...(contract.secType === 'OPT' ? { expiry: contract.lastTradeDateOrContractMonth, strike: contract.strike, right: contract.right } : {}),
    ...(contract.comboLegs?.length
      ? { comboLegs: contract.comboLegs.map((l) => ({ conId: l.conId, ratio: l.ratio, action: l.action, exchange: l.exchange })) }
      : {}),
    action: order.action,
    totalQuantity: order.totalQuantity,
    orderType: order.orderType,
    // The recorder writes JSON, which leaves out the prices an order does not have (undefined).
    lmtPrice: order.lmtPrice,
    auxPrice: order.auxPrice,
    tif: order.tif,
    orderRef: order.orderRef,
    parentId: order.parentId,
    ocaGroup: order.ocaGroup,
    transmit: order.transmit,
    whatIf: order.whatIf,
    account: order.account,
  };
}
