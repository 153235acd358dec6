// Contract messages: reqContractDetails and reqSecDefOptParams in; contractDetails
// (+ End) and securityDefinitionOptionParameter (+ End) out.
// Layouts checked against: the TWS API docs (ContractDetails class reference,
// ibkrcampus.com/campus/ibkr-api-page/twsapi-ref); the official Python client
// (nautechsystems/nautilus_ibapi ibapi/client.py reqContractDetails,
// ibapi/decoder.py processContractDataMsg / processSecurityDefinitionOptionParameterMsg);
// the official Java EDecoder (xqguo/twsapi source/JavaClient/com/ib/client/EDecoder.java);
// @stoqey/ib 1.6.10 (dist/core/io/encoder.js reqContractDetails / reqSecDefOptParams,
// dist/core/io/decoder.js decodeMsg_CONTRACT_DATA).
// Also ib_async's independent decoder (ib-api-reloaded/ib_async ib_async/decoder.py).

import { ascii7, encodeRequestEnd, readRequestContract, requireVersion } from './codecFields';
import type { WireContract } from './contractTypes';
import type { WireContractDetails } from './contractDetailsTypes';
import { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, formatDouble, type FieldReader } from '../../tws/wire';

// ---- client -> TWS ----

export interface ReqContractDetails {
  reqId: number;
  /** includeExpired, secIdType, secId and (from BOND_ISSUERID) issuerId are filled in. */
  contract: WireContract;
}

/**
 * REQ_CONTRACT_DATA (9): version 8, reqId, contract block + includeExpired,
 * secIdType, secId, then issuerId from BOND_ISSUERID (176).
 */
export function decodeReqContractDetails(r: FieldReader, serverVersion: number): ReqContractDetails {
  r.int('version');
  const reqId = r.int('reqId');
  const contract = readRequestContract(r, { includeExpired: true });
  contract.secIdType = r.str('secIdType');
  contract.secId = r.str('secId');
  if (serverVersion >= SV.BOND_ISSUERID) contract.issuerId = r.str('issuerId');
  return { reqId, contract };
}

export interface ReqSecDefOptParams {
  reqId: number;
  underlyingSymbol: string;
  /** "" for stock options (all exchanges). */
  futFopExchange: string;
  underlyingSecType: string;
  underlyingConId: number;
}

/** REQ_SEC_DEF_OPT_PARAMS (78), no version field: reqId, symbol, futFopExchange, secType, conId. */
export function decodeReqSecDefOptParams(r: FieldReader, _serverVersion: number): ReqSecDefOptParams {
  return {
    reqId: r.int('reqId'),
    underlyingSymbol: r.str('underlyingSymbol'),
    futFopExchange: r.str('futFopExchange'),
    underlyingSecType: r.str('underlyingSecType'),
    underlyingConId: r.int('underlyingConId'),
  };
}

// ---- TWS -> client ----

/**
 * CONTRACT_DATA (10). Before SIZE_RULES (164) a version field (8) follows the id;
 * mdSizeMultiplier sits after minTick for MD_SIZE_MULTIPLIER (110) .. 163 and
 * sizeMinTick after stockType at 163 only; minSize / sizeIncrement /
 * suggestedSizeIncrement replace them from 164. Later optional blocks: aggGroup (121),
 * underSymbol/underSecType (122), marketRuleIds (126), realExpirationDate (134),
 * stockType (152).
 */
