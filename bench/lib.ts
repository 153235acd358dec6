// Shared pieces of the benchmarks: figures with goals, percentiles, the machine, and the
// options every measurement takes. No vscode, nothing timed here.
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** runOne.ts prints its result on one line after this mark. */
export const RESULT_MARK = 'BENCH_RESULT ';

export interface Goal {
  op: '<=' | '>=';
  value: number;
}

export interface Figure {
  key: string;
  /** null: not measured (see note). */
  value: number | null;
  unit: string;
  goal?: Goal;
  /** What was measured, in a few words (the table's "what" column). */
  what: string;
  note?: string;
}

export interface BenchOptions {
  /** Under a minute for the whole run: fewer samples. */
  quick: boolean;
  /** CI smoke pass: the fewest samples that still exercise every path. */
  smoke: boolean;
}

export interface BenchResult {
  figures: Figure[];
  /** Everything else worth keeping (breakdowns, per-mode rows), written to the JSON and summarised in BENCHMARKS.md. */
  details: Record<string, unknown>;
  /** Lines for BENCHMARKS.md: how it was measured, caveats. */
  notes: string[];
}

export type Bench = (opts: BenchOptions) => Promise<BenchResult>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(values: readonly number[]): { n: number; min: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, min: s[0] ?? NaN, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN, mean };
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function meets(f: Figure): boolean | undefined {
  if (!f.goal || f.value === null || !Number.isFinite(f.value)) return undefined;
  return f.goal.op === '<=' ? f.value <= f.goal.value : f.value >= f.goal.value;
}

export interface Machine {
  cpus: number;
  model: string;
  memoryGiB: number;
  freeGiB: number;
  node: string;
  platform: string;
  loadAverage: number[];
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    model: c[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((x) => round(x, 2)),
  };
}

export const nowNs = (): bigint => process.hrtime.bigint();
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `fn` until `predicate` holds or `timeoutMs` passes (polling every `everyMs`). */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
