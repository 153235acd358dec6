// Typed errors of the broker layer and the table of TWS message codes: what each one
// means and whether it concerns the connection, a data farm, one request, one order,
// or is only a warning. Codes below zero are the client's own (timeouts, not ready...).
import type { ConnectStep, ErrorInfo } from './types';

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

export class BrokerError extends Error {
  readonly reqId: number;
  readonly code: number;
  readonly step?: ConnectStep;
  /** Set on order errors when the client knows whether the order reached TWS. */
  readonly orderSent?: boolean;

  constructor(init: { reqId?: number; code: number; message: string; step?: ConnectStep; orderSent?: boolean; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'BrokerError';
    this.reqId = init.reqId ?? -1;
    this.code = init.code;
    if (init.step !== undefined) this.step = init.step;
    if (init.orderSent !== undefined) this.orderSent = init.orderSent;
  }

  get kind(): CodeKind {
    return classifyCode(this.code, this.message).kind;
  }

  info(at = Date.now()): ErrorInfo {
    return { reqId: this.reqId, code: this.code, message: this.message, ...(this.step ? { step: this.step } : {}), at };
  }
}

export class TimeoutError extends BrokerError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, reqId = -1, step?: ConnectStep) {
    super({ reqId, code: ClientCode.Timeout, message: `${what}: no answer from TWS within ${timeoutMs} ms`, ...(step ? { step } : {}) });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

export function isBrokerError(e: unknown): e is BrokerError {
  return e instanceof BrokerError;
}

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

const TABLE: Record<number, CodeInfo> = {
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
  201: { kind: 'order', meaning: 'Order rejected' },
  202: { kind: 'orderEvent', meaning: 'Order cancelled' },
  203: { kind: 'order', meaning: 'The security is not available or allowed for this account' },
  300: { kind: 'warning', meaning: 'Cannot find the ticker id (already cancelled)' },
  309: { kind: 'request', meaning: 'Max number of market depth requests reached' },
  317: { kind: 'warning', meaning: 'Market depth data has been reset' },
  320: { kind: 'request', meaning: 'Error reading the request' },
  321: { kind: 'request', meaning: 'Error validating the request (e.g. Read-Only API, invalid parameter)' },
  322: { kind: 'request', meaning: 'Error processing the request (e.g. duplicate ticker id)' },
  326: { kind: 'connection', meaning: 'Client id already in use: TWS refused this connection' },
  354: { kind: 'request', meaning: 'Not subscribed to this market data (delayed data may be available)' },
  366: { kind: 'warning', meaning: 'No historical data query found for the ticker id' },
  387: { kind: 'order', meaning: 'Unsupported order type for this exchange and security type' },
  399: { kind: 'warning', meaning: 'Order message (warning; the order is still accepted)' },
  404: { kind: 'warning', meaning: 'Shares for this short sale are being located; the order is held' },
  420: { kind: 'request', meaning: 'Invalid real-time query (no market data permissions, or a pacing violation when the text says so)' },
  434: { kind: 'order', meaning: 'The order size cannot be zero' },
  501: { kind: 'connection', meaning: 'Already connected' },
  502: { kind: 'connection', meaning: 'Could not connect to TWS (not running, wrong port, or API disabled)' },
  503: { kind: 'connection', meaning: 'TWS is out of date and must be upgraded' },
  504: { kind: 'connection', meaning: 'Not connected' },
  505: { kind: 'warning', meaning: 'Fatal error: unknown message id (a message could not be decoded)' },
  506: { kind: 'connection', meaning: 'Unsupported server version' },
  1100: { kind: 'connection', meaning: 'Connectivity between TWS and IB has been lost' },
  1101: { kind: 'connection', meaning: 'Connectivity restored, data lost: market and account subscriptions must be resubmitted' },
  1102: { kind: 'connection', meaning: 'Connectivity restored, data maintained' },
  1300: { kind: 'connection', meaning: 'TWS socket port has been reset; reconnect on the new port' },
  2100: { kind: 'warning', meaning: 'New account data requested; the API client unsubscribed from account data' },
  2103: { kind: 'dataFarm', meaning: 'Market data farm connection is broken' },
  2104: { kind: 'dataFarm', meaning: 'Market data farm connection is OK' },
  2105: { kind: 'dataFarm', meaning: 'Historical data farm connection is broken' },
  2106: { kind: 'dataFarm', meaning: 'Historical data farm connection is OK' },
  2107: { kind: 'dataFarm', meaning: 'Historical data farm connection is inactive but available on demand' },
  2108: { kind: 'dataFarm', meaning: 'Market data farm connection is inactive but available on demand' },
  2109: { kind: 'warning', meaning: 'Outside-regular-trading-hours attribute ignored' },
  2110: { kind: 'connection', meaning: 'Connectivity between TWS and server is broken; it will be restored automatically' },
  2119: { kind: 'dataFarm', meaning: 'Market data farm is connecting' },
  2137: { kind: 'warning', meaning: 'Cross-side warning' },
  2150: { kind: 'warning', meaning: 'Invalid position trade derived value' },
  2157: { kind: 'dataFarm', meaning: 'Security definition data farm connection is broken' },
  2158: { kind: 'dataFarm', meaning: 'Security definition data farm connection is OK' },
  10089: { kind: 'request', meaning: 'Requested market data requires additional subscription' },
  10090: { kind: 'warning', meaning: 'Part of the requested market data is not subscribed' },
  10147: { kind: 'order', meaning: 'The order id to cancel was not found' },
  10148: { kind: 'order', meaning: 'The order cannot be cancelled in its current state' },
  10167: { kind: 'warning', meaning: 'Not subscribed: displaying delayed market data' },
  10168: { kind: 'request', meaning: 'Delayed market data is not enabled' },
  10197: { kind: 'request', meaning: 'No market data during a competing live session' },
  10225: { kind: 'request', meaning: 'Request not supported' },
};

export function classifyCode(code: number, message = ''): CodeInfo {
  if (code < 0) return { kind: 'client', meaning: clientMeaning(code) };
  const known = TABLE[code];
  if (known) {
    // 420 is also the answer to real-time bar requests over IBKR's pacing limits.
    if ((code === 162 || code === 420) && /pacing violation/i.test(message)) return { kind: 'pacing', meaning: 'Historical data request pacing violation' };
    return known;
  }
  if (code >= 2100 && code < 2200) return { kind: 'warning', meaning: 'TWS notice' };
  if (code >= 507 && code < 600) return { kind: 'connection', meaning: 'Client-side socket or encoding failure' };
  return { kind: 'request', meaning: 'TWS error' };
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
