// Request id -> pending promise, with a timeout on every request and the rows collected
// until its end marker. Errors TWS sends for the id reject it as BrokerError
// {reqId, code, message}; a dropped connection rejects everything still pending.
import { setDeadline, systemClock, type Clock, type TimerHandle } from '../core/clock';
import { BrokerError, TimeoutError } from './errors';
import { failsRequest } from '../tws/errorCodes';
import { Observable } from '../core/observable';

export type RequestKey = number | string;

export interface PendingRequest<T, R = never> {
  readonly key: RequestKey;
  readonly kind: string;
  readonly rows: R[];
  /** Warnings TWS sent for this id (they do not fail it). */
  readonly warnings: Array<{ code: number; message: string }>;
  readonly promise: Promise<T>;
  readonly settled: boolean;
  push(row: R): void;
  resolve(value: T): void;
  reject(err: BrokerError): void;
}

export interface BeginOptions {
  key: RequestKey;
  kind: string;
  timeoutMs: number;
  /** Called when the request times out (e.g. to cancel it at TWS). */
  onTimeout?: () => void;
  /** Called once however the request ends. */
  onSettle?: () => void;
}

export class RequestRegistry {
  readonly pendingCount = new Observable(0);
  private readonly pending = new Map<RequestKey, PendingRequest<unknown, unknown>>();

  constructor(private readonly clock: Clock = systemClock) {}

  begin<T, R = never>(opts: BeginOptions): PendingRequest<T, R> {
    if (this.pending.has(opts.key)) throw new Error(`request ${String(opts.key)} is already pending`);
    let resolveP!: (v: T) => void;
    let rejectP!: (e: BrokerError) => void;
    const promise = new Promise<T>((res, rej) => {
      resolveP = res;
      rejectP = rej;
    });
    // A caller that stops listening must not turn a late rejection into an unhandled one.
    promise.catch(() => {});
    let settled = false;
    const finish = () => {
      settled = true;
      timer.cancel();
      if (this.pending.get(opts.key) === req) this.pending.delete(opts.key);
      this.pendingCount.set(this.pending.size);
      opts.onSettle?.();
    };
    const req: PendingRequest<T, R> = {
      key: opts.key,
      kind: opts.kind,
      rows: [],
      warnings: [],
      promise,
      get settled() {
        return settled;
      },
      push(row: R) {
        if (!settled) this.rows.push(row);
      },
      resolve(value: T) {
        if (settled) return;
        finish();
        resolveP(value);
      },
      reject(err: BrokerError) {
        if (settled) return;
        finish();
        rejectP(err);
      },
    };
    this.pending.set(opts.key, req as PendingRequest<unknown, unknown>);
    this.pendingCount.set(this.pending.size);
    const timer: TimerHandle = setDeadline(
      this.clock,
      () => {
        if (settled) return;
        req.reject(new TimeoutError(opts.kind, opts.timeoutMs, typeof opts.key === 'number' ? opts.key : -1));
        opts.onTimeout?.();
      },
      opts.timeoutMs,
    );
    return req;
  }

  get<T = unknown, R = unknown>(key: RequestKey): PendingRequest<T, R> | undefined {
    return this.pending.get(key) as PendingRequest<T, R> | undefined;
  }

  has(key: RequestKey): boolean {
    return this.pending.has(key);
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * TWS error for a request id: rejects the request when the code fails it; otherwise keeps
   * it as a warning. Returns whether the id belonged to a pending request.
   */
  handleError(reqId: number, code: number, message: string): boolean {
    const req = this.pending.get(reqId);
    if (!req) return false;
    if (failsRequest(code, message)) req.reject(new BrokerError({ reqId, code, message }));
    else req.warnings.push({ code, message });
    return true;
  }

  /** Rejects every pending request (connection lost / client disposed). */
  failAll(makeError: (req: PendingRequest<unknown, unknown>) => BrokerError): void {
    for (const req of [...this.pending.values()]) req.reject(makeError(req));
  }
}
