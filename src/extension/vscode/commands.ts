// Command handlers (category "IBKR"). The palette, the status bar menu, the panel's buttons
// and the notifications' actions all run these same handlers. Each returns a value so tests
// and other extensions can drive them through `vscode.commands.executeCommand`.
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { DoctorOptions } from '../doctor/runChecks';
import { isTab } from '../../webview/validate';
import { Commands, WALKTHROUGH_ID } from '../app/commandIds';
import { ACTION_COMMANDS } from '../app/panelMessages';
import { CONFIRMED_HOSTS_KEY, remoteHostDecision, withConfirmedHost } from '../app/remoteHost';
import { existsSync } from 'node:fs';
import { DEFAULT_MODEL, defaultModelDir } from '../policy/datasets';
import { CONFIG_NAMES, ConfigError, parseSessionConfig, SYMBOL } from '../session/sessionConfig';
import { doctorSettings, questions, sessionInput } from '../app/configModel';
import type { ComponentLog } from './log';
import type { TradingPanel } from './panel';
import type { PanelStore } from '../app/panelStore';
import { askQuestions, confirmLive, confirmModal } from './prompts';
import { currentTarget, openSettings, type TargetContext } from './settings';
import type { RunningSimulator, SimulatorHost } from '../app/simulatorHost';
import { menuItems } from '../app/statusView';
import type { Trader } from '../app/trader';
import { killNotice, type KillResult } from '../app/killAll';
import { openReport } from './reportView';
import { requireTrust } from './trust';
import { registerOrderCommands } from './orderCommands';
import { registerHistoryCommands } from './historyCommands';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  simulator: SimulatorHost;
  store: PanelStore;
  trader: Trader;
  panel: TradingPanel;
  log: ComponentLog;
  channel: vscode.LogOutputChannel;
}

export { ACTION_COMMANDS };

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        deps.log.error(err instanceof Error ? err : message);
        void vscode.window.showErrorMessage(`IBKR: ${message}`);
        return undefined;
      }
    });
  return [
    reg(Commands.startSimulator, () => startSimulator(deps)),
    reg(Commands.stopSimulator, () => stopSimulator(deps)),
    reg(Commands.showLog, () => deps.channel.show()),
    reg(Commands.showMenu, () => showMenu(deps)),
    reg(Commands.connect, () => connect(deps)),
    reg(Commands.disconnect, () => disconnect(deps)),
    reg(Commands.startSession, () => startSession(deps)),
    reg(Commands.stopSession, () => stopSession(deps)),
    reg(Commands.killSwitch, () => killSwitch(deps)),
    reg(Commands.runChecks, () => runChecks(deps)),
    reg(Commands.copyChecksReport, () => copyChecksReport(deps)),
    reg(Commands.showPanel, (tab?: unknown) => deps.panel.show(isTab(tab) ? tab : undefined)),
    reg(Commands.backtest, () => backtest(deps)),
    reg(Commands.openBacktestReport, () => openBacktestReport(deps)),
    reg(Commands.openWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    ...registerOrderCommands(deps, reg),
    ...registerHistoryCommands(deps, reg),
  ];
}

// ------------------------------------------------------------------ simulator

async function startSimulator({ simulator, store, trader, log }: CommandDeps): Promise<RunningSimulator | undefined> {
  if (!requireTrust('start the TWS simulator')) return undefined;
  const already = simulator.running;
  if (already) {
    void vscode.window.showInformationMessage(`The TWS simulator is already running on ${already.host}:${already.port}.`);
    return already;
  }
  await trader.forgetIdleConnection();
  if (!trader.connectionState) store.setHealth({ kind: 'starting' });
  const follows = trader.followsSimulator;
  try {
    const sim = await simulator.start();
    const copy = 'Copy Port';
    const next = follows ? 'The connection closed by its stop reconnects to it.' : '"IBKR: Connect to TWS" and "IBKR: Start AI Session" use it while it runs.';
    void vscode.window
      .showInformationMessage(`TWS simulator listening on ${sim.host}:${sim.port} (account ${sim.account}). ${next}`, copy)
      .then((choice) => (choice === copy ? vscode.env.clipboard.writeText(String(sim.port)) : undefined));
    return sim;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.error(err instanceof Error ? err : message);
    store.setHealth({ kind: 'error', message: `simulator failed to start: ${message}` });
    void vscode.window.showErrorMessage(`The TWS simulator failed to start: ${message}`);
    return undefined;
  }
}

async function stopSimulator({ simulator, trader }: CommandDeps): Promise<boolean> {
  if (trader.sessionActive && trader.currentTarget?.simulator) {
    const go = await confirmModal(
      'An AI session is trading on the TWS simulator.',
      'Its working orders are cancelled and it stops, then the simulator stops. Its positions vanish with the simulator.',
      'Stop Session and Simulator',
    );
    if (!go) return false;
  }
  const port = simulator.running?.port;
  const stopped = await simulator.stop();
  void vscode.window.showInformationMessage(stopped ? `TWS simulator on port ${port} stopped.` : 'The TWS simulator is not running.');
  return stopped;
}

