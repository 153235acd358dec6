// The status bar item: connection health at a glance, click for the actions menu.
import * as vscode from 'vscode';
import { statusView, type ConnectionHealth } from './statusView';
import { Commands } from './commandIds';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: ConnectionHealth = { kind: 'off' };

  constructor() {
    this.item = vscode.window.createStatusBarItem('ibkrAi.status', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'IBKR AI Trader';
    this.item.command = Commands.showMenu;
    this.render();
    this.item.show();
  }

  get health(): ConnectionHealth {
    return this.current;
  }

  set(health: ConnectionHealth): void {
    this.current = health;
    this.render();
  }

  private render(): void {
    const v = statusView(this.current);
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor = v.background ? new vscode.ThemeColor(v.background) : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
