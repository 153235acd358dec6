// The session history's commands: read the journal folder into the History tab, and save a
// past session's trades and fills as CSV through a save dialog.
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Commands } from '../app/commandIds';
import { HistoryFeed, historyDir } from '../app/historyFeed';
import { readPastSession } from '../app/sessionHistory';
import { tradesCsv } from '../app/tradesCsv';
import { CONFIG_NAMES } from '../session/sessionConfig';
import type { PanelStore } from '../app/panelStore';
import type { TradingPanel } from './panel';
import { userSettings, workspaceFolder } from './settings';

export interface HistoryDeps {
  store: PanelStore;
  panel: TradingPanel;
  context: vscode.ExtensionContext;
}

type Register = (id: string, fn: (...args: unknown[]) => unknown) => vscode.Disposable;

/** The journal folder the settings name, resolved as a session started now would resolve it. */
function journalFolder(deps: HistoryDeps): string {
  const cwd = workspaceFolder() ?? deps.context.globalStorageUri.fsPath;
  return historyDir(userSettings()[CONFIG_NAMES.journalDir.setting], cwd);
}

export function registerHistoryCommands(deps: HistoryDeps, reg: Register): vscode.Disposable[] {
  const feed = new HistoryFeed(deps.store);
  return [
    { dispose: () => feed.dispose() },
    reg(Commands.refreshHistory, async () => {
      deps.panel.show('history', true);
      await feed.refresh(deps.store.historyView().dir ?? journalFolder(deps));
      return deps.store.historyView().sessions.map((s) => s.sessionId);
    }),
    reg(Commands.exportHistoryCsv, (sessionId?: unknown, target?: unknown) => exportCsv(deps, sessionId, target)),
  ];
}

/** Saves one past session's fills as CSV; `sessionId` and `target` (a file path) skip the pickers. Returns the path written. */
async function exportCsv(deps: HistoryDeps, sessionId: unknown, target: unknown): Promise<string | undefined> {
  const history = deps.store.historyView();
  const dir = history.dir ?? journalFolder(deps);
  let id = typeof sessionId === 'string' ? sessionId : undefined;
  if (!id) {
    const items = history.sessions.map((s) => ({
      label: s.sessionId,
      description: `${s.summary.mode}, ${s.summary.trades} fills, net ${s.summary.totals.net.toFixed(2)}`,
    }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage(`No past sessions in ${dir}: run "IBKR: Show Session History" after a session has run.`);
      return undefined;
    }
    id = (await vscode.window.showQuickPick(items, { title: 'Export which session’s trades and fills?' }))?.label;
    if (!id) return undefined;
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`session id "${id}" is not one (valid: 1-64 letters, digits, _ or -)`);
  const past = readPastSession(join(dir, `${id}.jsonl`));
  if (!past) throw new Error(`no journal of session ${id} in ${dir}`);
  let path = typeof target === 'string' ? target : undefined;
  if (!path) {
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(workspaceFolder() ?? dir, `trades-${id}.csv`)),
      filters: { 'CSV (comma-separated)': ['csv'] },
      title: `Save the trades and fills of session ${id}`,
    });
    if (!uri) return undefined;
    path = uri.fsPath;
  }
  await writeFile(path, tradesCsv(id, past.trades), 'utf8');
  void vscode.window.showInformationMessage(`Saved ${past.trades.length} fills of session ${id} to ${path}.`);
  return path;
}