export function encodeContractDetails(serverVersion: number, reqId: number, d: WireContractDetails): string[] {
  const c = d.contract;
  const w = new FieldWriter().int(EventId.CONTRACT_DATA);
  if (serverVersion < SV.SIZE_RULES) w.int(8);
  w.int(reqId)
    .str(c.symbol)
    .str(c.secType)
    // Clients split "date-time" (all three) or "date time" (Java/Python only) into lastTradeTime.
    .str(d.lastTradeTime ? `${c.lastTradeDateOrContractMonth}-${d.lastTradeTime}` : c.lastTradeDateOrContractMonth)
    .double(c.strike)
    .str(c.right)
    .str(c.exchange)
    .str(c.currency)
    .str(c.localSymbol)
    .str(d.marketName)
    .str(c.tradingClass)
    .int(c.conId)
    .double(d.minTick);
  if (serverVersion >= SV.MD_SIZE_MULTIPLIER && serverVersion < SV.SIZE_RULES) w.int(d.mdSizeMultiplier ?? 1);
  w.str(c.multiplier)
    .str(d.orderTypes)
    .str(d.validExchanges)
    .int(d.priceMagnifier)
    .int(d.underConId)
    .str(ascii7(serverVersion, d.longName))
    .str(c.primaryExch)
    .str(d.contractMonth)
    .str(d.industry)
    .str(d.category)
    .str(d.subcategory)
    .str(d.timeZoneId)
    .str(d.tradingHours)
    .str(d.liquidHours)
    .str(d.evRule)
    // Java reads a double, IB's Python client an int: integral values satisfy both.
    .raw(Number.isInteger(d.evMultiplier) ? String(d.evMultiplier) : formatDouble(d.evMultiplier))
    .int(d.secIdList.length);
  for (const tv of d.secIdList) w.str(tv.tag).str(tv.value);
  if (serverVersion >= SV.AGG_GROUP) w.intMax(d.aggGroup);
  if (serverVersion >= SV.UNDERLYING_INFO) w.str(d.underSymbol).str(d.underSecType);
  if (serverVersion >= SV.MARKET_RULES) w.str(d.marketRuleIds);
  if (serverVersion >= SV.REAL_EXPIRATION_DATE) w.str(d.realExpirationDate);
  if (serverVersion >= SV.STOCK_TYPE) w.str(d.stockType);
  if (serverVersion >= SV.FRACTIONAL_SIZE_SUPPORT && serverVersion < SV.SIZE_RULES) w.decimal(d.sizeIncrement);
  if (serverVersion >= SV.SIZE_RULES) w.decimal(d.minSize).decimal(d.sizeIncrement).decimal(d.suggestedSizeIncrement);
  return w.fields;
}

/** CONTRACT_DATA_END (52): version 1, reqId. */
export function encodeContractDetailsEnd(_serverVersion: number, reqId: number): string[] {
  return encodeRequestEnd(EventId.CONTRACT_DATA_END, reqId);
}

export interface SecDefOptParameter {
  reqId: number;
  exchange: string;
  underlyingConId: number;
  tradingClass: string;
  /** Text on the wire ("100"); the official clients keep it a string. */
  multiplier: string;
  expirations: readonly string[];
  strikes: readonly number[];
}

/**
 * SECURITY_DEFINITION_OPTION_PARAMETER (75), no version field, from
 * SEC_DEF_OPT_PARAMS_REQ (104): reqId, exchange, underlyingConId, tradingClass,
 * multiplier, expirations (count + each), strikes (count + each).
 */
export function encodeSecDefOptParameter(serverVersion: number, p: SecDefOptParameter): string[] {
  requireVersion(serverVersion, SV.SEC_DEF_OPT_PARAMS_REQ, 'securityDefinitionOptionParameter');
  const w = new FieldWriter()
    .int(EventId.SECURITY_DEFINITION_OPTION_PARAMETER)
    .int(p.reqId)
    .str(p.exchange)
    .int(p.underlyingConId)
    .str(p.tradingClass)
    .str(p.multiplier)
    .int(p.expirations.length);
  for (const e of p.expirations) w.str(e);
  w.int(p.strikes.length);
  for (const s of p.strikes) w.double(s);
  return w.fields;
}

/** SECURITY_DEFINITION_OPTION_PARAMETER_END (76), no version field: reqId. */
export function encodeSecDefOptParameterEnd(serverVersion: number, reqId: number): string[] {
  requireVersion(serverVersion, SV.SEC_DEF_OPT_PARAMS_REQ, 'securityDefinitionOptionParameterEnd');
  return new FieldWriter().int(EventId.SECURITY_DEFINITION_OPTION_PARAMETER_END).int(reqId).fields;
}
