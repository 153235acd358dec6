// Field-level helpers shared by the session, contract, market data, history and
// account codecs: version-dependent number formats, ASCII-7 escaping, tag-value
// lists and the contract block that requests carry.

import type { WireComboLeg, WireContract } from './contractTypes';
import type { WireTagValue } from './contractDetailsTypes';
import type { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, ProtocolError, UNSET_DECIMAL, type FieldReader } from '../../tws/wire';

/** Throws when a message does not exist at this server version (the caller sent it anyway). */
export function requireVersion(serverVersion: number, min: number, what: string): void {
  if (serverVersion < min) {
    throw new ProtocolError(`${what} needs server version ${min}, the connection speaks ${serverVersion}`);
  }
}

/**
 * Sizes and volumes: Decimal text since FRACTIONAL_SIZE_SUPPORT; before that the
 * clients read an int (Java readInt / readLong), so a fraction would break them.
 */
export function writeSize(w: FieldWriter, serverVersion: number, v: number | undefined): void {
  if (serverVersion >= SV.FRACTIONAL_SIZE_SUPPORT) w.decimal(v);
  else w.int(v === undefined || v === UNSET_DECIMAL ? 0 : Math.round(v));
}

/** A bar's WAP: Decimal from FRACTIONAL_SIZE_SUPPORT, a double before (both parse the same text). */
export function writeWap(w: FieldWriter, serverVersion: number, wap: number): void {
  if (serverVersion >= SV.FRACTIONAL_SIZE_SUPPORT) w.decimal(wap);
  else w.double(wap);
}

/** The prices, volume and WAP of one bar, as historical and real-time bars carry them. */
export interface WireOhlc {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  wap: number;
}

/** open, high, low, close, volume, wap: one bar as historical and real-time bars send it. */
export function writeOhlc(w: FieldWriter, serverVersion: number, b: WireOhlc): void {
  w.double(b.open).double(b.high).double(b.low).double(b.close);
  writeSize(w, serverVersion, b.volume);
  writeWap(w, serverVersion, b.wap);
}

/** A message that carries only the id of the request it is about (the cancels). */
export interface ReqIdOnly {
  reqId: number;
}

/** The decoder of a request that is only its version field (`version 1`, nothing else). */
export function decodeVersionOnly(r: FieldReader, _serverVersion: number): Record<string, never> {
  r.int('version');
  return {};
}

/** The decoder of a cancel that is `version, reqId` (the version may be 1 or 2 depending on the client). */
export function decodeVersionedCancel(r: FieldReader, _serverVersion: number): ReqIdOnly {
  r.int('version');
  return { reqId: r.int('reqId') };
}

/** The decoder of a cancel that is only `reqId` (the messages that have no version field). */
export function decodeUnversionedCancel(r: FieldReader, _serverVersion: number): ReqIdOnly {
  return { reqId: r.int('reqId') };
}

/** `version 1` and one value: an int field for a number, the text for a string. */
function versionOne(eventId: EventId, value: number | string): string[] {
  const w = new FieldWriter().int(eventId).int(1);
  return (typeof value === 'number' ? w.int(value) : w.str(value)).fields;
}

/** `version 1, reqId`: the end marker after the answers to one request. */
export function encodeRequestEnd(eventId: EventId, reqId: number): string[] {
  return versionOne(eventId, reqId);
}

/**
 * The encoder of a message that is `version 1` and one value (an id, a time, an account, a
 * request's end); `since` names the server version a message came with, for one the oldest clients lack.
 */
export function versionOneEncoder<T extends number | string>(
  eventId: EventId,
  since?: { version: number; what: string },
): (serverVersion: number, value: T) => string[] {
  return (serverVersion, value) => {
    if (since) requireVersion(serverVersion, since.version, since.what);
    return versionOne(eventId, value);
  };
}

