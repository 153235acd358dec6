// TWS's account value tags that are amounts of the account's currency (reqAccountUpdates,
// reqAccountSummary): the broker asks for them and the simulator sends them, from one list.
export const MONEY_TAGS = [
  'NetLiquidation',
  'TotalCashValue',
  'SettledCash',
  'BuyingPower',
  'EquityWithLoanValue',
  'GrossPositionValue',
  'InitMarginReq',
  'MaintMarginReq',
  'AvailableFunds',
  'ExcessLiquidity',
] as const;

export type MoneyTag = (typeof MONEY_TAGS)[number];
