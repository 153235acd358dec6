// Reading the extension's settings: only the values the user set (workspace folder, then
// workspace, then user), so the schema defaults never shadow `.env` values and the source of
// each value can be named. Also where relative paths (journal, model, .env) are resolved.
import * as vscode from 'vscode';
import { CONFIG_NAMES } from '../session/sessionConfig';
import { ENV_FILE_SETTING, readEnvFile, resolveTarget, type EnvFileResult, type ResolvedTarget, type UserSettings } from '../app/configModel';
import type { RunningSimulator } from '../app/simulatorHost';

/** Every setting the connection and the session read (CONFIG_NAMES plus the .env file). */
export const SETTING_NAMES: readonly string[] = [
  ...new Set([
    ...Object.values(CONFIG_NAMES)
      .map((n) => n.setting)
      .filter((s) => s.startsWith('ibkrAi.')),
    ENV_FILE_SETTING,
  ]),
];

export function userSettings(names: readonly string[] = SETTING_NAMES): UserSettings {
  const cfg = vscode.workspace.getConfiguration();
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const i = cfg.inspect(name);
    if (!i) continue;
    // In Restricted Mode VS Code ignores workspace values of restricted settings; so do we.
    const trusted = vscode.workspace.isTrusted;
    const v = (trusted ? (i.workspaceFolderValue ?? i.workspaceValue) : undefined) ?? i.globalValue;
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** A setting's effective value (schema default included). */
export function setting<T>(name: string, fallback: T): T {
  return vscode.workspace.getConfiguration().get<T>(name, fallback);
}

export function workspaceFolder(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  return f?.uri.fsPath;
}

export interface TargetContext {
  settings: UserSettings;
  env: EnvFileResult;
  target: ResolvedTarget;
  folder: string | undefined;
}

/** Where to connect now: settings, then `.env` (trusted workspaces only), or the running embedded simulator. */
export function currentTarget(simulator: RunningSimulator | undefined): TargetContext {
  const settings = userSettings();
  const folder = workspaceFolder();
  const envFile = settings[ENV_FILE_SETTING];
  const env = readEnvFile({ trusted: vscode.workspace.isTrusted, folder, envFile: typeof envFile === 'string' ? envFile : undefined });
  const target = resolveTarget({ settings, ...(env.dotenv ? { dotenv: env.dotenv } : {}), env: process.env, ...(simulator ? { simulator } : {}) });
  return { settings, env, target, folder };
}

/** Opens the Settings editor on the extension's settings (or one of them). */
export function openSettings(query = '@ext:ibkr-ai-trader.ibkr-ai-trader'): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', query);
}
