// Backtests run the project's own CLI (`backtest --json`) in a child process: one
// implementation for the terminal and the editor, onnxruntime stays out of the extension
// host, and a long backtest never blocks it. The report JSON the CLI writes is rendered for
// the panel by the policy's report renderer. No vscode.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BacktestReport } from '../backtest/report';

export interface BacktestRequest {
  /** the node binary (in VS Code: process.execPath with ELECTRON_RUN_AS_NODE=1 in env) */
  node: string;
  /** arguments before the CLI's own: [dist/cli.js], or ['--import', 'tsx', 'src/extension/cli/main.ts'] */
  cli: readonly string[];
  cwd: string;
  /** the report folder (default: the CLI's, backtests/<model>-<symbol>-<from>_<to> under cwd) */
  outDir?: string;
  modelDir?: string;
  /** a bar CSV instead of the default S&P 500 data */
  data?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface BacktestOutcome {
  title: string;
  /** the report's body (tables and inline SVG charts), for the panel */
  html: string;
  reportHtml: string;
  reportJson: string;
  figures: Record<string, unknown>;
  elapsedMs: number;
}

export class BacktestError extends Error {}

export function backtestArgs(r: Pick<BacktestRequest, 'cli' | 'outDir' | 'modelDir' | 'data'>): string[] {
  return [...r.cli, 'backtest', '--json', ...(r.outDir ? ['--out', r.outDir] : []), ...(r.modelDir ? ['--model', r.modelDir] : []), ...(r.data ? ['--data', r.data] : [])];
}

export async function runBacktestCli(r: BacktestRequest): Promise<BacktestOutcome> {
  const t0 = Date.now();
  const args = backtestArgs(r);
  r.log?.(`running ${[r.node, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(r.node, args, { cwd: r.cwd, env: r.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      for (const line of d.split('\n')) if (line.trim()) r.log?.(line.trim());
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), r.timeoutMs ?? 300_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new BacktestError(`cannot start the backtest: ${e.message}`));
    });
    child.once('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err });
    });
  });
  if (code !== 0) {
    const why = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' ') || `exit code ${code}`;
    throw new BacktestError(why.replace(/^error:\s*/i, ''));
  }
  const last = stdout.trim().split('\n').filter(Boolean).pop();
  let figures: Record<string, unknown>;
  try {
    figures = JSON.parse(last ?? '') as Record<string, unknown>;
  } catch {
    throw new BacktestError(`the backtest printed no JSON result: ${stdout.slice(-300)}`);
  }
  const reportJson = String(figures.reportJson ?? '');
  const reportHtml = String(figures.reportHtml ?? '');
  const report = JSON.parse(readFileSync(reportJson, 'utf8')) as BacktestReport;
  const { renderReportBody } = await import('../backtest/reportHtml');
  return {
    title: `${report.model.name} on ${report.data.symbol}, ${report.data.from}..${report.data.to}`,
    html: renderReportBody(report),
    reportHtml,
    reportJson,
    figures,
    elapsedMs: Date.now() - t0,
  };
}
