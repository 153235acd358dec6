// Exact fix texts shared by the checks: the menu paths of TWS and IB Gateway, the
// settings and `.env` keys. One place, so every check says the same thing.
import { GATEWAY_API_ALWAYS_ON_FROM, hasApiEnableCheckbox, PRODUCT_NAMES, productOfPort, type Product, type ReleaseGuess } from './releases';

/** TWS (Mosaic layout; the classic layout has the same dialog under Edit). */
export const TWS_API_SETTINGS = 'TWS: File > Global Configuration > API > Settings (classic layout: Edit > Global Configuration > API > Settings)';
export const GATEWAY_API_SETTINGS = 'IB Gateway: Configure > Settings > API > Settings';
export const TWS_API_PRECAUTIONS = 'TWS: File > Global Configuration > API > Precautions';
export const GATEWAY_API_PRECAUTIONS = 'IB Gateway: Configure > Settings > API > Precautions';

export const STANDARD_PORTS = [7497, 7496, 4002, 4001] as const;

export interface PortMeaning {
  app: 'TWS' | 'IB Gateway';
  mode: 'paper' | 'live';
}

export const PORT_MEANINGS: Readonly<Record<number, PortMeaning>> = {
  7497: { app: 'TWS', mode: 'paper' },
  7496: { app: 'TWS', mode: 'live' },
  4002: { app: 'IB Gateway', mode: 'paper' },
  4001: { app: 'IB Gateway', mode: 'live' },
};

/** "7497 (TWS paper)" or "7000 (non-standard: a custom Socket port set in TWS/IB Gateway)". */
export function describePort(port: number): string {
  const m = PORT_MEANINGS[port];
  return m ? `${port} (${m.app} ${m.mode})` : `${port} (non-standard: a custom Socket port set in TWS or IB Gateway)`;
}

export function isLivePort(port: number): boolean {
  return PORT_MEANINGS[port]?.mode === 'live';
}

export function isPaperPort(port: number): boolean {
  return PORT_MEANINGS[port]?.mode === 'paper';
}

/** Is this address a loopback one (127.0.0.0/8, ::1, localhost)? */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1';
}

// ---- Fixes that depend on the product (TWS or IB Gateway) and its release ----
// Sources: IB Gateway 10.41+ has no "Enable ActiveX and Socket Clients" (API always on),
// "Read-Only API" stays (github.com/heshiming/ibga issue 18); Gateway asks "IB API" or
// "FIX CTCI" at login and in FIX mode the port does not speak the API
// (github.com/IbcAlpha/IBC issue 334); IPv6 ::1 may not count as local for TWS
// (github.com/erdewit/ib_insync issue 381); Node resolves localhost to ::1 first
// (github.com/nodejs/node issue 40702). Both products have Lock and Exit with "Auto
// logoff" (the default) or "Auto restart" at a set time; a restart keeps the session, a
// full login is due weekly (github.com/IbcAlpha/IBC issues 34, 318, 221).

/** What is known about the other end when a fix is chosen. */
export interface FixContext {
  /** Explicit (--product) or from a standard port; undefined: could be either. */
  product?: Product;
  /** From the handshake's server version, when it answered. */
  release?: ReleaseGuess;
  port: number;
  /** This machine's address as TWS sees it. */
  addr?: string;
  /** The connection comes from another machine (or NAT-mode WSL): localhost-only must be off. */
  remote?: boolean;
}

/** The product to advise for: explicit, else from the port. */
export function productFor(explicit: Product | undefined, port: number): Product | undefined {
  return explicit ?? productOfPort(port);
}

const MENU: Record<Product, { settings: string; precautions: string; lockAndExit: string }> = {
  tws: { settings: TWS_API_SETTINGS, precautions: TWS_API_PRECAUTIONS, lockAndExit: 'TWS: File > Global Configuration > Lock and Exit' },
  gateway: { settings: GATEWAY_API_SETTINGS, precautions: GATEWAY_API_PRECAUTIONS, lockAndExit: 'IB Gateway: Configure > Settings > Lock and Exit' },
};

