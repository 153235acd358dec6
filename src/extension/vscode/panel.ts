// The trading panel's host side: one webview panel (restored after a reload by its
// serializer), the strict CSP from csp.ts, messages checked by the shared guards, a full
// snapshot after every `ready` (first load, and each time the panel is shown again after
// being hidden), then per-topic updates coalesced to at most one per 100 ms.
import * as vscode from 'vscode';
import type { HostToWebview, Tab, WatchlistOp } from '../../webview/protocol';
import { Coalescer } from '../app/coalescer';
import { DisposableStore } from '../core/disposables';
import { makeNonce, panelHtml } from '../app/csp';
import type { ComponentLog } from './log';
import type { PanelStore, Topic } from '../app/panelStore';
import { routeWebviewMessage } from '../app/panelMessages';

export const PANEL_VIEW_TYPE = 'ibkrAi.tradingPanel';

export class TradingPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pendingTab: Tab | undefined;
  private decisionVersion = 0;
  private readonly coalescer: Coalescer<Topic>;
  /** The store subscription and the coalescer, for the panel's whole life. */
  private readonly scope = new DisposableStore();
  /** messages posted and dropped (validation failures), for the log and tests */
  private dropped = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: PanelStore,
    private readonly log: ComponentLog,
    /** runs a command the webview asked for (routeWebviewMessage named it) */
    private readonly onAction: (command: string, args: readonly unknown[]) => void,
    /** an edit of the watchlist (the symbol is checked before the setting is written) */
    private readonly onWatchlist: (op: WatchlistOp, symbol: string) => void = () => {},
  ) {
    this.coalescer = this.scope.add(new Coalescer<Topic>((topic) => this.flush(topic), 100));
    this.scope.add(
      store.onChange((topic) => {
        if (this.panel && this.ready) this.coalescer.mark(topic);
      }),
    );
  }

  /** Opens the panel (or brings it forward) on a tab. */
  show(tab?: Tab, preserveFocus = false): void {
    if (tab) this.pendingTab = tab;
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      this.sendTab();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'IBKR Trading',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  get visible(): boolean {
    return this.panel?.visible === true;
  }

  /** A panel VS Code restored after a reload (WebviewPanelSerializer). */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableFindWidget: true,
      // The panel redraws from a snapshot when shown again: no hidden webview kept alive.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'ibkr.svg');
    const webview = panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      title: 'IBKR Trading',
    });
    // This webview panel's listeners, undone when it is closed.
    const subs = new DisposableStore();
    subs.add(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    subs.add(
      panel.onDidChangeViewState(() => {
        // Hidden: the webview's document is gone; it says `ready` again when shown.
        if (!panel.visible) {
          this.ready = false;
          this.coalescer.cancel();
        }
      }),
    );
    subs.add(
      panel.onDidDispose(() => {
        subs.dispose();
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
          this.coalescer.cancel();
        }
      }),
    );
  }

  private receive(m: unknown): void {
    const route = routeWebviewMessage(m);
    if (route.kind === 'dropped') {
      this.dropped++;
      this.log.warn(`panel: dropped an invalid message from the webview: ${route.preview}`);
      return;
    }
    if (route.kind === 'ready') {
      this.ready = true;
      this.coalescer.cancel();
      this.decisionVersion = this.store.decisionVersion;
      this.post({ type: 'snapshot', state: this.store.snapshot() });
      this.sendTab();
      return;
    }
    if (route.kind === 'watchlist') {
      this.onWatchlist(route.op, route.symbol);
      return;
    }
    // The command of the same name: the Command Palette's handler, with all its checks.
    this.log.info(`panel: ${route.action} -> ${route.command}`);
    this.onAction(route.command, route.args);
  }

  private sendTab(): void {
    if (!this.ready || !this.pendingTab) return;
    this.post({ type: 'showTab', tab: this.pendingTab });
    this.pendingTab = undefined;
  }

  private flush(topic: Topic): void {
    if (!this.panel || !this.ready) return;
    if (topic === 'decisions') {
      const d = this.store.decisionsSince(this.decisionVersion);
      this.decisionVersion = d.version;
      if (d.rows.length) this.post({ type: 'decisions', rows: d.rows });
      return;
    }
    this.post(this.store.message(topic));
  }

  private post(message: HostToWebview): void {
    void this.panel?.webview.postMessage(message).then(
      (ok) => {
        if (!ok) this.ready = false;
      },
      () => (this.ready = false),
    );
  }

  get droppedMessages(): number {
    return this.dropped;
  }

  dispose(): void {
    this.scope.dispose();
    this.panel?.dispose();
    this.panel = undefined;
  }
}