/** Position quantities: fractional (readDouble) since FRACTIONAL_POSITIONS, an int before. */
export function writePosition(w: FieldWriter, serverVersion: number, v: number): void {
  if (serverVersion >= SV.FRACTIONAL_POSITIONS) w.decimal(v);
  else w.int(Math.round(v));
}

/**
 * From ENCODE_MSG_ASCII7 on, clients un-escape `\uXXXX` in error texts and longName
 * (Python decodes them with "unicode-escape"), so TWS sends only 7-bit ASCII there.
 */
export function ascii7(serverVersion: number, s: string): string {
  if (serverVersion < SV.ENCODE_MSG_ASCII7) return s;
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) {
      out += ch;
    } else {
      // Astral characters become a surrogate pair, as Java's String holds them.
      for (let k = 0; k < ch.length; k++) out += '\\u' + ch.charCodeAt(k).toString(16).padStart(4, '0');
    }
  }
  return out;
}

/** The field `name`: `tag=value;tag=value;`, as the clients join TagValue lists into one field. */
export function readJoinedTagValues(r: FieldReader, name: string): WireTagValue[] {
  const out: WireTagValue[] = [];
  for (const part of r.str(name).split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? { tag: part, value: '' } : { tag: part.slice(0, eq), value: part.slice(eq + 1) });
  }
  return out;
}

export interface ContractBlockOptions {
  /** reqContractDetails, reqHistoricalData, reqHeadTimestamp send includeExpired after tradingClass. */
  includeExpired: boolean;
}

/** The start of the market data, bar and history requests: their reqId and contract. */
export interface ContractRequestHead {
  reqId: number;
  contract: WireContract;
}

/** `[version,] reqId, contract block`; the version field, where the request has one, is read and dropped. */
export function readContractRequest(r: FieldReader, opts: ContractBlockOptions & { versioned: boolean }): ContractRequestHead {
  if (opts.versioned) r.int('version');
  const reqId = r.int('reqId');
  return { reqId, contract: readRequestContract(r, opts) };
}

/**
 * The contract block of market data / history / contract requests at server
 * version >= 100: conId, symbol, secType, lastTradeDateOrContractMonth, strike,
 * right, multiplier, exchange, primaryExch, currency, localSymbol, tradingClass
 * (all are older than v100: REQ_MKT_DATA_CONID 47, PRIMARYEXCH 75, TRADING_CLASS 68).
 */
export function readRequestContract(r: FieldReader, opts: ContractBlockOptions): WireContract {
  const c: WireContract = {
    conId: r.int('conId'),
    symbol: r.str('symbol'),
    secType: r.str('secType'),
    lastTradeDateOrContractMonth: r.str('lastTradeDateOrContractMonth'),
    strike: r.double('strike'),
    right: r.str('right'),
    multiplier: r.str('multiplier'),
    exchange: r.str('exchange'),
    primaryExch: r.str('primaryExch'),
    currency: r.str('currency'),
    localSymbol: r.str('localSymbol'),
    tradingClass: r.str('tradingClass'),
  };
  if (opts.includeExpired) c.includeExpired = r.bool('includeExpired');
  return c;
}

/** BAG legs in market data / history requests, sent only when the contract is a BAG: count, then conId, ratio, action, exchange each. */
export function readBagLegs(r: FieldReader, c: WireContract): void {
  if (c.secType.toUpperCase() === 'BAG') c.comboLegs = readShortComboLegs(r);
}

function readShortComboLegs(r: FieldReader): WireComboLeg[] {
  const n = r.int('comboLegsCount');
  if (n < 0 || n * 4 > r.remaining) throw new ProtocolError(`${r.messageName}: combo leg count ${n} is out of range`);
  const legs: WireComboLeg[] = [];
  for (let i = 0; i < n; i++) {
    legs.push({
      conId: r.int(`comboLeg[${i}].conId`),
      ratio: r.int(`comboLeg[${i}].ratio`),
      action: r.str(`comboLeg[${i}].action`),
      exchange: r.str(`comboLeg[${i}].exchange`),
    });
  }
  return legs;
}
