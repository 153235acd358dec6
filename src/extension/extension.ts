// VS Code entry point. activate() only wires objects and registers commands; nothing
// connects, and neither the simulator nor onnxruntime is loaded, until the user asks.
import * as vscode from 'vscode';
import { registerCommands } from './ui/commands';
import { componentLog, createLogChannel } from './ui/log';
import { SimulatorHost } from './ui/simulatorHost';
import { StatusBar } from './ui/statusBar';
import type { ConnectionHealth } from './ui/statusView';

/** Kept so deactivate() can await the simulator's sockets closing. */
let simulator: SimulatorHost | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const channel = createLogChannel();
  const status = new StatusBar();
  const idle = (): ConnectionHealth => (vscode.workspace.isTrusted ? { kind: 'off' } : { kind: 'restricted' });
  const simLog = componentLog(channel, 'sim');
  simulator = new SimulatorHost({
    log: (line) => simLog.info(line),
    onChange: (running) => status.set(running ? { kind: 'simulator', ...running } : idle()),
  });
  status.set(idle());
  const host = simulator;
  context.subscriptions.push(
    channel,
    status,
    { dispose: () => void host.dispose() },
    ...registerCommands({ simulator: host, status, log: componentLog(channel, 'ui'), channel }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (!host.running) status.set(idle());
    }),
  );
  componentLog(channel, 'ui').info(`activated (${vscode.env.appName} ${vscode.version}, ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace)`);
}

export async function deactivate(): Promise<void> {
  await simulator?.dispose();
  simulator = undefined;
}
