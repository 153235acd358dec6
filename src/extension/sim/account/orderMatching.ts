// When a working order trades: its stop is touched, its limit crosses the quote, a combo's
// quote is the net of its legs', and a DAY order expires at the close it was placed for.
import type { WireContract } from '../protocol/contractTypes';
import type { Market, Quote } from '../market/market';
import { nyParts, nySessionOfDay, nyTimeToMs } from '../market/marketTime';
import { roundCents } from '../market/rounding';
import type { SimOrder } from './simOrder';

type Touch = Pick<Quote, 'bid' | 'ask' | 'last'>;

/** The quote an order trades against: its contract's, or for a BAG the net of its legs'. */
export function orderQuote(market: Market, contract: WireContract): Touch | undefined {
  return market.quote(contract.conId) ?? comboQuote(market, contract);
}

/** BAG contracts: the net of the legs' quotes (sells count negative). */
function comboQuote(market: Market, contract: WireContract): Touch | undefined {
  if (contract.secType !== 'BAG' || !contract.comboLegs?.length) return undefined;
  let bid = 0;
  let ask = 0;
  for (const leg of contract.comboLegs) {
    const q = market.quote(leg.conId);
    if (!q) return undefined;
    if (leg.action === 'BUY') {
      bid += q.bid * leg.ratio;
      ask += q.ask * leg.ratio;
    } else {
      bid -= q.ask * leg.ratio;
      ask -= q.bid * leg.ratio;
    }
  }
  return { bid: roundCents(bid), ask: roundCents(ask), last: roundCents((bid + ask) / 2) };
}

/**
 * The price the order fills at against `q` (the touch on its side), or undefined when it does
 * not trade now. A stop order is triggered (and stays so) once the last price reaches its stop.
 */
export function fillPrice(o: SimOrder, q: Touch): number | undefined {
  const buy = o.order.action === 'BUY';
  const type = o.order.orderType;
  if ((type === 'STP' || type === 'STP LMT') && !o.triggered) {
    const stop = o.order.auxPrice as number;
    if (buy ? q.last >= stop : q.last <= stop) o.triggered = true;
    else return undefined;
  }
  const touch = buy ? q.ask : q.bid;
  if (type === 'MKT' || type === 'STP') return touch;
  const limit = o.order.lmtPrice as number;
  return (buy ? touch <= limit : touch >= limit) ? touch : undefined;
}

/** A DAY order placed at `submittedMs` has expired at `nowMs`: the close of its day (13:00 on early closes) has passed. */
export function dayOrderExpired(submittedMs: number, nowMs: number): boolean {
  const p = nyParts(submittedMs);
  const closeMinute = nySessionOfDay(submittedMs)?.closeMinute ?? 16 * 60;
  const close = nyTimeToMs(p.year, p.month, p.day, Math.floor(closeMinute / 60), closeMinute % 60);
  return submittedMs < close && nowMs >= close;
}
