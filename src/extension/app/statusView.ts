// What the status bar item shows for a connection health state, plus the session's progress
// and P&L while one runs. Pure (no `vscode`), so the wording is unit-tested.

import { Commands } from './commandIds';
export type Badge = 'PAPER' | 'LIVE' | 'SIM';

export interface TargetInfo {
  host: string;
  port: number;
  clientId: number;
  /** where host, port and client id came from, e.g. "setting ibkrAi.port" */
  sources?: { host: string; port: string; clientId: string };
}

export type ConnectionHealth =
  | { kind: 'off' }
  /** Workspace Trust is not granted: nothing may start or connect. */
  | { kind: 'restricted' }
  /** the embedded simulator is starting */
  | { kind: 'starting' }
  /** the embedded simulator runs; nothing is connected to it yet */
  | { kind: 'simulator'; host: string; port: number; account: string; serverVersion: number }
  | ({ kind: 'connecting'; step?: string } & TargetInfo)
  | ({ kind: 'ready'; account: string; badge: Badge; serverVersion?: number } & TargetInfo)
  | ({ kind: 'reconnecting'; account?: string; attempt?: number; reason?: string } & TargetInfo)
  /** the connection failed; `cause` is the setup checks' finding once they ran */
  | ({ kind: 'failed'; reason: string; cause?: { title: string; finding: string; fix: string }; checking?: boolean } & TargetInfo)
  | { kind: 'error'; message: string };

/** The running (or last) AI session, for the item's text while it runs. */
export interface SessionBadge {
  state: string;
  active: boolean;
  cycle: number;
  cycles: number;
  /** net P&L of the session so far */
  pnl?: number;
  mode: string;
}

export type StatusBackground = 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';

export interface StatusView {
  /** Status bar text; `$(name)` is a codicon. */
  text: string;
  tooltip: string;
  /** Background theme color id: warning for LIVE and Restricted Mode, error for failures. */
  background?: StatusBackground;
}

const CLICK = 'Click for actions.';

function target(t: TargetInfo): string {
  const where = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  const src = t.sources ? `\nhost from ${t.sources.host}; port from ${t.sources.port}; client id from ${t.sources.clientId}` : '';
  return `${where} (client id ${t.clientId})${src}`;
}

