// A limit far through the market is most often a typo (5.00 for a spread quoted 2.10 / 2.30, 1500
// for a 150 stock): it fills at about the market, so the limit protects nothing. TWS's own
// precautionary settings catch some of these only after the order is sent; the order ticket
// says it in the preview, before the confirmation. A limit a little through the market (to be
// sure of a fill) is normal, hence the margin.

/** How far through the market (a share of the market price) a limit may be before the ticket warns. */
export const LIMIT_THROUGH_MARKET_SHARE = 0.05;
/** ...and never warns for less than this (a cheap option, or a combo's net near 0 or negative). */
export const LIMIT_THROUGH_MARKET_MIN = 0.05;

/**
 * The warning for a limit `limit` on a `side` order whose market is `market` (what it would trade
 * against: the ask for a buy, the bid for a sell, else the last or mid), or undefined when it is
 * not further through the market than LIMIT_THROUGH_MARKET_SHARE of it (at least LIMIT_THROUGH_MARKET_MIN).
 */
export function limitThroughMarket(side: 'BUY' | 'SELL', limit: number | undefined, market: number | undefined, marketName: string): string | undefined {
  if (limit === undefined || market === undefined || !Number.isFinite(limit) || !Number.isFinite(market)) return undefined;
  const through = side === 'BUY' ? limit - market : market - limit;
  if (through <= Math.max(Math.abs(market) * LIMIT_THROUGH_MARKET_SHARE, LIMIT_THROUGH_MARKET_MIN) + 1e-9) return undefined;
  const pct = market !== 0 ? ` (${Math.round((through / Math.abs(market)) * 100)}%)` : '';
  return (
    `the limit ${limit.toFixed(2)} is ${through.toFixed(2)} ${side === 'BUY' ? 'above' : 'below'} ${marketName} ${market.toFixed(2)}${pct}: ` +
    `it would fill at about the market, not at the limit; check the price`
  );
}
