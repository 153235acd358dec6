// ContractDetails as TWS sends it in CONTRACT_DATA (10): the contract plus the
// descriptive fields. Field names follow the API's ContractDetails class.

import type { WireContract } from './contractTypes';

export interface WireTagValue {
  tag: string;
  value: string;
}

export interface WireContractDetails {
  contract: WireContract;
  marketName: string;
  minTick: number;
  /** Before SIZE_RULES (110..163) TWS also sends it; sizes are multiplied by it on the client. */
  mdSizeMultiplier?: number;
  orderTypes: string;
  validExchanges: string;
  priceMagnifier: number;
  underConId: number;
  longName: string;
  contractMonth: string;
  industry: string;
  category: string;
  subcategory: string;
  timeZoneId: string;
  tradingHours: string;
  liquidHours: string;
  evRule: string;
  evMultiplier: number;
  aggGroup?: number;
  underSymbol: string;
  underSecType: string;
  marketRuleIds: string;
  realExpirationDate: string;
  /** Joined to lastTradeDateOrContractMonth on the wire ("20240119-16:00"). */
  lastTradeTime?: string;
  stockType: string;
  minSize?: number;
  sizeIncrement?: number;
  suggestedSizeIncrement?: number;
  secIdList: WireTagValue[];
}

export function emptyContractDetails(contract: WireContract, over: Partial<WireContractDetails> = {}): WireContractDetails {
  return {
    contract,
    marketName: '',
    minTick: 0,
    orderTypes: '',
    validExchanges: '',
    priceMagnifier: 1,
    underConId: 0,
    longName: '',
    contractMonth: '',
    industry: '',
    category: '',
    subcategory: '',
    timeZoneId: '',
    tradingHours: '',
    liquidHours: '',
    evRule: '',
    evMultiplier: 0,
    underSymbol: '',
    underSecType: '',
    marketRuleIds: '',
    realExpirationDate: '',
    stockType: '',
    secIdList: [],
    ...over,
  };
}
