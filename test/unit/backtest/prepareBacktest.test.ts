// prepareBacktest(): the one preparation of a backtest for the CLI and the extension.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BacktestError, backtestFigures, prepareBacktest, runPreparedBacktest, type BacktestOptions } from '../../../src/extension/backtest/prepareBacktest';
import { writeTestModel } from '../../helpers/testModels';

const tmp = mkdtempSync(join(tmpdir(), 'prepare-backtest-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let modelDir: string;
let csv: string;
before(() => {
  modelDir = writeTestModel(tmp, 'always-buy');
  csv = join(tmp, 'bars.csv');
  const rows = Array.from({ length: 8 }, (_, i) => `2024-03-13 10:0${i},${100 + i},${100 + i},${100 + i},${100 + i},1000`);
  writeFileSync(csv, `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
});

async function refused(o: BacktestOptions, message: RegExp): Promise<void> {
  await assert.rejects(prepareBacktest(o), (err: unknown) => {
    assert.ok(err instanceof BacktestError, String(err));
    assert.match(err.message, message);
    return true;
  });
}

describe('prepareBacktest', () => {
  it('loads the model and the bars, and builds the config from the manifest and the options', async () => {
    const p = await prepareBacktest({
      modelDir: 'always-buy',
      cwd: tmp,
      data: 'bars.csv',
      risk: { maxPosition: '5', dailyLossLimit: '100' },
      slippageBps: '3',
    });
    try {
      const c = p.config;
      assert.equal(p.model.manifest.name, 'test-always-buy');
      assert.deepEqual([c.fromIndex, c.toIndex, c.bars.length], [1, 7, 8], 'from the first bar with the 2 bars of history the features need');
      assert.equal(c.initialCash, 10_000, "the manifest's cash");
      assert.equal(c.commission.name, 'ibkr-fixed');
      assert.deepEqual(c.slippage, { bps: 3, impactCoefficient: 0 });
      assert.deepEqual(c.risk, { maxOrdersPerMinute: 30, maxPositionPerSymbol: 5, dailyLossLimit: 100, symbolAllowlist: [c.bars.symbol] });
      assert.deepEqual(p.notes, []);
      const run = await runPreparedBacktest(p, join(tmp, 'report'));
      assert.deepEqual(
        run.result.policy.trades.map((t) => t.quantity),
        [5],
        'capped to the position limit',
      );
      const figures = backtestFigures(run);
      assert.equal(figures.trades, 1);
      assert.equal(figures.reportJson, join(tmp, 'report', 'report.json'));
    } finally {
      await p.model.dispose();
    }
  });

  it("says when the period starts later than asked, for the features' history", async () => {
    const p = await prepareBacktest({ modelDir, data: csv, from: '2024-03-13' });
    try {
      assert.equal(p.config.fromIndex, 1);
      assert.deepEqual(p.notes, ['starting at 2024-03-13, the first bar with the 2 bars of history the features need']);
    } finally {
      await p.model.dispose();
    }
  });

  it('names the option and what is valid, before reading anything', async () => {
    await refused({ modelDir, data: csv, from: 'yesterday' }, /^--from "yesterday" is not a date \(valid: YYYY-MM-DD/);
    await refused({ modelDir, data: csv, from: '2024-03-14', to: '2024-03-13' }, /^--to 2024-03-13 must be after --from 2024-03-14$/);
    await refused({ modelDir, data: csv, commission: 'cheap' }, /^--commission "cheap" is not known \(valid: /);
    await refused(
      { modelDir, data: csv, risk: { maxPosition: 'x', stopLossPct: '0' } },
      /^--max-position "x" is not a number \(valid: a whole number of shares from 0\); --stop-loss-pct "0" is out of range/,
    );
    await refused({ modelDir, data: csv, cash: '1e5' }, /^--cash "1e5" is not a number \(valid: 1\.\.1000000000000000\): it uses an exponent/);
    await refused({ modelDir, data: csv, slippageBps: '5000' }, /^--slippage-bps 5000 is out of range \(valid: 0\.\.1000\)/);
  });

  it('names the missing model, data file or period', async () => {
    await refused({ modelDir: join(tmp, 'nowhere'), data: csv }, /nowhere\/manifest\.json: missing-file/);
    await refused({ modelDir, data: join(tmp, 'none.csv') }, /none\.csv/);
    await refused({ modelDir, symbol: 'NOPE' }, /--symbol "NOPE" has no built-in data \(valid: /);
    await refused(
      { modelDir, data: csv, from: '2025-01-01' },
      /the period 2025-01-01\.\.end holds fewer than two bars \(the data covers 2024-03-13\.\.2024-03-13\)/,
    );
  });
});
