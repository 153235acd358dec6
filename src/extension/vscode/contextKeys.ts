// Sets the context keys (app/contextKeys.ts) from the store, only those that changed, so the
// welcome view, the palette and the view's buttons offer what applies now.
import * as vscode from 'vscode';
import { contextValues, type ContextKey } from '../app/contextKeys';
import type { PanelStore } from '../app/panelStore';

export function trackContextKeys(store: PanelStore): vscode.Disposable {
  let current = new Map<ContextKey, string | boolean>();
  const update = () => {
    const next = contextValues(store, current);
    for (const [key, value] of next) if (current.get(key) !== value) void vscode.commands.executeCommand('setContext', key, value);
    current = next;
  };
  update();
  const off = store.onChange((topic) => {
    if (topic === 'connection' || topic === 'session' || topic === 'checks' || topic === 'backtest') update();
  });
  return { dispose: off };
}
