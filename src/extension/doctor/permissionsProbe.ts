// Check 7, permissions, on the open session and without ever placing an order:
// a what-if order (whatIf: true, a 1-share limit far below the market) detects the
// Read-Only API (321) and order precautions; a market data request detects missing
// subscriptions (354 / 10167 / 10168) and a competing live session (10197); and
// reqCurrentTime measures the clock skew between this machine and TWS.
import type { IBApi } from '@stoqey/ib';
import { fixFor, TWS_API_PRECAUTIONS, type FixContext } from '../tws/fixes';
import { codeFix } from '../tws/errorCodes';
import type { IbMessage } from './apiProbe';
import { loadIb } from './apiProbe';
import { probeEnd } from './probeEnd';
import { makeCheck, since, type Check, type Evidence } from './types';

export const PROBE_SYMBOL = 'AAPL';
/** The what-if limit price: far below any plausible market, so even a placed order could not fill. */
export const WHAT_IF_LIMIT = 1;
/** Clock skew above this is a warning (TWS reports whole seconds). */
export const MAX_CLOCK_SKEW_MS = 2000;

export interface WhatIfOutcome {
  kind: 'answered' | 'rejected' | 'timeout';
  ms: number;
  orderId: number;
  status?: string;
  warningText?: string;
  initMarginChange?: number;
  commission?: number;
  messages: IbMessage[];
  /** Set if TWS treated it as a real order (orderStatus arrived) and the probe cancelled it. */
  cancelled?: boolean;
}

