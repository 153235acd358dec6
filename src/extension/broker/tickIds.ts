// The tick type ids TWS sends market data under (tickPrice, tickSize, tickString).
import type { TickKind } from './linkEvents';

/** TWS tick type ids of each kind: the live one, and its delayed twin. */
const LIVE_TICK_IDS: { readonly [K in TickKind]: number } = {
  bidSize: 0,
  bid: 1,
  ask: 2,
  askSize: 3,
  last: 4,
  lastSize: 5,
  high: 6,
  low: 7,
  volume: 8,
  close: 9,
  open: 14,
  lastTimestamp: 45,
};
const DELAYED_TICK_IDS: { readonly [K in TickKind]: number } = {
  bid: 66,
  ask: 67,
  last: 68,
  bidSize: 69,
  askSize: 70,
  lastSize: 71,
  high: 72,
  low: 73,
  volume: 74,
  close: 75,
  open: 76,
  lastTimestamp: 88,
};

/** Tick type id -> what it is. */
export const TICKS: Record<number, { kind: TickKind; delayed: boolean }> = {};
for (const kind of Object.keys(LIVE_TICK_IDS) as TickKind[]) {
  TICKS[LIVE_TICK_IDS[kind]] = { kind, delayed: false };
  TICKS[DELAYED_TICK_IDS[kind]] = { kind, delayed: true };
}
