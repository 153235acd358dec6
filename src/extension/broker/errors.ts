// Typed errors of the broker layer. What a code means and what kind it is comes from the one
// table of TWS codes, tws/errorCodes.ts (the client's own codes, below zero, are there too).
import { ClientCode, classifyCode, type CodeKind } from '../tws/errorCodes';
import type { ConnectStep, ErrorInfo } from './types';

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
