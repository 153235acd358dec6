// Configuration of the broker client, with production defaults. Everything time-related
// is here so tests can shorten it and the UI can show it.
import { DEFAULT_BACKOFF, maxBackoffDelay, type BackoffOptions } from '../core/backoff';
import type { Clock } from '../core/clock';
import { IBKR_HISTORICAL_RULES, TWS_MESSAGE_RULES, type HistoricalRules, type RateRule } from './pacer';

export interface Timeouts {
  /** TCP connect to host:port. */
  tcpMs: number;
  /** The server version after the `API` handshake. */
  handshakeMs: number;
  /** nextValidId and managedAccounts after startApi. */
  apiStartMs: number;
  /** Each initial-sync request (positions, open orders, executions, account values). */
  syncStepMs: number;
  /** Default for one request (contract details, account summary, ...). */
  requestMs: number;
  historicalMs: number;
  /** placeOrder until TWS acknowledges (openOrder / orderStatus) or rejects. */
  orderAckMs: number;
  cancelMs: number;
  modifyMs: number;
  whatIfMs: number;
  /** A market data subscription's first tick. */
  firstTickMs: number;
}

export interface HeartbeatOptions {
  /** A reqCurrentTime goes out this often. */
  intervalMs: number;
  /** ... and must be answered (or any message arrive) within this. */
  timeoutMs: number;
}

export interface ReconnectOptions extends BackoffOptions {
  enabled: boolean;
  /** Give up (state `failed`) after this many failed attempts in a row. */
  maxAttempts: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface BrokerConfig {
  host: string;
  port: number;
  /** Fixed client id. Orders belong to the client id that placed them. */
  clientId: number;
  /**
   * Client ids to move to when TWS answers 326 (id in use). Empty by default: the client
   * then reports the conflict and does not switch on its own.
   */
  alternateClientIds?: number[];
  /** Which managed account to trade (default: the first TWS reports). */
  account?: string;
  timeouts?: Partial<Timeouts>;
  heartbeat?: Partial<HeartbeatOptions>;
  reconnect?: Partial<ReconnectOptions>;
  /** Outgoing message rules (default <= 45 msg/s, <= 15 per 100 ms). */
  messageRules?: RateRule[];
  historicalRules?: Partial<HistoricalRules>;
  /** On 354 (not subscribed) switch to delayed data (reqMarketDataType 3) and resubscribe. Default true. */
  delayedDataFallback?: boolean;
  log?: Logger;
  clock?: Clock;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  tcpMs: 5_000,
  handshakeMs: 5_000,
  apiStartMs: 5_000,
  syncStepMs: 15_000,
  requestMs: 10_000,
  historicalMs: 60_000,
  orderAckMs: 10_000,
  cancelMs: 10_000,
  modifyMs: 10_000,
  whatIfMs: 10_000,
  firstTickMs: 10_000,
};

export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 10_000, timeoutMs: 5_000 };

export const DEFAULT_RECONNECT: ReconnectOptions = { ...DEFAULT_BACKOFF, enabled: true, maxAttempts: Number.POSITIVE_INFINITY };

export interface ResolvedBrokerConfig {
  host: string;
  port: number;
  clientId: number;
  alternateClientIds: number[];
  account?: string;
  timeouts: Timeouts;
  heartbeat: HeartbeatOptions;
  reconnect: ReconnectOptions;
  messageRules: RateRule[];
  historicalRules: HistoricalRules;
  delayedDataFallback: boolean;
  log: Logger;
}

export function resolveBrokerConfig(c: BrokerConfig): ResolvedBrokerConfig {
  if (!c.host) throw new RangeError('broker config: host is required');
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) throw new RangeError(`broker config: port must be 1..65535, got ${c.port}`);
  if (!Number.isInteger(c.clientId) || c.clientId < 0) throw new RangeError(`broker config: clientId must be an integer >= 0, got ${c.clientId}`);
  const heartbeat = { ...DEFAULT_HEARTBEAT, ...c.heartbeat };
  if (!(heartbeat.intervalMs > 0) || !(heartbeat.timeoutMs > 0)) throw new RangeError('broker config: heartbeat interval and timeout must be > 0');
  return {
    host: c.host,
    port: c.port,
    clientId: c.clientId,
    alternateClientIds: [...(c.alternateClientIds ?? [])].filter((id) => id !== c.clientId),
    ...(c.account ? { account: c.account } : {}),
    timeouts: { ...DEFAULT_TIMEOUTS, ...c.timeouts },
    heartbeat,
    reconnect: { ...DEFAULT_RECONNECT, ...c.reconnect },
    messageRules: c.messageRules ?? [...TWS_MESSAGE_RULES],
    historicalRules: { ...IBKR_HISTORICAL_RULES, ...c.historicalRules },
    delayedDataFallback: c.delayedDataFallback ?? true,
    log: c.log ?? (() => {}),
  };
}

/**
 * A half-open socket is detected at most this long after the last message from TWS. Two
 * things can add to it: one more timeout period if this process itself stalls meanwhile
 * (see clock.setDeadline), and the wait of the ping for the pacer's windows right after a
 * burst of 45 messages (the ping goes first, but not faster than TWS allows).
 */
export function heartbeatBoundMs(h: HeartbeatOptions): number {
  return Math.max(h.intervalMs, h.timeoutMs) + h.timeoutMs;
}

/** The longest wait between two reconnect attempts. */
export function reconnectBoundMs(r: ReconnectOptions): number {
  return maxBackoffDelay(r);
}