function products(c: FixContext): Product[] {
  return c.product ? [c.product] : ['tws', 'gateway'];
}

function both(c: FixContext, pick: (p: Product) => string): string {
  return products(c).map(pick).join('; ');
}

function trustLine(c: FixContext, p: Product): string {
  const addr = c.addr || "this machine's address";
  return `${MENU[p].settings}: add ${addr} to Trusted IPs${c.remote ? ' and uncheck "Allow connections from localhost only"' : ''}`;
}

/** The "Enable ActiveX and Socket Clients" line for one product, by release. */
function enableLine(c: FixContext, p: Product): string | undefined {
  const has = hasApiEnableCheckbox(p, c.release);
  if (has === false) return undefined;
  if (p === 'tws') return `Enable the API: ${TWS_API_SETTINGS}: check "Enable ActiveX and Socket Clients", then OK.`;
  if (has === true)
    return `Enable the API: ${GATEWAY_API_SETTINGS}: check "Enable ActiveX and Socket Clients" (this IB Gateway is older than ${GATEWAY_API_ALWAYS_ON_FROM}).`;
  return `IB Gateway before ${GATEWAY_API_ALWAYS_ON_FROM} only: ${GATEWAY_API_SETTINGS}: check "Enable ActiveX and Socket Clients" (from ${GATEWAY_API_ALWAYS_ON_FROM} the API is always on and the checkbox is gone).`;
}

