// Streaming market data: reqMktData / cancelMktData and reqRealTimeBars /
// cancelRealTimeBars in; tickPrice, tickSize, tickString, tickGeneric,
// tickSnapshotEnd, tickReqParams, tickOptionComputation and realtimeBar out.
// Layouts checked against: the TWS API docs (streaming market data, tick types,
// TickAttrib / Bar class reference); the official Python client
// (nautechsystems/nautilus_ibapi ibapi/client.py reqMktData / reqRealTimeBars,
// ibapi/decoder.py processTickPriceMsg / processTickOptionComputationMsg /
// processTickReqParams / processRealTimeBarMsg); the official Java EDecoder
// (xqguo/twsapi source/JavaClient/com/ib/client/EDecoder.java);
// @stoqey/ib 1.6.10 (dist/core/io/encoder.js, dist/core/io/decoder.js).
// Also ib_async's independent decoder (ib-api-reloaded/ib_async ib_async/decoder.py).

import type { WireTagValue } from './contractDetailsTypes';
import type { WireContract } from './contractTypes';
import {
  decodeVersionedCancel,
  readBagLegs,
  readContractRequest,
  readJoinedTagValues,
  requireVersion,
  versionOneEncoder,
  writeOhlc,
  writeSize,
  type WireOhlc,
} from './codecFields';
import { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, type FieldReader } from '../../tws/wire';

// ---- client -> TWS ----

export interface ReqMktData {
  reqId: number;
  /** BAG legs (conId, ratio, action, exchange) and deltaNeutralContract are filled in when sent. */
  contract: WireContract;
  /** Comma-separated generic tick ids, e.g. "100,101,233" or "mdoff,292:BRFG". */
  genericTickList: string;
  snapshot: boolean;
  /** From REQ_SMART_COMPONENTS (114); false before. */
  regulatorySnapshot: boolean;
  /** "For internal use only" in the API; always empty from the official clients. */
  mktDataOptions: WireTagValue[];
}

/**
 * REQ_MKT_DATA (1): version 11, reqId, contract block (no includeExpired),
 * BAG legs when secType is BAG, deltaNeutral flag (+ conId, delta, price),
 * genericTickList, snapshot, regulatorySnapshot (114), mktDataOptions.
 */
export function decodeReqMktData(r: FieldReader, serverVersion: number): ReqMktData {
  const { reqId, contract } = readContractRequest(r, { versioned: true, includeExpired: false });
  readBagLegs(r, contract);
  if (r.bool('deltaNeutralContractPresent')) {
    contract.deltaNeutralContract = {
      conId: r.int('deltaNeutralContract.conId'),
      delta: r.double('deltaNeutralContract.delta'),
      price: r.double('deltaNeutralContract.price'),
    };
  }
  const genericTickList = r.str('genericTickList');
  const snapshot = r.bool('snapshot');
  const regulatorySnapshot = serverVersion >= SV.REQ_SMART_COMPONENTS ? r.bool('regulatorySnapshot') : false;
  const mktDataOptions = readJoinedTagValues(r, 'mktDataOptions');
  return { reqId, contract, genericTickList, snapshot, regulatorySnapshot, mktDataOptions };
}

/** CANCEL_MKT_DATA (2): version (1 or 2 depending on the client), reqId. */
export const decodeCancelMktData = decodeVersionedCancel;

export interface ReqRealTimeBars {
  reqId: number;
  contract: WireContract;
  /** Only 5 (seconds) is supported by TWS. */
  barSize: number;
  whatToShow: string;
  useRTH: boolean;
  realTimeBarsOptions: WireTagValue[];
}

/** REQ_REAL_TIME_BARS (50): version 3, reqId, contract block, barSize, whatToShow, useRTH, options. */
export function decodeReqRealTimeBars(r: FieldReader, _serverVersion: number): ReqRealTimeBars {
  const { reqId, contract } = readContractRequest(r, { versioned: true, includeExpired: false });
  return {
    reqId,
    contract,
    barSize: r.int('barSize'),
    whatToShow: r.str('whatToShow'),
    useRTH: r.bool('useRTH'),
    realTimeBarsOptions: readJoinedTagValues(r, 'realTimeBarsOptions'),
  };
}

/** CANCEL_REAL_TIME_BARS (51): version 1, reqId. */
export const decodeCancelRealTimeBars = decodeVersionedCancel;

// ---- TWS -> client ----

export interface TickAttribs {
  canAutoExecute?: boolean;
  /** Bid/ask outside the day's limits; a mask bit from PAST_LIMIT (109). */
  pastLimit?: boolean;
  /** Pre-open bid/ask; a mask bit from PRE_OPEN_BID_ASK (132). */
  preOpen?: boolean;
}

/** The attrib field of TICK_PRICE: bit 0 canAutoExecute, 1 pastLimit, 2 preOpen (bits gated by version). */
export function tickAttribMask(serverVersion: number, a: TickAttribs | undefined): number {
  if (!a) return 0;
  let mask = a.canAutoExecute ? 1 : 0;
  if (serverVersion >= SV.PAST_LIMIT && a.pastLimit) mask |= 2;
  if (serverVersion >= SV.PRE_OPEN_BID_ASK && a.preOpen) mask |= 4;
  return mask;
}

