// The "Positions & Orders" tree in the IBKR activity-bar container: two groups, refreshed
// from the PanelStore at most four times a second however fast prices tick; empty (the
// welcome view instead) while nothing is held or ordered.
import * as vscode from 'vscode';
import type { OrderRow, PositionRow } from '../../webview/protocol';
import { Coalescer } from '../app/coalescer';
import type { PanelStore } from '../app/panelStore';
import { DisposableStore } from '../core/disposables';
import { TERMINAL_STATES } from '../broker/types';
import { isManualOrderRef } from '../session/orderRef';
import { formatPnl } from '../app/statusView';

export const TREE_VIEW_ID = 'ibkrAi.positionsOrders';

type Node =
  | { kind: 'group'; group: 'positions' | 'orders' }
  | { kind: 'position'; row: PositionRow }
  | { kind: 'order'; row: OrderRow }
  | { kind: 'empty'; text: string };

const ORDER_ICONS: Record<string, string> = {
  filled: 'pass-filled',
  cancelled: 'circle-slash',
  rejected: 'error',
  lost: 'question',
  partiallyFilled: 'pie-chart',
  pendingCancel: 'loading~spin',
  pendingSubmit: 'loading~spin',
};

export class PositionsOrdersTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly scope = new DisposableStore();
  private readonly emitter = this.scope.add(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly coalescer = this.scope.add(new Coalescer<'tree'>(() => this.emitter.fire(undefined), 250));

  constructor(private readonly store: PanelStore) {
    this.scope.add(
      store.onChange((t) => {
        if (t === 'positions' || t === 'orders') this.coalescer.mark('tree');
      }),
    );
    this.scope.add(vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: this, showCollapseAll: false }));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.kind) {
      case 'group': {
        const count = n.group === 'positions' ? this.store.positionRows().length : this.store.orderRows().length;
        const item = new vscode.TreeItem(n.group === 'positions' ? 'Positions' : 'Orders', vscode.TreeItemCollapsibleState.Expanded);
        item.id = n.group;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon(n.group === 'positions' ? 'briefcase' : 'list-ordered');
        item.contextValue = n.group;
        return item;
      }
      case 'position': {
        const r = n.row;
        const item = new vscode.TreeItem(`${r.symbol} ${r.quantity}`, vscode.TreeItemCollapsibleState.None);
        item.id = `p:${r.key}`;
        const pnl = r.unrealized !== undefined ? ` · P&L ${formatPnl(r.unrealized)}` : '';
        item.description = `@ ${r.avgCost.toFixed(2)}${r.last !== undefined ? ` · last ${r.last.toFixed(2)}` : ''}${pnl}`;
        item.tooltip = `${r.symbol} (${r.secType}): ${r.quantity} at an average cost of ${r.avgCost.toFixed(4)}${r.last !== undefined ? `, last ${r.last.toFixed(2)}` : ''}${r.unrealized !== undefined ? `, unrealized P&L ${formatPnl(r.unrealized)}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(
          r.unrealized === undefined ? 'circle-outline' : r.unrealized >= 0 ? 'arrow-up' : 'arrow-down',
          r.unrealized === undefined ? undefined : new vscode.ThemeColor(r.unrealized >= 0 ? 'charts.green' : 'charts.red'),
        );
        item.command = { command: 'ibkrAi.showPanel', title: 'Show Trading Panel', arguments: ['positions'] };
        // package.json's view/item/context: Flatten Position on a stock position.
        if (r.secType === 'STK' && r.quantity !== 0) item.contextValue = 'position';
        return item;
      }
      case 'order': {
        const r = n.row;
        const item = new vscode.TreeItem(`#${r.orderId} ${r.action} ${r.quantity} ${r.symbol}`, vscode.TreeItemCollapsibleState.None);
        item.id = `o:${r.orderId}`;
        item.description = `${r.type} · ${r.status}${r.filled > 0 ? ` ${r.filled} @ ${r.avgFillPrice.toFixed(2)}` : ''}`;
        item.tooltip = `${r.orderRef ? `${r.orderRef}\n` : ''}${r.note ?? ''}`.trim() || undefined;
        item.iconPath = new vscode.ThemeIcon(ORDER_ICONS[r.status] ?? 'circle-large-outline');
        item.command = { command: 'ibkrAi.showPanel', title: 'Show Trading Panel', arguments: ['orders'] };
        // Modify and Cancel on a working order of the order ticket (a session's orders are the session's).
        if (isManualOrderRef(r.orderRef) && !(TERMINAL_STATES as ReadonlySet<string>).has(r.status)) item.contextValue = 'manualOrder';
        return item;
      }
      case 'empty':
        return new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  getChildren(n?: Node): Node[] {
    // Nothing held and no orders: no nodes, so the welcome view (package.json viewsWelcome) shows what to do first.
    if (!n)
      return this.store.positionRows().length || this.store.orderRows().length
        ? [
            { kind: 'group', group: 'positions' },
            { kind: 'group', group: 'orders' },
          ]
        : [];
    if (n.kind !== 'group') return [];
    if (n.group === 'positions') {
      const rows = this.store.positionRows();
      return rows.length ? rows.map((row) => ({ kind: 'position', row })) : [{ kind: 'empty', text: 'No positions' }];
    }
    const rows = this.store.orderRows().slice(0, 50);
    return rows.length ? rows.map((row) => ({ kind: 'order', row })) : [{ kind: 'empty', text: 'No orders' }];
  }

  dispose(): void {
    this.scope.dispose();
  }
}
