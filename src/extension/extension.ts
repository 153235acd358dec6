// VS Code entry point. activate() only wires objects and registers commands; nothing
// connects, and neither the simulator, the TWS client library nor onnxruntime is loaded,
// until the user asks (they are imported on first use).
import * as vscode from 'vscode';
import { registerCommands, runPanelAction } from './vscode/commands';
import { componentLog, createLogChannel } from './vscode/log';
import { Notifier } from './vscode/notifications';
import { PANEL_VIEW_TYPE, TradingPanel } from './vscode/panel';
import { PanelStore } from './app/panelStore';
import { setting } from './vscode/settings';
import { SimulatorHost } from './app/simulatorHost';
import { StatusBar } from './vscode/statusBar';
import { trackContextKeys } from './vscode/contextKeys';
import { Trader } from './app/trader';
import { PositionsOrdersTree } from './vscode/treeView';

/** Kept so deactivate() can stop the session, close the socket and the simulator. */
let owned: { trader: Trader; simulator: SimulatorHost } | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const t0 = performance.now();
  const channel = createLogChannel();
  const uiLog = componentLog(channel, 'ui');
  const logs = {
    broker: componentLog(channel, 'broker'),
    session: componentLog(channel, 'session'),
    checks: componentLog(channel, 'checks'),
    backtest: componentLog(channel, 'backtest'),
  };
  const store = new PanelStore();
  const simLog = componentLog(channel, 'sim');
  // The trader reads the simulator lazily (at its first refresh, after both exist).
  const trader: Trader = new Trader({
    store,
    simulator: () => simulator.running,
    restricted: () => !vscode.workspace.isTrusted,
    log: (component, level, message) => logs[component][level](message),
  });
  const simulator = new SimulatorHost({
    log: (line) => simLog.info(line),
    onChange: (running) => {
      store.setSimulator(running);
      trader.refreshHealth();
      // A connection closed by the simulator's stop follows it to its new port.
      if (running) void trader.simulatorStarted(running);
    },
    beforeStop: () => trader.simulatorStopping(),
    settings: () => ({ speed: setting<number>('ibkrAi.simulator.speed', 1) }),
  });
  trader.refreshHealth();
  owned = { trader, simulator };
  const panel = new TradingPanel(context.extensionUri, store, uiLog, runPanelAction);
  const t = trader;
  context.subscriptions.push(
    channel,
    new StatusBar(store),
    panel,
    new PositionsOrdersTree(store),
    new Notifier(trader, uiLog),
    trackContextKeys(store),
    ...registerCommands({ context, simulator, store, trader, panel, log: uiLog, channel }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel) => panel.restore(webviewPanel),
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => t.refreshHealth()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ibkrAi')) uiLog.info('settings changed: they apply to the next connect or session');
    }),
  );
  uiLog.info(
    `activated in ${(performance.now() - t0).toFixed(1)} ms (${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace); ` +
      'nothing connects and no model loads until asked',
  );
}

export async function deactivate(): Promise<void> {
  const o = owned;
  owned = undefined;
  await o?.trader.dispose();
  await o?.simulator.dispose();
}
