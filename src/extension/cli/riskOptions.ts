// The risk flags of `session` and `backtest`, one spec for both (their names and meanings are
// trading/riskLimits.ts's RISK_FLAGS; a unit test keeps the two in step).
import { RISK_FLAGS, type RiskOptionKey, type RiskOptionsInput } from '../trading/riskLimits';
import { booleanOptions, stringOptions } from './args';

export const RISK_OPTION_SPEC = {
  ...stringOptions('max-order-qty', 'max-position', 'max-notional', 'max-orders-per-minute', 'daily-loss-limit', 'stop-loss-pct'),
  ...booleanOptions('any-hours'),
};

/** The risk flags' values under their option names (--max-order-qty -> maxOrderQuantity), as the one risk parser takes them. */
export function riskInput(o: Readonly<Record<string, unknown>>): RiskOptionsInput {
  return Object.fromEntries((Object.entries(RISK_FLAGS) as [RiskOptionKey, string][]).map(([key, flag]) => [key, o[flag.slice(2)]]));
}
