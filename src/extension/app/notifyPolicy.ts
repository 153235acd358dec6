// Which trader events become notifications, with what words and actions, and which setting
// quiets each kind. Fills arriving together become one notification. No vscode.
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

export function fillsNotice(fills: readonly FillEvent[]): Notice {
  const text = (f: FillEvent) => `${f.side === 'BUY' ? 'bought' : 'sold'} ${f.shares} ${f.symbol} @ ${f.price.toFixed(2)}`;
  const shown = fills.slice(0, 3).map(text).join('; ');
  const more = fills.length > 3 ? ` and ${fills.length - 3} more` : '';
  return {
    kind: 'fills',
    severity: 'info',
    message: `IBKR: ${fills.length === 1 ? 'fill' : `${fills.length} fills`}: ${shown}${more}.`,
    actions: [{ title: 'Show Orders', command: SHOW_PANEL, args: ['orders'] }],
  };
}

/** The notification for one event (fills: see FillBatcher), or undefined when none is due. */
export function noticeFor(e: TraderEvent): Notice | undefined {
  switch (e.type) {
    case 'fill':
      return fillsNotice([e]);
    case 'reject':
      return {
        kind: 'rejects',
        severity: 'error',
        message: `IBKR: order #${e.orderId} for ${e.symbol} was rejected: ${e.message}`,
        actions: [{ title: 'Show Orders', command: SHOW_PANEL, args: ['orders'] }],
      };
    case 'disconnected':
      return {
        kind: 'connection',
        severity: 'warning',
        message: `IBKR: connection to TWS lost (${e.reason}). Reconnecting; no orders until reconciled.`,
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
        message: `IBKR: the AI session was stopped by ${e.rule}: ${e.reason}${e.flatten ? '; flattening its positions' : ''}.`,
        actions: [{ title: 'Show Session', command: SHOW_PANEL, args: ['session'] }],
      };
    case 'session-end': {
      const pnl = e.net !== undefined ? `, net P&L ${formatPnl(e.net)}` : '';
      const cycles = e.cycles ? `, ${e.cycles} cycles` : '';
      return {
        kind: 'sessionEnd',
        severity: e.status === 'finished' || e.status === 'stopped' ? 'info' : 'error',
        message: `IBKR: AI session ${e.status}${cycles}${pnl}: ${e.reason}`,
        actions: [{ title: 'Show Summary', command: SHOW_PANEL, args: ['session'] }],
      };
    }
  }
}

/** Collects fills for `windowMs` and hands them over as one notice. */
export class FillBatcher {
  private batch: FillEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (n: Notice) => void,
    private readonly windowMs = 750,
  ) {}

  add(f: FillEvent): void {
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
