// Account and portfolio messages: reqPositions / cancelPositions, reqAccountUpdates,
// reqAccountUpdatesMulti / cancel, reqPositionsMulti / cancel, reqAccountSummary /
// cancel, reqPnL / cancel, reqPnLSingle / cancel in; position (+ End),
// updateAccountValue, updatePortfolio, updateAccountTime, accountDownloadEnd,
// accountUpdateMulti (+ End), positionMulti (+ End), accountSummary (+ End), pnl,
// pnlSingle out.
// Layouts checked against: the TWS API docs (account & portfolio data, PnL);
// the official Python client (nautechsystems/nautilus_ibapi ibapi/client.py
// "Account and Portfolio" / "Daily PnL", ibapi/decoder.py processPortfolioValueMsg /
// processPositionDataMsg / processPnLMsg / processPnLSingleMsg and the signature-driven
// messages, which must carry exactly msgId, version and the wrapper's parameters);
// the official Java EDecoder (xqguo/twsapi source/JavaClient/com/ib/client/EDecoder.java);
// @stoqey/ib 1.6.10 (dist/core/io/encoder.js, dist/core/io/decoder.js).
// Also ib_async's independent decoder (ib-api-reloaded/ib_async ib_async/decoder.py).

import { decodeUnversionedCancel, decodeVersionedCancel, decodeVersionOnly, requireVersion, versionOneEncoder, writePosition, writeSize } from './codecFields';
import type { WireContract } from './contractTypes';
import { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, UNSET_DOUBLE, type FieldReader } from '../../tws/wire';

// ---- client -> TWS ----

/** REQ_POSITIONS (61) / CANCEL_POSITIONS (64): version 1 only. */
export const decodeReqPositions = decodeVersionOnly;
export const decodeCancelPositions = decodeVersionOnly;

export interface ReqAccountUpdates {
  subscribe: boolean;
  /** "" lets TWS pick the (single) account; FA users name one. */
  acctCode: string;
}

/** REQ_ACCOUNT_DATA (6): version 2, subscribe, acctCode. */
export function decodeReqAccountUpdates(r: FieldReader, _serverVersion: number): ReqAccountUpdates {
  r.int('version');
  return { subscribe: r.bool('subscribe'), acctCode: r.str('acctCode') };
}

/** What the model-aware requests and their answers name: the request, the account and the FA model ("" for none). */
export interface AccountModelRequest {
  reqId: number;
  account: string;
  modelCode: string;
}

/** reqId, account, modelCode as those requests send them. */
function readAccountModel(r: FieldReader): AccountModelRequest {
  return { reqId: r.int('reqId'), account: r.str('account'), modelCode: r.str('modelCode') };
}

export interface ReqAccountUpdatesMulti extends AccountModelRequest {
  ledgerAndNLV: boolean;
}

/** REQ_ACCOUNT_UPDATES_MULTI (76), from MODELS_SUPPORT (103): version, reqId, account, modelCode, ledgerAndNLV. */
export function decodeReqAccountUpdatesMulti(r: FieldReader, _serverVersion: number): ReqAccountUpdatesMulti {
  r.int('version');
  return { ...readAccountModel(r), ledgerAndNLV: r.bool('ledgerAndNLV') };
}

/** CANCEL_ACCOUNT_UPDATES_MULTI (77): version, reqId. */
export const decodeCancelAccountUpdatesMulti = decodeVersionedCancel;

export type ReqPositionsMulti = AccountModelRequest;

/** REQ_POSITIONS_MULTI (74), from MODELS_SUPPORT (103): version 1, reqId, account, modelCode. */
export function decodeReqPositionsMulti(r: FieldReader, _serverVersion: number): ReqPositionsMulti {
  r.int('version');
  return readAccountModel(r);
}

/** CANCEL_POSITIONS_MULTI (75): version 1, reqId. */
export const decodeCancelPositionsMulti = decodeVersionedCancel;

export interface ReqAccountSummary {
  reqId: number;
  /** "All" or an FA group name. */
  group: string;
  /** The tag list as sent ("NetLiquidation,BuyingPower,$LEDGER:USD"). */
  tags: string;
  tagList: string[];
}

/** REQ_ACCOUNT_SUMMARY (62): version 1, reqId, group, tags. */
export function decodeReqAccountSummary(r: FieldReader, _serverVersion: number): ReqAccountSummary {
  r.int('version');
  const reqId = r.int('reqId');
  const group = r.str('group');
  const tags = r.str('tags');
  const tagList = tags
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return { reqId, group, tags, tagList };
}

