// In-host suite for @vscode/test-electron (`node .vscode-test.mjs`): runs inside a desktop
// VS Code's extension host and drives the extension through its API. Mocha-free: the test
// host calls run() and a rejection fails the run.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { connect } from 'node:net';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('ibkr-ai-trader.ibkr-ai-trader');
  assert.ok(ext, 'extension is installed');
  await ext.activate();
  const commands = await vscode.commands.getCommands(true);
  const ids = [
    'startSession',
    'stopSession',
    'killSwitch',
    'connect',
    'disconnect',
    'runChecks',
    'showPanel',
    'backtest',
    'startSimulator',
    'stopSimulator',
    'showLog',
    'showMenu',
  ];
  for (const id of ids.map((i) => `ibkrAi.${i}`)) assert.ok(commands.includes(id), `${id} registered`);

  const sim = await vscode.commands.executeCommand<{ host: string; port: number } | undefined>('ibkrAi.startSimulator');
  assert.ok(sim && sim.port > 0, 'the simulator started');
  assert.equal(await accepts(sim.port), true);
  assert.equal(await vscode.commands.executeCommand('ibkrAi.stopSimulator'), true);
  assert.equal(await accepts(sim.port), false);
  console.log('in-host suite: 1 passed, 0 failed');
}
