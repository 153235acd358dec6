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

export const TWS_CODES: Readonly<Record<number, TwsCode>> = {
  100: { kind: 'pacing', meaning: 'Max rate of messages per second exceeded (TWS accepts 50 msg/s): the message was dropped' },
  103: { kind: 'order', meaning: 'Duplicate order id' },
  104: { kind: 'order', meaning: 'Cannot modify a filled order' },
  105: { kind: 'order', meaning: 'Order being modified does not match the original order' },
  110: { kind: 'order', meaning: 'The price does not conform to the minimum price variation' },
  135: { kind: 'order', meaning: 'Cannot find an order with this id' },
  161: { kind: 'order', meaning: 'Cancel attempted when the order is not in a cancellable state' },
  162: { kind: 'request', meaning: 'Historical market data service error (a pacing violation when the text says so)' },
  165: { kind: 'warning', meaning: 'Historical market data service query message' },
  200: { kind: 'request', meaning: 'No security definition found for the request' },
  201: {
    kind: 'order',
    meaning: 'Order rejected; the reason follows in the text (permissions, precautions, size or value limits, margin).',
    fix: `If the reason names a precaution or a size/value limit: ${TWS_API_PRECAUTIONS}: check "Bypass Order Precautions for API orders" (${GATEWAY_API_PRECAUTIONS}); for trading permissions: Client Portal > Settings > Trading Permissions.`,
  },
  202: { kind: 'orderEvent', meaning: 'Order cancelled' },
  203: { kind: 'order', meaning: 'The security is not available or allowed for this account' },
  300: { kind: 'warning', meaning: 'Cannot find the ticker id (already cancelled)' },
  309: { kind: 'request', meaning: 'Max number of market depth requests reached' },
  317: { kind: 'warning', meaning: 'Market depth data has been reset' },
  320: { kind: 'request', meaning: 'Error reading the request' },
  321: {
    kind: 'request',
    meaning: 'Error validating request; with "Read-Only" in the text, the API is in Read-Only mode and rejects every order, what-if included.',
    fix: `${TWS_API_SETTINGS}: uncheck "Read-Only API". ${GATEWAY_API_SETTINGS}: uncheck "Read-Only API".`,
  },
  322: { kind: 'request', meaning: 'Error processing the request (e.g. duplicate ticker id)' },
  326: {
    kind: 'connection',
    meaning: 'Client id already in use: another API client (or a stale session of this one) is connected with the same client id; TWS then closes the socket.',
    fix: 'Use a free client id (IBKR_CLIENT_ID in .env, or the VS Code setting ibkrAi.clientId), or stop the other client.',
  },
  354: {
    kind: 'request',
    meaning: 'Requested market data is not subscribed: no live data permission for this instrument; delayed data can be used instead.',
    fix: SUBSCRIBE_US,
  },
  366: { kind: 'warning', meaning: 'No historical data query found for the ticker id' },
  387: { kind: 'order', meaning: 'Unsupported order type for this exchange and security type' },
  399: { kind: 'warning', meaning: 'Order message (warning; the order is still accepted)' },
  404: { kind: 'warning', meaning: 'Shares for this short sale are being located; the order is held' },
  420: {
    kind: 'request',
    meaning:
      'Invalid real-time query: with "No market data permissions" in the text, the account has no live data permission for this instrument (with "pacing violation", too many bar requests).',
    fix: SUBSCRIBE_US,
  },
  434: { kind: 'order', meaning: 'The order size cannot be zero' },
  501: { kind: 'connection', meaning: 'Already connected' },
  502: {
    kind: 'connection',
    meaning: "Couldn't connect to TWS: the client library could not open the socket (nothing listening, wrong host/port, or a firewall).",
    fix: 'See the TCP check: start TWS or IB Gateway, and match IBKR_HOST / IBKR_PORT to its API Socket port.',
  },
  503: { kind: 'connection', meaning: 'TWS is out of date and must be upgraded' },
  504: {
    kind: 'connection',
    meaning: 'Not connected: a request was sent before the connection was up or after TWS closed it.',
    fix: 'Wait for nextValidId before sending requests, and reconnect after a disconnect; if TWS closes the socket at once, see the handshake and session checks.',
  },
  505: { kind: 'warning', meaning: 'Fatal error: unknown message id (a message could not be decoded)' },
  506: { kind: 'connection', meaning: 'Unsupported server version' },
  1100: {
    kind: 'connection',
    meaning: "Connectivity between IB and TWS has been lost: TWS is running but cut off from IB's servers.",
    fix: 'Check the internet connection of the machine running TWS; TWS reconnects by itself (1101/1102 when restored).',
  },
  1101: { kind: 'connection', meaning: 'Connectivity restored, data lost: market and account subscriptions must be resubmitted' },
  1102: { kind: 'connection', meaning: 'Connectivity restored, data maintained' },
  1300: { kind: 'connection', meaning: 'TWS socket port has been reset; reconnect on the new port' },
  2100: { kind: 'warning', meaning: 'New account data requested; the API client unsubscribed from account data' },
  2103: { kind: 'dataFarm', meaning: 'A market data farm connection is broken.', fix: FARM_FIX },
  2104: { kind: 'dataFarm', meaning: 'Market data farm connection is OK' },
  2105: { kind: 'dataFarm', meaning: 'A historical data farm connection is broken.', fix: FARM_FIX },
  2106: { kind: 'dataFarm', meaning: 'Historical data farm connection is OK' },
  2107: { kind: 'dataFarm', meaning: 'Historical data farm connection is inactive but available on demand' },
  2108: { kind: 'dataFarm', meaning: 'Market data farm connection is inactive but available on demand' },
  2109: { kind: 'warning', meaning: 'Outside-regular-trading-hours attribute ignored' },
  2110: {
    kind: 'connection',
    meaning: 'Connectivity between TWS and the server is broken; it will be restored automatically.',
    fix: 'Check the internet connection of the machine running TWS.',
  },
  2119: { kind: 'dataFarm', meaning: 'Market data farm is connecting' },
  2137: { kind: 'warning', meaning: 'Cross-side warning' },
  2150: { kind: 'warning', meaning: 'Invalid position trade derived value' },
  2157: { kind: 'dataFarm', meaning: 'The security definition data farm connection is broken.', fix: 'Usually transient; restart TWS if it persists.' },
  2158: { kind: 'dataFarm', meaning: 'Security definition data farm connection is OK' },
  10089: { kind: 'request', meaning: 'Requested market data requires additional subscription' },
  10090: { kind: 'warning', meaning: 'Part of the requested market data is not subscribed' },
  10147: { kind: 'order', meaning: 'The order id to cancel was not found' },
  10148: { kind: 'order', meaning: 'The order cannot be cancelled in its current state' },
  10167: {
    kind: 'warning',
    meaning: 'Requested market data is not subscribed; delayed market data is displayed instead (15-20 minutes late).',
    fix: `${SUBSCRIBE}. ${SHARE_DATA}`,
  },
  10168: {
    kind: 'request',
    meaning: 'Requested market data is not subscribed and delayed market data is not enabled.',
    fix: `${SUBSCRIBE}. ${SHARE_DATA}`,
  },
  10197: {
    kind: 'request',
    meaning:
      'No market data during competing live session: the same username is logged in elsewhere (another TWS, IBKR Mobile, Client Portal) and that session holds the market data.',
    fix: 'Log out of the other session (IBKR Mobile, Client Portal, TWS on another machine), or log in there with a second username; a paper login loses data to a live login of the same user.',
  },
  10225: { kind: 'request', meaning: 'Request not supported' },
};

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