/**
 * TICK_PRICE (1): version 6, reqId, tickType, price, size, attrMask. Clients turn
 * the size of BID/ASK/LAST (and delayed) into a tickSize event too; TWS also sends
 * the size as its own TICK_SIZE, so callers should send both.
 */
export function encodeTickPrice(serverVersion: number, reqId: number, tickType: number, price: number, size?: number, attribs?: TickAttribs): string[] {
  const w = new FieldWriter().int(EventId.TICK_PRICE).int(6).int(reqId).int(tickType).double(price);
  writeSize(w, serverVersion, size ?? 0);
  return w.int(tickAttribMask(serverVersion, attribs)).fields;
}

/** TICK_SIZE (2): version 6, reqId, tickType, size (int before FRACTIONAL_SIZE_SUPPORT, Decimal after). */
export function encodeTickSize(serverVersion: number, reqId: number, tickType: number, size: number): string[] {
  const w = new FieldWriter().int(EventId.TICK_SIZE).int(6).int(reqId).int(tickType);
  writeSize(w, serverVersion, size);
  return w.fields;
}

/** TICK_GENERIC (45): version 6, reqId, tickType, value (double). */
export function encodeTickGeneric(_serverVersion: number, reqId: number, tickType: number, value: number): string[] {
  return new FieldWriter().int(EventId.TICK_GENERIC).int(6).int(reqId).int(tickType).double(value).fields;
}

/** TICK_STRING (46): version 6, reqId, tickType, value (e.g. LAST_TIMESTAMP 45 as epoch seconds). */
export function encodeTickString(_serverVersion: number, reqId: number, tickType: number, value: string): string[] {
  return new FieldWriter().int(EventId.TICK_STRING).int(6).int(reqId).int(tickType).str(value).fields;
}

/** TICK_SNAPSHOT_END (57): version 1, reqId. */
export const encodeTickSnapshotEnd = versionOneEncoder<number>(EventId.TICK_SNAPSHOT_END);

/**
 * TICK_REQ_PARAMS (81), no version field: reqId, minTick (double), bboExchange,
 * snapshotPermissions. TWS sends it first after accepting reqMktData; it came with
 * the smart-components release (REQ_SMART_COMPONENTS, 114).
 */
export function encodeTickReqParams(serverVersion: number, reqId: number, minTick: number, bboExchange: string, snapshotPermissions: number): string[] {
  requireVersion(serverVersion, SV.REQ_SMART_COMPONENTS, 'tickReqParams');
  return new FieldWriter().int(EventId.TICK_REQ_PARAMS).int(reqId).double(minTick).str(bboExchange).int(snapshotPermissions).fields;
}

export interface OptionComputation {
  reqId: number;
  /** 10 bid, 11 ask, 12 last, 13 model (80..83 delayed). */
  tickType: number;
  /** 0 return-based, 1 price-based; on the wire from PRICE_BASED_VOLATILITY (156). */
  tickAttrib?: number;
  /** Unset values go out as the API's "not computed" markers (-1 or -2). */
  impliedVol?: number;
  delta?: number;
  optPrice?: number;
  pvDividend?: number;
  gamma?: number;
  vega?: number;
  theta?: number;
  undPrice?: number;
}

/**
 * TICK_OPTION_COMPUTATION (21): before PRICE_BASED_VOLATILITY (156) version 6,
 * reqId, tickType; from 156 no version and a tickAttrib after tickType. Then
 * impliedVol, delta, optPrice, pvDividend, gamma, vega, theta, undPrice.
 * "Not computed" markers: -1 for impliedVol/optPrice/pvDividend/undPrice, -2 for
 * delta/gamma/vega/theta.
 */
export function encodeTickOptionComputation(serverVersion: number, o: OptionComputation): string[] {
  const w = new FieldWriter().int(EventId.TICK_OPTION_COMPUTATION);
  if (serverVersion < SV.PRICE_BASED_VOLATILITY) w.int(6);
  w.int(o.reqId).int(o.tickType);
  if (serverVersion >= SV.PRICE_BASED_VOLATILITY) w.int(o.tickAttrib ?? 0);
  return w
    .double(o.impliedVol ?? -1)
    .double(o.delta ?? -2)
    .double(o.optPrice ?? -1)
    .double(o.pvDividend ?? -1)
    .double(o.gamma ?? -2)
    .double(o.vega ?? -2)
    .double(o.theta ?? -2)
    .double(o.undPrice ?? -1).fields;
}

export interface RealtimeBar extends WireOhlc {
  reqId: number;
  /** Bar start, epoch seconds. */
  time: number;
  count: number;
}

/** REAL_TIME_BARS (50): version 3, reqId, time, open, high, low, close, volume, wap, count. */
export function encodeRealtimeBar(serverVersion: number, b: RealtimeBar): string[] {
  const w = new FieldWriter().int(EventId.REAL_TIME_BARS).int(3).int(b.reqId).int(b.time);
  writeOhlc(w, serverVersion, b);
  return w.int(b.count).fields;
}
