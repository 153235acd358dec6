// Notifications for the events that matter (fills, rejects, disconnects and reconnects, a
// risk stop, the end of a session), each with an action and a "Don't Show Again" that turns
// its setting off. The wording and the settings are in notifyPolicy.ts.
import * as vscode from 'vscode';
import { FillNotices, NOTIFY_SETTINGS, noticeFor, type Notice } from '../app/notifyPolicy';
import type { ComponentLog } from './log';
import type { Trader, TraderEvent } from '../app/trader';
import { DisposableStore } from '../core/disposables';

const MUTE = "Don't Show Again";

export class Notifier implements vscode.Disposable {
  private readonly scope = new DisposableStore();
  private readonly fills: FillNotices;

  constructor(
    trader: Trader,
    private readonly log: ComponentLog,
  ) {
    this.fills = this.scope.add(new FillNotices((n) => this.show(n)));
    this.scope.add(trader.onEvent((e) => this.onEvent(e)));
  }

  private onEvent(e: TraderEvent): void {
    if (e.type === 'fill') {
      if (this.enabled('fills')) this.fills.add(e);
      return;
    }
    const n = noticeFor(e);
    if (n) this.show(n);
  }

  private enabled(kind: Notice['kind']): boolean {
    return vscode.workspace.getConfiguration().get<boolean>(NOTIFY_SETTINGS[kind], true);
  }

  private show(n: Notice): void {
    this.log.info(`notify (${n.kind}): ${n.message}`);
    if (!this.enabled(n.kind)) return;
    const titles = [...n.actions.map((a) => a.title), MUTE];
    const shown =
      n.severity === 'error'
        ? vscode.window.showErrorMessage(n.message, ...titles)
        : n.severity === 'warning'
          ? vscode.window.showWarningMessage(n.message, ...titles)
          : vscode.window.showInformationMessage(n.message, ...titles);
    void shown.then(async (choice) => {
      if (choice === MUTE) {
        await vscode.workspace.getConfiguration().update(NOTIFY_SETTINGS[n.kind], false, vscode.ConfigurationTarget.Global);
        void vscode.window.showInformationMessage(`IBKR: ${n.kind} notifications are off (setting ${NOTIFY_SETTINGS[n.kind]}).`);
        return;
      }
      const action = n.actions.find((a) => a.title === choice);
      if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    });
  }

  dispose(): void {
    this.scope.dispose();
  }
}
