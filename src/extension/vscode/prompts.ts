// The questions Start AI Session asks when the settings leave them open (symbols, model,
// mode), as quick picks, the modal that confirms live trading every session, and the modal
// warning that asks before a step that ends something running.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { Question, SessionPicks } from '../app/configModel';

const COMMON_SYMBOLS: ReadonlyArray<[string, string]> = [
  ['NVDA', 'NVIDIA'],
  ['MSFT', 'Microsoft'],
  ['AAPL', 'Apple'],
  ['AMZN', 'Amazon'],
  ['GOOGL', 'Alphabet'],
  ['META', 'Meta Platforms'],
  ['TSLA', 'Tesla'],
  ['SPY', 'SPDR S&P 500 ETF'],
  ['QQQ', 'Invesco QQQ (Nasdaq-100)'],
];

const OTHER = '$(edit) Other symbols…';
const SYMBOL = /^[A-Z][A-Z0-9.]{0,11}$/;

export async function askSymbols(step: string): Promise<string[] | undefined> {
  const items: vscode.QuickPickItem[] = COMMON_SYMBOLS.map(([s, name]) => ({ label: s, description: name }));
  items.push({ label: OTHER, description: 'type them, comma-separated', alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: `Start AI Session: symbols ${step}`,
    placeHolder: 'Symbols to trade (set ibkrAi.session.symbols to stop being asked)',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picked || picked.length === 0) return undefined;
  const symbols = picked.filter((p) => p.label !== OTHER).map((p) => p.label);
  if (picked.some((p) => p.label === OTHER)) {
    const typed = await vscode.window.showInputBox({
      title: `Start AI Session: symbols ${step}`,
      prompt: 'Symbols, comma-separated (e.g. NVDA,MSFT)',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const bad = v
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter((s) => s !== '' && !SYMBOL.test(s));
        return bad.length ? `not a symbol: ${bad.join(', ')}` : undefined;
      },
    });
    if (typed === undefined) return undefined;
    for (const s of typed.split(',').map((x) => x.trim().toUpperCase())) if (s && !symbols.includes(s)) symbols.push(s);
  }
  return symbols.length ? symbols : undefined;
}

interface ModelItem extends vscode.QuickPickItem {
  dir?: string;
  browse?: boolean;
}

export async function askModel(step: string, builtin: string | undefined): Promise<string | undefined> {
  const items: ModelItem[] = [];
  if (builtin)
    items.push({
      label: '$(package) Demo policy: PPO long/flat (ppo-sp500)',
      description: 'shipped with the extension; a demo, not a strategy',
      detail: builtin,
      dir: builtin,
    });
  // Model folders in the workspace: a manifest.json beside an .onnx file.
  const manifests = await vscode.workspace.findFiles('**/manifest.json', '**/{node_modules,.git,out,dist}/**', 30);
  const onnx = new Set((await vscode.workspace.findFiles('**/*.onnx', '**/{node_modules,.git,out,dist}/**', 100)).map((u) => dirname(u.fsPath)));
  for (const m of manifests) {
    const dir = dirname(m.fsPath);
    if (onnx.has(dir) && dir !== builtin) items.push({ label: `$(file-code) ${vscode.workspace.asRelativePath(dir)}`, description: 'in this workspace', dir });
  }
  items.push({ label: '$(folder-opened) Choose a model folder…', description: 'manifest.json and the .onnx it names', browse: true });
  const pick = await vscode.window.showQuickPick(items, {
    title: `Start AI Session: model ${step}`,
    placeHolder: 'Policy to run (set ibkrAi.session.model to stop being asked)',
    ignoreFocusOut: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  if (pick.dir) return pick.dir;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this model' });
  return chosen?.[0]?.fsPath;
}

interface ModeItem extends vscode.QuickPickItem {
  mode: 'shadow' | 'paper' | 'live';
}

export async function askMode(step: string, allowLive: boolean): Promise<'shadow' | 'paper' | 'live' | undefined> {
  const items: ModeItem[] = [
    { label: '$(beaker) Paper', description: 'orders on a paper account (DU…); refuses a live account', mode: 'paper' },
    { label: '$(eye) Shadow', description: 'decisions and risk checks only, no order is sent', mode: 'shadow' },
  ];
  if (allowLive) items.push({ label: '$(warning) Live', description: 'real money; confirmed every session', mode: 'live' });
  const pick = await vscode.window.showQuickPick(items, {
    title: `Start AI Session: mode ${step}`,
    placeHolder: allowLive ? 'Trading mode (set ibkrAi.session.mode to stop being asked)' : 'Trading mode (live needs ibkrAi.allowLive)',
    ignoreFocusOut: true,
  });
  return pick?.mode;
}

/** Asks the open questions in order; undefined when the user cancels any of them. */
export async function askQuestions(qs: readonly Question[], opts: { builtinModel: string | undefined; allowLive: boolean }): Promise<SessionPicks | undefined> {
  const picks: { symbols?: string[]; modelDir?: string; mode?: 'shadow' | 'paper' | 'live' } = {};
  for (let i = 0; i < qs.length; i++) {
    const step = `(${i + 1}/${qs.length})`;
    switch (qs[i]) {
      case 'symbols': {
        const s = await askSymbols(step);
        if (!s) return undefined;
        picks.symbols = s;
        break;
      }
      case 'model': {
        const m = await askModel(step, opts.builtinModel);
        if (!m) return undefined;
        picks.modelDir = m;
        break;
      }
      case 'mode': {
        const m = await askMode(step, opts.allowLive);
        if (!m) return undefined;
        picks.mode = m;
        break;
      }
    }
  }
  return picks;
}

/** A modal warning with one button that goes on: true only when the user picked it (Cancel or Escape: false). */
export async function confirmModal(message: string, detail: string, go: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, go)) === go;
}

/** The per-session live confirmation: a modal naming the account; resolves with the account id when confirmed. */
export async function confirmLive(accountId: string, detail: string): Promise<string | undefined> {
  const go = await confirmModal(
    `Start a LIVE AI session on account ${accountId}? It trades real money.`,
    `${detail}\n\nThis confirmation is asked for every live session.`,
    `Trade ${accountId} Live`,
  );
  return go ? accountId : undefined;
}
