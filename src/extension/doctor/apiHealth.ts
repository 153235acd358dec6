// What can go wrong with the API connection after it started, each a named finding replacing
// the check 'session' (the API session): a drop (with TWS's clock time; at a quarter hour,
// the daily auto-restart), silence (a hung TWS or a stream the client cannot decode), and
// client id 0 (it also receives, and can bind, orders entered by hand in TWS).
import { fixFor, type FixContext } from '../tws/fixes';
import { addSeconds, formatClock, RESTART_DROP_WINDOW_S, roundTimeBefore, type ClockTime } from './restartTime';
import { PRODUCT_NAMES } from '../tws/releases';
import { makeCheck, type Check } from './types';

/** TWS's clock at the handshake (HH:mm:ss, when parsed) and when that was (performance.now()). */
export interface TwsClock {
  time?: ClockTime;
  at: number;
}

function who(fix: FixContext): string {
  return fix.product ? PRODUCT_NAMES[fix.product] : 'TWS/IB Gateway';
}

/** The connection closed by the other end at `droppedAt` (performance.now()) after a ready session. */
export function droppedCheck(ready: Check, d: { droppedAt: number; apiT0: number; fix: FixContext; twsClock?: TwsClock; portClosed?: boolean }): Check {
  const afterMs = Math.round(d.droppedAt - d.apiT0);
  const t = d.twsClock?.time;
  const tws = t && d.twsClock ? addSeconds(t, (d.droppedAt - d.twsClock.at) / 1000) : undefined;
  const round = tws ? roundTimeBefore(tws, RESTART_DROP_WINDOW_S) : undefined;
  const when = tws ? ` at ${formatClock(tws)} on ${who(d.fix)}'s clock` : '';
  const evidence = [
    ...ready.evidence,
    {
      step: 'connection',
      detail: d.portClosed
        ? `the port refused the session ${(afterMs / 1000).toFixed(2)} s after the handshake was answered${when}`
        : `closed by ${who(d.fix)} ${(afterMs / 1000).toFixed(2)} s after startApi${when}`,
      ms: afterMs,
    },
  ];
  const what = d.portClosed ? 'The API port closed between the handshake and the session' : 'The API connection dropped during the checks';
  if (round) {
    return makeCheck('session', 'fail', `${what}${when}, just after ${formatClock(round)}: the daily auto-restart.`, {
      evidence,
      cause: 'session.auto-restart',
      fix: fixFor('daily-restart', d.fix),
    });
  }
  return makeCheck(
    'session',
    'fail',
    `${what}${when} (${(afterMs / 1000).toFixed(2)} s after ${d.portClosed ? 'the session began connecting' : 'startApi'}).`,
    { evidence, cause: 'session.dropped', fix: fixFor('session.dropped', d.fix) },
  );
}

/** Nothing answered the probes after a good start. */
export function unresponsiveCheck(ready: Check, probeMs: number, fix: FixContext): Check {
  return makeCheck(
    'session',
    'fail',
    `The session started, then ${who(fix)} stopped answering: no reply to the what-if order, market data or reqCurrentTime within ${probeMs} ms.`,
    {
      evidence: ready.evidence,
      cause: 'session.unresponsive',
      fix: fixFor('session.unresponsive', fix),
    },
  );
}

/** A passing session as client id 0 becomes a warning. */
export function clientIdZero(sc: Check, clientId: number, fix: FixContext): Check {
  if (sc.status !== 'pass' || clientId !== 0) return sc;
  return makeCheck(
    'session',
    'warn',
    `${sc.finding} Client id 0 also receives orders entered by hand in TWS (and can bind them), so they could be mistaken for the session's.`,
    {
      evidence: sc.evidence,
      cause: 'session.client-id-zero',
      fix: fixFor('session.client-id-zero', fix),
    },
  );
}
