// The risk flags of `session` and `backtest`, one spec for both (their names and meanings are
// trading/riskLimits.ts's RISK_FLAGS; a unit test keeps the two in step).
export const RISK_OPTION_SPEC = {
  'max-order-qty': { type: 'string' },
  'max-position': { type: 'string' },
  'max-notional': { type: 'string' },
  'max-orders-per-minute': { type: 'string' },
  'daily-loss-limit': { type: 'string' },
  'stop-loss-pct': { type: 'string' },
  'any-hours': { type: 'boolean' },
} as const;
