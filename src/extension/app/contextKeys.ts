// The context keys package.json's `when` clauses and enablement read (the welcome view, the
// palette, the view's title buttons), derived from the store: which commands apply now.
// No vscode: vscode/contextKeys.ts sets them whenever one changes.
import type { PanelStore } from './panelStore';

export const CONTEXT_KEYS = {
  /** the connection health's kind: off, simulator, connecting, ready, reconnecting, failed... */
  connection: 'ibkrAi.connection',
  /** connected to TWS (or the simulator) and ready */
  connected: 'ibkrAi.connected',
  /** a connection exists to close: connecting, ready or reconnecting */
  connectionOpen: 'ibkrAi.connectionOpen',
  sessionRunning: 'ibkrAi.sessionRunning',
  simulatorRunning: 'ibkrAi.simulatorRunning',
  /** a setup-check report exists to copy (stays true once one finished) */
  checksReportReady: 'ibkrAi.checksReportReady',
  backtestReportReady: 'ibkrAi.backtestReportReady',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

export function contextValues(store: PanelStore, previous?: ReadonlyMap<ContextKey, string | boolean>): Map<ContextKey, string | boolean> {
  const k = CONTEXT_KEYS;
  const kind = store.health.kind;
  const bt = store.backtestView();
  return new Map<ContextKey, string | boolean>([
    [k.connection, kind],
    [k.connected, kind === 'ready'],
    [k.connectionOpen, kind === 'ready' || kind === 'connecting' || kind === 'reconnecting'],
    [k.sessionRunning, store.sessionBadge()?.active === true],
    [k.simulatorRunning, store.simulator !== undefined],
    [k.checksReportReady, previous?.get(k.checksReportReady) === true || store.checksView().verdict !== undefined],
    [k.backtestReportReady, Boolean(bt.htmlPath || bt.html)],
  ]);
}
