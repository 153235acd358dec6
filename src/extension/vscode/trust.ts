// Workspace Trust gate. A workspace's settings can point the extension at a host, port and
// client id, so nothing starts or connects until the user trusts the workspace.
import * as vscode from 'vscode';

export const RESTRICTED_MESSAGE =
  'This workspace is in Restricted Mode: IBKR AI Trader starts the TWS simulator or connects to TWS only in a trusted workspace.';

/** True if trusted; otherwise shows why `action` was refused, with a way to grant trust. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window.showWarningMessage(`Cannot ${action}. ${RESTRICTED_MESSAGE}`, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
