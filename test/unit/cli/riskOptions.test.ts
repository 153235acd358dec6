import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RISK_OPTION_SPEC } from '../../../src/extension/cli/riskOptions';
import { RISK_FLAGS } from '../../../src/extension/trading/riskLimits';

test('the CLI parses exactly the risk flags riskLimits.ts names (session and backtest share one spec)', () => {
  assert.deepEqual(
    Object.keys(RISK_OPTION_SPEC)
      .map((k) => `--${k}`)
      .sort(),
    Object.values(RISK_FLAGS).sort(),
  );
});
