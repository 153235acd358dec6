import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseBarsCsv, readBarsCsv } from '../../../src/extension/policy/bars';
import { runBacktest, simulateConstant, simulatePolicy } from '../../../src/extension/backtest/backtester';
import { loadModel, sha256Hex } from '../../../src/extension/policy/modelLoader';
import { buildReport, writeReport } from '../../../src/extension/backtest/report';
import { escapeHtml, renderReportHtml, sampleIndices } from '../../../src/extension/backtest/reportHtml';
import { IBKR_FIXED_US } from '../../../src/extension/trading/fees';
import { buildPolicyOnnx, randomWeights } from '../../helpers/onnxFromWeights';
import type { BacktestConfig } from '../../../src/extension/backtest/backtester';
import type { BarSeries } from '../../../src/extension/policy/bars';

const ROOT = join(__dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'backtester-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function series(rows: string): BarSeries {
  return parseBarsCsv(`date,open,high,low,close,volume\n${rows}`, 'test.csv');
}

// 2024-07-01 is a Monday
const FOUR_DAYS = series(`2024-07-01,100,100,100,100,1000
2024-07-02,102,105,101,104,1000
2024-07-03,103,104,100,101,1000
2024-07-05,99,100,97,98,1000
`);

function config(bars: BarSeries, over: Partial<BacktestConfig> = {}): BacktestConfig {
  return {
    bars,
    fromIndex: 0,
    toIndex: bars.length - 1,
    initialCash: 1000,
    commission: IBKR_FIXED_US,
    slippage: { bps: 10, impactCoefficient: 0 },
    sizing: { maxPositionFraction: 0.9, lotSize: 1, rebalanceBand: 0.2, allowShort: false },
    risk: {},
    ...over,
  };
}

describe('backtest accounting, hand-computed', () => {
  it('decides at the close, fills at the next open with slippage and commission, marks at the close', () => {
    const r = simulateConstant(config(FOUR_DAYS), 1);
    // day 0: equity 1000, target 0.9 * 1000 / 100 = 9 shares
    // day 1: buy 9 at 102 * 1.001 = 102.102, commission max(9 * 0.005, 1) = 1 -> cash 1000 - 918.918 - 1 = 80.082
    //        equity 80.082 + 9 * 104 = 1016.082; target trunc(0.9 * 1016.082 / 104) = 8: 104 < 0.2 * equity, no resize
    // day 2: 80.082 + 9 * 101 = 989.082; day 3: 80.082 + 9 * 98 = 962.082
    assert.equal(r.trades.length, 1);
    const t = r.trades[0]!;
    assert.equal(t.index, 1);
    assert.equal(t.quantity, 9);
    near(t.fillPrice, 102.102, 'fill');
    assert.equal(t.commission, 1);
    near(r.slippageCost, 9 * 0.102, 'slippage cost');
    [1000, 1016.082, 989.082, 962.082].forEach((e, i) => near(r.equity[i]!, e, `equity ${i}`));
    assert.deepEqual([...r.position], [0, 9, 9, 9]);
  });

  it('flat stays in cash', () => {
    const r = simulateConstant(config(FOUR_DAYS), 0);
    assert.equal(r.trades.length, 0);
    assert.deepEqual([...r.equity], [1000, 1000, 1000, 1000]);
  });
});