export function formatPnl(x: number): string {
  const v = Math.abs(x) < 0.005 ? 0 : x;
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v).toFixed(2)}`;
}

/** The running session's progress and P&L; once it ended, its final P&L stays until the next session starts. */
function sessionPart(s: SessionBadge | undefined): { text: string; tooltip: string } {
  if (!s) return { text: '', tooltip: '' };
  const progress = `${s.cycle}/${s.cycles}`;
  if (!s.active) {
    if (s.pnl === undefined) return { text: '', tooltip: '' };
    const mode = s.mode ? ` (${s.mode})` : '';
    return {
      text: ` · final P&L ${formatPnl(s.pnl)}`,
      tooltip: `\nLast AI session${mode}: ${s.state} after ${progress} cycles, final net P&L ${formatPnl(s.pnl)}.`,
    };
  }
  const pnl = s.pnl !== undefined ? ` · P&L ${formatPnl(s.pnl)}` : '';
  return {
    text: ` · ${progress}${pnl}`,
    tooltip: `\nAI session (${s.mode}): ${s.state}, cycle ${progress}${s.pnl !== undefined ? `, net P&L ${formatPnl(s.pnl)}` : ''}.`,
  };
}

/** A message as the end of a sentence: one final period, never two. */
function sentence(m: string): string {
  return `${m.replace(/[.\s]+$/, '')}.`;
}

export function statusView(h: ConnectionHealth, session?: SessionBadge): StatusView {
  const s = sessionPart(session);
  switch (h.kind) {
    case 'off':
      return { text: `$(debug-disconnect) IBKR: off${s.text}`, tooltip: `IBKR AI Trader: not connected.${s.tooltip}\n${CLICK}` };
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
        text: `$(circle-filled) IBKR SIM :${h.port}${s.text}`,
        tooltip: `IBKR AI Trader: TWS simulator listening on ${h.host}:${h.port}\naccount ${h.account}, server version ${h.serverVersion}; not connected.${s.tooltip}\n${CLICK}`,
      };
    case 'connecting':
      return { text: '$(sync~spin) IBKR: connecting', tooltip: `IBKR AI Trader: connecting to ${target(h)}${h.step ? `\nstep: ${h.step}` : ''}…` };
    case 'ready': {
      const icon = h.badge === 'LIVE' ? '$(warning)' : session?.active ? '$(pulse)' : h.badge === 'SIM' ? '$(vm)' : '$(pass-filled)';
      const what = h.badge === 'SIM' ? 'the embedded TWS simulator' : h.badge === 'LIVE' ? 'a LIVE account: real money' : 'a paper account';
      return {
        text: `${icon} IBKR ${h.account} ${h.badge}${s.text}`,
        tooltip:
          `IBKR AI Trader: ready, account ${h.account} (${what})\n` +
          `connected to ${target(h)}${h.serverVersion ? `\nserver version ${h.serverVersion}` : ''}${s.tooltip}\n${CLICK}`,
        ...(h.badge === 'LIVE' ? { background: 'statusBarItem.warningBackground' as const } : {}),
      };
    }
    case 'reconnecting': {
      return {
        text: `$(sync~spin) IBKR: reconnecting${h.attempt ? ` (${h.attempt})` : ''}${s.text}`,
        tooltip: `IBKR AI Trader: the connection to ${target(h)} was lost${h.reason ? ` (${h.reason})` : ''}; reconnecting${h.attempt ? `, attempt ${h.attempt}` : ''}. No orders until reconciled.${s.tooltip}\n${CLICK}`,
      };
    }
    case 'failed': {
      const cause = h.cause ? `: ${h.cause.title}` : h.checking ? ': checking…' : '';
      const details = h.cause
        ? `\nSetup checks: ${h.cause.finding}${h.cause.fix ? `\nFix: ${h.cause.fix.split('\n')[0]}` : ''}`
        : h.checking
          ? '\nRunning the setup checks to find the cause…'
          : '';
      return {
        text: `$(error) IBKR: failed${cause}`,
        tooltip: `IBKR AI Trader: cannot connect to ${target(h)}\n${sentence(h.reason)}${details}\n${CLICK}`,
        background: 'statusBarItem.errorBackground',
      };
    }
    case 'error':
      return { text: '$(error) IBKR: error', tooltip: `IBKR AI Trader: ${sentence(h.message)} ${CLICK}`, background: 'statusBarItem.errorBackground' };
  }
}

export interface MenuItem {
  label: string;
  description?: string;
  /** command id to run */
  command: string;
}

/** Command ids the menu offers (kept in step with commandIds.ts by a unit test). */
export const MENU_COMMANDS = {
  ...Commands,
  walkthrough: Commands.openWalkthrough,
  manageTrust: 'workbench.trust.manage',
} as const;

/** The actions that make sense in this state, the most likely first. */
export function menuItems(h: ConnectionHealth, session: SessionBadge | undefined, simulatorRunning: boolean): MenuItem[] {
  const c = MENU_COMMANDS;
  if (h.kind === 'restricted') {
    return [
      { label: '$(workspace-trusted) Manage Workspace Trust', description: 'nothing connects or trades in Restricted Mode', command: c.manageTrust },
      { label: '$(book) Get Started with TWS', command: c.walkthrough },
      { label: '$(output) Show Log', command: c.showLog },
    ];
  }
  const items: MenuItem[] = [];
  const active = session?.active === true;
  if (active) {
    items.push({ label: '$(debug-stop) Stop AI Session', description: 'after the current cycle', command: c.stopSession });
    items.push({ label: '$(stop-circle) Kill Switch', description: 'cancel all orders and stop now', command: c.killSwitch });
  }
  if (h.kind === 'failed' || h.kind === 'error') {
    items.push({ label: '$(checklist) Run TWS Setup Checks', description: 'find out why it does not connect', command: c.runChecks });
    items.push({ label: '$(plug) Connect to TWS', description: 'try again', command: c.connect });
  }
  if (!active && h.kind !== 'failed') items.push({ label: '$(play) Start AI Session', description: 'run the policy on TWS', command: c.startSession });
  items.push({ label: '$(graph) Show Trading Panel', command: c.showPanel });
  if (h.kind === 'ready' || h.kind === 'connecting' || h.kind === 'reconnecting') {
    items.push({ label: '$(debug-disconnect) Disconnect', command: c.disconnect });
  } else if (h.kind !== 'failed' && h.kind !== 'error') {
    items.push({ label: '$(plug) Connect to TWS', command: c.connect });
  }
  if (h.kind !== 'failed' && h.kind !== 'error') items.push({ label: '$(checklist) Run TWS Setup Checks', command: c.runChecks });
  items.push(
    simulatorRunning
      ? { label: '$(debug-stop) Stop TWS Simulator', command: c.stopSimulator }
      : { label: '$(vm) Start TWS Simulator', description: 'on a free loopback port', command: c.startSimulator },
  );
  items.push({ label: '$(history) Backtest Policy', command: c.backtest });
  items.push({ label: '$(output) Show Log', command: c.showLog });
  return items;
}
