// Which trader events become notifications, with what words and actions, and which setting
// quiets each kind. A session's fills are told once, at its end; fills outside a session
// arriving together become one notification. No vscode.
import { formatPnl } from './statusView';
import type { TraderEvent } from './trader';

export type NotifyKind = 'fills' | 'rejects' | 'connection' | 'riskStops' | 'sessionEnd';

/** The setting (boolean, default true) that turns each kind on or off. */
export const NOTIFY_SETTINGS: Readonly<Record<NotifyKind, string>> = {
  fills: 'ibkrAi.notifications.fills',
  rejects: 'ibkrAi.notifications.rejects',
  connection: 'ibkrAi.notifications.connection',
  riskStops: 'ibkrAi.notifications.riskStops',
  sessionEnd: 'ibkrAi.notifications.sessionEnd',
};

export interface NoticeAction {
  title: string;
  command: string;
  args?: unknown[];
}

export interface Notice {
  kind: NotifyKind;
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: NoticeAction[];
}

const SHOW_PANEL = 'ibkrAi.showPanel';
const RUN_CHECKS = 'ibkrAi.runChecks';

type FillEvent = Extract<TraderEvent, { type: 'fill' }>;
type SessionEndEvent = Extract<TraderEvent, { type: 'session-end' }>;

/** A risk or fault rule in words ("dailyLossLimit" -> "the daily loss limit"); unknown ids are split into words. */
const RULE_WORDS: Readonly<Record<string, string>> = {
  killSwitch: 'the kill switch',
  dailyLossLimit: 'the daily loss limit',
  stopLoss: 'the stop loss',
  journal: 'a journal failure',
  connection: 'the connection to TWS',
  ownership: 'the ownership rule',
  buyingPower: 'buying power',
  tradingHours: 'the trading hours',
};

export function ruleWords(rule: string): string {
  return (
    RULE_WORDS[rule] ??
    rule
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[-_.]+/g, ' ')
      .toLowerCase()
  );
}

/** How a session ended, in words; the reason that follows says why (so no status repeats it). */
const END_WORDS: Readonly<Record<string, string>> = {
  finished: 'finished',
  stopped: 'stopped',
  refused: 'did not start',
  failed: 'failed',
  faulted: 'stopped early',
  disconnected: 'ended',
  degraded: 'ended',
};

function shares(p: { symbol: string; quantity: number }): string {
  return `${p.symbol} ${p.quantity > 0 ? '' : 'short '}${Math.abs(p.quantity)}`;
}

export function fillsNotice(fills: readonly FillEvent[]): Notice {
  const text = (f: FillEvent) => `${f.side === 'BUY' ? 'bought' : 'sold'} ${f.shares} ${f.symbol} @ ${f.price.toFixed(2)}`;
  const shown = fills.slice(0, 3).map(text).join('; ');
  const more = fills.length > 3 ? ` and ${fills.length - 3} more` : '';
  return {
    kind: 'fills',
    severity: 'info',
    message: `IBKR: ${fills.length === 1 ? 'a fill' : `${fills.length} fills`}: ${shown}${more}.`,
    actions: [{ title: 'Show Orders', command: SHOW_PANEL, args: ['orders'] }],
  };
}

/** A session's end: how and why, its P&L and fills, and the positions its book leaves open. */
export function sessionEndNotice(e: SessionEndEvent): Notice {
  const reason = e.reason.replace(/[.\s]+$/, '');
  const cycles = e.cycles && !/\bcycles?\b/.test(reason) ? ` after ${e.cycles.replace('/', ' of ')} cycles` : '';
  const facts: string[] = [];
  if (e.net !== undefined) facts.push(`Net P&L ${formatPnl(e.net)}`);
  if (e.fills !== undefined) facts.push(e.fills === 0 ? 'no fills' : e.fills === 1 ? '1 fill' : `${e.fills} fills`);
  const open = e.openPositions;
  const left =
    open === undefined ? '' : open.length ? ` Positions left open in its book: ${open.map(shares).join(', ')}.` : ' No positions left open in its book.';
  return {
    kind: 'sessionEnd',
    severity: e.status === 'finished' || e.status === 'stopped' ? 'info' : 'error',
    message: `IBKR: AI session ${END_WORDS[e.status] ?? e.status}${cycles}: ${reason}.${facts.length ? ` ${facts.join(', ')}.` : ''}${left}`,
    actions: [{ title: 'Show Summary', command: SHOW_PANEL, args: ['session'] }],
  };
}

/** The notification for one event (fills: see FillNotices), or undefined when none is due. */
export function noticeFor(e: TraderEvent): Notice | undefined {
  switch (e.type) {
    case 'fill':
      return e.inSession ? undefined : fillsNotice([e]);
    case 'reject':
      return {
        kind: 'rejects',
        severity: 'error',
        message: `IBKR: TWS rejected order #${e.orderId} for ${e.symbol}: ${e.message}`,
        actions: [{ title: 'Show Orders', command: SHOW_PANEL, args: ['orders'] }],
      };
    case 'disconnected':
      return {
        kind: 'connection',
        severity: 'warning',
        message: `IBKR: the connection to TWS was lost (${e.reason}). Reconnecting; no orders until reconciled.`,
        actions: [{ title: 'Run Setup Checks', command: RUN_CHECKS }],
      };
    case 'reconnected':
      return {
        kind: 'connection',
        severity: 'info',
        message: `IBKR: reconnected to TWS (account ${e.account}) and reconciled.`,
        actions: [{ title: 'Show Panel', command: SHOW_PANEL }],
      };
    case 'connect-failed':
      return {
        kind: 'connection',
        severity: 'error',
        message: e.cause ? `IBKR: cannot connect to TWS. ${e.cause.title}: ${e.cause.finding}` : `IBKR: cannot connect to TWS: ${e.reason}`,
        actions: [{ title: 'Show Setup Checks', command: SHOW_PANEL, args: ['checks'] }],
      };
    case 'risk-stop':
      if (e.rule === 'killSwitch') return undefined; // the user pressed it: the command reports
      return {
        kind: 'riskStops',
        severity: 'warning',
        message: `IBKR: ${ruleWords(e.rule)} stopped the AI session: ${e.reason}${e.flatten ? "; closing the session's positions" : ''}.`,
        actions: [{ title: 'Show Session', command: SHOW_PANEL, args: ['session'] }],
      };
    case 'session-end':
      return sessionEndNotice(e);
  }
}

/**
 * Fills become one notice per session, not one per burst: a session's fills are counted in
 * its end notice (with the positions left open), and fills outside a session (an order
 * resumed from an earlier session, another tool on this client id) are collected for
 * `windowMs` and told together.
 */
export class FillNotices {
  private batch: FillEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (n: Notice) => void,
    private readonly windowMs = 5000,
  ) {}

  add(f: FillEvent): void {
    if (f.inSession) return;
    this.batch.push(f);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const fills = this.batch;
    this.batch = [];
    if (fills.length) this.emit(fillsNotice(fills));
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.batch = [];
  }
}
