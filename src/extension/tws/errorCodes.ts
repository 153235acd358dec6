// THE table of TWS error and notice codes: for each code its kind (does it concern the
// connection, a data farm, one request or order, or is it only a warning), what it means, and,
// where the user can act, the fix. The broker classifies with it, the session's error policy
// and the setup checks take their fix texts from it, so all say the same words for one code.
// Codes below zero are the client's own (timeouts, not ready...); TWS's are all >= 0.
// (Codes: https://interactivebrokers.github.io/tws-api/message_codes.html)
import { GATEWAY_API_PRECAUTIONS, GATEWAY_API_SETTINGS, TWS_API_PRECAUTIONS, TWS_API_SETTINGS } from './fixes';

/** The client's own error codes (TWS's are all >= 0). */
export const ClientCode = {
  Timeout: -10,
  NotReady: -11,
  ConnectionLost: -12,
  Disposed: -13,
  InvalidRequest: -14,
  Ambiguous: -15,
  HookFailed: -16,
  NotFound: -17,
  ConnectFailed: -18,
  HeartbeatLost: -19,
  /** TWS sent bytes or a message that cannot be decoded or cannot be right: the connection was dropped. */
  ProtocolError: -20,
} as const;

/**
 * connection: concerns the API socket or TWS's link to IB (326, 502, 504, 1100-1102, 1300).
 * dataFarm:   a market data / HMDS / sec-def farm went up or down (2103-2108, 2119, 2157, 2158).
 * request:    the request with this id failed (200, 162, 321, 354, 420, ...).
 * order:      the order with this id was rejected or cannot be changed (201, 103, 135, 161, ...).
 * orderEvent: not an error: the order's state changed (202 cancelled).
 * pacing:     too many messages (100) - the request was dropped.
 * warning:    information that does not fail anything (399, 2109, 10167, 2150, ...).
 * client:     the client's own codes (< 0).
 */
export type CodeKind = 'connection' | 'dataFarm' | 'request' | 'order' | 'orderEvent' | 'pacing' | 'warning' | 'client';

export interface CodeInfo {
  kind: CodeKind;
  meaning: string;
}

export interface TwsCode extends CodeInfo {
  /** What the user can do about it (codes the session stops on or the setup checks meet). */
  readonly fix?: string;
}

const SHARE_DATA =
  'For a paper account, share the live account\'s subscriptions: Client Portal > Settings > Account Settings > Paper Trading Account > "Share real-time market data subscriptions with paper trading account" (takes effect after about 24 hours).';
const SUBSCRIBE = 'Subscribe in Client Portal: Settings > Market Data Subscriptions';
const SUBSCRIBE_US = `${SUBSCRIBE} (for US stocks, e.g. "US Securities Snapshot and Futures Value Bundle"). ${SHARE_DATA}`;
const FARM_FIX = 'Usually transient; if it persists, check the network of the machine running TWS or restart TWS.';

/** A code's meaning, or its meaning and the fix where the user can act. */
type CodeRow = string | readonly [meaning: string, fix: string];