/** Every product- and release-specific fix, by cause. One table, so every check says the same. */
export const FIXES = {
  /** The handshake stays silent: API off (TWS; Gateway before 10.41), untrusted address, accept dialog, FIX mode. */
  'handshake.no-answer': (c: FixContext): string[] => {
    const lines: string[] = [];
    for (const p of products(c)) {
      const e = enableLine(c, p);
      if (e) lines.push(e);
    }
    lines.push(`Trust this address: ${both(c, (p) => trustLine(c, p))}.`);
    lines.push(
      'Look for an "Accept incoming connection attempt?" dialog in TWS/IB Gateway (it may be behind other windows) and click Accept; adding the address to Trusted IPs stops it from asking.',
    );
    if (c.product !== 'tws')
      lines.push(
        'IB Gateway: if it was logged in with "FIX CTCI" instead of "IB API" (the choice on its login screen; IBC: FIX=no), log out and log in again with "IB API".',
      );
    if (c.addr === '::1')
      lines.push(
        'This connection came over IPv6 (::1, what `localhost` resolves to first under current Node), which TWS may not count as local: set IBKR_HOST=127.0.0.1, or add ::1 to Trusted IPs.',
      );
    return lines;
  },
  /** The handshake was answered only after a delay: the accept dialog was open. */
  'handshake.accept-dialog': (c: FixContext): string[] => [
    `Someone (or something) clicked "Accept incoming connection attempt?" in ${c.product ? PRODUCT_NAMES[c.product] : 'TWS/IB Gateway'}: unattended sessions will hang there. ${both(c, (p) => trustLine(c, p))} so it stops asking.`,
    ...(c.addr === '::1'
      ? [
          'The connection came over IPv6 (::1), which TWS may not count as local: connect to 127.0.0.1 instead (IBKR_HOST=127.0.0.1), or add ::1 to Trusted IPs.',
        ]
      : []),
  ],
  /** The port answered FIX bytes: IB Gateway logged in as FIX CTCI. */
  'handshake.fix-mode': (c: FixContext): string[] => [
    `IB Gateway is logged in for FIX CTCI, not the API: close it, start it again and choose "IB API" (not "FIX CTCI") on the login screen; with IBC set FIX=no in config.ini. Port ${c.port} then speaks the API.`,
  ],
  /** The port is refused while a login (or two-factor prompt) is pending. */
  'tcp.login-pending': (c: FixContext): string[] => [
    `Finish the login in ${c.product ? PRODUCT_NAMES[c.product] : 'TWS/IB Gateway'}: approve the two-factor prompt (IBKR Mobile) and close any login dialog; the API port ${c.port} opens only after login.`,
    'Run the checks again once the main window is up; an unattended login (IBC) needs a second-factor device that answers.',
  ],
  /** The port dropped or reopened right after a round time: the daily auto-restart. */
  'daily-restart': (c: FixContext): string[] => [
    `The daily auto-restart drops every API connection and closes the port for a minute or two: ${both(c, (p) => MENU[p].lockAndExit)} > "Auto restart" sets its time; move it outside your trading hours (e.g. 11:45 PM). With "Auto logoff" selected there instead, it logs off and waits for a new login.`,
    'Sessions reconnect after it; expect a weekly full re-login (Sunday) that needs the second factor again.',
  ],
  /** Only IPv6 loopback answers. */
  'tcp.ipv6-only': (c: FixContext): string[] => [
    `Set IBKR_HOST=::1 in .env (or the VS Code setting ibkrAi.host, or --host ::1): ${c.product ? PRODUCT_NAMES[c.product] : 'TWS'} listens on IPv6 only (::1, as TWS on macOS may).`,
    `Over IPv6, ::1 may not count as "localhost": if the handshake then stays silent, ${both(c, (p) => `${MENU[p].settings}: add ::1 to Trusted IPs`)}.`,
  ],
  /** A session that dropped during the checks. */
  'session.dropped': (c: FixContext): string[] => [
    `${c.product ? PRODUCT_NAMES[c.product] : 'TWS/IB Gateway'} closed the API connection while the checks ran: it restarted, logged out, or another login of the same user took over.`,
    `If it happens at the same clock time each day it is the daily auto-restart (${both(c, (p) => MENU[p].lockAndExit)} > "Auto restart"); otherwise look at its API log (${both(c, (p) => `${MENU[p].settings} > "Create API message log file"`)}).`,
  ],
  /** A session that started and then answered nothing. */
  'session.unresponsive': (c: FixContext): string[] => [
    `${c.product ? PRODUCT_NAMES[c.product] : 'TWS/IB Gateway'} accepted the session and then went silent: it is hung or a modal dialog blocks it. Bring its window to the front and close any dialog; if it stays silent, close and start it again and log in.`,
  ],
  /** Client id 0 sees (and can bind) orders entered by hand in TWS; the Master API client id sees every client's orders. */
  'session.client-id-zero': (c: FixContext): string[] => [
    'Use a client id of 1 or more (IBKR_CLIENT_ID in .env, or the VS Code setting ibkrAi.clientId): client id 0 also receives the orders entered by hand in TWS, and with "auto open orders" binds them to the API.',
    `If this id is set as "Master API client ID" (${both(c, (p) => MENU[p].settings)}), it also receives every other API client's orders; leave that field empty unless a monitor needs it.`,
  ],
  /** Read-Only API: every order is rejected. */
  'orders.read-only': (c: FixContext): string[] => [`${both(c, (p) => `${MENU[p].settings}: uncheck "Read-Only API"`)}, then OK (no restart needed).`],
  /** Order precautions that hold or reject API orders. */
  'orders.precautions': (c: FixContext): string[] => [
    `${both(c, (p) => `${MENU[p].precautions}: check "Bypass Order Precautions for API orders"`)}${c.product === 'gateway' ? '' : ', or raise the size/value limits in TWS: File > Global Configuration > Presets'}.`,
  ],
} as const satisfies Record<string, (c: FixContext) => string[]>;

export type FixCause = keyof typeof FIXES;

/** The fix for a cause, as lines joined with \n. */
export function fixFor(cause: FixCause, c: FixContext): string {
  return FIXES[cause](c).join('\n');
}
