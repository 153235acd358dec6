// Check 5 (id 'session', the API session): startApi through @stoqey/ib (as the broker will) with explicit
// host, port and client id, until nextValidId. 326 (client id in use) probes a few
// other ids and names the free ones; 502 / 504 and data-farm messages are explained.
import type { IBApi } from '@stoqey/ib';
import { classifyCode, codeFix } from '../tws/errorCodes';
import { MAX_CLIENT_ID } from '../config/connectionConfig';
import { probeEnd } from './probeEnd';
import { hostPort, makeCheck, since, type Check, type Evidence } from './types';

export interface IbMessage {
  code: number;
  reqId: number;
  message: string;
  /** ms since the session started connecting. */
  ms: number;
}

export interface ApiStartOutcome {
  kind: 'ready' | 'client-id-in-use' | 'closed' | 'timeout' | 'error';
  ms: number;
  clientId: number;
  serverVersion?: number;
  connectionTime?: string;
  accounts: string[];
  nextValidId?: number;
  /** ms from connect to nextValidId. */
  readyMs?: number;
  messages: IbMessage[];
  /** The connected client (kind 'ready' only); the caller disconnects it. */
  api?: IBApi;
  /** The session's start (performance.now()), to time later requests against. */
  t0: number;
}

type IbIndex = typeof import('@stoqey/ib');
export type IbModule = Pick<IbIndex, 'IBApi' | 'EventName' | 'SecType' | 'OrderAction' | 'OrderType'>;
let ibModule: Promise<IbModule> | undefined;

/**
 * Loads the parts of @stoqey/ib the probes use, once, after the handshake passed. The
 * package index also loads its rxjs-based "next" API (about 100 ms more of start-up),
 * so the modules are loaded directly, falling back to the index if their paths move.
 */
export function loadIb(): Promise<IbModule> {
  ibModule ??= Promise.all([
    import('@stoqey/ib/dist/api/api'),
    import('@stoqey/ib/dist/api/data/enum/event-name'),
    import('@stoqey/ib/dist/api/data/enum/sec-type'),
    import('@stoqey/ib/dist/api/order/enum/order-action'),
    import('@stoqey/ib/dist/api/order/enum/orderType'),
  ]).then(
    ([api, ev, sec, action, type]) => ({
      IBApi: api.IBApi,
      EventName: ev.EventName,
      SecType: sec.SecType,
      OrderAction: action.OrderAction,
      OrderType: type.OrderType,
    }),
    () => import('@stoqey/ib'),
  );
  return ibModule;
}

export interface ApiStartOptions {
  host: string;
  port: number;
  clientId: number;
  timeoutMs: number;
  /** Extra wait for managedAccounts after nextValidId (default 300 ms). */
  accountsGraceMs?: number;
}

export async function probeApiStart(o: ApiStartOptions): Promise<ApiStartOutcome> {
  const { IBApi, EventName } = await loadIb();
  const t0 = performance.now();
  // maxReqPerSec given so @stoqey/ib never reads its own configuration (which calls dotenv.config()).
  const api = new IBApi({ host: o.host, port: o.port, clientId: o.clientId, maxReqPerSec: 40 });
  const out: ApiStartOutcome = { kind: 'timeout', ms: 0, clientId: o.clientId, accounts: [], messages: [], t0 };
  return new Promise<ApiStartOutcome>((resolve) => {
    const { finish, finishAfter } = probeEnd(out, t0, o.timeoutMs, (kind) => {
      if (kind === 'ready') out.api = api;
      else {
        api.removeAllListeners();
        api.on(EventName.error, () => {});
        api.disconnect();
      }
      resolve(out);
    });
    const onMessage = (code: number, reqId: number, message: string) => {
      out.messages.push({ code, reqId, message, ms: since(t0) });
      if (code === 326) finish('client-id-in-use');
    };
    api.on(EventName.info, (message: string, code: number) => onMessage(code, -1, message));
    api.on(EventName.error, (err: Error, code: number, reqId: number) => onMessage(code, reqId, err?.message ?? String(err)));
    api.on(EventName.server, (v: number, t: string) => {
      out.serverVersion = v;
      out.connectionTime = t;
    });
    api.on(EventName.managedAccounts, (list: string) => {
      out.accounts = String(list)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (out.nextValidId !== undefined) finish('ready');
    });
    api.on(EventName.nextValidId, (id: number) => {
      if (out.nextValidId !== undefined) return;
      out.nextValidId = id;
      out.readyMs = since(t0);
      if (out.accounts.length) finish('ready');
      else finishAfter(o.accountsGraceMs ?? 300, 'ready');
    });
    api.on(EventName.disconnected, () => {
      if (out.nextValidId !== undefined) finish('ready');
      else finish(out.messages.some((m) => m.code === 502) ? 'error' : 'closed');
    });
    api.connect(o.clientId);
  });
}

export interface ClientIdProbe {
  clientId: number;
  status: 'free' | 'in-use' | 'unknown';
  ms: number;
}

/** The ids to try after a 326: the next few, then a far one. */
export function clientIdsToProbe(clientId: number, count = 4): number[] {
  const out: number[] = [];
  for (const step of [1, 2, 3, 10, 100]) {
    const id = clientId + step;
    if (id >= 1 && id <= MAX_CLIENT_ID && !out.includes(id)) out.push(id);
    if (out.length >= count) break;
  }
  return out;
}

