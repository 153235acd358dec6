import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RISK_OPTION_SPEC, riskInput } from '../../../src/extension/cli/riskOptions';
import { RISK_FLAGS } from '../../../src/extension/trading/riskLimits';

test('the CLI parses exactly the risk flags riskLimits.ts names (session and backtest share one spec)', () => {
  assert.deepEqual(
    Object.keys(RISK_OPTION_SPEC)
      .map((k) => `--${k}`)
      .sort(),
    Object.values(RISK_FLAGS).sort(),
  );
});

test('riskInput puts each risk flag under its option name and leaves the other flags out', () => {
  assert.deepEqual(riskInput({ 'max-order-qty': '5', 'stop-loss-pct': '2.5', 'any-hours': true, symbols: 'NVDA' }), {
    maxOrderQuantity: '5',
    maxPosition: undefined,
    maxNotional: undefined,
    maxOrdersPerMinute: undefined,
    dailyLossLimit: undefined,
    stopLossPct: '2.5',
    anyHours: true,
  });
});
