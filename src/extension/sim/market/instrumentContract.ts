// The WireContract TWS reports for a stock or option of the simulator's catalogue.
import type { WireContract } from '../protocol/contractTypes';
import type { OptionContract, Stock } from './instruments';

/** A stock TWS knows nothing about but its conId: what an unknown conId is reported as, and the fields every stock shares. */
const BARE_STOCK: Readonly<WireContract> = {
  conId: 0,
  symbol: '',
  secType: 'STK',
  lastTradeDateOrContractMonth: '',
  strike: 0,
  right: '',
  multiplier: '',
  exchange: 'SMART',
  primaryExch: '',
  currency: 'USD',
  localSymbol: '',
  tradingClass: '',
};

/** An unknown conId gets an empty stock contract carrying just that id. */
export function contractFor(inst: Stock | OptionContract | undefined, conId: number): WireContract {
  if (!inst) return { ...BARE_STOCK, conId };
  if ('underlying' in inst) {
    return {
      ...BARE_STOCK,
      conId: inst.conId,
      symbol: inst.underlying.symbol,
      secType: 'OPT',
      lastTradeDateOrContractMonth: inst.expiry,
      strike: inst.strike,
      right: inst.right,
      multiplier: String(inst.multiplier),
      currency: inst.underlying.currency,
      localSymbol: inst.localSymbol,
      tradingClass: inst.tradingClass,
    };
  }
  return {
    ...BARE_STOCK,
    conId: inst.conId,
    symbol: inst.symbol,
    primaryExch: inst.primaryExch,
    currency: inst.currency,
    localSymbol: inst.symbol,
    tradingClass: 'NMS',
  };
}
