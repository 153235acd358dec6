// What the TWS / client error codes the setup checks meet mean, and what to do.
// Exported for the extension's panel too (it shows the same words for the same code).
import { GATEWAY_API_PRECAUTIONS, GATEWAY_API_SETTINGS, TWS_API_PRECAUTIONS, TWS_API_SETTINGS } from './fixes';

export interface CodeExplanation {
  meaning: string;
  fix: string;
}

const SHARE_DATA = 'For a paper account, share the live account\'s subscriptions: Client Portal > Settings > Account Settings > Paper Trading Account > "Share real-time market data subscriptions with paper trading account" (takes effect after about 24 hours).';

export const IB_CODES: Readonly<Record<number, CodeExplanation>> = {
  321: {
    meaning: 'Error validating request; with "Read-Only" in the text, the API is in Read-Only mode and rejects every order, what-if included.',
    fix: `${TWS_API_SETTINGS}: uncheck "Read-Only API". ${GATEWAY_API_SETTINGS}: uncheck "Read-Only API".`,
  },
  326: {
    meaning: 'Client id already in use: another API client (or a stale session of this one) is connected with the same client id; TWS then closes the socket.',
    fix: 'Use a free client id (IBKR_CLIENT_ID in .env, or the VS Code setting ibkrAi.clientId), or stop the other client.',
  },
  354: {
    meaning: 'Requested market data is not subscribed: no live data permission for this instrument; delayed data can be used instead.',
    fix: `Subscribe in Client Portal: Settings > Market Data Subscriptions (for US stocks, e.g. "US Securities Snapshot and Futures Value Bundle"). ${SHARE_DATA}`,
  },
  420: {
    meaning: 'Invalid real-time query: with "No market data permissions" in the text, the account has no live data permission for this instrument (with "pacing violation", too many bar requests).',
    fix: `Subscribe in Client Portal: Settings > Market Data Subscriptions (for US stocks, e.g. "US Securities Snapshot and Futures Value Bundle"). ${SHARE_DATA}`,
  },
  10167: {
    meaning: 'Requested market data is not subscribed; delayed market data is displayed instead (15-20 minutes late).',
    fix: `Subscribe in Client Portal: Settings > Market Data Subscriptions. ${SHARE_DATA}`,
  },
  10168: {
    meaning: 'Requested market data is not subscribed and delayed market data is not enabled.',
    fix: `Subscribe in Client Portal: Settings > Market Data Subscriptions. ${SHARE_DATA}`,
  },
  10197: {
    meaning: 'No market data during competing live session: the same username is logged in elsewhere (another TWS, IBKR Mobile, Client Portal) and that session holds the market data.',
    fix: 'Log out of the other session (IBKR Mobile, Client Portal, TWS on another machine), or log in there with a second username; a paper login loses data to a live login of the same user.',
  },
  502: {
    meaning: "Couldn't connect to TWS: the client library could not open the socket (nothing listening, wrong host/port, or a firewall).",
    fix: 'See the TCP check: start TWS or IB Gateway, and match IBKR_HOST / IBKR_PORT to its API Socket port.',
  },
  504: {
    meaning: 'Not connected: a request was sent before the connection was up or after TWS closed it.',
    fix: 'Wait for nextValidId before sending requests, and reconnect after a disconnect; if TWS closes the socket at once, see the handshake and session checks.',
  },
  1100: {
    meaning: 'Connectivity between IB and TWS has been lost: TWS is running but cut off from IB\'s servers.',
    fix: 'Check the internet connection of the machine running TWS; TWS reconnects by itself (1101/1102 when restored).',
  },
  2103: { meaning: 'A market data farm connection is broken.', fix: 'Usually transient; if it persists, check the network of the machine running TWS or restart TWS.' },
  2105: { meaning: 'A historical data farm connection is broken.', fix: 'Usually transient; if it persists, check the network of the machine running TWS or restart TWS.' },
  2110: { meaning: 'Connectivity between TWS and the server is broken; it will be restored automatically.', fix: 'Check the internet connection of the machine running TWS.' },
  2157: { meaning: 'The security definition data farm connection is broken.', fix: 'Usually transient; restart TWS if it persists.' },
  201: {
    meaning: 'Order rejected; the reason follows in the text (permissions, precautions, size or value limits, margin).',
    fix: `If the reason names a precaution or a size/value limit: ${TWS_API_PRECAUTIONS}: check "Bypass Order Precautions for API orders" (${GATEWAY_API_PRECAUTIONS}); for trading permissions: Client Portal > Settings > Trading Permissions.`,
  },
};

export function explainCode(code: number): CodeExplanation | undefined {
  return IB_CODES[code];
}
