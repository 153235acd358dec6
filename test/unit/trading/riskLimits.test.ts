import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRisk, parseRiskOptions, RISK_FLAGS, sizingWithinLimits } from '../../../src/extension/trading/riskLimits';
import { orderQuantity, targetQuantity, type SizingRule } from '../../../src/extension/trading/sizing';

const SIZING: SizingRule = { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0, allowShort: false };

describe('risk options: the one parser for the session and the backtest', () => {
  it('no options: 30 orders per minute, regular hours, nothing else', () => {
    assert.deepEqual(parseRiskOptions({}), { limits: { maxOrdersPerMinute: 30 }, problems: [] });
  });

  it("reads CLI text and typed settings alike into the engine's limits", () => {
    const text = parseRiskOptions({
      maxOrderQuantity: '10',
      maxPosition: '0',
      maxNotional: '2500.5',
      maxOrdersPerMinute: '5',
      dailyLossLimit: '300',
      stopLossPct: '2.5',
      anyHours: true,
    });
    assert.deepEqual(text, {
      limits: {
        tradingHours: null,
        maxOrderQuantity: 10,
        maxPositionPerSymbol: 0,
        maxGrossNotional: 2500.5,
        maxOrdersPerMinute: 5,
        dailyLossLimit: 300,
        stopLossFraction: 0.025,
      },
      problems: [],
    });
    const typed = parseRiskOptions({
      maxOrderQuantity: 10,
      maxPosition: 0,
      maxNotional: 2500.5,
      maxOrdersPerMinute: 5,
      dailyLossLimit: 300,
      stopLossPct: 2.5,
      anyHours: 'true',
    });
    assert.deepEqual(typed, text);
    assert.equal(parseRiskOptions({ anyHours: false }).limits.tradingHours, undefined, 'regular hours: the engine default');
  });

  it('every bad value is a problem saying what is valid, all at once', () => {
    const { problems } = parseRiskOptions({
      maxOrderQuantity: '0',
      maxPosition: '2.5',
      maxNotional: 'lots',
      maxOrdersPerMinute: '1e3',
      dailyLossLimit: '0',
      stopLossPct: '150',
      anyHours: 'yes',
    });
    assert.deepEqual(
      problems.map((p) => [RISK_FLAGS[p.key], p.message]),
      [
        ['--max-order-qty', '"0" is out of range (valid: a whole number of shares from 1)'],
        ['--max-position', '"2.5" is not a whole number (valid: a whole number of shares from 0)'],
        ['--max-notional', '"lots" is not a number (valid: an amount of account currency above 0)'],
        ['--max-orders-per-minute', '"1e3" uses an exponent (valid: a whole number from 1 to 10000)'],
        ['--daily-loss-limit', '"0" is out of range (valid: an amount of account currency above 0)'],
        ['--stop-loss-pct', '"150" is out of range (valid: a percentage above 0 and at most 100, e.g. 2 for 2%)'],
        ['--any-hours', '"yes" is not true or false'],
      ],
    );
  });

  it('describes the limits in one line', () => {
    const { limits } = parseRiskOptions({ maxOrderQuantity: '10', maxPosition: '2', dailyLossLimit: '500', stopLossPct: '2.5', anyHours: true });
    assert.equal(
      describeRisk({ ...limits, symbolAllowlist: ['SPY'] }),
      'max order 10 sh, max position 2 sh, max 30 orders/min, daily loss limit 500, stop-loss 2.5%, allowlist SPY, any hours',
    );
    assert.equal(describeRisk({}), 'regular hours');
  });
});

describe('the position limit caps the target', () => {
  it('a target of 73 shares becomes 2 under --max-position 2, and nothing more is bought once held', () => {
    const capped = sizingWithinLimits(SIZING, { maxPositionPerSymbol: 2 });
    assert.equal(targetQuantity(1, 10_000, 135.4, SIZING), 73);
    assert.equal(targetQuantity(1, 10_000, 135.4, capped), 2);
    assert.equal(orderQuantity(1, 0, 10_000, 135.4, capped), 2);
    assert.equal(orderQuantity(1, 2, 10_000, 135.4, capped), 0, 'at the limit: no order');
    assert.equal(orderQuantity(1, 5, 10_000, 135.4, capped), -3, 'above it (carried or adopted): back down to it');
  });

  it('whole lots within the limit; the tighter of a sizing cap and the limit; no limit leaves the sizing as it is', () => {
    assert.equal(targetQuantity(1, 10_000, 10, sizingWithinLimits({ ...SIZING, lotSize: 100 }, { maxPositionPerSymbol: 250 })), 200);
    assert.equal(sizingWithinLimits({ ...SIZING, maxPositionShares: 5 }, { maxPositionPerSymbol: 9 }).maxPositionShares, 5);
    assert.equal(sizingWithinLimits(SIZING, {}), SIZING);
    assert.equal(targetQuantity(1, 10_000, 135.4, sizingWithinLimits(SIZING, { maxPositionPerSymbol: 0 })), 0, 'a limit of 0: never holds');
  });
});
