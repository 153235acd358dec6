// Reconnect delays: exponential backoff with a ceiling and optional jitter, so a client
// comes back quickly after a blip and does not hammer TWS during its nightly restart.

export interface BackoffOptions {
  /** Delay before the first reconnect attempt. */
  initialDelayMs: number;
  /** Ceiling of the delay. */
  maxDelayMs: number;
  /** Growth per attempt. */
  multiplier: number;
  /** +- fraction of random spread (0 = deterministic). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };

/** Delay before attempt `attempt` (1-based). `random` in [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(opts.maxDelayMs, opts.initialDelayMs * Math.pow(opts.multiplier, n - 1));
  const spread = base * Math.min(1, Math.max(0, opts.jitter));
  const delay = base - spread + 2 * spread * random();
  return Math.max(0, Math.round(Math.min(delay, opts.maxDelayMs * (1 + Math.max(0, opts.jitter)))));
}

/** The longest any single wait can be: the bound a reconnect is checked against. */
export function maxBackoffDelay(opts: BackoffOptions): number {
  return Math.round(opts.maxDelayMs * (1 + Math.min(1, Math.max(0, opts.jitter))));
}
