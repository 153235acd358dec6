// Broker and session records as the panel's state receives them (a position, a tracked order,
// a decision that placed an order), shared by the view-row, panel-store, blotter and
// order-manager suites.
import type { Position, TrackedOrder } from '../../src/extension/broker/types';
import type { DecisionRecord } from '../../src/extension/session/decision';

export const pos = (symbol: string, quantity: number, avgCost: number, conId = 1): Position => ({
  account: 'DU1',
  contract: { symbol, secType: 'STK', exchange: 'SMART', currency: 'USD', conId },
  quantity,
  avgCost,
});

export const decisionRecord = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  cycle: 2,
  symbol: 'NVDA',
  marketTime: Date.UTC(2024, 2, 13, 14, 2),
  bars: 60,
  close: 127.33,
  features: { 'logReturn(lag=1)': 0.000707123, 'logReturn(lag=5)': -0.00047, rsi: 51.234, extra: 1 },
  output: { target: 1, label: 'buy' },
  position: 0,
  targetQuantity: 261,
  orderQuantity: 261,
  proposal: { kind: 'policy', action: 'BUY', quantity: 261, price: 127.33, orderRef: 'ibkrai:s:2:NVDA' },
  verdict: { allowed: true, rule: null, reason: 'ok' },
  outcome: 'order',
  reason: 'model says buy',
  ...over,
});

/** A tracked order of 10, submitted and unfilled, with `over` on top. */
export const trackedOrder = (over: Partial<TrackedOrder> & { orderId: number }): TrackedOrder => ({
  quantity: 10,
  state: 'submitted',
  filled: 0,
  remaining: 10,
  avgFillPrice: 0,
  commission: 0,
  fills: [],
  errors: [],
  warnings: [],
  cancelRequested: false,
  modifyPending: false,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});
