// The events the Trader emits for notifications (notifyPolicy.ts words them), and how a
// session's result becomes its session-end event. No vscode.
import type { SessionResult } from '../session/tradingSession';
import type { SessionSummary } from '../session/summary';

export type TraderEvent =
  /** `inSession`: the fill came while an AI session ran (its fills are told once, at its end) */
  | { type: 'fill'; symbol: string; side: 'BUY' | 'SELL'; shares: number; price: number; orderId: number; orderRef?: string; inSession: boolean }
  | { type: 'reject'; symbol: string; orderId: number; message: string }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnected'; account: string }
  | { type: 'connect-failed'; reason: string; cause?: { title: string; finding: string; fix: string } }
  | { type: 'risk-stop'; rule: string; reason: string; flatten: boolean }
  | {
      type: 'session-end';
      status: string;
      reason: string;
      summary?: string;
      net?: number;
      cycles?: string;
      /** the session's fills, and the positions its book holds at the end */
      fills?: number;
      openPositions?: Array<{ symbol: string; quantity: number }>;
    };

export type SessionEndEvent = Extract<TraderEvent, { type: 'session-end' }>;

export function sessionEndEvent(result: SessionResult, format: (s: SessionSummary) => string): SessionEndEvent {
  const s = result.summary;
  return {
    type: 'session-end',
    status: result.status,
    reason: result.reason,
    ...(s
      ? {
          summary: format(s),
          net: s.totals.net,
          cycles: `${s.cycles.done}/${s.cycles.planned}`,
          fills: s.perSymbol.reduce((n, p) => n + p.fills, 0),
          openPositions: s.perSymbol.filter((p) => p.position !== 0).map((p) => ({ symbol: p.symbol, quantity: p.position })),
        }
      : {}),
  };
}
