// VS Code entry point. activate() only wires objects and registers commands; nothing
// connects and onnxruntime is not loaded until the user asks.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // UI wiring arrives with the extension issue; the core lives in broker/, sim/, policy/, session/.
}

export function deactivate(): void {}
