// TWS's rejections of the session's orders: Read-Only API (and other refusals the error policy
// stops at) ends the session at the first; other rejections after REJECTION_STOP_AFTER in a row.
import { describeRefusal, refusalFor, REJECTION_STOP_AFTER } from './errorPolicy';
import type { OrderUpdate } from './orderManager';

export class OrderRejections {
  /** Rejected orders in a row (no order accepted between). */
  private streakValue = 0;
  private readonly counted = new Set<string>();

  constructor(private readonly faultStop: (rule: string, reason: string) => void) {}

  get streak(): number {
    return this.streakValue;
  }

  onOrderUpdate(o: OrderUpdate): void {
    if (o.state === 'filled' || o.state === 'submitted' || o.filled > 0) {
      this.streakValue = 0;
      return;
    }
    if (o.state !== 'rejected' || this.counted.has(o.orderRef)) return;
    this.counted.add(o.orderRef);
    this.streakValue++;
    const refusal = o.errorCode !== undefined ? refusalFor(o.errorCode, o.note ?? '') : undefined;
    if (refusal?.action === 'stop') {
      this.faultStop(refusal.id, describeRefusal(refusal, `order ${o.orderRef}`));
      return;
    }
    if (this.streakValue >= REJECTION_STOP_AFTER)
      this.faultStop('order-rejected', rejectionReason(`TWS rejected ${this.streakValue} orders in a row`, o.orderRef, o.note));
  }
}

/** A rejection stop's reason: what happened, the last rejection, and the fix the error policy names. */
export function rejectionReason(what: string, orderRef: string | undefined, note: string | undefined): string {
  const r = refusalFor(201, note ?? 'rejected');
  return `${what}; the last (${orderRef ?? '?'}): ${note ?? 'rejected'}${r ? `. Fix: ${r.fix}` : ''}`;
}
