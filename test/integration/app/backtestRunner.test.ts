// The editor's backtest (IBKR: Backtest Policy) runs in-process through the CLI's own
// prepareBacktest/runPreparedBacktest: the panel shows the same report the CLI writes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BacktestError } from '../../../src/extension/backtest/prepareBacktest';
import { runBacktestInProcess } from '../../../src/extension/app/backtestRunner';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { Trader } from '../../../src/extension/app/trader';
import { defaultModelDir } from '../../../src/extension/policy/datasets';
import { isHostToWebview } from '../../../src/webview/validate';

const ROOT = join(__dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'backtest-runner-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('backtests from the extension, in-process', () => {
  it("the demo model on the S&P 500: the committed figures, the report under the folder, the panel's HTML", async () => {
    const logs: string[] = [];
    const out = await runBacktestInProcess({ cwd: tmp, modelDir: defaultModelDir()!, log: (l) => logs.push(l) });
    const oos = JSON.parse(readFileSync(join(ROOT, 'models/ppo-sp500/report.json'), 'utf8')).outOfSample;
    assert.equal(out.title, `ppo-sp500 on SPX, ${oos.from}..${oos.to}`);
    assert.equal(out.figures.trades, oos.policy.trades);
    assert.equal(out.figures.bars, oos.bars);
    assert.ok(Math.abs(Number(out.figures.totalReturn) - oos.policy.totalReturn) <= 1e-9);
    assert.equal(out.reportHtml, join(tmp, 'backtests', `ppo-sp500-SPX-${oos.from}_${oos.to}`, 'report.html'));
    assert.ok(existsSync(out.reportHtml) && existsSync(out.reportJson));
    assert.match(out.html, /<svg class="chart"/);
    assert.ok(out.elapsedMs > 0);
    assert.ok(
      logs.some((l) => /^backtesting ppo-sp500 on SPX \(\d+ bars from /.test(l)),
      logs.join('\n'),
    );
  });

  it('a missing model is a BacktestError naming the file', async () => {
    await assert.rejects(runBacktestInProcess({ cwd: tmp, modelDir: 'no-such-model' }), (err: unknown) => {
      assert.ok(err instanceof BacktestError);
      assert.match(err.message, new RegExp(`${tmp}/no-such-model/manifest\\.json: missing-file`));
      return true;
    });
  });

  it('the Trader shows the report in the panel, or the error', async () => {
    const store = new PanelStore();
    const trader = new Trader({ store, simulator: () => undefined, log: () => {} });
    try {
      const out = await trader.runBacktest({ cwd: tmp, modelDir: defaultModelDir()! });
      const view = store.backtestView();
      assert.deepEqual({ ...view }, { running: false, title: out.title, html: out.html, htmlPath: out.reportHtml });
      assert.ok(isHostToWebview({ type: 'backtest', backtest: view }));
      await assert.rejects(trader.runBacktest({ cwd: tmp, modelDir: 'no-such-model' }));
      const failed = store.backtestView();
      assert.equal(failed.running, false);
      assert.match(failed.error ?? '', /no-such-model\/manifest\.json: missing-file/);
    } finally {
      await trader.dispose();
    }
  });
});
