// Options of the embedded TWS simulator, with the defaults a newcomer gets.
import type { Faults } from './server/faults';
import { emptyFaults } from './server/faults';
import { DEFAULT_SERVER_VERSION } from '../tws/serverVersions';
import { GATEWAY_API_ALWAYS_ON_FROM, PRODUCT_NAMES, releaseAtLeast, releaseMaxVersion, type Product, type SimRelease } from '../tws/releases';

export interface SimOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind (loopback by default: the simulator is a local tool). */
  host: string;
  serverVersion: number;
  /** Which product it pretends to be: what settings exist (and so which faults can happen). */
  product: Product;
  /** Which release it pretends to be: the handshake answers that release's server version (overrides serverVersion). */
  release?: SimRelease;
  seed: number;
  /** Simulated time runs this many times faster than wall time. */
  speed: number;
  /** Simulated clock start (epoch ms); default: the latest trading day at 10:00 New York (weekends and NYSE holidays skipped). */
  startMs?: number;
  account: string;
  cash: number;
  /** Present a live account (U...) instead of a paper one (DU...). */
  live: boolean;
  /** Extra symbols the security master knows (beyond the built-in list). */
  symbols: string[];
  /** OHLC rows replayed one per 5-second step instead of the random walk. */
  replayCsv?: string;
  faults: Faults;
  recordPath?: string;
  /** Keep the account (positions, cash, the day's executions and orders) in this file across restarts. */
  statePath?: string;
  /** Wall milliseconds between market updates (quotes, matching, bars). */
  tickMs: number;
  log: (line: string) => void;
  /** false: omit the simulator's farm notice (protocol/simulatorMark.ts) and pass for a real TWS (tests of what a real TWS gets). */
  identify?: boolean;
}

export function defaultSimOptions(over: Partial<SimOptions> = {}): SimOptions {
  const live = over.live ?? false;
  return {
    port: 7497,
    host: '127.0.0.1',
    serverVersion: DEFAULT_SERVER_VERSION,
    product: 'tws',
    seed: 42,
    speed: 1,
    account: live ? 'U1234567' : 'DU1234567',
    cash: 1_000_000,
    live,
    symbols: [],
    faults: emptyFaults(),
    tickMs: 100,
    log: () => {},
    ...over,
  };
}

/** The server version the handshake offers: the release's, else the serverVersion option. */
export function personalityServerVersion(o: Pick<SimOptions, 'serverVersion' | 'release'>): number {
  return o.release ? releaseMaxVersion(o.release) : o.serverVersion;
}

/** A fault the personality cannot have (named with why), or undefined. */
export function personalityConflict(o: Pick<SimOptions, 'product' | 'release' | 'faults'>): string | undefined {
  const name = `${PRODUCT_NAMES[o.product]}${o.release ? ` ${o.release}` : ''}`;
  if (o.faults.apiDisabled && o.product === 'gateway' && o.release && releaseAtLeast(o.release, GATEWAY_API_ALWAYS_ON_FROM)) {
    return `--fault api-disabled cannot happen on ${name}: from ${GATEWAY_API_ALWAYS_ON_FROM} IB Gateway has no "Enable ActiveX and Socket Clients" setting (the API is always on); use accept-dialog:S for a silent handshake`;
  }
  if (o.faults.fixMode && o.product !== 'gateway') return `--fault fix-mode needs --product gateway: only IB Gateway logs in as FIX CTCI`;
  return undefined;
}
