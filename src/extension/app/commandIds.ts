// Command ids, as contributed in package.json (category "IBKR").
export const Commands = {
  startSession: 'ibkrAi.startSession',
  stopSession: 'ibkrAi.stopSession',
  killSwitch: 'ibkrAi.killSwitch',
  connect: 'ibkrAi.connect',
  disconnect: 'ibkrAi.disconnect',
  runChecks: 'ibkrAi.runChecks',
  showPanel: 'ibkrAi.showPanel',
  backtest: 'ibkrAi.backtest',
  startSimulator: 'ibkrAi.startSimulator',
  stopSimulator: 'ibkrAi.stopSimulator',
  showLog: 'ibkrAi.showLog',
  showMenu: 'ibkrAi.showMenu',
  copyChecksReport: 'ibkrAi.copyReport',
  openBacktestReport: 'ibkrAi.openBacktestReport',
  openWalkthrough: 'ibkrAi.openWalkthrough',
  placeOrder: 'ibkrAi.placeOrder',
  modifyOrder: 'ibkrAi.modifyOrder',
  cancelOrder: 'ibkrAi.cancelOrder',
  flattenPosition: 'ibkrAi.flattenPosition',
  flattenBook: 'ibkrAi.flattenBook',
  refreshHistory: 'ibkrAi.refreshHistory',
  exportHistoryCsv: 'ibkrAi.exportHistoryCsv',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** The walkthrough's id, as contributed (`publisher.name#id`). */
export const WALKTHROUGH_ID = 'ibkr-ai-trader.ibkr-ai-trader#ibkrAi.gettingStarted';
