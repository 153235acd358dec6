// What the server version answered in the handshake says about the TWS / IB Gateway
// release, and which API settings that product and release have. One table, used
// by the setup checks (to name the release and pick the fix) and by the simulator
// (its --product/--release personalities).
//
// Sources: server versions per release are the MAX_CLIENT_VER of IBKR's official
// ibapi/server_versions.py of that release (a TWS/IB Gateway answers up to the
// version of the API it ships with): 10.19 BOND_ISSUERID 176; 10.30 around 187
// (RFQ_FIELDS; 10.32's Java client, ported by @stoqey/ib 1.6.10, stops at 193);
// 10.41.1 ADDITIONAL_ORDER_PARAMS_2 217 (mirror: github.com/thewebbs/ims ibapi/);
// 10.44.1 FRACTIONAL_LAST_SIZE 222; 10.46.1 ODD_LOT_BID_ASK_QUOTES 225
// (github.com/nautechsystems/nautilus_ibapi); 10.50.02 226
// (UNIFIED_VERSION_COND_ORDER_WITH_OVERNIGHT_PARAM). PROTOBUF is 201 in every copy.
// IB Gateway 10.41 dropped "Enable ActiveX and Socket Clients" (API always on) and
// kept "Read-Only API" (github.com/heshiming/ibga issue 18); TWS keeps the checkbox.

export type Product = 'tws' | 'gateway';
export const PRODUCTS: readonly Product[] = ['tws', 'gateway'];
export const PRODUCT_NAMES: Readonly<Record<Product, string>> = { tws: 'TWS', gateway: 'IB Gateway' };

/** First server version whose messages are protocol buffers (MIN_SERVER_VER_PROTOBUF). */
export const MIN_SERVER_VER_PROTOBUF = 201;
/** The newest client version seen (TWS API 10.50.02): a probe offering up to it learns the server's real maximum. */
export const NEWEST_CLIENT_VERSION = 226;

export const SIM_RELEASES = ['10.19', '10.30', '10.41', '10.50'] as const;
export type SimRelease = (typeof SIM_RELEASES)[number];

export interface ReleaseAnchor {
  release: string;
  /** The highest server version that release answers. */
  maxServerVersion: number;
}

/** Known releases, oldest first (see the sources above). */
export const RELEASE_ANCHORS: readonly ReleaseAnchor[] = [
  { release: '10.19', maxServerVersion: 176 },
  { release: '10.30', maxServerVersion: 187 },
  { release: '10.41', maxServerVersion: 217 },
  { release: '10.44', maxServerVersion: 222 },
  { release: '10.46', maxServerVersion: 225 },
  { release: '10.50', maxServerVersion: 226 },
];

/** IB Gateway from this release has no "Enable ActiveX and Socket Clients" checkbox: the API is always on. */
export const GATEWAY_API_ALWAYS_ON_FROM = '10.41';

export function releaseMaxVersion(release: SimRelease): number {
  const anchor = RELEASE_ANCHORS.find((a) => a.release === release);
  if (!anchor) throw new Error(`unknown TWS release ${release}`);
  return anchor.maxServerVersion;
}

function releaseNumber(r: string): number {
  const [maj, min] = r.split('.').map(Number);
  return (maj ?? 0) * 1000 + (min ?? 0);
}

export function releaseAtLeast(release: string, than: string): boolean {
  return releaseNumber(release) >= releaseNumber(than);
}

export interface ReleaseGuess {
  /** The oldest release that answers this version (the installed one is this or newer). */
  atLeast?: string;
  /** The newest known release that still answers below this version (exclusive upper bound), if any. */
  before?: string;
  /** Exactly a known release's maximum. */
  exact?: string;
  /** Protocol buffers available (server version >= 201). */
  protobuf: boolean;
  text: string;
}

/**
 * What a server version says about the release, when the probe offered up to
 * NEWEST_CLIENT_VERSION (so the answer is the server's own maximum).
 */
export function identifyRelease(serverVersion: number): ReleaseGuess {
  const protobuf = serverVersion >= MIN_SERVER_VER_PROTOBUF;
  const exact = RELEASE_ANCHORS.find((a) => a.maxServerVersion === serverVersion);
  const below = [...RELEASE_ANCHORS].reverse().find((a) => a.maxServerVersion < serverVersion);
  const above = RELEASE_ANCHORS.find((a) => a.maxServerVersion > serverVersion);
  const pb = protobuf ? 'protocol buffers available' : 'text protocol only';
  if (serverVersion >= NEWEST_CLIENT_VERSION) return { atLeast: '10.50', protobuf, text: `release 10.50 or newer (${pb})` };
  if (exact)
    return {
      exact: exact.release,
      atLeast: exact.release,
      ...(above ? { before: above.release } : {}),
      protobuf,
      text: `release ${exact.release} family (its API maximum is ${serverVersion}; ${pb})`,
    };
  if (!below) return { ...(above ? { before: above.release } : {}), protobuf, text: `a release older than ${above?.release ?? '10.19'} (${pb})` };
  return {
    atLeast: below.release,
    ...(above ? { before: above.release } : {}),
    protobuf,
    text: `a release after ${below.release} and before ${above?.release ?? 'the newest known'} (${pb})`,
  };
}

/** Does this product (at this release, when known) have the "Enable ActiveX and Socket Clients" checkbox? undefined: cannot tell. */
export function hasApiEnableCheckbox(product: Product, release: ReleaseGuess | undefined): boolean | undefined {
  if (product === 'tws') return true;
  if (release?.atLeast && releaseAtLeast(release.atLeast, GATEWAY_API_ALWAYS_ON_FROM)) return false;
  if (release?.before && releaseAtLeast(GATEWAY_API_ALWAYS_ON_FROM, release.before)) return true;
  return undefined;
}

/** Standard API ports per product and trading mode. */
export const DEFAULT_PORTS: Readonly<Record<Product, { paper: number; live: number }>> = {
  tws: { paper: 7497, live: 7496 },
  gateway: { paper: 4002, live: 4001 },
};

export function productOfPort(port: number): Product | undefined {
  for (const p of PRODUCTS) if (DEFAULT_PORTS[p].paper === port || DEFAULT_PORTS[p].live === port) return p;
  return undefined;
}
