// Shapes of the setup checks ("doctor"): each check names what it found, what it
// tried (with timings) and the exact fix. No `vscode` here: the CLI, the tests and
// the extension's panel all use these.

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export type Verdict = 'pass' | 'warn' | 'fail';

/** Check ids, in the order the report lists them (before the first failure is moved up). */
export const CHECK_IDS = ['config', 'environment', 'tcp', 'handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** One thing that was tried: what, the outcome, and how long it took (ms, 0 for instant steps). */
export interface Evidence {
  step: string;
  detail: string;
  ms: number;
}

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One line: what was found (for skip: why the check did not run). */
  finding: string;
  evidence: Evidence[];
  /** The exact fix (menu paths, settings, `.env` keys); '' when nothing needs fixing. Lines separated by \n. */
  fix: string;
  /** Machine-readable cause, e.g. `tcp.refused`, `handshake.no-answer`, `session.client-id-in-use`. */
  cause?: string;
}

export interface Report {
  verdict: Verdict;
  checks: Check[];
  /** ISO time the run started. */
  startedAt: string;
  durationMs: number;
  /** What was checked (as resolved by the configuration check; undefined values were invalid). */
  target: { host?: string; port?: number; clientId?: number };
  /** What answered, when the handshake got that far (see serverInfo.ts). */
  server?: ServerInfo;
}

export interface ServerInfo {
  /** The negotiated server version (the handshake's answer). */
  version: number;
  /** The handshake's connection time, as TWS wrote it. */
  connectionTime?: string;
  /** TWS, IB Gateway or the embedded simulator, and how that is known (text for the reports). */
  product?: string;
  /** TWS or IB Gateway as configured (--product) or by the standard port, and which of those. */
  productKey?: 'tws' | 'gateway';
  productSource?: string;
  /** What the version says about the installed release (twsReleases.ts identifyRelease). */
  release?: string;
  /** The IBKR AI Trader simulator named itself (sim/protocol/simulatorMark.ts). */
  simulator?: boolean;
}

export const CHECK_TITLES: Record<CheckId, string> = {
  config: 'Configuration',
  environment: 'Environment',
  tcp: 'TCP connection',
  handshake: 'API handshake',
  session: 'API session',
  account: 'Account',
  'order-permissions': 'Order permissions (what-if)',
  'market-data': 'Market data',
  clock: 'Clock',
};

export function verdictOf(checks: readonly Check[]): Verdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'warn')) return 'warn';
  return 'pass';
}

/** Builds a check; `fix` defaults to '' and `evidence` to []. */
export function makeCheck(id: CheckId, status: CheckStatus, finding: string, rest: { evidence?: Evidence[]; fix?: string; cause?: string } = {}): Check {
  return { id, title: CHECK_TITLES[id], status, finding, evidence: rest.evidence ?? [], fix: rest.fix ?? '', ...(rest.cause ? { cause: rest.cause } : {}) };
}

/** A check that did not run because a prerequisite failed. */
export function skipped(id: CheckId, reason: string): Check {
  return makeCheck(id, 'skip', reason);
}

/** `host:port`, with IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Milliseconds since `t0` (performance.now()), rounded to 0.1 ms. */
export function since(t0: number): number {
  return Math.round((performance.now() - t0) * 10) / 10;
}