describe('risk engine inside the backtest', () => {
  it('the position limit caps the target (as in a session): 3 shares bought, nothing refused', () => {
    const uncapped = simulateConstant(config(FOUR_DAYS), 1);
    assert.ok(uncapped.trades[0]!.quantity > 3, `${uncapped.trades[0]!.quantity} shares without the limit`);
    const capped = simulateConstant(config(FOUR_DAYS, { risk: { maxPositionPerSymbol: 3 } }), 1);
    assert.deepEqual(
      capped.trades.map((t) => [t.quantity, t.positionAfter]),
      [[3, 3]],
    );
    assert.deepEqual(capped.rejections, []);
    assert.deepEqual(Array.from(capped.position), [0, 3, 3, 3]);
  });

  it('refused orders are recorded with their rule and nothing fills', () => {
    const r = simulateConstant(config(FOUR_DAYS, { risk: { maxOrderQuantity: 5 } }), 1);
    assert.equal(r.trades.length, 0);
    assert.deepEqual(
      r.rejections.map((x) => [x.index, x.rule, x.quantity]),
      [
        [1, 'maxOrderQuantity', 9],
        // still flat: the targets are trunc(0.9 * 1000 / 104) and trunc(0.9 * 1000 / 101)
        [2, 'maxOrderQuantity', 8],
        [3, 'maxOrderQuantity', 8],
      ],
    );
  });

  it('the clock is the fill time: a session opening at 10:00 refuses 09:30 fills', () => {
    const late = { timeZone: 'America/New_York', openMinute: 600, closeMinute: 960, weekdays: [1, 2, 3, 4, 5] };
    const r = simulateConstant(config(FOUR_DAYS, { risk: { tradingHours: late } }), 1);
    assert.equal(r.trades.length, 0);
    assert.equal(r.rejections[0]!.rule, 'tradingHours');
    assert.match(r.rejections[0]!.reason, /09:30 America\/New_York/);
  });

  it('a stop-loss closes the position at the next open, whatever the policy wants', () => {
    const bars = series(`2024-07-01,100,100,100,100,1000
2024-07-02,102,105,101,104,1000
2024-07-03,103,104,90,90,1000
2024-07-05,91,93,90,92,1000
`);
    const r = simulateConstant(config(bars, { risk: { stopLossFraction: 0.1 } }), 1);
    // bought at 102.102; the close of 90 is 11.9% below: exit at 91 * 0.999
    assert.deepEqual(
      r.trades.map((t) => [t.index, t.quantity, t.reason]),
      [
        [1, 9, 'policy'],
        [3, -9, 'stopLoss'],
      ],
    );
    near(r.trades[1]!.fillPrice, 91 * 0.999, 'exit fill');
  });
});

/** A deterministic, trending and mean-reverting daily series. */
function syntheticCsv(n: number): string {
  const lines = ['date,open,high,low,close,volume'];
  let price = 100;
  const day = Date.UTC(2010, 0, 4);
  let k = 0;
  for (let i = 0; k < n; i++) {
    const d = new Date(day + i * 86_400_000);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const open = price * (1 + 0.004 * Math.sin(k * 1.7));
    price = price * (1 + 0.02 * Math.sin(k / 9) * Math.cos(k / 4) + 0.003 * Math.sin(k * 12.9898));
    lines.push(`${d.toISOString().slice(0, 10)},${open},${Math.max(open, price) * 1.002},${Math.min(open, price) * 0.998},${price},${1000 + k}`);
    k++;
  }
  return lines.join('\n') + '\n';
}

/** The default model's features and normalisation (manifest.json of models/ppo-sp500). */
const DEFAULT_MANIFEST = JSON.parse(readFileSync(join(ROOT, 'models/ppo-sp500/manifest.json'), 'utf8')) as {
  features: unknown[];
  normalization: unknown;
};

function writeModel(name: string, batch: number | string, features?: { features: unknown[]; normalization: unknown }): string {
  const dir = join(tmp, name);
  const inputs = features ? features.features.length : 3;
  const bytes = buildPolicyOnnx(randomWeights(6, inputs, 16, 3, 1.5), { batch });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'm.onnx'), bytes);
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      schemaVersion: 1,
      name,
      model: { file: 'm.onnx', sha256: sha256Hex(bytes) },
      input: { name: 'input', shape: [batch, inputs] },
      features: features?.features ?? [{ id: 'logReturn', params: { lag: 1 } }, { id: 'rsi', params: { period: 5 } }, { id: 'positionSide' }],
      normalization: features?.normalization ?? { type: 'standard', mean: [0, 50, 0.5], std: [0.01, 15, 0.5], clip: 5 },
      bars: features
        ? { barSize: '1 day', lookback: 61, fields: ['open', 'high', 'low', 'close', 'volume'] }
        : { barSize: '1 day', lookback: 6, fields: ['close'] },
      action: { type: 'discrete', output: 'actions', labels: ['hold', 'buy', 'sell'], targets: [null, 1, 0] },
      sizing: { maxPositionFraction: 1, lotSize: 1, rebalanceBand: 0.05, allowShort: false },
    }),
  );
  return dir;
}

