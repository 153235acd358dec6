// Options of the embedded TWS simulator, with the defaults a newcomer gets.
import type { Faults } from './server/faults';
import { emptyFaults } from './server/faults';
import { DEFAULT_SERVER_VERSION } from './protocol/serverVersions';

export interface SimOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind (loopback by default: the simulator is a local tool). */
  host: string;
  serverVersion: number;
  seed: number;
  /** Simulated time runs this many times faster than wall time. */
  speed: number;
  /** Simulated clock start (epoch ms); default: the latest weekday at 10:00 New York. */
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
