// The status bar item: connection health at a glance (and the session's progress and P&L
// while one runs), redrawn from the PanelStore at most five times a second; click for the
// actions menu.
import * as vscode from 'vscode';
import { statusView, type ConnectionHealth, type SessionBadge } from '../app/statusView';
import { Commands } from '../app/commandIds';
import { Coalescer } from '../app/coalescer';
import type { PanelStore } from '../app/panelStore';
import { DisposableStore } from '../core/disposables';

export class StatusBar implements vscode.Disposable {
  private readonly scope = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private readonly coalescer = this.scope.add(new Coalescer<'status'>(() => this.render(), 200));

  constructor(private readonly store: PanelStore) {
    this.item = this.scope.add(vscode.window.createStatusBarItem('ibkrAi.status', vscode.StatusBarAlignment.Left, 100));
    this.item.name = 'IBKR AI Trader';
    this.item.command = Commands.showMenu;
    this.scope.add(
      store.onChange((t) => {
        if (t === 'connection' || t === 'session') this.coalescer.mark('status');
      }),
    );
    this.render();
    this.item.show();
  }

  get health(): ConnectionHealth {
    return this.store.health;
  }

  get session(): SessionBadge | undefined {
    return this.store.sessionBadge();
  }

  private render(): void {
    const v = statusView(this.store.health, this.store.sessionBadge());
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor = v.background ? new vscode.ThemeColor(v.background) : undefined;
    this.item.accessibilityInformation = { label: v.text.replace(/\$\([^)]+\)\s*/g, ''), role: 'button' };
  }

  dispose(): void {
    this.scope.dispose();
  }
}
