import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMIT_THROUGH_MARKET_SHARE, limitThroughMarket } from '../../../src/extension/trading/limitThroughMarket';

describe('limitThroughMarket: a limit far through the market is named before the confirmation', () => {
  it('a buy far above the ask and a sell far below the bid', () => {
    assert.equal(
      limitThroughMarket('BUY', 5, 2.3, 'the net ask'),
      'the limit 5.00 is 2.70 above the net ask 2.30 (117%): it would fill at about the market, not at the limit; check the price',
    );
    assert.match(limitThroughMarket('SELL', 120, 150, 'the market') ?? '', /^the limit 120\.00 is 30\.00 below the market 150\.00 \(20%\)/);
  });

  it('a limit a little through the market (to be sure of a fill), at it or on the passive side: no warning', () => {
    const edge = 100 * (1 + LIMIT_THROUGH_MARKET_SHARE);
    for (const [side, limit] of [
      ['BUY', edge],
      ['BUY', 100],
      ['BUY', 80],
      ['SELL', 100 * (1 - LIMIT_THROUGH_MARKET_SHARE)],
      ['SELL', 130],
    ] as const) {
      assert.equal(limitThroughMarket(side, limit, 100, 'the market'), undefined, `${side} ${limit}`);
    }
    assert.ok(limitThroughMarket('BUY', edge + 0.01, 100, 'the market'), 'just past the margin');
  });

  it('a credit (negative net) and a net near 0 compare in absolute terms', () => {
    // Buying a combo quoted -1.20 (a credit of 1.20) at -1.00 gives up 0.20 of credit: 17%.
    assert.match(limitThroughMarket('BUY', -1, -1.2, 'the net ask') ?? '', /is 0\.20 above the net ask -1\.20 \(17%\)/);
    assert.equal(limitThroughMarket('BUY', 0.05, 0, 'the net ask'), undefined, '0.05 over a net of 0: within the least margin');
    assert.equal(
      limitThroughMarket('BUY', 0.5, 0, 'the net ask'),
      'the limit 0.50 is 0.50 above the net ask 0.00: it would fill at about the market, not at the limit; check the price',
    );
    assert.equal(limitThroughMarket('BUY', 0.44, 0.4, 'the ask'), undefined, 'a cheap option: 0.04 over is within the least margin');
  });

  it('no limit or no market: nothing to compare', () => {
    assert.equal(limitThroughMarket('BUY', undefined, 100, 'the market'), undefined);
    assert.equal(limitThroughMarket('BUY', 200, undefined, 'the market'), undefined);
    assert.equal(limitThroughMarket('SELL', 1, Number.NaN, 'the market'), undefined);
  });
});