/** Connects briefly with each id (concurrently) to see which ones TWS accepts. */
export async function probeClientIds(host: string, port: number, ids: readonly number[], timeoutMs: number): Promise<ClientIdProbe[]> {
  return Promise.all(
    ids.map(async (clientId) => {
      const s = await probeApiStart({ host, port, clientId, timeoutMs, accountsGraceMs: 0 });
      s.api?.disconnect();
      return { clientId, status: s.kind === 'ready' ? 'free' : s.kind === 'client-id-in-use' ? 'in-use' : 'unknown', ms: s.ms } as ClientIdProbe;
    }),
  );
}

const FARM_BROKEN = new Set([1100, 2103, 2105, 2110, 2157]);

export interface ApiCheckInput {
  host: string;
  port: number;
  started: ApiStartOutcome;
  probes?: ClientIdProbe[];
}

export function apiCheck(inp: ApiCheckInput): Check {
  const s = inp.started;
  const target = hostPort(inp.host, inp.port);
  const evidence: Evidence[] = [{ step: `startApi as client id ${s.clientId} on ${target}`, detail: outcomeDetail(s), ms: s.ms }];
  for (const m of s.messages) evidence.push({ step: `message ${m.code}`, detail: m.message, ms: m.ms });
  for (const p of inp.probes ?? [])
    evidence.push({
      step: `try client id ${p.clientId}`,
      detail: p.status === 'free' ? 'accepted (free)' : p.status === 'in-use' ? '326: in use' : 'no answer',
      ms: p.ms,
    });
  switch (s.kind) {
    case 'ready': {
      const broken = s.messages.filter((m) => FARM_BROKEN.has(m.code));
      const base = `Session ready as client id ${s.clientId}: nextValidId ${s.nextValidId} in ${s.readyMs} ms (server version ${s.serverVersion}).`;
      if (broken.length) {
        const first = broken[0]!;
        return makeCheck('session', 'warn', `${base} But TWS reports: ${broken.map((m) => `${m.code} ${m.message}`).join('; ')}.`, {
          evidence,
          cause: 'session.farm-broken',
          fix: codeFix(first.code) ?? 'Check the internet connection of the machine running TWS.',
        });
      }
      return makeCheck('session', 'pass', base, { evidence });
    }
    case 'client-id-in-use': {
      const free = (inp.probes ?? []).filter((p) => p.status === 'free').map((p) => p.clientId);
      const tried = (inp.probes ?? []).map((p) => p.clientId);
      const freeText = free.length ? ` Free client ids: ${free.join(', ')}.` : tried.length ? ` Ids ${tried.join(', ')} are refused too.` : '';
      const lines = free.length
        ? [`Set IBKR_CLIENT_ID=${free[0]} in .env (or the VS Code setting ibkrAi.clientId, or --client-id ${free[0]}).`]
        : ['Set IBKR_CLIENT_ID to an id no other API client uses (in .env, or the VS Code setting ibkrAi.clientId).'];
      lines.push(`Or stop the other API client connected as id ${s.clientId} (another script, a second VS Code window, a stale process of this extension).`);
      return makeCheck('session', 'fail', `Error 326: client id ${s.clientId} is already in use on ${target}.${freeText}`, {
        evidence,
        cause: 'session.client-id-in-use',
        fix: lines.join('\n'),
      });
    }
    case 'timeout':
      return makeCheck('session', 'fail', `The handshake answered but startApi got no nextValidId within ${Math.round(s.ms)} ms.`, {
        evidence,
        cause: 'session.no-next-valid-id',
        fix: 'TWS may be busy (still logging in, or a modal dialog is open): finish the login, close dialogs in TWS/IB Gateway, and run the checks again. If it persists, restart TWS/IB Gateway.',
      });
    case 'error': {
      const e502 = s.messages.find((m) => m.code === 502);
      return makeCheck('session', 'fail', `Error 502 (couldn't connect to TWS) from the client library: ${e502?.message ?? 'socket error'}.`, {
        evidence,
        cause: 'session.connect-fail',
        fix: codeFix(502)!,
      });
    }
    default: {
      const last = s.messages[s.messages.length - 1];
      const why = last ? ` after ${last.code}: ${last.message}` : ' without an error message';
      return makeCheck('session', 'fail', `TWS closed the connection after startApi${why}.`, {
        evidence,
        cause: 'session.closed',
        fix: [
          'TWS closes API sessions it cannot serve: too many API clients (32 at most), a client id clash on an older TWS, or the "accept incoming connection" dialog was refused.',
          `Try another client id (IBKR_CLIENT_ID in .env or ibkrAi.clientId) and look at TWS's API log (File > Global Configuration > API > Settings > "Create API message log file").`,
          `504 (not connected) afterwards means requests were sent on the closed socket: ${classifyCode(504).meaning}`,
        ].join('\n'),
      });
    }
  }
}

function outcomeDetail(s: ApiStartOutcome): string {
  switch (s.kind) {
    case 'ready':
      return `nextValidId ${s.nextValidId} at ${s.readyMs} ms; managed accounts ${s.accounts.join(',') || '(none)'}`;
    case 'client-id-in-use':
      return '326: client id already in use';
    case 'timeout':
      return 'no nextValidId';
    case 'error':
      return '502: connect failed';
    default:
      return 'closed by TWS before nextValidId';
  }
}