/** The demo policy inside the installed extension (not one a workspace happens to hold). */
function shippedModel(deps: CommandDeps): string | undefined {
  const dir = join(deps.context.extensionUri.fsPath, DEFAULT_MODEL);
  return existsSync(join(dir, 'manifest.json')) ? dir : defaultModelDir();
}

// ------------------------------------------------------------------ connection

function doctorOptions(t: TargetContext): DoctorOptions {
  // Market-data permissions are checked for the symbols the session would trade.
  const configured = t.settings[CONFIG_NAMES.symbols.setting];
  const symbols = Array.isArray(configured)
    ? configured.filter((x): x is string => typeof x === 'string' && SYMBOL.test(x.toUpperCase())).map((x) => x.toUpperCase())
    : [];
  return {
    settings: doctorSettings(t.settings),
    ...(symbols.length ? { symbols } : {}),
    // Exactly the .env the connection read (none in Restricted Mode, none when absent).
    envFile: t.env.dotenv ? t.env.dotenv.path : null,
    env: process.env,
    ...(t.folder ? { cwd: t.folder } : {}),
    ...(vscode.env.remoteName ? { remoteName: vscode.env.remoteName } : {}),
    ...(t.target.simulator ? { flags: { host: t.target.host, port: t.target.port }, flagsSource: 'the embedded simulator' } : {}),
  };
}

function target(deps: CommandDeps): TargetContext {
  const t = currentTarget(deps.simulator.running);
  deps.log.info(
    `.env: ${t.env.note}; target ${t.target.host}:${t.target.port} client ${t.target.clientId} (host from ${t.target.sources.host}, port from ${t.target.sources.port}, client id from ${t.target.sources.clientId})`,
  );
  return t;
}

function reportProblems(problems: string[]): void {
  const open = 'Open Settings';
  void vscode.window
    .showErrorMessage(`IBKR: the configuration is invalid: ${problems.join('; ')}`, open)
    .then((c) => (c === open ? openSettings() : undefined));
}

/** A TWS host that is not this machine is confirmed once per host (kept in globalState, not in the workspace). */
async function confirmRemoteHost(deps: CommandDeps, t: TargetContext): Promise<boolean> {
  if (t.target.simulator) return true;
  const state = deps.context.globalState;
  const d = remoteHostDecision(t.target.host, state.get(CONFIRMED_HOSTS_KEY));
  if (d.kind !== 'ask') return true;
  if (!(await confirmModal(d.message, d.detail, 'Connect'))) {
    deps.log.warn(`not connecting: TWS host ${d.host} (from ${t.target.sources.host}) was not confirmed`);
    return false;
  }
  await state.update(CONFIRMED_HOSTS_KEY, withConfirmedHost(state.get(CONFIRMED_HOSTS_KEY), d.host));
  deps.log.info(`TWS host ${d.host} confirmed; not asked again`);
  return true;
}

async function connect(deps: CommandDeps): Promise<boolean> {
  if (!requireTrust('connect to TWS')) return false;
  const t = target(deps);
  if (t.target.problems.length) {
    reportProblems(t.target.problems);
    return false;
  }
  if (!(await confirmRemoteHost(deps, t))) return false;
  return deps.trader.connect(t.target, { checks: () => doctorOptions(t) });
}

async function disconnect({ trader }: CommandDeps): Promise<boolean> {
  if (trader.sessionActive) {
    const go = await confirmModal(
      'An AI session is running on this connection.',
      'It stops after its current cycle (working orders settle or are cancelled), then the connection closes.',
      'Stop Session and Disconnect',
    );
    if (!go) return false;
  }
  await trader.disconnect();
  return true;
}

// ------------------------------------------------------------------ session