/** CANCEL_ACCOUNT_SUMMARY (63): version 1, reqId. */
export const decodeCancelAccountSummary = decodeVersionedCancel;

export type ReqPnL = AccountModelRequest;

/** REQ_PNL (92), no version, from PNL (127): reqId, account, modelCode. */
export function decodeReqPnL(r: FieldReader, _serverVersion: number): ReqPnL {
  return readAccountModel(r);
}

/** CANCEL_PNL (93), no version: reqId. */
export const decodeCancelPnL = decodeUnversionedCancel;

export interface ReqPnLSingle extends ReqPnL {
  conId: number;
}

/** REQ_PNL_SINGLE (94), no version: reqId, account, modelCode, conId. */
export function decodeReqPnLSingle(r: FieldReader, _serverVersion: number): ReqPnLSingle {
  return { ...readAccountModel(r), conId: r.int('conId') };
}

/** CANCEL_PNL_SINGLE (95), no version: reqId. */
export const decodeCancelPnLSingle = decodeUnversionedCancel;

// ---- TWS -> client ----

/**
 * conId .. localSymbol, tradingClass as the position messages carry them: POSITION and
 * POSITION_MULTI send the exchange where PORTFOLIO_VALUE sends the primary exchange.
 */
function writePositionContract(w: FieldWriter, c: WireContract, exchange: 'exchange' | 'primaryExch' = 'exchange'): void {
  w.int(c.conId)
    .str(c.symbol)
    .str(c.secType)
    .str(c.lastTradeDateOrContractMonth)
    .double(c.strike)
    .str(c.right)
    .str(c.multiplier)
    .str(c[exchange])
    .str(c.currency)
    .str(c.localSymbol)
    .str(c.tradingClass);
}

export interface PositionRow {
  account: string;
  contract: WireContract;
  position: number;
  avgCost: number;
}

/** POSITION_DATA (61): version 3, account, contract (11 fields), position, avgCost. */
export function encodePosition(serverVersion: number, p: PositionRow): string[] {
  const w = new FieldWriter().int(EventId.POSITION).int(3).str(p.account);
  writePositionContract(w, p.contract);
  writePosition(w, serverVersion, p.position);
  return w.double(p.avgCost).fields;
}

/** POSITION_END (62): version 1. */
export function encodePositionEnd(_serverVersion: number): string[] {
  return new FieldWriter().int(EventId.POSITION_END).int(1).fields;
}

export interface PositionMultiRow extends PositionRow {
  reqId: number;
  modelCode: string;
}

/** POSITION_MULTI (71): version 1, reqId, account, contract (11 fields), position, avgCost, modelCode. */
export function encodePositionMulti(serverVersion: number, p: PositionMultiRow): string[] {
  requireVersion(serverVersion, SV.MODELS_SUPPORT, 'positionMulti');
  const w = new FieldWriter().int(EventId.POSITION_MULTI).int(1).int(p.reqId).str(p.account);
  writePositionContract(w, p.contract);
  writePosition(w, serverVersion, p.position);
  return w.double(p.avgCost).str(p.modelCode).fields;
}

/** POSITION_MULTI_END (72): version 1, reqId. */
export const encodePositionMultiEnd = versionOneEncoder<number>(EventId.POSITION_MULTI_END, { version: SV.MODELS_SUPPORT, what: 'positionMultiEnd' });

export interface AccountValue {
  key: string;
  /** Values are text on the wire ("100000.00", "true", "DU123456"). */
  value: string;
  currency: string;
  accountName: string;
}

/** ACCT_VALUE (6): version 2, key, value, currency, accountName. */
export function encodeUpdateAccountValue(_serverVersion: number, v: AccountValue): string[] {
  return new FieldWriter().int(EventId.ACCT_VALUE).int(2).str(v.key).str(v.value).str(v.currency).str(v.accountName).fields;
}

export interface PortfolioRow {
  contract: WireContract;
  position: number;
  marketPrice: number;
  marketValue: number;
  averageCost: number;
  unrealizedPNL: number;
  realizedPNL: number;
  accountName: string;
}

/**
 * PORTFOLIO_VALUE (7): version 8, conId, symbol, secType, lastTradeDateOrContractMonth,
 * strike, right, multiplier, primaryExch, currency, localSymbol, tradingClass,
 * position, marketPrice, marketValue, averageCost, unrealizedPNL, realizedPNL, accountName.
 */
