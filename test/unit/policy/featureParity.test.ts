// The training code (scripts/train/features.py) and the TypeScript pipeline must compute the
// same features: the fixture holds Python's values on the real S&P 500 file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readBarsCsv, tradingDate } from '../../../src/extension/policy/bars';
import { FEATURES } from '../../../src/extension/policy/features';
import type { FeatureSpec } from '../../../src/extension/policy/manifest';

const ROOT = join(__dirname, '..', '..', '..');

interface Parity {
  readonly source: string;
  readonly features: readonly FeatureSpec[];
  readonly rows: readonly { index: number; date: string; values: (number | null)[] }[];
}

describe('feature parity with the Python training code', () => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/policy/featureParity.json'), 'utf8')) as Parity;
  const bars = readBarsCsv(join(ROOT, fixture.source));

  it('covers every market feature the default model uses, warm-up rows and the test period', () => {
    assert.ok(fixture.features.length >= 8);
    assert.ok(
      fixture.rows.some((r) => r.values.some((v) => v === null)),
      'warm-up rows with too little history',
    );
    assert.ok(fixture.rows.some((r) => r.date >= '2015-01-01'));
  });

  it('TypeScript values match Python on every fixture row (relative 1e-12; NaN where Python has none)', () => {
    let compared = 0;
    for (const row of fixture.rows) {
      assert.equal(tradingDate(bars.time[row.index]!), row.date, `bar ${row.index} is the same day`);
      fixture.features.forEach((spec, i) => {
        const def = FEATURES[spec.id]!;
        assert.equal(def.kind, 'market');
        if (def.kind !== 'market') return;
        const ts = def.compute(bars, row.index, spec.params ?? {});
        const py = row.values[i];
        if (py === null || py === undefined) {
          assert.ok(Number.isNaN(ts), `${spec.id} at ${row.date}: Python NaN, TypeScript ${ts}`);
        } else {
          assert.ok(Math.abs(ts - py) <= 1e-12 * Math.max(1, Math.abs(py)), `${spec.id} at ${row.date}: Python ${py}, TypeScript ${ts}`);
          compared++;
        }
      });
    }
    assert.ok(compared > 1000, `compared ${compared} values`);
  });
});