async function startSession(deps: CommandDeps): Promise<string | undefined> {
  if (!requireTrust('start an AI session')) return undefined;
  const { trader, panel, log } = deps;
  if (trader.sessionActive) {
    const show = 'Show Panel';
    void vscode.window.showInformationMessage('An AI session is already running.', show).then((c) => (c === show ? panel.show('session') : undefined));
    return trader.activeSession?.sessionId;
  }
  const t = target(deps);
  if (t.target.problems.length) {
    reportProblems(t.target.problems);
    return undefined;
  }
  if (!(await confirmRemoteHost(deps, t))) return undefined;
  const builtinModel = shippedModel(deps);
  const qs = questions(t.settings, t.target);
  const picks = qs.length ? await askQuestions(qs, { builtinModel, allowLive: t.target.allowLive }) : {};
  if (!picks) return undefined;
  const cwd = t.folder ?? deps.context.globalStorageUri.fsPath;
  let config;
  try {
    config = parseSessionConfig(sessionInput(t.settings, t.target, picks), { ...(builtinModel ? { modelDir: builtinModel } : {}), cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      const open = 'Open Settings';
      const first = err.problems[0]!;
      void vscode.window
        .showErrorMessage(`IBKR: cannot start the AI session: ${err.message}`, open)
        .then((c) => (c === open ? openSettings(first.setting.startsWith('ibkrAi.') ? first.setting : undefined) : undefined));
      return undefined;
    }
    throw err;
  }
  panel.show('session', true);
  const detail = `Symbols ${config.symbols.join(', ')}; ${config.cycles} cycles of ${config.cycleSeconds} s; model ${config.modelDir}.`;
  const session = await trader.startSession(config, t.target, {
    confirmLive: (account) => confirmLive(account, detail),
    checks: () => doctorOptions(t),
  });
  if (!session) {
    log.warn('the AI session did not start: the connection failed');
    return undefined;
  }
  return session.sessionId ?? 'starting';
}

async function stopSession({ trader }: CommandDeps): Promise<boolean> {
  if (!trader.stopSession()) {
    void vscode.window.showInformationMessage('No AI session is running.');
    return false;
  }
  void vscode.window.showInformationMessage('IBKR: the AI session stops after its current cycle; working orders settle or are cancelled.');
  return true;
}

async function killSwitch({ trader, panel }: CommandDeps): Promise<KillResult> {
  // No trust check and no confirmation: the kill switch must always work, at once.
  const r = await trader.kill();
  const { message, severity } = killNotice(r);
  const show = 'Show Positions';
  void (severity === 'error' ? vscode.window.showErrorMessage(message, show) : vscode.window.showWarningMessage(message, show)).then((c) =>
    c === show ? panel.show('positions') : undefined,
  );
  return r;
}

// ------------------------------------------------------------------ checks

async function runChecks(deps: CommandDeps) {
  deps.panel.show('checks', true);
  if (!vscode.workspace.isTrusted) {
    deps.store.checksFailed('Restricted Mode: the setup checks connect to TWS, so they run only in a trusted workspace.');
    requireTrust('run the TWS setup checks');
    return undefined;
  }
  const t = target(deps);
  if (!(await confirmRemoteHost(deps, t))) return undefined;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'IBKR: running the TWS setup checks' }, () =>
    deps.trader.runChecks(doctorOptions(t)),
  );
}

/** The same Markdown as `npm run doctor -- --markdown` (account ids masked), for a forum post or an IBKR ticket. */
async function copyChecksReport({ trader }: CommandDeps): Promise<boolean> {
  const report = trader.lastReport;
  if (!report) {
    void vscode.window.showInformationMessage('No setup-check report yet: run "IBKR: Run TWS Setup Checks" first.');
    return false;
  }
  const { formatMarkdown, thisOrigin } = await import('../doctor/markdownReport');
  const host = `${vscode.env.appName} ${vscode.version}${vscode.env.remoteName ? `, remote ${vscode.env.remoteName}` : ''}`;
  await vscode.env.clipboard.writeText(formatMarkdown(report, thisOrigin('VS Code extension', host)));
  void vscode.window.showInformationMessage('IBKR: setup-check report copied to the clipboard (Markdown, account ids masked).');
  return true;
}

// ------------------------------------------------------------------ backtest

async function backtest(deps: CommandDeps): Promise<string | undefined> {
  if (!requireTrust('run a backtest')) return undefined;
  const t = target(deps);
  const cwd = t.folder ?? deps.context.globalStorageUri.fsPath;
  await vscode.workspace.fs.createDirectory(vscode.Uri.file(cwd));
  const setModel = t.settings['ibkrAi.session.model'];
  const model = typeof setModel === 'string' && setModel.trim() ? setModel : shippedModel(deps);
  deps.panel.show('backtest', true);
  const out = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'IBKR: backtesting the policy', cancellable: false },
    () => deps.trader.runBacktest({ cwd, ...(model ? { modelDir: model } : {}) }),
  );
  return out.reportHtml;
}

/** The report in a webview beside the editor: the same on desktop, remote and web (never its HTML source). */
async function openBacktestReport({ store }: CommandDeps): Promise<boolean> {
  const b = store.backtestView();
  if (!b.htmlPath && !b.html) {
    void vscode.window.showInformationMessage('No backtest report yet: run "IBKR: Backtest Policy" first.');
    return false;
  }
  return openReport(b);
}

// ------------------------------------------------------------------ menu

async function showMenu(deps: CommandDeps): Promise<void> {
  const health = vscode.workspace.isTrusted ? deps.store.health : ({ kind: 'restricted' } as const);
  const items = menuItems(health, deps.store.sessionBadge(), deps.simulator.running !== undefined).map((i) => ({ ...i }));
  const pick = await vscode.window.showQuickPick(items, { title: 'IBKR AI Trader', placeHolder: 'Choose an action' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}

/** A command the panel asked for (routed by app/panelMessages.ts: only the protocol's commands). */
export function runPanelAction(command: string, args: readonly unknown[]): void {
  void vscode.commands.executeCommand(command, ...args);
}
