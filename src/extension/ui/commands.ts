// Command handlers of the extension shell. Each returns a value so tests and other
// extensions can drive them through `vscode.commands.executeCommand`.
import * as vscode from 'vscode';
import { Commands } from './commandIds';
import type { ComponentLog } from './log';
import type { RunningSimulator, SimulatorHost } from './simulatorHost';
import type { StatusBar } from './statusBar';
import { requireTrust } from './trust';

export interface CommandDeps {
  simulator: SimulatorHost;
  status: StatusBar;
  log: ComponentLog;
  channel: vscode.LogOutputChannel;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.startSimulator, () => startSimulator(deps)),
    vscode.commands.registerCommand(Commands.stopSimulator, () => stopSimulator(deps)),
    vscode.commands.registerCommand(Commands.showLog, () => deps.channel.show()),
    vscode.commands.registerCommand(Commands.showMenu, () => showMenu(deps)),
  ];
}

async function startSimulator({ simulator, status, log }: CommandDeps): Promise<RunningSimulator | undefined> {
  if (!requireTrust('start the TWS simulator')) return undefined;
  const already = simulator.running;
  if (already) {
    void vscode.window.showInformationMessage(`The TWS simulator is already running on ${already.host}:${already.port}.`);
    return already;
  }
  status.set({ kind: 'starting' });
  try {
    const sim = await simulator.start();
    const copy = 'Copy Port';
    void vscode.window
      .showInformationMessage(`TWS simulator listening on ${sim.host}:${sim.port} (account ${sim.account}). Point a TWS API client at port ${sim.port}.`, copy)
      .then((choice) => (choice === copy ? vscode.env.clipboard.writeText(String(sim.port)) : undefined));
    return sim;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(err instanceof Error ? err : message);
    status.set({ kind: 'error', message: `simulator failed to start: ${message}` });
    void vscode.window.showErrorMessage(`The TWS simulator failed to start: ${message}`);
    return undefined;
  }
}

async function stopSimulator({ simulator }: CommandDeps): Promise<boolean> {
  const port = simulator.running?.port;
  const stopped = await simulator.stop();
  void vscode.window.showInformationMessage(stopped ? `TWS simulator on port ${port} stopped.` : 'The TWS simulator is not running.');
  return stopped;
}

async function showMenu(deps: CommandDeps): Promise<void> {
  const running = deps.simulator.running;
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    running
      ? { label: '$(debug-stop) Stop TWS Simulator', description: `port ${running.port}`, command: Commands.stopSimulator }
      : { label: '$(play) Start TWS Simulator', description: 'on a free loopback port', command: Commands.startSimulator },
    { label: '$(output) Show Log', command: Commands.showLog },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'IBKR AI Trader', placeHolder: 'Choose an action' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}
