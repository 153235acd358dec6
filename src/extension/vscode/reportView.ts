// "Open Backtest Report": the report in a webview panel beside the editor, the same on the
// desktop, in a remote window and in the browser (the extension host reads the file where it
// runs; no external browser, no HTML source). Scripts are off; the CSP allows none anyway.
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import type { BacktestView } from '../../webview/protocol';
import { reportDocument } from '../app/reportDocument';

export const REPORT_VIEW_TYPE = 'ibkrAi.backtestReport';

let current: vscode.WebviewPanel | undefined;

export async function openReport(b: BacktestView): Promise<boolean> {
  const fileHtml = b.htmlPath ? await readFile(b.htmlPath, 'utf8').catch(() => undefined) : undefined;
  if (fileHtml === undefined && !b.html) {
    void vscode.window.showErrorMessage(`IBKR: the backtest report ${b.htmlPath ?? ''} cannot be read: run "IBKR: Backtest Policy" again.`);
    return false;
  }
  const title = b.title ? `Backtest: ${b.title}` : 'Backtest Report';
  const panel =
    current ??
    vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, title, vscode.ViewColumn.Beside, {
      enableScripts: false,
      enableCommandUris: false,
      enableFindWidget: true,
      localResourceRoots: [],
    });
  if (!current) {
    current = panel;
    panel.onDidDispose(() => (current = undefined));
  }
  panel.title = title;
  panel.webview.html = reportDocument({ ...(fileHtml !== undefined ? { fileHtml } : {}), ...(b.html ? { body: b.html } : {}), title });
  panel.reveal(vscode.ViewColumn.Beside);
  return true;
}
