// Fault injection: `--fault NAME[:ARG]`, each behaving as real TWS does when that
// goes wrong. Parsing is strict so a typo is an error naming the valid faults.

export interface Faults {
  /** TCP accepted, the API handshake never answered (API disabled / untrusted IP / dialog waiting). */
  apiDisabled: boolean;
  /** Client ids reported as already in use (326, then close). `all` when no list was given; from S seconds, until E when given. */
  clientIdInUse?: { ids: number[] | 'all'; afterSeconds: number; untilSeconds?: number };
  readOnly: boolean;
  noMarketData: boolean;
  competingSession: boolean;
  rejectOrders?: string;
  partialFills?: number;
  dropAfter?: { seconds: number; downSeconds: number };
  dropEvery?: { seconds: number; downSeconds: number };
  connectivityLoss?: { seconds: number; restoreCode: 1101 | 1102; outageSeconds: number };
  /** TWS hangs after S seconds (sockets stay open, nothing answered); with FOR, it answers new connections again FOR seconds later. */
  halfOpen?: { seconds: number; forSeconds?: number };
  pacing: boolean;
  oldServer?: number;
  /** Live order events (openOrder, orderStatus, execDetails, commissionReport, order errors) held for a window and delivered shuffled. */
  shuffleOrderEvents?: { windowMs: number };
  /** Every live order event delivered twice. */
  duplicateOrderEvents?: boolean;
  /** After S seconds, N random bytes (seeded) written raw into every client socket. */
  garbage?: { seconds: number; bytes: number };
  /** After S seconds, a well-framed but truncated orderStatus to every client. */
  malformedFrame?: { seconds: number };
  /** After S seconds, a frame header declaring more than the API's 16 MiB maximum, to every client. */
  oversizedFrame?: { seconds: number };
  /** The port refuses connections (nothing listens) for S seconds after start, as while TWS waits for login / 2FA. */
  loginPending?: { seconds: number };
  /** Each new client address waits S seconds for its handshake answer, as while TWS's "accept incoming connection" dialog is open. */
  acceptDialog?: { seconds: number };
  /** IB Gateway logged in with "FIX CTCI" instead of "IB API": the port answers FIX, not the API. */
  fixMode?: boolean;
  /** Listen on ::1 only (macOS TWS may), whatever --host says. */
  ipv6Only?: boolean;
  /** Daily restart at HH:MM New York on the simulated clock: every socket dropped, the port down DOWN seconds. */
  autoRestart?: { hour: number; minute: number; downSeconds: number };
  /** The next N orders answered 103 Duplicate order id, as when another API client already used the id. */
  duplicateOrderId?: { remaining: number };
}

export const FAULT_HELP: Record<string, string> = {
  'api-disabled': 'TCP is accepted but the API handshake is never answered',
  'client-id-in-use[:IDS][@S[..E]]': 'error 326 then close for these client ids (comma list; default all), optionally only from S (until E) seconds',
  'read-only': 'orders and what-if orders rejected with 321 (Read-Only API)',
  'no-market-data': '354 for live data, 10167 + delayed ticks for delayed data',
  'competing-session': '10197 on market data requests',
  'reject-orders[:REASON]': 'every order rejected with 201',
  'partial-fills[:N]': 'each fill split into N executions (default 3)',
  'drop-after:S[,DOWN]': 'every socket closed once after S seconds; listener down for DOWN seconds',
  'drop-every:S[,DOWN]': 'every socket closed every S seconds',
  'connectivity-loss:S[,1101|1102[,OUT]]': '1100 after S seconds, then 1101 or 1102 (default) after OUT seconds (default 1)',
  'half-open:S[,FOR]': 'after S seconds the socket stays open but nothing is answered (new connections answered again after FOR seconds)',
  pacing: 'error 100 past 50 messages/s; 162 for historical pacing violations; 420 past 60 new real-time bar requests in 10 minutes',
  'old-server[:V]': 'handshake answers with server version V (default 99), below what clients accept',
  'shuffle-order-events[:MS]':
    'live openOrder/orderStatus/execDetails/commissionReport/order errors held MS ms (default 150) and delivered in a shuffled order',
  'duplicate-order-events': 'every live order event (openOrder, orderStatus, execDetails, commissionReport) delivered twice',
  'garbage:S[,N]': 'after S seconds, N random bytes (default 64, seeded) written raw into every client socket',
  'malformed-frame:S': 'after S seconds, a well-framed but truncated orderStatus to every client',
  'oversized-frame:S': 'after S seconds, a frame header declaring more than the 16 MiB API maximum, to every client',
  'login-pending:S': 'the port refuses connections for S seconds after start (login or 2FA still pending), then opens',
  'accept-dialog:S': 'the handshake of each new client address is answered only after S seconds (accept-connection dialog)',
  'fix-mode': 'IB Gateway logged in as FIX CTCI: the port answers a FIX logout, not the API',
  'ipv6-only': 'listen on ::1 only (as macOS TWS may), whatever --host says',
  'auto-restart:HH:MM[,DOWN]': 'at HH:MM New York on the simulated clock all sockets drop and the port is down DOWN seconds (default 2)',
  'duplicate-order-id[:N]':
    'the first N orders (default 1) answered 103 Duplicate order id, as when another client already used the id (nextValidId moves past it)',
};

export class FaultError extends Error {}

export function emptyFaults(): Faults {
  return { apiDisabled: false, readOnly: false, noMarketData: false, competingSession: false, pacing: false };
}

