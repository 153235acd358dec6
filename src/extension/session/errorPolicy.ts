// What the session does with each refusal TWS sends to one of its requests: recover (with
// a visible notice) or stop, naming the cause and the fix. ONE table: the codes' meanings
// and fix texts are tws/errorCodes.ts's (the setup checks say the same words); this file
// only adds the session's decision and the rows a code's text splits.
import { classifyCode, codeFix } from '../tws/errorCodes';

export type ErrorAction = 'recover' | 'stop';

export type RefusalId =
  'read-only' | 'market-data-permissions' | 'delayed-data' | 'competing-session' | 'bar-pacing' | 'message-pacing' | 'no-security' | 'order-rejected';

interface Row {
  readonly id: RefusalId;
  readonly codes: readonly number[];
  /** The row applies only when TWS's text matches (one code can mean several things). */
  readonly text?: RegExp;
  readonly action: ErrorAction;
  /** What went wrong, in the session's words. */
  readonly cause: string;
  /** The fix; default: tws/errorCodes.ts's fix for the code (or for `fixOf`). */
  readonly fix?: string;
  readonly fixOf?: number;
}

const DELAYED_OPT_IN =
  'or, to trade on delayed (15-20 minutes old) prices knowingly, start with --allow-delayed-data (setting ibkrAi.session.allowDelayedData)';

/** Rows are tried in order; the first whose code (and text, if any) matches decides. */
const ROWS: readonly Row[] = [
  { id: 'read-only', codes: [321], text: /read-only/i, action: 'stop', cause: 'TWS is in Read-Only API mode: it rejects every order' },
  // 420 is also TWS's answer to real-time bar requests over IBKR's pacing limits.
  {
    id: 'bar-pacing',
    codes: [162, 420],
    text: /pacing violation/i,
    action: 'recover',
    cause: 'IBKR pacing violation for bar requests',
    fix: 'held back and requested again after the pacing window (fewer symbols or fewer reconnects need fewer requests)',
  },
  {
    id: 'market-data-permissions',
    codes: [420, 354, 10089, 10168],
    action: 'stop',
    cause: 'TWS refused market data for the bars: the account has no market data permissions for this instrument',
    fixOf: 354,
  },
  {
    id: 'market-data-permissions',
    codes: [162],
    text: /permission|not subscribed|no market data/i,
    action: 'stop',
    cause: 'TWS refused historical bars: the account has no market data permissions for this instrument',
    fixOf: 354,
  },
  { id: 'delayed-data', codes: [10167], action: 'stop', cause: 'TWS sends delayed market data (15-20 minutes old) instead of live data' },
  {
    id: 'competing-session',
    codes: [10197],
    action: 'stop',
    cause: 'TWS sends no market data: the same username is logged in elsewhere (competing live session)',
  },
  {
    id: 'message-pacing',
    codes: [100],
    action: 'recover',
    cause: 'TWS dropped a message over its 50 messages per second limit',
    fix: 'the session paces its messages; the request is made again',
  },
  {
    id: 'no-security',
    codes: [200],
    action: 'stop',
    cause: 'TWS has no security definition for the request',
    fix: 'check the symbol (--symbols) and that the instrument trades on SMART in USD',
  },
  { id: 'order-rejected', codes: [201, 203], action: 'recover', cause: 'TWS rejected an order' },
];

/**
 * Consecutive rejected orders (no order accepted in between) after which the session stops;
 * it stops sooner once every symbol is suspended (3 rejections in a row each).
 */
export const REJECTION_STOP_AFTER = 10;
/** Consecutive cycles in which every decision failed with a policy error, after which the session stops. */
export const POLICY_FAILURE_STOP_AFTER = 3;

export interface Refusal {
  readonly id: RefusalId;
  readonly code: number;
  readonly action: ErrorAction;
  readonly cause: string;
  readonly fix: string;
  /** TWS's own text. */
  readonly message: string;
}

/** The session's decision for error `code` with TWS's text; undefined for codes that refuse nothing the session needs. */
export function refusalFor(code: number, message: string, opts: { allowDelayedData?: boolean } = {}): Refusal | undefined {
  const row = ROWS.find((r) => r.codes.includes(code) && (!r.text || r.text.test(message)));
  if (!row) return undefined;
  let fix = row.fix ?? codeFix(row.fixOf ?? code) ?? classifyCode(code, message).meaning;
  let action = row.action;
  if (row.id === 'market-data-permissions' || row.id === 'delayed-data') {
    if (opts.allowDelayedData) action = 'recover';
    else fix = `${fix.replace(/\.\s*$/, '')}; ${DELAYED_OPT_IN}`;
  }
  return { id: row.id, code, action, cause: row.cause, fix, message };
}

/** "cause (error N: TWS's text). Fix: ..." */
export function describeRefusal(r: Refusal, subject?: string): string {
  return `${subject ? `${subject}: ` : ''}${r.cause} (error ${r.code}: ${r.message.trim()}). Fix: ${r.fix}`;
}
