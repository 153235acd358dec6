// Decodes the client's small order requests: cancelOrder (4), reqOpenOrders (5),
// reqExecutions (7), reqAutoOpenOrders (15), reqAllOpenOrders (16), reqGlobalCancel (58),
// reqCompletedOrders (99); server versions 100..178.
// Layouts checked against: the official ibapi Python client.py (nautechsystems/nautilus_ibapi
// ibapi/client.py: cancelOrder, reqOpenOrders, reqAutoOpenOrders, reqAllOpenOrders,
// reqGlobalCancel, reqExecutions, reqCompletedOrders) and @stoqey/ib 1.6.10
// dist/core/io/encoder.js. The version fields of cancelOrder / reqGlobalCancel go away only
// at CME_TAGGING_FIELDS (192), beyond the simulator's range.

import type { WireExecutionFilter } from './orderTypes';
import { checkDecodeVersion } from './orderWireRules';
import { SV } from '../../tws/serverVersions';
import type { FieldReader } from '../../tws/wire';

export interface CancelOrderRequest {
  orderId: number;
  /** "" unless sv >= MANUAL_ORDER_TIME and the client set it. */
  manualOrderCancelTime: string;
}

export function decodeCancelOrder(r: FieldReader, sv: number): CancelOrderRequest {
  checkDecodeVersion(sv, 'cancelOrder');
  r.int('version');
  const orderId = r.int('orderId');
  const manualOrderCancelTime = sv >= SV.MANUAL_ORDER_TIME ? r.str('manualOrderCancelTime') : '';
  return { orderId, manualOrderCancelTime };
}

/** reqOpenOrders carries only its version. */
export function decodeReqOpenOrders(r: FieldReader, sv: number): Record<string, never> {
  checkDecodeVersion(sv, 'reqOpenOrders');
  r.int('version');
  return {};
}

export function decodeReqAllOpenOrders(r: FieldReader, sv: number): Record<string, never> {
  checkDecodeVersion(sv, 'reqAllOpenOrders');
  r.int('version');
  return {};
}

export function decodeReqAutoOpenOrders(r: FieldReader, sv: number): { autoBind: boolean } {
  checkDecodeVersion(sv, 'reqAutoOpenOrders');
  r.int('version');
  return { autoBind: r.bool('autoBind') };
}

/** No version field; the message exists from COMPLETED_ORDERS (150). */
export function decodeReqCompletedOrders(r: FieldReader, sv: number): { apiOnly: boolean } {
  checkDecodeVersion(sv, 'reqCompletedOrders', SV.COMPLETED_ORDERS);
  return { apiOnly: r.bool('apiOnly') };
}

export function decodeReqGlobalCancel(r: FieldReader, sv: number): Record<string, never> {
  checkDecodeVersion(sv, 'reqGlobalCancel');
  r.int('version');
  return {};
}

export interface ExecutionsRequest {
  reqId: number;
  filter: WireExecutionFilter;
}

export function decodeReqExecutions(r: FieldReader, sv: number): ExecutionsRequest {
  checkDecodeVersion(sv, 'reqExecutions');
  r.int('version'); // 3
  const reqId = r.int('reqId');
  const filter: WireExecutionFilter = {
    clientId: r.int('filter.clientId'),
    acctCode: r.str('filter.acctCode'),
    time: r.str('filter.time'),
    symbol: r.str('filter.symbol'),
    secType: r.str('filter.secType'),
    exchange: r.str('filter.exchange'),
    side: r.str('filter.side'),
  };
  return { reqId, filter };
}
