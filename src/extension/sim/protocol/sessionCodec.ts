// Session messages: startApi, reqIds, reqCurrentTime, reqManagedAccts,
// reqMarketDataType in; managedAccounts, nextValidId, currentTime, error,
// marketDataType out.
// Layouts checked against: the TWS API docs (interactivebrokers.github.io/tws-api
// connection.html, error handling); the official Python client
// (nautechsystems/nautilus_ibapi ibapi/client.py + ibapi/decoder.py, IB's ibapi);
// the official Java EDecoder (xqguo/twsapi source/JavaClient/com/ib/client/EDecoder.java);
// @stoqey/ib 1.6.10 (dist/core/io/{encoder,decoder,socket}.js); a recorded TWS
// session in a public Python asyncio test mock (managedAccounts "15 1 DU..", error "4 2 -1 2104 ..").
// Also ib_async's independent decoder (ib-api-reloaded/ib_async ib_async/decoder.py).

import { ascii7, decodeVersionOnly, versionOneEncoder } from './codecFields';
import { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, type FieldReader } from '../../tws/wire';

// ---- client -> TWS ----

export interface StartApi {
  version: number;
  clientId: number;
  /** Sent from OPTIONAL_CAPABILITIES (72), i.e. at every v100+ version; "" when none. */
  optionalCapabilities: string;
}

/** START_API (71): version 2, clientId, optionalCapabilities. */
export function decodeStartApi(r: FieldReader, _serverVersion: number): StartApi {
  const version = r.int('version');
  const clientId = r.int('clientId');
  // Every v100+ client sends the field (min 72 <= 100); tolerate its absence from hand-made clients.
  const optionalCapabilities = r.remaining > 0 ? r.str('optionalCapabilities') : '';
  return { version, clientId, optionalCapabilities };
}

export interface ReqIds {
  numIds: number;
}

/** REQ_IDS (8): version 1, numIds (deprecated, TWS ignores it). */
export function decodeReqIds(r: FieldReader, _serverVersion: number): ReqIds {
  r.int('version');
  return { numIds: r.int('numIds') };
}

/** REQ_CURRENT_TIME (49): version 1 only. */
export const decodeReqCurrentTime = decodeVersionOnly;

/** REQ_MANAGED_ACCTS (17): version 1 only. */
export const decodeReqManagedAccts = decodeVersionOnly;

export interface ReqMarketDataType {
  /** 1 live, 2 frozen, 3 delayed, 4 delayed frozen. */
  marketDataType: number;
}

/** REQ_MARKET_DATA_TYPE (59): version 1, marketDataType. */
export function decodeReqMarketDataType(r: FieldReader, _serverVersion: number): ReqMarketDataType {
  r.int('version');
  return { marketDataType: r.int('marketDataType') };
}

// ---- TWS -> client ----

/** MANAGED_ACCTS (15): version 1, comma-separated account list. */
export function encodeManagedAccounts(_serverVersion: number, accounts: readonly string[]): string[] {
  return new FieldWriter().int(EventId.MANAGED_ACCTS).int(1).str(accounts.join(',')).fields;
}

/** NEXT_VALID_ID (9): version 1, orderId. */
export const encodeNextValidId = versionOneEncoder<number>(EventId.NEXT_VALID_ID);

/** CURRENT_TIME (49): version 1, epoch seconds. */
export const encodeCurrentTime = versionOneEncoder<number>(EventId.CURRENT_TIME);

export interface ErrorMessage {
  /** The request / order / ticker id, -1 for connection-level notices (2104 etc.). */
  reqId: number;
  code: number;
  message: string;
  /** JSON text for order rejects; sent (possibly "") from ADVANCED_ORDER_REJECT on. */
  advancedOrderRejectJson?: string;
}

/**
 * ERR_MSG (4): version 2 (version 1 carried only a text), id, code, message,
 * then advancedOrderRejectJson from ADVANCED_ORDER_REJECT (166). The version field
 * is dropped only at ERROR_TIME (194), beyond what the simulator speaks.
 */
export function encodeError(serverVersion: number, e: ErrorMessage): string[] {
  const w = new FieldWriter().int(EventId.ERR_MSG).int(2).int(e.reqId).int(e.code).str(ascii7(serverVersion, e.message));
  if (serverVersion >= SV.ADVANCED_ORDER_REJECT) w.str(ascii7(serverVersion, e.advancedOrderRejectJson ?? ''));
  return w.fields;
}

/** MARKET_DATA_TYPE (58): version 1, reqId, marketDataType (sent when the data type of a ticker changes). */
export function encodeMarketDataType(_serverVersion: number, reqId: number, marketDataType: number): string[] {
  return new FieldWriter().int(EventId.MARKET_DATA_TYPE).int(1).int(reqId).int(marketDataType).fields;
}
