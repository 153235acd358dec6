// Contract as it travels on the wire (the TWS API's Contract class, the fields the
// simulator reads and writes). Shared by every codec.

export interface WireComboLeg {
  conId: number;
  ratio: number;
  action: string; // BUY | SELL
  exchange: string;
  openClose?: number; // 0 same, 1 open, 2 close, 3 unknown
  shortSaleSlot?: number;
  designatedLocation?: string;
  exemptCode?: number;
}

export interface WireDeltaNeutral {
  conId: number;
  delta: number;
  price: number;
}

export interface WireContract {
  conId: number;
  symbol: string;
  secType: string; // STK | OPT | BAG | ...
  lastTradeDateOrContractMonth: string;
  strike: number;
  right: string; // C | P | "" (also CALL/PUT from some clients)
  multiplier: string;
  exchange: string;
  primaryExch: string;
  currency: string;
  localSymbol: string;
  tradingClass: string;
  includeExpired?: boolean;
  secIdType?: string;
  secId?: string;
  description?: string;
  issuerId?: string;
  comboLegsDescrip?: string;
  comboLegs?: WireComboLeg[];
  deltaNeutralContract?: WireDeltaNeutral;
}

export function emptyContract(over: Partial<WireContract> = {}): WireContract {
  return {
    conId: 0,
    symbol: '',
    secType: '',
    lastTradeDateOrContractMonth: '',
    strike: 0,
    right: '',
    multiplier: '',
    exchange: '',
    primaryExch: '',
    currency: '',
    localSymbol: '',
    tradingClass: '',
    ...over,
  };
}
