// What every event the link hands to the broker must satisfy, whatever TWS sent: the
// decoder fuzz checks each event against these. An order, fill or bar with a number that
// cannot be right must never reach the order tracker, the ledger or the policy.
import type { LinkEventMap } from '../../../src/extension/broker/linkEvents';

const fin = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const int = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const nonNeg = (v: unknown): boolean => fin(v) && (v as number) >= 0;

type Check = { [K in keyof LinkEventMap]?: (...args: LinkEventMap[K]) => string | undefined };

export const INVARIANTS: Check = {
  nextValidId: (id) => (int(id) && id >= 0 ? undefined : `nextValidId ${id}`),
  orderStatus: (e) =>
    int(e.orderId) && nonNeg(e.filled) && nonNeg(e.remaining) && fin(e.avgFillPrice) && typeof e.status === 'string' && e.status !== ''
      ? undefined
      : `orderStatus ${JSON.stringify(e)}`,
  openOrder: (e) => (int(e.orderId) && nonNeg(e.totalQuantity) ? undefined : `openOrder ${e.orderId} qty ${e.totalQuantity}`),
  execDetails: (_r, f) =>
    f.execId !== '' && int(f.orderId) && fin(f.shares) && f.shares > 0 && nonNeg(f.price) ? undefined : `execDetails ${JSON.stringify(f)}`,
  commissionReport: (c) => (c.execId !== '' && fin(c.commission) ? undefined : `commissionReport ${JSON.stringify(c)}`),
  position: (p) => (fin(p.quantity) && fin(p.avgCost) ? undefined : `position ${JSON.stringify(p)}`),
  realtimeBar: (_r, b) => ([b.time, b.open, b.high, b.low, b.close].every(fin) ? undefined : `realtimeBar ${JSON.stringify(b)}`),
  historicalBar: (_r, b) => ([b.open, b.high, b.low, b.close].every(fin) ? undefined : `historicalBar ${JSON.stringify(b)}`),
  historicalUpdate: (_r, b) => ([b.open, b.high, b.low, b.close].every(fin) ? undefined : `historicalUpdate ${JSON.stringify(b)}`),
  tick: (_r, kind, value) => (fin(value) ? undefined : `tick ${kind} ${String(value)}`),
};
