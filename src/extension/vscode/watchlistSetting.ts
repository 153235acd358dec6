// The `ibkrAi.watchlist` setting, the VS Code edge of app/watchlist.ts: read into the panel's
// watchlist at activation and on every change (workspace values only in a trusted
// workspace, as for every setting), and written when the panel adds or removes a symbol
// (after the symbol is checked; a refused edit is shown in the panel and nothing is written).
import * as vscode from 'vscode';
import { editWatchlist, parseWatchlist, WATCHLIST_SETTING } from '../app/watchlist';
import type { WatchlistState } from '../app/watchlist';
import type { WatchlistOp } from '../../webview/protocol';
import type { ComponentLog } from './log';
import { userSettings } from './settings';

function current(log?: ComponentLog): string[] {
  const { symbols, problems } = parseWatchlist(userSettings([WATCHLIST_SETTING])[WATCHLIST_SETTING]);
  for (const p of problems) log?.warn(p);
  return symbols;
}

/** Keeps the panel's watchlist on the setting. */
export function followWatchlistSetting(list: WatchlistState, log: ComponentLog): vscode.Disposable {
  list.setUser(current(log));
  const subs = [
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(WATCHLIST_SETTING)) list.setUser(current(log));
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => list.setUser(current(log))),
  ];
  return vscode.Disposable.from(...subs);
}

/** Where the list in effect is set: the workspace's value (trusted workspaces), else the user's. */
function writeTarget(): vscode.ConfigurationTarget {
  const i = vscode.workspace.getConfiguration().inspect(WATCHLIST_SETTING);
  return vscode.workspace.isTrusted && i?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** An edit from the panel: checked, then written to the setting (the change event updates the panel). */
export async function editWatchlistSetting(list: WatchlistState, op: WatchlistOp, symbol: string, log: ComponentLog): Promise<boolean> {
  const r = editWatchlist(current(), op, symbol);
  if ('error' in r) {
    log.warn(`watchlist: ${r.error}`);
    list.setEditError(r.error);
    return false;
  }
  list.setEditError(undefined);
  if (!r.changed) return true;
  await vscode.workspace.getConfiguration().update(WATCHLIST_SETTING, r.symbols, writeTarget());
  log.info(`watchlist: ${op === 'add' ? 'added' : 'removed'} ${symbol.trim().toUpperCase()} (${WATCHLIST_SETTING} = ${JSON.stringify(r.symbols)})`);
  // The change event does this too; setting it now spares the panel a round trip.
  list.setUser(r.symbols);
  return true;
}
