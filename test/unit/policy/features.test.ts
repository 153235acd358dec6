import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBarsCsv, readBarsCsv } from '../../../src/extension/policy/bars';
import { BUILTIN_DATASETS, builtinDatasetPath } from '../../../src/extension/policy/datasets';
import { PolicyRuntimeError } from '../../../src/extension/policy/errors';
import {
  FEATURES,
  FeaturePipeline,
  cashFraction,
  closeLocation,
  logReturn,
  meanRatio,
  oneBarLogReturns,
  positionFraction,
  positionSide,
  realizedVol,
  rsi,
  timeOfDay,
  unrealizedReturn,
  volNormMomentum,
} from '../../../src/extension/policy/features';
import type { FeatureSpec } from '../../../src/extension/policy/manifest';

function close(actual: number, expected: number, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

// closes whose one-bar log returns are exactly 0.01, -0.02, 0.03 (up to rounding)
const CLOSES = [100, 100 * Math.exp(0.01), 100 * Math.exp(-0.01), 100 * Math.exp(0.02)];

describe('market features, hand-computed', () => {
  it('logReturn: ln(close[t] / close[t-lag])', () => {
    const c = [100, 110, 99];
    close(logReturn(c, 2, 1), Math.log(0.9)); // 99 / 110
    close(logReturn(c, 2, 2), Math.log(0.99));
    assert.ok(Number.isNaN(logReturn(c, 1, 2)), 'not enough history');
  });

  it('oneBarLogReturns: NaN first, then ln of each ratio', () => {
    const r = oneBarLogReturns([100, 110, 99]);
    assert.ok(Number.isNaN(r[0]!));
    close(r[1]!, Math.log(1.1));
    close(r[2]!, Math.log(0.9));
  });

  it('realizedVol: sample std of the window of log returns', () => {
    // returns 0.01, -0.02, 0.03: mean 2/300, deviations 1/300, -8/300, 7/300
    // sum of squares 114/90000, over n-1 = 2
    const r = oneBarLogReturns(CLOSES);
    close(realizedVol(r, 3, 3), Math.sqrt(114 / 90000 / 2));
    // window 2 over -0.02, 0.03: mean 0.005, deviations -+0.025, ss 0.00125 over 1
    close(realizedVol(r, 3, 2), Math.sqrt(0.00125));
    assert.ok(Number.isNaN(realizedVol(r, 2, 3)));
  });

  it('volNormMomentum: lookback return over vol * sqrt(lookback); 0 for flat prices', () => {
    const r = oneBarLogReturns(CLOSES);
    close(volNormMomentum(CLOSES, r, 3, 3, 3), 0.02 / (Math.sqrt(114 / 90000 / 2) * Math.sqrt(3)));
    const flat = [5, 5, 5, 5];
    assert.equal(volNormMomentum(flat, oneBarLogReturns(flat), 3, 3, 3), 0);
  });

  it('rsi: 100 * gains / (gains + losses) over the period; 50 when flat', () => {
    // changes +1, -0.5, +1, -0.5: gains 2, losses 1
    close(rsi([10, 11, 10.5, 11.5, 11], 4, 4), 200 / 3);
    assert.equal(rsi([10, 11, 12], 2, 2), 100);
    assert.equal(rsi([10, 9, 8], 2, 2), 0);
    assert.equal(rsi([7, 7, 7], 2, 2), 50);
    // only the last `period` changes count: window 2 over +1, -0.5 -> 1 / 1.5
    close(rsi([10, 11, 10.5, 11.5, 11], 4, 2), (100 * 1) / 1.5);
  });

  it('meanRatio over closes (smaRatio): ln(close / mean of the window)', () => {
    close(meanRatio([1, 2, 3, 4], 3, 4), Math.log(4 / 2.5));
    close(meanRatio([1, 2, 3, 4], 3, 2), Math.log(4 / 3.5));
    assert.ok(Number.isNaN(meanRatio([1, 2, 3, 4], 2, 4)));
  });

  it('closeLocation: -1 at the low, +1 at the high', () => {
    close(closeLocation([12], [8], [11], 0), 0.5); // (22 - 20) / 4
    assert.equal(closeLocation([12], [8], [12], 0), 1);
    assert.equal(closeLocation([12], [8], [8], 0), -1);
    assert.equal(closeLocation([5], [5], [5], 0), 0);
  });

  it('meanRatio over volumes (volumeRatio): ln(volume / mean of the window)', () => {
    close(meanRatio([100, 200, 300], 2, 3), Math.log(1.5));
    close(meanRatio([100, 200, 300], 2, 1), 0);
  });

  it('timeOfDay: fraction of 09:30-16:00 elapsed, clamped', () => {
    assert.equal(timeOfDay(570), 0);
    assert.equal(timeOfDay(765), 0.5); // 12:45
    assert.equal(timeOfDay(960), 1);
    assert.equal(timeOfDay(1000), 1);
    assert.equal(timeOfDay(500), 0);
  });
});

describe('portfolio features, hand-computed', () => {
  const base = { quantity: 10, avgCost: 100, cash: 500, equity: 1000, price: 50 };
  it('positionFraction: signed market value over equity', () => {
    assert.equal(positionFraction(base), 0.5);
    assert.equal(positionFraction({ ...base, quantity: -10 }), -0.5);
    assert.equal(positionFraction({ ...base, equity: 0 }), 0);
  });
  it('cashFraction: cash over equity', () => {
    assert.equal(cashFraction(base), 0.5);
    assert.equal(cashFraction({ ...base, cash: -200 }), -0.2);
  });
  it('positionSide: the sign', () => {
    assert.equal(positionSide({ ...base, quantity: -3 }), -1);
    assert.equal(positionSide({ ...base, quantity: 0 }), 0);
    assert.equal(positionSide({ ...base, quantity: 7 }), 1);
  });
  it('unrealizedReturn: side * (price / avg cost - 1)', () => {
    close(unrealizedReturn({ ...base, price: 110 }), 0.1);
    close(unrealizedReturn({ ...base, quantity: -10, price: 110 }), -0.1);
    assert.equal(unrealizedReturn({ ...base, quantity: 0 }), 0);
  });
});

const CSV = `date,open,high,low,close,volume
2024-01-02,100,101,99,100,1000
2024-01-03,100,102,99,101,1100
2024-01-04,101,103,100,102,900
2024-01-05,102,102,98,99,1500
2024-01-08,99,100,97,98,1200
2024-01-09,98,101,97,100,1000
`;

describe('feature pipeline', () => {
  const bars = parseBarsCsv(CSV, 'mem.csv');
  const specs: FeatureSpec[] = [{ id: 'logReturn', params: { lag: 1 } }, { id: 'rsi', params: { period: 3 } }, { id: 'closeLocation' }, { id: 'positionSide' }];

  it('knows its history and the columns it reads', () => {
    const p = new FeaturePipeline(specs, { type: 'none' });
    assert.equal(p.history, 4); // rsi(3) reads 4 closes
    assert.deepEqual([...p.columns].sort(), ['close', 'high', 'low']);
    assert.deepEqual(p.labels, ['logReturn(lag=1)', 'rsi(period=3)', 'closeLocation', 'positionSide']);
    assert.equal(p.sideEnumerable, true);
    assert.equal(new FeaturePipeline([...specs, { id: 'cashFraction' }], { type: 'none' }).sideEnumerable, false);
  });

  it('standard normalisation: (x - mean) / std, clipped', () => {
    const p = new FeaturePipeline(specs, { type: 'standard', mean: [0, 50, 0, 0], std: [0.01, 10, 1, 1], clip: 3 });
    const raw = new Float64Array(4);
    const out = new Float32Array(4);
    p.observe(bars, 4, { quantity: 5, avgCost: 100, cash: 0, equity: 500, price: 98 }, raw, out);
    // bar 4: ln(98/99) / 0.01 = -1.0152 ; rsi over 102->99->98 after 101->102: gains 1, losses 4 -> 20 -> -3
    assert.equal(out[0], Math.fround(Math.log(98 / 99) / 0.01));
    assert.equal(raw[1], 20);
    assert.equal(out[1], -3, 'clipped at -3');
    assert.equal(out[2], Math.fround((2 * 98 - 100 - 97) / 3));
    assert.equal(out[3], 1);
  });

  it('scale normalisation divides; none passes through', () => {
    const raw = Float64Array.from([0.02, 60, 0.5, -1]);
    const out = new Float32Array(4);
    new FeaturePipeline(specs, { type: 'scale', scale: [0.01, 100, 1, 1] }).normalizeInto(raw, out, 0);
    assert.deepEqual([...out], [2, 0.6, 0.5, -1].map(Math.fround));
    new FeaturePipeline(specs, { type: 'none' }).normalizeInto(raw, out, 0);
    assert.deepEqual([...out], [0.02, 60, 0.5, -1].map(Math.fround));
  });

  it('a NaN or Inf feature is refused, naming the feature and the bar', () => {
    const p = new FeaturePipeline(specs, { type: 'none' });
    assert.throws(
      () => p.marketValues(bars, 1, new Float64Array(4)), // rsi(3) needs bar 3
      (e: unknown) => e instanceof PolicyRuntimeError && e.reason === 'non-finite' && /rsi\(period=3\) is NaN at bar 1 \(2024-01-03\)/.test(e.message),
    );
    assert.throws(
      () => p.portfolioValues({ quantity: NaN, avgCost: 1, cash: 0, equity: 1, price: 1 }, new Float64Array(4)),
      (e: unknown) => e instanceof PolicyRuntimeError && /positionSide is NaN/.test(e.message),
    );
  });

  it('batch rows equal the live path row for row, for every side', () => {
    const p = new FeaturePipeline(specs, { type: 'standard', mean: [0, 50, 0, 0.5], std: [0.01, 10, 1, 0.5], clip: 5 });
    const sides = [-1, 0, 1];
    const batch = new Float32Array(3 * sides.length * 4);
    p.fillBatch(bars, 3, 3, sides, batch);
    const raw = new Float64Array(4);
    const row = new Float32Array(4);
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < sides.length; j++) {
        p.observe(bars, 3 + r, { quantity: sides[j]! * 10, avgCost: 100, cash: 0, equity: 1000, price: 100 }, raw, row);
        assert.deepEqual([...batch.subarray((r * 3 + j) * 4, (r * 3 + j + 1) * 4)], [...row], `bar ${3 + r} side ${sides[j]}`);
      }
    }
  });

  it("every market feature's range() gives compute() bar for bar (the S&P 500 file)", () => {
    const spx = readBarsCsv(builtinDatasetPath(BUILTIN_DATASETS.SPX!)!);
    const params: Record<string, Record<string, number>> = {
      logReturn: { lag: 5 },
      realizedVol: { window: 20 },
      volNormMomentum: { lookback: 60, volWindow: 20 },
      rsi: { period: 14 },
      smaRatio: { window: 50 },
      closeLocation: {},
      volumeRatio: { window: 20 },
      timeOfDay: {},
    };
    const market = Object.values(FEATURES).filter((d) => d.kind === 'market');
    assert.deepEqual(market.map((d) => d.id).sort(), Object.keys(params).sort(), 'a market feature without a case here');
    const from = 100;
    const count = spx.length - from;
    const out = new Float64Array(count);
    for (const d of market) {
      if (d.kind !== 'market') continue;
      d.range(spx, from, count, params[d.id]!, out);
      for (let r = 0; r < count; r++) assert.ok(Object.is(out[r], d.compute(spx, from + r, params[d.id]!)), `${d.id} at bar ${from + r}`);
    }
  });

  it('a non-finite value in a batch is refused, naming the feature and the bar', () => {
    const p = new FeaturePipeline(specs, { type: 'none' });
    assert.throws(
      () => p.fillBatch(bars, 1, 3, [0], new Float32Array(3 * 4)),
      (e: unknown) => e instanceof PolicyRuntimeError && /rsi\(period=3\) is NaN at bar 1 \(2024-01-03\)/.test(e.message),
    );
  });
});