/** The faults `NAME:S` that strike S seconds after the connection, and their field. */
const AFTER_SECONDS_FAULTS: ReadonlyMap<string, 'malformedFrame' | 'oversizedFrame' | 'loginPending' | 'acceptDialog'> = new Map([
  ['malformed-frame', 'malformedFrame'],
  ['oversized-frame', 'oversizedFrame'],
  ['login-pending', 'loginPending'],
  ['accept-dialog', 'acceptDialog'],
]);

/** The faults that are on or off and take no argument, and their field. */
const SWITCH_FAULTS: ReadonlyMap<string, 'duplicateOrderEvents' | 'fixMode' | 'ipv6Only'> = new Map([
  ['duplicate-order-events', 'duplicateOrderEvents'],
  ['fix-mode', 'fixMode'],
  ['ipv6-only', 'ipv6Only'],
]);

export function parseFaults(specs: readonly string[]): Faults {
  const f = emptyFaults();
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const arg = colon < 0 ? undefined : spec.slice(colon + 1);
    const num = (s: string | undefined, what: string, min = 0): number => {
      const n = Number(s);
      if (s === undefined || s.trim() === '' || !Number.isFinite(n) || n < min) throw new FaultError(`--fault ${spec}: ${what} must be a number >= ${min}`);
      return n;
    };
    const secondsAndDown = () => {
      const [s, down] = (arg ?? '').split(',');
      return { seconds: num(s, 'S (seconds)', 0.001), downSeconds: down === undefined ? 0 : num(down, 'DOWN (seconds)') };
    };
    const afterSeconds = AFTER_SECONDS_FAULTS.get(name);
    if (afterSeconds !== undefined) {
      f[afterSeconds] = { seconds: num(arg, 'S (seconds)', 0.001) };
      continue;
    }
    const switchFault = SWITCH_FAULTS.get(name);
    if (switchFault !== undefined) {
      if (arg !== undefined) throw new FaultError(`--fault ${spec}: takes no argument`);
      f[switchFault] = true;
      continue;
    }
    switch (name) {
      case 'api-disabled':
        f.apiDisabled = true;
        break;
      case 'client-id-in-use': {
        const [list, window] = (arg ?? '').split('@');
        const ids = list ? list.split(',').map((x) => num(x, 'client id')) : ('all' as const);
        const [after, until] = window === undefined ? [] : window.split('..');
        f.clientIdInUse = { ids, afterSeconds: after === undefined ? 0 : num(after, 'S (seconds)') };
        if (until !== undefined) {
          const e = num(until, 'E (seconds)');
          if (e <= f.clientIdInUse.afterSeconds) throw new FaultError(`--fault ${spec}: E must be after S`);
          f.clientIdInUse.untilSeconds = e;
        }
        break;
      }
      case 'read-only':
        f.readOnly = true;
        break;
      case 'no-market-data':
        f.noMarketData = true;
        break;
      case 'competing-session':
        f.competingSession = true;
        break;
      case 'reject-orders':
        f.rejectOrders = arg || 'Simulated rejection (--fault reject-orders)';
        break;
      case 'partial-fills':
        f.partialFills = arg === undefined ? 3 : num(arg, 'N', 2);
        break;
      case 'drop-after':
        f.dropAfter = secondsAndDown();
        break;
      case 'drop-every':
        f.dropEvery = secondsAndDown();
        break;
      case 'connectivity-loss': {
        const [s, code, out] = (arg ?? '').split(',');
        const restore = code === undefined || code === '' ? 1102 : Number(code);
        if (restore !== 1101 && restore !== 1102) throw new FaultError(`--fault ${spec}: the restore code must be 1101 or 1102`);
        f.connectivityLoss = { seconds: num(s, 'S (seconds)', 0.001), restoreCode: restore, outageSeconds: out === undefined ? 1 : num(out, 'OUT (seconds)') };
        break;
      }
      case 'half-open': {
        const [s, forSeconds] = (arg ?? '').split(',');
        f.halfOpen = { seconds: num(s, 'S (seconds)') };
        if (forSeconds !== undefined) f.halfOpen.forSeconds = num(forSeconds, 'FOR (seconds)', 0.001);
        break;
      }
      case 'pacing':
        f.pacing = true;
        break;
      case 'old-server':
        f.oldServer = arg === undefined ? 99 : num(arg, 'V', 1);
        break;
      case 'shuffle-order-events':
        f.shuffleOrderEvents = { windowMs: arg === undefined ? 150 : num(arg, 'MS', 1) };
        break;
      case 'garbage': {
        const [s, n] = (arg ?? '').split(',');
        f.garbage = { seconds: num(s, 'S (seconds)', 0.001), bytes: n === undefined ? 64 : Math.floor(num(n, 'N (bytes)', 1)) };
        break;
      }
      case 'auto-restart': {
        const [time, down] = (arg ?? '').split(',');
        const m = /^(\d{1,2}):(\d{2})$/.exec(time ?? '');
        if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
          throw new FaultError(`--fault ${spec}: HH:MM must be a New York time 00:00..23:59, e.g. auto-restart:23:45`);
        f.autoRestart = { hour: Number(m[1]), minute: Number(m[2]), downSeconds: down === undefined ? 2 : num(down, 'DOWN (seconds)') };
        break;
      }
      case 'duplicate-order-id':
        f.duplicateOrderId = { remaining: arg === undefined ? 1 : Math.floor(num(arg, 'N', 1)) };
        break;
      default:
        throw new FaultError(`unknown fault "${name}"; valid faults: ${Object.keys(FAULT_HELP).join(', ')}`);
    }
  }
  return f;
}
