// What the status bar item shows for a connection health state. Pure (no `vscode`), so
// the wording is unit-tested and the broker layer can add states without touching the item.

export type ConnectionHealth =
  | { kind: 'off' }
  /** Workspace Trust is not granted: nothing may start or connect. */
  | { kind: 'restricted' }
  | { kind: 'starting' }
  | { kind: 'simulator'; host: string; port: number; account: string; serverVersion: number }
  | { kind: 'error'; message: string };

export interface StatusView {
  /** Status bar text; `$(name)` is a codicon. */
  text: string;
  tooltip: string;
  /** Background theme color id, when the state needs attention. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
}

export function statusView(h: ConnectionHealth): StatusView {
  switch (h.kind) {
    case 'off':
      return { text: '$(debug-disconnect) IBKR: off', tooltip: 'IBKR AI Trader: not connected. Click for actions.' };
    case 'restricted':
      return {
        text: '$(workspace-untrusted) IBKR: restricted',
        tooltip: 'IBKR AI Trader: Restricted Mode. Trust this workspace to start the simulator or connect to TWS.',
        background: 'statusBarItem.warningBackground',
      };
    case 'starting':
      return { text: '$(loading~spin) IBKR: starting', tooltip: 'IBKR AI Trader: starting the TWS simulator…' };
    case 'simulator':
      return {
        text: `$(circle-filled) IBKR SIM :${h.port}`,
        tooltip:
          `IBKR AI Trader: TWS simulator listening on ${h.host}:${h.port}\n` +
          `account ${h.account}, server version ${h.serverVersion}.\n` +
          'Click for actions.',
      };
    case 'error':
      return { text: '$(error) IBKR: error', tooltip: `IBKR AI Trader: ${h.message}. Click for actions.`, background: 'statusBarItem.errorBackground' };
  }
}
