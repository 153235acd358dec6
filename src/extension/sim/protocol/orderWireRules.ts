// Shared rules of the order codecs: which server versions they speak, the order-type
// predicates that switch optional field groups on and off, and how TWS spells values.
// The predicates match the reference clients (ibapi utils.py isPegBenchOrder & co,
// Java Util.IsPegBenchOrder, @stoqey/ib orderType.ts), which accept both spellings.

import { MAX_SIM_SERVER_VERSION, MIN_CLIENT_VERSION } from '../../tws/serverVersions';
import { ProtocolError, UNSET_INTEGER, formatDouble } from '../../tws/wire';

/** Java's Double.MAX_VALUE as TWS prints it. */
export const MAX_DOUBLE_TEXT = '1.7976931348623157E308';
/** Java's Integer.MAX_VALUE as TWS prints it. */
export const MAX_INT_TEXT = String(UNSET_INTEGER);
/** Java's Long.MAX_VALUE (unset parentPermId); beyond a JS number's precision, so kept as text. */
export const MAX_LONG_TEXT = '9223372036854775807';

/** Encoders: a server version this codec has layouts for. */
export function checkEncodeVersion(sv: number, message: string, minVersion = MIN_CLIENT_VERSION): void {
  if (!Number.isInteger(sv) || sv < minVersion || sv > MAX_SIM_SERVER_VERSION) {
    throw new RangeError(`${message}: no layout for server version ${sv} (supported ${minVersion}..${MAX_SIM_SERVER_VERSION})`);
  }
}

/** Decoders: a client sent something this connection's server version cannot carry. */
export function checkDecodeVersion(sv: number, message: string, minVersion = MIN_CLIENT_VERSION): void {
  if (!Number.isInteger(sv) || sv < minVersion || sv > MAX_SIM_SERVER_VERSION) {
    throw new ProtocolError(`${message}: not supported at server version ${sv} (supported ${minVersion}..${MAX_SIM_SERVER_VERSION})`);
  }
}

export function isBag(secType: string): boolean {
  return secType.toUpperCase() === 'BAG';
}
export function isPegBenchOrder(orderType: string): boolean {
  return orderType === 'PEG BENCH' || orderType === 'PEGBENCH';
}
export function isPegBestOrder(orderType: string): boolean {
  return orderType === 'PEG BEST' || orderType === 'PEGBEST';
}
export function isPegMidOrder(orderType: string): boolean {
  return orderType === 'PEG MID' || orderType === 'PEGMID';
}
export function isTrailingOrder(orderType: string): boolean {
  return orderType === 'TRAIL' || orderType === 'TRAIL LIMIT';
}

/** A double that TWS prints as Double.MAX_VALUE text when unset (margins, adjusted-order prices). */
export function doubleOrMaxText(v: number | undefined): string {
  return v === undefined ? MAX_DOUBLE_TEXT : formatDouble(v);
}

/** An int that TWS prints as Integer.MAX_VALUE text when unset (displaySize, scale sizes). */
export function intOrMaxText(v: number | undefined): string {
  return v === undefined ? MAX_INT_TEXT : String(Math.trunc(v));
}

/** Plain number without Java's trailing ".0" ("0", "5800", "196.52"): how TWS prints strikes and fills. */
export function plainNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(10)));
}
