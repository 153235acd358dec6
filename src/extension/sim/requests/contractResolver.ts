// Matches a request's contract against the simulator's security master the way TWS
// does: by conId, or by symbol/secType/currency (stocks) and expiry/strike/right
// (options; a partial option spec matches many). BAG contracts resolve their legs.
import { contractFor } from '../market/instrumentContract';
import { isOption, type OptionContract, type Stock } from '../market/instruments';
import type { Market } from '../market/market';
import type { WireContract } from '../protocol/contractTypes';
import type { ClientConnection } from '../server/clientConnection';

export const NO_SECURITY_DEFINITION = 'No security definition has been found for the request';

export type Resolved = { wire: WireContract; stock?: Stock; option?: OptionContract };

/** All instruments matching a (possibly partial) contract; [] when none. */
export function resolveAll(market: Market, c: WireContract): Resolved[] {
  const inst = market.instruments;
  if (c.conId) {
    // Option conIds are registered when a chain is first built; a conId the client kept
    // from an earlier session must resolve before anything asked for that chain.
    const found = inst.byId(c.conId) ?? (buildAllChains(market), inst.byId(c.conId));
    if (!found) return [];
    return [isOption(found) ? { wire: contractFor(found, found.conId), option: found } : { wire: contractFor(found, found.conId), stock: found }];
  }
  const secType = (c.secType || 'STK').toUpperCase();
  if (c.currency && c.currency.toUpperCase() !== 'USD') return [];
  const stock = inst.stock(c.symbol || c.localSymbol);
  if (secType === 'STK') return stock ? [{ wire: contractFor(stock, stock.conId), stock }] : [];
  if (secType === 'OPT') {
    const underlying = stock ?? inst.stock((c.localSymbol || '').trim().split(/\s+/)[0] ?? '');
    if (!underlying) return [];
    const chain = inst.optionChain(underlying.symbol, market.now(), market.path(underlying).priceAt(market.now()));
    const right = normaliseRight(c.right);
    const expiry = c.lastTradeDateOrContractMonth;
    return chain
      .filter((o) => (!expiry || o.expiry.startsWith(expiry)) && (!c.strike || Math.abs(o.strike - c.strike) < 1e-6) && (!right || o.right === right))
      .filter((o) => !c.localSymbol || o.localSymbol === c.localSymbol || c.localSymbol === underlying.symbol)
      .map((o) => ({ wire: contractFor(o, o.conId), option: o }));
  }
  return [];
}

function buildAllChains(market: Market): void {
  for (const stock of market.instruments.stocks()) market.instruments.optionChain(stock.symbol, market.now(), market.path(stock).priceAt(market.now()));
}

/** Exactly one instrument, or undefined (none or ambiguous). */
export function resolveOne(market: Market, c: WireContract): Resolved | undefined {
  if ((c.secType || '').toUpperCase() === 'BAG') return resolveBag(market, c);
  const all = resolveAll(market, c);
  return all.length === 1 ? all[0] : undefined;
}

/** The one instrument a request names; otherwise TWS's 200 answers `reqId` and this is undefined. */
export function requestedInstrument(market: Market, conn: ClientConnection, reqId: number, c: WireContract): Resolved | undefined {
  const resolved = resolveOne(market, c);
  if (!resolved) conn.sendError(reqId, 200, NO_SECURITY_DEFINITION);
  return resolved;
}

/** The same for requests only a stock answers (bars, history): an option or a combo gets the 200 too. */
export function requestedStock(market: Market, conn: ClientConnection, reqId: number, c: WireContract): Stock | undefined {
  const stock = resolveOne(market, c)?.stock;
  if (!stock) conn.sendError(reqId, 200, NO_SECURITY_DEFINITION);
  return stock;
}

/** A BAG resolves when every leg's conId is known; it keeps the client's legs. */
function resolveBag(market: Market, c: WireContract): Resolved | undefined {
  const legs = c.comboLegs ?? [];
  if (legs.length === 0) return undefined;
  for (const leg of legs) if (!market.instruments.byId(leg.conId)) return undefined;
  return { wire: { ...c, secType: 'BAG', exchange: c.exchange || 'SMART', currency: c.currency || 'USD' } };
}

export function normaliseRight(right: string): 'C' | 'P' | '' {
  const r = (right || '').toUpperCase();
  if (r === 'C' || r === 'CALL') return 'C';
  if (r === 'P' || r === 'PUT') return 'P';
  return '';
}