export function encodeUpdatePortfolio(serverVersion: number, p: PortfolioRow): string[] {
  const w = new FieldWriter().int(EventId.PORTFOLIO_VALUE).int(8);
  writePositionContract(w, p.contract, 'primaryExch');
  writePosition(w, serverVersion, p.position);
  return w.double(p.marketPrice).double(p.marketValue).double(p.averageCost).double(p.unrealizedPNL).double(p.realizedPNL).str(p.accountName).fields;
}

/** ACCT_UPDATE_TIME (8): version 1, time of day "HH:mm". */
export const encodeUpdateAccountTime = versionOneEncoder<string>(EventId.ACCT_UPDATE_TIME);

/** ACCT_DOWNLOAD_END (54): version 1, accountName. */
export const encodeAccountDownloadEnd = versionOneEncoder<string>(EventId.ACCT_DOWNLOAD_END);

export interface AccountUpdateMulti extends AccountModelRequest {
  key: string;
  value: string;
  currency: string;
}

/** ACCOUNT_UPDATE_MULTI (73): version 1, reqId, account, modelCode, key, value, currency. */
export function encodeAccountUpdateMulti(serverVersion: number, u: AccountUpdateMulti): string[] {
  requireVersion(serverVersion, SV.MODELS_SUPPORT, 'accountUpdateMulti');
  return new FieldWriter().int(EventId.ACCOUNT_UPDATE_MULTI).int(1).int(u.reqId).str(u.account).str(u.modelCode).str(u.key).str(u.value).str(u.currency).fields;
}

/** ACCOUNT_UPDATE_MULTI_END (74): version 1, reqId. */
export const encodeAccountUpdateMultiEnd = versionOneEncoder<number>(EventId.ACCOUNT_UPDATE_MULTI_END, {
  version: SV.MODELS_SUPPORT,
  what: 'accountUpdateMultiEnd',
});

export interface AccountSummaryRow {
  reqId: number;
  account: string;
  tag: string;
  value: string;
  currency: string;
}

/** ACCOUNT_SUMMARY (63): version 1, reqId, account, tag, value, currency. */
export function encodeAccountSummary(_serverVersion: number, s: AccountSummaryRow): string[] {
  return new FieldWriter().int(EventId.ACCOUNT_SUMMARY).int(1).int(s.reqId).str(s.account).str(s.tag).str(s.value).str(s.currency).fields;
}

/** ACCOUNT_SUMMARY_END (64): version 1, reqId. */
export const encodeAccountSummaryEnd = versionOneEncoder<number>(EventId.ACCOUNT_SUMMARY_END);

export interface Pnl {
  reqId: number;
  dailyPnL: number;
  /** Unset values go out as Double.MAX_VALUE, which the clients read as "not available". */
  unrealizedPnL?: number;
  realizedPnL?: number;
}

/** PNL (94), no version, from PNL (127): reqId, dailyPnL, unrealizedPnL (129), realizedPnL (135). */
export function encodePnl(serverVersion: number, p: Pnl): string[] {
  requireVersion(serverVersion, SV.PNL, 'pnl');
  const w = new FieldWriter().int(EventId.PNL).int(p.reqId).double(p.dailyPnL);
  if (serverVersion >= SV.UNREALIZED_PNL) w.double(p.unrealizedPnL ?? UNSET_DOUBLE);
  if (serverVersion >= SV.REALIZED_PNL) w.double(p.realizedPnL ?? UNSET_DOUBLE);
  return w.fields;
}

export interface PnlSingle extends Pnl {
  position: number;
  /** Current market value of the position. */
  value: number;
}

/**
 * PNL_SINGLE (95), no version, from PNL (127): reqId, position (int before
 * FRACTIONAL_SIZE_SUPPORT, Decimal after), dailyPnL, unrealizedPnL (129),
 * realizedPnL (135), value.
 */
export function encodePnlSingle(serverVersion: number, p: PnlSingle): string[] {
  requireVersion(serverVersion, SV.PNL, 'pnlSingle');
  const w = new FieldWriter().int(EventId.PNL_SINGLE).int(p.reqId);
  writeSize(w, serverVersion, p.position);
  w.double(p.dailyPnL);
  if (serverVersion >= SV.UNREALIZED_PNL) w.double(p.unrealizedPnL ?? UNSET_DOUBLE);
  if (serverVersion >= SV.REALIZED_PNL) w.double(p.realizedPnL ?? UNSET_DOUBLE);
  return w.double(p.value).fields;
}
