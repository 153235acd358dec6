// Command ids, as contributed in package.json (category "IBKR").
export const Commands = {
  startSimulator: 'ibkrAi.startSimulator',
  stopSimulator: 'ibkrAi.stopSimulator',
  showLog: 'ibkrAi.showLog',
  showMenu: 'ibkrAi.showMenu',
} as const;