export async function whatIfProbe(api: IBApi, orderId: number, account: string | undefined, timeoutMs: number): Promise<WhatIfOutcome> {
  const { EventName, OrderAction, OrderType, SecType } = await loadIb();
  const t0 = performance.now();
  const out: WhatIfOutcome = { kind: 'timeout', ms: 0, orderId, messages: [] };
  return new Promise((resolve) => {
    const onOpenOrder = (
      id: number,
      _c: unknown,
      order: { whatIf?: boolean },
      state: { status?: string; warningText?: string; initMarginChange?: number; commission?: number },
    ) => {
      if (id !== orderId) return;
      out.status = String(state?.status ?? '');
      if (state?.warningText) out.warningText = state.warningText;
      if (state?.initMarginChange !== undefined) out.initMarginChange = state.initMarginChange;
      if (state?.commission !== undefined) out.commission = state.commission;
      if (order && order.whatIf === false) cancel('openOrder without whatIf');
      finish(out.cancelled ? 'rejected' : 'answered');
    };
    const onStatus = (id: number, status: string) => {
      if (id === orderId) cancel(`orderStatus ${status}`);
    };
    const onError = (err: Error, code: number, reqId: number) => {
      if (reqId !== orderId) return;
      out.messages.push({ code, reqId, message: err?.message ?? String(err), ms: since(t0) });
      // 399 is an informational order message; 2100-2199 are warnings: the answer still follows.
      if (code === 399 || (code >= 2100 && code < 2200)) return;
      finish('rejected');
    };
    const cancel = (why: string) => {
      if (out.cancelled) return;
      out.cancelled = true;
      out.messages.push({ code: 0, reqId: orderId, message: `TWS treated the what-if as an order (${why}): cancelOrder sent`, ms: since(t0) });
      api.cancelOrder(orderId);
    };
    const { finish } = probeEnd(out, t0, timeoutMs, () => {
      api.off(EventName.openOrder, onOpenOrder as never);
      api.off(EventName.orderStatus, onStatus as never);
      api.off(EventName.error, onError as never);
      resolve(out);
    });
    api.on(EventName.openOrder, onOpenOrder as never);
    api.on(EventName.orderStatus, onStatus as never);
    api.on(EventName.error, onError as never);
    api.placeOrder(
      orderId,
      { symbol: PROBE_SYMBOL, secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
      {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        lmtPrice: WHAT_IF_LIMIT,
        totalQuantity: 1,
        tif: 'DAY',
        whatIf: true,
        transmit: true,
        ...(account ? { account } : {}),
      },
    );
  });
}

/**
 * Codes with which order precautions hold or reject an order (project notes,
 * /work/shared/notes/ibkr-facts.md: 451 value limits, 10268, 10274), besides texts.
 */
export const PRECAUTION_CODES: ReadonlySet<number> = new Set([451, 10268, 10274]);

export function orderPermissionsCheck(o: WhatIfOutcome, ctx: FixContext = { port: 0 }): Check {
  const step = `what-if BUY 1 ${PROBE_SYMBOL} LMT ${WHAT_IF_LIMIT.toFixed(2)} (order id ${o.orderId}, whatIf=true: nothing is placed)`;
  const evidence: Evidence[] = [
    {
      step,
      detail:
        o.kind === 'answered'
          ? `preview: status ${o.status}${o.commission !== undefined && o.commission < 1e300 ? `, commission ${o.commission}` : ''}${o.warningText ? `, warning "${o.warningText}"` : ''}`
          : o.kind,
      ms: o.ms,
    },
  ];
  for (const m of o.messages) evidence.push({ step: `message ${m.code}`, detail: m.message, ms: m.ms });
  const readOnly = o.messages.find((m) => m.code === 321 || /read-only/i.test(m.message));
  if (readOnly && /read-only/i.test(readOnly.message)) {
    return makeCheck('order-permissions', 'fail', `Error ${readOnly.code}: the API is in Read-Only mode; every order will be rejected.`, {
      evidence,
      cause: 'orders.read-only',
      fix: fixFor('orders.read-only', ctx),
    });
  }
  if (o.cancelled) {
    return makeCheck('order-permissions', 'fail', 'TWS treated the what-if order as a real order; the probe cancelled it at once.', {
      evidence,
      cause: 'orders.what-if-ignored',
      fix: "Check TWS's Orders panel for order id " + o.orderId + ' and cancel it if still there; upgrade TWS/IB Gateway.',
    });
  }
  const precaution = (text: string) => /precaution|exceeds|size limit|value limit|percentage|price cap|constraint/i.test(text);
  if (o.kind === 'rejected') {
    const last = o.messages.filter((m) => m.code !== 399)[0] ?? o.messages[0];
    const text = last ? `${last.code} ${last.message}` : 'rejected';
    const held = o.messages.find((m) => PRECAUTION_CODES.has(m.code));
    if (held || (last && precaution(last.message))) {
      return makeCheck(
        'order-permissions',
        'warn',
        `The what-if order was stopped by an order precaution: ${held ? `${held.code} ${held.message}` : text}. Real orders will be held or rejected the same way.`,
        {
          evidence,
          cause: 'orders.precautions',
          fix: `${fixFor('orders.precautions', ctx)} (The probe used a deliberately far limit of ${WHAT_IF_LIMIT.toFixed(2)} USD, which a price-deviation precaution flags.)`,
        },
      );
    }
    const fix = last ? codeFix(last.code) : undefined;
    return makeCheck('order-permissions', 'warn', `The what-if order was rejected: ${text}.`, {
      evidence,
      cause: 'orders.rejected',
      fix: fix ?? 'Read the reason above; for trading permissions see Client Portal > Settings > Trading Permissions.',
    });
  }
  if (o.kind === 'timeout') {
    return makeCheck('order-permissions', 'warn', `No answer to the what-if order within ${Math.round(o.ms)} ms.`, {
      evidence,
      cause: 'orders.no-answer',
      fix:
        'TWS may be showing an order confirmation or precaution dialog: look for it, and consider ' +
        `${TWS_API_PRECAUTIONS} > "Bypass Order Precautions for API orders".`,
    });
  }
  if (o.warningText) {
    return makeCheck('order-permissions', 'warn', `Orders allowed, with a warning: "${o.warningText}".`, {
      evidence,
      cause: precaution(o.warningText) ? 'orders.precautions' : 'orders.warning',
      fix: precaution(o.warningText) ? fixFor('orders.precautions', ctx) : 'Read the warning; it will apply to real orders too.',
    });
  }
  return makeCheck('order-permissions', 'pass', `Orders allowed: the what-if preview answered in ${o.ms} ms (not Read-Only, no precaution).`, { evidence });
}

export interface MarketDataOutcome {
  /** The symbol asked for (default PROBE_SYMBOL). */
  symbol?: string;
  kind: 'live' | 'delayed' | 'not-subscribed' | 'competing-session' | 'error' | 'timeout';
  ms: number;
  /** The marketDataType TWS reported (1 live, 2 frozen, 3 delayed, 4 delayed frozen). */
  dataType?: number;
  firstTick?: { field: number; value: number; ms: number };
  messages: IbMessage[];
}

const LIVE_PRICE_FIELDS = new Set([1, 2, 4, 6, 7, 9, 14]);
const DELAYED_PRICE_FIELDS = new Set([66, 67, 68, 72, 73, 75, 76]);

/** reqMarketDataType(3) (delayed if not entitled, as the app falls back) + reqMktData for one stock. */
export async function marketDataProbe(api: IBApi, reqId: number, timeoutMs: number, symbol = PROBE_SYMBOL): Promise<MarketDataOutcome> {
  const { EventName, SecType } = await loadIb();
  const t0 = performance.now();
  const out: MarketDataOutcome = { symbol, kind: 'timeout', ms: 0, messages: [] };
  return new Promise((resolve) => {
    const onType = (id: number, type: number) => {
      if (id === reqId) out.dataType = type;
    };
    const onTick = (id: number, field: number, value: number) => {
      if (id !== reqId || out.firstTick || !(value > 0)) return;
      out.firstTick = { field, value, ms: since(t0) };
      const delayed = DELAYED_PRICE_FIELDS.has(field) || out.dataType === 3 || out.dataType === 4 || out.messages.some((m) => m.code === 10167);
      if (delayed) finish('delayed');
      else if (LIVE_PRICE_FIELDS.has(field)) finish('live');
    };
    const onError = (err: Error, code: number, id: number) => {
      if (id !== reqId) return;
      out.messages.push({ code, reqId: id, message: err?.message ?? String(err), ms: since(t0) });
      if (code === 10197) finish('competing-session');
      else if (code === 354 || code === 10168) finish('not-subscribed');
      else if (code === 10167) finishAfter(300, 'delayed');
      else if (code < 2100 || code >= 3000) finish('error');
    };
    const { finish, finishAfter } = probeEnd(out, t0, timeoutMs, (kind) => {
      api.off(EventName.marketDataType, onType as never);
      api.off(EventName.tickPrice, onTick as never);
      api.off(EventName.error, onError as never);
      if (kind !== 'competing-session' && kind !== 'not-subscribed' && kind !== 'error') api.cancelMktData(reqId);
      resolve(out);
    });
    api.on(EventName.marketDataType, onType as never);
    api.on(EventName.tickPrice, onTick as never);
    api.on(EventName.error, onError as never);
    api.reqMarketDataType(3);
    api.reqMktData(reqId, { symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' }, '', false, false);
  });
}

export function marketDataCheck(o: MarketDataOutcome): Check {
  const sym = o.symbol ?? PROBE_SYMBOL;
  const evidence: Evidence[] = [
    {
      step: `reqMarketDataType(3) + reqMktData ${sym} STK SMART`,
      detail: `${o.kind}${o.dataType ? `, marketDataType ${o.dataType}` : ''}${o.firstTick ? `, first price tick field ${o.firstTick.field} = ${o.firstTick.value} at ${o.firstTick.ms} ms` : ''}`,
      ms: o.ms,
    },
  ];
  for (const m of o.messages) evidence.push({ step: `message ${m.code}`, detail: m.message, ms: m.ms });
  const code = (c: number) => o.messages.find((m) => m.code === c);
  switch (o.kind) {
    case 'live':
      return makeCheck('market-data', 'pass', `Live quote for ${sym} in ${o.firstTick?.ms ?? o.ms} ms.`, { evidence });
    case 'delayed': {
      const m = code(10167);
      return makeCheck(
        'market-data',
        'warn',
        `No live market data subscription for ${sym}${m ? ` (10167: ${m.message})` : ''}: delayed data (15-20 min late) will be used.`,
        {
          evidence,
          cause: 'market-data.not-subscribed',
          fix: codeFix(10167)!,
        },
      );
    }
    case 'not-subscribed': {
      const m = code(354) ?? code(10168);
      return makeCheck(
        'market-data',
        'warn',
        `Market data not subscribed for ${sym}${m ? ` (${m.code}: ${m.message})` : ''}: delayed data will be used where available.`,
        {
          evidence,
          cause: 'market-data.not-subscribed',
          fix: codeFix(m?.code ?? 354)!,
        },
      );
    }
    case 'competing-session': {
      const m = code(10197);
      return makeCheck(
        'market-data',
        'warn',
        `10197: no market data during a competing live session${m ? ` ("${m.message}")` : ''}: the same username is logged in elsewhere.`,
        {
          evidence,
          cause: 'market-data.competing-session',
          fix: codeFix(10197)!,
        },
      );
    }
    case 'error': {
      const m = o.messages.find((x) => x.code < 2100 || x.code >= 3000);
      return makeCheck('market-data', 'warn', `The market data request failed: ${m ? `${m.code} ${m.message}` : 'error'}.`, {
        evidence,
        cause: 'market-data.error',
        fix: (m && codeFix(m.code)) ?? 'Check the market data permissions in Client Portal: Settings > Market Data Subscriptions.',
      });
    }
    default:
      return makeCheck('market-data', 'warn', `No quote for ${sym} within ${Math.round(o.ms)} ms.`, {
        evidence,
        cause: 'market-data.no-answer',
        fix: 'Check the data farm status in TWS (green "Data" indicator) and your market data subscriptions in Client Portal: Settings > Market Data Subscriptions.',
      });
  }
}

/** One check over every configured symbol: the worst status leads; findings and fixes per symbol. */
export function marketDataChecks(outcomes: readonly MarketDataOutcome[]): Check {
  const checks = outcomes.map(marketDataCheck);
  if (checks.length === 1) return checks[0]!;
  const rank = { fail: 3, warn: 2, skip: 1, pass: 0 } as const;
  const worst = checks.reduce((a, c) => (rank[c.status] > rank[a.status] ? c : a), checks[0]!);
  const fixes = [...new Set(checks.map((c) => c.fix).filter(Boolean))];
  const bad = checks.filter((c) => c.status !== 'pass');
  const finding = bad.length
    ? `${bad.length} of ${checks.length} symbols: ${bad.map((c) => c.finding).join(' ')}`
    : `All ${checks.length} symbols have data: ${checks.map((c) => c.finding).join(' ')}`;
  return makeCheck('market-data', worst.status, finding, {
    evidence: checks.flatMap((c) => c.evidence),
    fix: fixes.join('\n'),
    ...(worst.cause ? { cause: worst.cause } : {}),
  });
}

export interface ClockOutcome {
  kind: 'answered' | 'timeout';
  ms: number;
  /** TWS's time (epoch seconds). */
  twsSeconds?: number;
  /** TWS minus this machine, ms (TWS truncates to seconds: +500 ms centres it). */
  skewMs?: number;
}

export async function clockProbe(api: IBApi, timeoutMs: number, now: () => number = Date.now): Promise<ClockOutcome> {
  const { EventName } = await loadIb();
  const t0 = performance.now();
  const sentAt = now();
  return new Promise((resolve) => {
    const onTime = (time: number) => {
      clearTimeout(timer);
      api.off(EventName.currentTime, onTime as never);
      const mid = (sentAt + now()) / 2;
      resolve({ kind: 'answered', ms: since(t0), twsSeconds: time, skewMs: Math.round(time * 1000 + 500 - mid) });
    };
    const timer = setTimeout(() => {
      api.off(EventName.currentTime, onTime as never);
      resolve({ kind: 'timeout', ms: since(t0) });
    }, timeoutMs);
    api.on(EventName.currentTime, onTime as never);
    api.reqCurrentTime();
  });
}

export function formatSkew(ms: number): string {
  const a = Math.abs(ms);
  const s = a >= 3_600_000 ? `${(a / 3_600_000).toFixed(1)} h` : a >= 60_000 ? `${(a / 60_000).toFixed(1)} min` : `${(a / 1000).toFixed(1)} s`;
  return `${s} ${ms > 0 ? 'ahead of' : 'behind'} this machine`;
}

export function clockCheck(o: ClockOutcome, ctx: { wsl?: boolean; simulator?: boolean } = {}): Check {
  if (o.kind === 'timeout' || o.skewMs === undefined) {
    return makeCheck('clock', 'warn', `No answer to reqCurrentTime within ${Math.round(o.ms)} ms.`, {
      evidence: [{ step: 'reqCurrentTime', detail: 'no answer', ms: o.ms }],
      cause: 'clock.no-answer',
      fix: 'Run the checks again; if TWS stays silent, restart it.',
    });
  }
  const evidence: Evidence[] = [
    { step: 'reqCurrentTime', detail: `TWS ${new Date(o.twsSeconds! * 1000).toISOString()}; skew ${o.skewMs} ms (whole-second resolution)`, ms: o.ms },
  ];
  if (Math.abs(o.skewMs) <= MAX_CLOCK_SKEW_MS)
    return makeCheck('clock', 'pass', `Clocks agree within ${MAX_CLOCK_SKEW_MS / 1000} s (TWS ${o.skewMs >= 0 ? '+' : ''}${o.skewMs} ms).`, { evidence });
  // The embedded simulator (it names itself: sim/protocol/simulatorMark.ts) runs a simulated
  // market clock on purpose (by default 10:00 New York of the latest weekday): not a fault.
  if (ctx.simulator) {
    return makeCheck('clock', 'pass', `The embedded simulator's market clock is simulated (${formatSkew(o.skewMs)}): expected, not a clock problem.`, {
      evidence,
      cause: 'clock.simulated',
    });
  }
  const lines = [
    'Sync the clocks of this machine and of the machine running TWS:',
    'Windows: Settings > Time & language > Date & time > "Set time automatically", then "Sync now".',
    'macOS: System Settings > General > Date & Time > "Set time and date automatically".',
    'Linux: sudo timedatectl set-ntp true.',
  ];
  if (ctx.wsl) lines.push('WSL: the VM clock drifts after sleep: run `sudo hwclock -s` (or `wsl --shutdown` from Windows).');
  return makeCheck('clock', 'warn', `TWS's clock is ${formatSkew(o.skewMs)}: bar times, GTD orders and time-based rules will be off.`, {
    evidence,
    cause: 'clock.skew',
    fix: lines.join('\n'),
  });
}
