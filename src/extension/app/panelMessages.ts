// The host side of the panel's messages, without vscode: what a message from the webview
// may do. Only the exact messages of protocol.ts pass (validate.ts); `ready` asks for a
// snapshot; an action becomes the command of the same name, i.e. the very handler the
// Command Palette runs, with its Workspace Trust check, configuration validation, live-mode
// confirmation and risk checks. No message carries an order's terms: "Place Order" opens the
// host's ticket (typed in the host's input boxes, previewed, confirmed in a modal); a row's
// Modify / Cancel names only the order id, and the host asks the rest and touches only orders
// of the order ticket. An edit of the watchlist goes to the VS Code edge, which checks the
// symbol and writes the setting. Everything else is dropped and described (safely) for the log.
// Fuzzed as such.
import type { OrderAction, PanelAction, WatchlistOp, WebviewToHost } from '../../webview/protocol';
import { isWebviewToHost } from '../../webview/validate';
import { Commands } from './commandIds';

/** Panel buttons -> commands (the same handlers as the Command Palette). */
export const ACTION_COMMANDS: Readonly<Record<PanelAction, string>> = {
  connect: Commands.connect,
  disconnect: Commands.disconnect,
  startSession: Commands.startSession,
  stopSession: Commands.stopSession,
  killSwitch: Commands.killSwitch,
  runChecks: Commands.runChecks,
  copyChecksReport: Commands.copyChecksReport,
  runBacktest: Commands.backtest,
  openBacktestReport: Commands.openBacktestReport,
  startSimulator: Commands.startSimulator,
  showLog: Commands.showLog,
  refreshHistory: Commands.refreshHistory,
  exportHistoryCsv: Commands.exportHistoryCsv,
  placeOrder: Commands.placeOrder,
  flattenPosition: Commands.flattenPosition,
  flattenBook: Commands.flattenBook,
};

/** A row's buttons on the orders grid -> commands, given the row's order id. */
export const ORDER_ACTION_COMMANDS: Readonly<Record<OrderAction, string>> = {
  modifyOrder: Commands.modifyOrder,
  cancelOrder: Commands.cancelOrder,
};

export type PanelMessageRoute =
  | { readonly kind: 'ready' }
  | { readonly kind: 'command'; readonly action: PanelAction | OrderAction; readonly command: string; readonly args: readonly unknown[] }
  | { readonly kind: 'watchlist'; readonly op: WatchlistOp; readonly symbol: string }
  | { readonly kind: 'dropped'; readonly preview: string };

/** What the host does with one message from the webview. Never throws. */
export function routeWebviewMessage(m: unknown): PanelMessageRoute {
  let msg: WebviewToHost | undefined;
  try {
    msg = isWebviewToHost(m) ? m : undefined;
  } catch {
    msg = undefined;
  }
  if (!msg) return { kind: 'dropped', preview: describeMessage(m) };
  if (msg.type === 'ready') return { kind: 'ready' };
  if (msg.type === 'editWatchlist') return { kind: 'watchlist', op: msg.op, symbol: msg.symbol };
  if (msg.type === 'orderAction') return { kind: 'command', action: msg.action, command: ORDER_ACTION_COMMANDS[msg.action], args: [msg.orderId] };
  return { kind: 'command', action: msg.action, command: ACTION_COMMANDS[msg.action], args: [] };
}

/**
 * At most `max` characters describing any value a webview can post (structured clone:
 * cycles, BigInt, typed arrays, Maps...). JSON.stringify alone throws on some of them.
 */
export function describeMessage(m: unknown, max = 200): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(m, (_k, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[cycle]';
          seen.add(v);
        }
        return v;
      }) ?? String(m);
  } catch {
    text = Object.prototype.toString.call(m);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
