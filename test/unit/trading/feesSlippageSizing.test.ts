import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IBKR_FIXED_US, NO_COMMISSION, commission } from '../../../src/extension/trading/fees';
import { fillPrice, slippageBps } from '../../../src/extension/trading/slippage';
import { orderQuantity, targetQuantity } from '../../../src/extension/trading/sizing';
import type { SizingRule } from '../../../src/extension/trading/sizing';

describe('IBKR fixed commission', () => {
  it('charges 0.005 per share above the minimum', () => {
    assert.equal(commission(1000, 50), 5); // 1000 * 0.005
    assert.equal(commission(-1000, 50), 5, 'sells cost the same');
  });
  it('charges the 1.00 minimum for small orders', () => {
    assert.equal(commission(100, 50), 1); // 0.50 < 1.00
    assert.equal(commission(1, 2000), 1);
  });
  it('caps at 1% of trade value, even below the minimum', () => {
    assert.equal(commission(100, 0.5), 0.5); // value 50 -> cap 0.50 beats the 1.00 minimum
    assert.equal(commission(10_000, 0.04), 4); // 50 per-share vs 1% of 400 = 4
  });
  it('is zero for no shares and for the no-commission schedule', () => {
    assert.equal(commission(0, 100), 0);
    assert.equal(commission(500, 100, NO_COMMISSION), 0);
    assert.equal(IBKR_FIXED_US.perShare, 0.005);
  });
});

describe('slippage', () => {
  const fixed = { bps: 10, impactCoefficient: 0 };
  it('moves fills against the order', () => {
    assert.equal(fillPrice(fixed, 5, 100, 1e6), 100 * 1.001);
    assert.equal(fillPrice(fixed, -5, 100, 1e6), 100 * 0.999);
    assert.equal(fillPrice(fixed, 0, 100, 1e6), 100);
  });
  it('adds square-root impact on the share of bar volume', () => {
    const m = { bps: 1, impactCoefficient: 0.1 };
    // 1 + 0.1 * 1e4 * sqrt(100 / 10000) = 1 + 1000 * 0.1 = 101 bps
    assert.ok(Math.abs(slippageBps(m, 100, 10_000) - 101) < 1e-9);
    assert.equal(slippageBps(m, 100, NaN), 1, 'no volume: fixed part only');
  });
});

describe('sizing', () => {
  const rule: SizingRule = { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0.05, allowShort: false };
  it('sizes a target fraction of equity in whole shares, rounded toward zero', () => {
    assert.equal(targetQuantity(1, 10_000, 30, rule), 333); // 333.33
    assert.equal(targetQuantity(0.5, 10_000, 30, rule), 166); // 166.67
    assert.equal(targetQuantity(1, 10_000, 30, { ...rule, maxPositionFraction: 0.5 }), 166);
  });
  it('rounds to lots', () => {
    assert.equal(targetQuantity(1, 10_000, 30, { ...rule, lotSize: 100 }), 300);
  });
  it('clamps shorts to zero unless allowed, and caps shares', () => {
    assert.equal(targetQuantity(-1, 10_000, 30, rule), 0);
    assert.equal(targetQuantity(-1, 10_000, 30, { ...rule, allowShort: true }), -333);
    assert.equal(targetQuantity(1, 10_000, 30, { ...rule, maxPositionShares: 250 }), 250);
    assert.equal(targetQuantity(-1, 10_000, 30, { ...rule, allowShort: true, maxPositionShares: 250, lotSize: 100 }), -200);
  });
  it('returns no position for bad equity or price', () => {
    assert.equal(targetQuantity(1, 0, 30, rule), 0);
    assert.equal(targetQuantity(1, 10_000, 0, rule), 0);
    assert.equal(targetQuantity(NaN, 10_000, 30, rule), 0);
  });
  it('orders the difference to the target; hold orders nothing', () => {
    assert.equal(orderQuantity(1, 0, 10_000, 30, rule), 333);
    assert.equal(orderQuantity(0, 333, 10_000, 30, rule), -333);
    assert.equal(orderQuantity(null, 100, 10_000, 30, rule), 0);
  });
  it('skips resizes smaller than the band but not entries, exits or flips', () => {
    // at 333 shares, target 1 with equity 10300 -> 343: 10 * 30 = 300 < 0.05 * 10300 = 515
    assert.equal(orderQuantity(1, 333, 10_300, 30, rule), 0);
    // target 0.5 -> 171: -162 shares * 30 = 4860 > 515
    assert.equal(orderQuantity(0.5, 333, 10_300, 30, rule), -162);
    const shorting = { ...rule, allowShort: true };
    assert.equal(orderQuantity(-1, 10, 10_000, 30, shorting), -343, 'flip from +10 to -333');
    assert.equal(orderQuantity(0, 1, 10_000, 30, rule), -1, 'a tiny exit still goes');
  });
});
