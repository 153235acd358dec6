// Backtests from the editor run in-process through the same prepareBacktest() and
// runPreparedBacktest() as `npm run backtest`: one implementation, typed results, no child
// process or stdout to parse. The report is rendered for the panel by the report renderer.
// No vscode.
//
// Why not a worker_thread: a typical run is short. Measured on the demo (ppo-sp500 on the
// 1332 bars of the S&P 500 test period, on 2 cores shared with other jobs): 0.4-0.6 s per run,
// 1.2 s for the first (loading the modules and onnxruntime); the simulation itself 40-160 ms
// (batched inference); the event loop's longest stall 0.17-0.39 s (reading the bars, the walk,
// writing the report). That is under the 1-2 s that would make the extension host feel stuck,
// so it runs as an async call in the host, like the live session's model already does.
import { performance } from 'node:perf_hooks';
import { backtestFigures, prepareBacktest, runPreparedBacktest, type PreparedBacktest } from '../backtest/prepareBacktest';

export interface BacktestRequest {
  /** relative paths (model, data, report folder) resolve against it; the report goes under it by default */
  cwd: string;
  /** the report folder (default: backtests/<model>-<symbol>-<from>_<to> under cwd) */
  outDir?: string;
  modelDir?: string;
  /** a bar CSV instead of the default S&P 500 data */
  data?: string;
  log?: (line: string) => void;
}

export interface BacktestOutcome {
  title: string;
  /** the report's body (tables and inline SVG charts), for the panel */
  html: string;
  reportHtml: string;
  reportJson: string;
  /** the figures `npm run backtest -- --json` prints */
  figures: Record<string, unknown>;
  elapsedMs: number;
}

/** Runs one backtest in-process; a problem with the model, data or options is a BacktestError naming it. */
export async function runBacktestInProcess(r: BacktestRequest): Promise<BacktestOutcome> {
  const t0 = performance.now();
  let prepared: PreparedBacktest | undefined;
  try {
    prepared = await prepareBacktest({
      cwd: r.cwd,
      ...(r.modelDir !== undefined ? { modelDir: r.modelDir } : {}),
      ...(r.data !== undefined ? { data: r.data } : {}),
    });
    for (const note of prepared.notes) r.log?.(`note: ${note}`);
    const c = prepared.config;
    r.log?.(`backtesting ${prepared.model.manifest.name} on ${c.bars.symbol} (${c.toIndex - c.fromIndex + 1} bars from ${c.bars.source})`);
    const run = await runPreparedBacktest(prepared, r.outDir, r.cwd);
    const { renderReportBody } = await import('../backtest/reportHtml');
    const { report, paths } = run;
    return {
      title: `${report.model.name} on ${report.data.symbol}, ${report.data.from}..${report.data.to}`,
      html: renderReportBody(report),
      reportHtml: paths.html,
      reportJson: paths.json,
      figures: backtestFigures(run),
      elapsedMs: Math.round(performance.now() - t0),
    };
  } finally {
    await prepared?.model.dispose();
  }
}