describe('policy backtests', () => {
  const bars = parseBarsCsv(syntheticCsv(400), 'synthetic.csv');

  it('batched inference (every side at once) gives exactly the step-by-step result', async () => {
    const batched = await loadModel(writeModel('batched', 'batch'));
    const stepwise = await loadModel(writeModel('stepwise', 1));
    try {
      const c = config(bars, { fromIndex: 10, initialCash: 100_000, sizing: batched.manifest.sizing });
      await assertBatchedIsStepwise(batched, stepwise, c, 4);
    } finally {
      await batched.dispose();
      await stepwise.dispose();
    }
  });

  it("the default model's features over the whole S&P 500 file (several batches of rows): batched gives exactly the step-by-step result", async () => {
    const batched = await loadModel(writeModel('spx-batched', 'batch', DEFAULT_MANIFEST));
    const stepwise = await loadModel(writeModel('spx-stepwise', 1, DEFAULT_MANIFEST));
    try {
      const sp = readBarsCsv(join(ROOT, 'node_modules/vega-datasets/data/sp500-2000.csv'));
      const c = config(sp, { fromIndex: batched.pipeline.history - 1, initialCash: 100_000, sizing: batched.manifest.sizing });
      assert.ok(c.toIndex - c.fromIndex > batched.runner.maxRows / 2, 'more decisions than one batch of rows holds for two sides');
      await assertBatchedIsStepwise(batched, stepwise, c, 20);
    } finally {
      await batched.dispose();
      await stepwise.dispose();
    }
  });

  it('refuses a period that starts before the features have their history', async () => {
    const model = await loadModel(writeModel('history', 'batch'));
    try {
      await assert.rejects(simulatePolicy(model, config(bars, { fromIndex: 2 })), /need 6 bars of history/);
    } finally {
      await model.dispose();
    }
  });

  it('a dropped-in SB3 model with continuous portfolio features runs sequentially on the S&P 500 file', async () => {
    const model = await loadModel(join(ROOT, 'test/fixtures/policy/sb3Discrete'));
    try {
      const sp = readBarsCsv(join(ROOT, 'node_modules/vega-datasets/data/sp500-2000.csv'));
      const c = config(sp, { fromIndex: 4900, initialCash: 100_000, sizing: model.manifest.sizing });
      const r = await runBacktest(model, c);
      assert.equal(r.inference, 'sequential');
      assert.equal(r.bars, sp.length - 4900);
      assert.ok(r.policy.trades.length > 0);
      assert.ok(Number.isFinite(r.metrics.policy.sharpe));
      // positionFraction stays within the model's 0.5 maximum
      for (let i = 0; i < r.policy.position.length; i++) {
        assert.ok((r.policy.position[i]! * sp.close[4900 + i]!) / r.policy.equity[i]! <= 0.5 + 0.02);
      }
    } finally {
      await model.dispose();
    }
  });
});

describe('report', () => {
  it('JSON and a self-contained HTML page with equity, drawdown and trades', async () => {
    const model = await loadModel(writeModel('report<&>', 'batch'));
    try {
      const bars = parseBarsCsv(syntheticCsv(120), 'synthetic.csv');
      const c = config(bars, { fromIndex: 10, initialCash: 100_000 });
      const result = await runBacktest(model, c);
      const report = buildReport(model, c, result);
      assert.equal(report.series.dates.length, result.bars);
      assert.equal(report.series.equity.length, result.bars);
      assert.equal(report.trades.length, result.policy.trades.length);
      const paths = writeReport(report, join(tmp, 'out'));
      const json = JSON.parse(readFileSync(paths.json, 'utf8'));
      assert.equal(json.summary.policy.totalReturn, result.metrics.policy.totalReturn);
      const html = readFileSync(paths.html, 'utf8');
      assert.match(html, /<svg class="chart"/);
      assert.match(html, /Drawdown/);
      assert.match(html, /report&lt;&amp;&gt;/, 'names are escaped');
      assert.doesNotMatch(html, /<script|src=|href=|report<&>/i, 'no scripts or external resources');
      assert.equal(html, renderReportHtml(json), 'the page is a function of the JSON alone');
    } finally {
      await model.dispose();
    }
  });

  it('chart sampling keeps the ends and each bucket extreme', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? -50 : i === 777 ? 99 : Math.sin(i / 100)));
    const idx = sampleIndices([values], values.length, 500);
    assert.ok(idx.length <= 502);
    for (const must of [0, 777, 4321, 9999]) assert.ok(idx.includes(must), `keeps ${must}`);
    assert.deepEqual(sampleIndices([[1, 2, 3]], 3), [0, 1, 2]);
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

/** The batched model and the one-row-per-run model give the same equity and trades, and the policy trades at least `minTrades` times. */
async function assertBatchedIsStepwise(
  batched: Awaited<ReturnType<typeof loadModel>>,
  stepwise: Awaited<ReturnType<typeof loadModel>>,
  c: Parameters<typeof simulatePolicy>[1],
  minTrades: number,
): Promise<void> {
  const a = await simulatePolicy(batched, c);
  const b = await simulatePolicy(stepwise, c);
  assert.equal(a.inference, 'batched');
  assert.equal(b.inference, 'sequential');
  assert.ok(a.result.trades.length >= minTrades, `the policy trades (${a.result.trades.length})`);
  assert.deepEqual([...a.result.equity], [...b.result.equity]);
  assert.deepEqual(a.result.trades, b.result.trades);
}