// Grouped by kind, so each code's kind is said once, by the group it stands in.
const CODES_BY_KIND: Record<Exclude<CodeKind, 'client'>, Record<number, CodeRow>> = {
  connection: {
    326: [
      'Client id already in use: another API client (or a stale session of this one) is connected with the same client id; TWS then closes the socket.',
      'Use a free client id (IBKR_CLIENT_ID in .env, or the VS Code setting ibkrAi.clientId), or stop the other client.',
    ],
    501: 'Already connected',
    502: [
      "Couldn't connect to TWS: the client library could not open the socket (nothing listening, wrong host/port, or a firewall).",
      'See the TCP check: start TWS or IB Gateway, and match IBKR_HOST / IBKR_PORT to its API Socket port.',
    ],
    503: 'TWS is out of date and must be upgraded',
    504: [
      'Not connected: a request was sent before the connection was up or after TWS closed it.',
      'Wait for nextValidId before sending requests, and reconnect after a disconnect; if TWS closes the socket at once, see the handshake and session checks.',
    ],
    506: 'Unsupported server version',
    1100: [
      "Connectivity between IB and TWS has been lost: TWS is running but cut off from IB's servers.",
      'Check the internet connection of the machine running TWS; TWS reconnects by itself (1101/1102 when restored).',
    ],
    1101: 'Connectivity restored, data lost: market and account subscriptions must be resubmitted',
    1102: 'Connectivity restored, data maintained',
    1300: 'TWS socket port has been reset; reconnect on the new port',
    2110: [
      'Connectivity between TWS and the server is broken; it will be restored automatically.',
      'Check the internet connection of the machine running TWS.',
    ],
  },
  dataFarm: {
    2103: ['A market data farm connection is broken.', FARM_FIX],
    2104: 'Market data farm connection is OK',
    2105: ['A historical data farm connection is broken.', FARM_FIX],
    2106: 'Historical data farm connection is OK',
    2107: 'Historical data farm connection is inactive but available on demand',
    2108: 'Market data farm connection is inactive but available on demand',
    2119: 'Market data farm is connecting',
    2157: ['The security definition data farm connection is broken.', 'Usually transient; restart TWS if it persists.'],
    2158: 'Security definition data farm connection is OK',
  },
  request: {
    162: 'Historical market data service error (a pacing violation when the text says so)',
    200: 'No security definition found for the request',
    309: 'Max number of market depth requests reached',
    320: 'Error reading the request',
    321: [
      'Error validating request; with "Read-Only" in the text, the API is in Read-Only mode and rejects every order, what-if included.',
      `${TWS_API_SETTINGS}: uncheck "Read-Only API". ${GATEWAY_API_SETTINGS}: uncheck "Read-Only API".`,
    ],
    322: 'Error processing the request (e.g. duplicate ticker id)',
    354: ['Requested market data is not subscribed: no live data permission for this instrument; delayed data can be used instead.', SUBSCRIBE_US],
    420: [
      'Invalid real-time query: with "No market data permissions" in the text, the account has no live data permission for this instrument (with "pacing violation", too many bar requests).',
      SUBSCRIBE_US,
    ],
    10089: 'Requested market data requires additional subscription',
    10168: ['Requested market data is not subscribed and delayed market data is not enabled.', `${SUBSCRIBE}. ${SHARE_DATA}`],
    10197: [
      'No market data during competing live session: the same username is logged in elsewhere (another TWS, IBKR Mobile, Client Portal) and that session holds the market data.',
      'Log out of the other session (IBKR Mobile, Client Portal, TWS on another machine), or log in there with a second username; a paper login loses data to a live login of the same user.',
    ],
    10225: 'Request not supported',
  },
  order: {
    103: 'Duplicate order id',
    104: 'Cannot modify a filled order',
    105: 'Order being modified does not match the original order',
    110: 'The price does not conform to the minimum price variation',
    135: 'Cannot find an order with this id',
    161: 'Cancel attempted when the order is not in a cancellable state',
    201: [
      'Order rejected; the reason follows in the text (permissions, precautions, size or value limits, margin).',
      `If the reason names a precaution or a size/value limit: ${TWS_API_PRECAUTIONS}: check "Bypass Order Precautions for API orders" (${GATEWAY_API_PRECAUTIONS}); for trading permissions: Client Portal > Settings > Trading Permissions.`,
    ],
    203: 'The security is not available or allowed for this account',
    387: 'Unsupported order type for this exchange and security type',
    434: 'The order size cannot be zero',
    10147: 'The order id to cancel was not found',
    10148: 'The order cannot be cancelled in its current state',
  },
  orderEvent: {
    202: 'Order cancelled',
  },
  pacing: {
    100: 'Max rate of messages per second exceeded (TWS accepts 50 msg/s): the message was dropped',
  },
  warning: {
    165: 'Historical market data service query message',
    300: 'Cannot find the ticker id (already cancelled)',
    317: 'Market depth data has been reset',
    366: 'No historical data query found for the ticker id',
    399: 'Order message (warning; the order is still accepted)',
    404: 'Shares for this short sale are being located; the order is held',
    505: 'Fatal error: unknown message id (a message could not be decoded)',
    2100: 'New account data requested; the API client unsubscribed from account data',
    2109: 'Outside-regular-trading-hours attribute ignored',
    2137: 'Cross-side warning',
    2150: 'Invalid position trade derived value',
    10090: 'Part of the requested market data is not subscribed',
    10167: ['Requested market data is not subscribed; delayed market data is displayed instead (15-20 minutes late).', `${SUBSCRIBE}. ${SHARE_DATA}`],
  },
};

export const TWS_CODES: Readonly<Record<number, TwsCode>> = byCode(CODES_BY_KIND);

function byCode(groups: Record<string, Record<number, CodeRow>>): Record<number, TwsCode> {
  const table: Record<number, TwsCode> = {};
  for (const [group, rows] of Object.entries(groups)) {
    const kind = group as CodeKind;
    for (const [code, row] of Object.entries(rows)) {
      const known = table[Number(code)];
      // A code under two kinds is a slip in the table above; it must not pass silently.
      if (known) throw new Error(`TWS code ${code} stands under both ${known.kind} and ${kind}`);
      table[Number(code)] = typeof row === 'string' ? { kind, meaning: row } : { kind, meaning: row[0], fix: row[1] };
    }
  }
  return table;
}

/** The kind and meaning of `code`; TWS's text splits a few codes (162/420: pacing violation). */
export function classifyCode(code: number, message = ''): CodeInfo {
  if (code < 0) return { kind: 'client', meaning: clientMeaning(code) };
  const known = TWS_CODES[code];
  if (known) {
    // 420 is also the answer to real-time bar requests over IBKR's pacing limits.
    if ((code === 162 || code === 420) && /pacing violation/i.test(message)) return { kind: 'pacing', meaning: 'Historical data request pacing violation' };
    return { kind: known.kind, meaning: known.meaning };
  }
  if (code >= 2100 && code < 2200) return { kind: 'warning', meaning: 'TWS notice' };
  if (code >= 507 && code < 600) return { kind: 'connection', meaning: 'Client-side socket or encoding failure' };
  return { kind: 'request', meaning: 'TWS error' };
}

/** What the user can do about `code`, when the table knows. */
export function codeFix(code: number): string | undefined {
  return TWS_CODES[code]?.fix;
}

function clientMeaning(code: number): string {
  for (const [name, c] of Object.entries(ClientCode)) if (c === code) return name;
  return 'client error';
}

/** An error code that fails the request or order it names (as opposed to a warning or a state change). */
export function failsRequest(code: number, message = ''): boolean {
  const k = classifyCode(code, message).kind;
  return k === 'request' || k === 'order' || k === 'pacing';
}

/** The data farm a 2103-2158 notice is about, from its text ("...:usfarm"). */
export function farmName(message: string): string | undefined {
  const m = /:([A-Za-z0-9._-]+)\s*$/.exec(message.trim());
  return m ? m[1] : undefined;
}
