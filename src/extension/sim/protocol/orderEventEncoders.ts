// Encodes TWS's orderStatus (3), execDetails (11), execDetailsEnd (55) and
// commissionReport (59) messages, server versions 100..178.
// Layouts checked against: the official ibapi Python decoder.py processOrderStatusMsg /
// processExecutionDataMsg / processCommissionReportMsg (nautechsystems/nautilus_ibapi and
// older ibapi copies), @stoqey/ib 1.6.10 dist/core/io/decoder.js, and IB Gateway captures
// (wboayue/rust-ibapi src/orders/tests.rs), which show TWS printing orderStatus prices
// without Java's ".0" ("0", "196.52"), execDetails' strike and prices as Java doubles
// ("0.0"), and commissionReport's unset realizedPNL / yield as Double.MAX_VALUE text with
// an empty yieldRedemptionDate.
// Version fields: orderStatus has one (6) only below MARKET_CAP_PRICE (131), execDetails
// (10) only below LAST_LIQUIDITY (136); commissionReport and execDetailsEnd always send 1.

import type { WireContract } from './contractTypes';
import { EventId } from '../../tws/messageIds';
import type { WireCommissionReport, WireExecution, WireOrderStatus } from './orderTypes';
import { checkEncodeVersion, doubleOrMaxText, plainNumber } from './orderWireRules';
import { SV } from '../../tws/serverVersions';
import { FieldWriter } from '../../tws/wire';

const ORDER_STATUS_VERSION = 6;
const EXEC_DETAILS_VERSION = 10;

export function encodeOrderStatus(sv: number, s: WireOrderStatus): string[] {
  checkEncodeVersion(sv, 'orderStatus');
  const w = new FieldWriter().int(EventId.ORDER_STATUS);
  if (sv < SV.MARKET_CAP_PRICE) w.int(ORDER_STATUS_VERSION);
  w.int(s.orderId).str(s.status);
  writeQuantity(w, sv, s.filled);
  writeQuantity(w, sv, s.remaining);
  w.raw(plainNumber(s.avgFillPrice)).int(s.permId).int(s.parentId).raw(plainNumber(s.lastFillPrice));
  w.int(s.clientId).str(s.whyHeld);
  if (sv >= SV.MARKET_CAP_PRICE) w.raw(plainNumber(s.mktCapPrice));
  return w.fields;
}

/** reqId is -1 for executions TWS pushes unrequested (fills of live orders). */
export function encodeExecDetails(sv: number, reqId: number, contract: WireContract, e: WireExecution): string[] {
  checkEncodeVersion(sv, 'execDetails');
  const c = contract;
  const w = new FieldWriter().int(EventId.EXECUTION_DATA);
  if (sv < SV.LAST_LIQUIDITY) w.int(EXEC_DETAILS_VERSION);
  w.int(reqId).int(e.orderId);
  w.int(c.conId).str(c.symbol).str(c.secType).str(c.lastTradeDateOrContractMonth).double(c.strike).str(c.right);
  w.str(c.multiplier).str(c.exchange).str(c.currency).str(c.localSymbol).str(c.tradingClass);
  w.str(e.execId).str(e.time).str(e.acctNumber).str(e.exchange).str(e.side);
  writeQuantity(w, sv, e.shares);
  w.double(e.price).int(e.permId).int(e.clientId).int(e.liquidation);
  writeQuantity(w, sv, e.cumQty);
  w.double(e.avgPrice).str(e.orderRef).str(e.evRule).doubleMax(e.evMultiplier);
  if (sv >= SV.MODELS_SUPPORT) w.str(e.modelCode);
  if (sv >= SV.LAST_LIQUIDITY) w.int(e.lastLiquidity);
  if (sv >= SV.PENDING_PRICE_REVISION) w.bool(e.pendingPriceRevision);
  return w.fields;
}

export function encodeExecDetailsEnd(reqId: number): string[] {
  return [String(EventId.EXECUTION_DATA_END), '1', String(Math.trunc(reqId))];
}

/** The layout has not changed across 100..178, so `sv` only guards the range. */
export function encodeCommissionReport(sv: number, r: WireCommissionReport): string[] {
  checkEncodeVersion(sv, 'commissionReport');
  const w = new FieldWriter().int(EventId.COMMISSION_REPORT).int(1);
  w.str(r.execId).double(r.commission).str(r.currency);
  w.raw(doubleOrMaxText(r.realizedPNL), doubleOrMaxText(r.yield)).intMax(r.yieldRedemptionDate);
  return w.fields;
}

/** Quantities: ints below FRACTIONAL_POSITIONS (101), decimal text from there on. */
function writeQuantity(w: FieldWriter, sv: number, v: number): void {
  if (sv >= SV.FRACTIONAL_POSITIONS) w.decimal(v);
  else w.int(v);
}
