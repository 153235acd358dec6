// The WireContract TWS reports for a stock or option of the simulator's catalogue.
import type { WireContract } from '../protocol/contractTypes';
import type { OptionContract, Stock } from './instruments';

/** An unknown conId gets an empty stock contract carrying just that id. */
export function contractFor(inst: Stock | OptionContract | undefined, conId: number): WireContract {
  if (!inst)
    return {
      conId,
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
  if ('underlying' in inst) {
    return {
      conId: inst.conId,
      symbol: inst.underlying.symbol,
      secType: 'OPT',
      lastTradeDateOrContractMonth: inst.expiry,
      strike: inst.strike,
      right: inst.right,
      multiplier: String(inst.multiplier),
      exchange: 'SMART',
      primaryExch: '',
      currency: inst.underlying.currency,
      localSymbol: inst.localSymbol,
      tradingClass: inst.tradingClass,
    };
  }
  return {
    conId: inst.conId,
    symbol: inst.symbol,
    secType: 'STK',
    lastTradeDateOrContractMonth: '',
    strike: 0,
    right: '',
    multiplier: '',
    exchange: 'SMART',
    primaryExch: inst.primaryExch,
    currency: inst.currency,
    localSymbol: inst.symbol,
    tradingClass: 'NMS',
  };
}
