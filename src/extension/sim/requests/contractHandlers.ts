// reqContractDetails (stocks and options) and reqSecDefOptParams.
import { formatMinute, sessionOfDate, US_REGULAR_HOURS } from '../../core/marketHours';
import { nyParts } from '../market/marketTime';
import { RequestId } from '../../tws/messageIds';
import {
  decodeReqContractDetails,
  decodeReqSecDefOptParams,
  encodeContractDetails,
  encodeContractDetailsEnd,
  encodeSecDefOptParameter,
  encodeSecDefOptParameterEnd,
} from '../protocol/contractCodec';
import { emptyContractDetails, type WireContractDetails } from '../protocol/contractDetailsTypes';
import { NO_SECURITY_DEFINITION, resolveAll, type Resolved } from './contractResolver';
import type { Register } from './registry';

const STOCK_ORDER_TYPES =
  'ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NONALGO,OCA,PEGBENCH,REL,RELPCTOFS,SCALE,SCALERST,SNAPMID,SNAPMKT,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF';
const OPTION_ORDER_TYPES =
  'ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NONALGO,OCA,REL,SCALE,SCALERST,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF';

/**
 * TWS's session lists, one entry per day for a week from today (New York):
 * "20240313:0400-20240313:2000;...;20240316:CLOSED". Trading hours include the
 * extended session (04:00-20:00), liquid hours are the regular session. Weekends and
 * NYSE holidays are CLOSED; on early closes both end three hours early (13:00, 17:00).
 */
export function weekSessions(nowMs: number, open: string, close: string): string {
  const today = nyParts(nowMs);
  const out: string[] = [];
  for (let i = 0; i < 7; i++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
    const day = sessionOfDate(US_REGULAR_HOURS, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    if (!day) {
      out.push(`${ymd}:CLOSED`);
      continue;
    }
    const early = US_REGULAR_HOURS.closeMinute - day.closeMinute;
    const closeMinute = Number(close.slice(0, 2)) * 60 + Number(close.slice(2)) - early;
    out.push(`${ymd}:${open}-${ymd}:${formatMinute(closeMinute).replace(':', '')}`);
  }
  return out.join(';');
}

function details(res: Resolved, nowMs: number): WireContractDetails {
  const c = res.wire;
  if (res.option) {
    const o = res.option;
    return emptyContractDetails(c, {
      marketName: o.tradingClass,
      minTick: 0.01,
      orderTypes: OPTION_ORDER_TYPES,
      validExchanges: 'SMART,AMEX,CBOE,PHLX,PSE,ISE,BOX,BATS,NASDAQOM,CBOE2,MIAX,EMERALD,PEARL,GEMINI,EDGX,MERCURY,IBUSOPT',
      priceMagnifier: 1,
      underConId: o.underlying.conId,
      longName: o.underlying.longName,
      contractMonth: o.expiry.slice(0, 6),
      industry: o.underlying.industry,
      category: o.underlying.category,
      subcategory: '',
      timeZoneId: 'US/Eastern',
      tradingHours: weekSessions(nowMs, '0930', '1600'),
      liquidHours: weekSessions(nowMs, '0930', '1600'),
      evRule: '',
      evMultiplier: 0,
      aggGroup: 2,
      underSymbol: o.underlying.symbol,
      underSecType: 'STK',
      marketRuleIds: '32,109,109,109,109,109,109,109,32,109,32,109,109,109,109,109,109',
      realExpirationDate: o.expiry,
      lastTradeTime: '16:00:00',
      stockType: '',
      minSize: 1,
      sizeIncrement: 1,
      suggestedSizeIncrement: 1,
      secIdList: [],
    });
  }
  const s = res.stock!;
  return emptyContractDetails(c, {
    marketName: 'NMS',
    minTick: 0.01,
    orderTypes: STOCK_ORDER_TYPES,
    validExchanges:
      'SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,DRCTEDGE,BEX,BATS,EDGEA,BYX,IEX,EDGX,FOXRIVER,PEARL,NYSENAT,LTSE,MEMX,IBEOS,OVERNIGHT,TPLUS0,PSX',
    priceMagnifier: 1,
    underConId: 0,
    longName: s.longName,
    contractMonth: '',
    industry: s.industry,
    category: s.category,
    subcategory: s.category,
    timeZoneId: 'US/Eastern',
    tradingHours: weekSessions(nowMs, '0400', '2000'),
    liquidHours: weekSessions(nowMs, '0930', '1600'),
    evRule: '',
    evMultiplier: 0,
    aggGroup: 1,
    underSymbol: '',
    underSecType: '',
    marketRuleIds: '26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26,26',
    realExpirationDate: '',
    stockType: s.category === 'Equity Fund' ? 'ETF' : 'COMMON',
    minSize: 1,
    sizeIncrement: 1,
    suggestedSizeIncrement: 100,
    secIdList: [{ tag: 'ISIN', value: `US${String(s.conId).padStart(9, '0')}0` }],
  });
}

export function registerContractHandlers(on: Register): void {
  on(RequestId.REQ_CONTRACT_DATA, (sim, conn, r) => {
    const req = decodeReqContractDetails(r, conn.version);
    const matches = resolveAll(sim.market, req.contract);
    if (matches.length === 0) {
      conn.sendError(req.reqId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    for (const m of matches) conn.send(encodeContractDetails(conn.version, req.reqId, details(m, sim.market.now())));
    conn.send(encodeContractDetailsEnd(conn.version, req.reqId));
  });
  on(RequestId.REQ_SEC_DEF_OPT_PARAMS, (sim, conn, r) => {
    const req = decodeReqSecDefOptParams(r, conn.version);
    const stock = sim.instruments.stock(req.underlyingSymbol) ?? undefined;
    if (!stock || (req.underlyingConId && req.underlyingConId !== stock.conId)) {
      conn.sendError(req.reqId, 200, NO_SECURITY_DEFINITION);
      return;
    }
    const chain = sim.instruments.optionChain(stock.symbol, sim.market.now(), sim.market.path(stock).priceAt(sim.market.now()));
    const expirations = [...new Set(chain.map((o) => o.expiry))].sort();
    const strikes = [...new Set(chain.map((o) => o.strike))].sort((a, b) => a - b);
    for (const exchange of ['SMART', 'CBOE']) {
      conn.send(
        encodeSecDefOptParameter(conn.version, {
          reqId: req.reqId,
          exchange,
          underlyingConId: stock.conId,
          tradingClass: stock.symbol,
          multiplier: '100',
          expirations,
          strikes,
        }),
      );
    }
    conn.send(encodeSecDefOptParameterEnd(conn.version, req.reqId));
  });
}
