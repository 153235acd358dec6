// One decision for the latest bar: features -> observation -> policy -> target position.
// The live session builds one observation row per symbol and runs them all in one inference
// (onnxruntime costs about the same for 10 rows as for 1: one thread-pool hop instead of ten,
// bench/inference.ts); the backtester's step-by-step path calls target() for one row. Both see
// exactly the same observation and action decoding.
import type { BarSeries } from './bars';
import { PolicyRuntimeError } from './errors';
import type { PortfolioState } from './features';
import type { LoadedModel } from './modelLoader';
import { actionDetail, type ActionDetail, type ActionOutput } from './onnxRunner';

export class PolicyStep {
  private readonly size: number;
  private rowsValue = 0;
  /** raw feature values and normalised observations, row after row (grown to the largest batch) */
  private raw: Float64Array;
  private obs: Float32Array;
  private out: Float64Array;
  /** the model's action outputs of the batch's runs (kept by reference: read by detail() after the orders are out) */
  private outputs: Array<{ readonly from: number; readonly rows: number; readonly output: ActionOutput }> = [];

  constructor(readonly model: LoadedModel) {
    this.size = model.pipeline.size;
    this.raw = new Float64Array(this.size);
    this.obs = new Float32Array(this.size);
    this.out = new Float64Array(1);
  }

  /**
   * Target position for bar t, given the account at that bar's close: a fraction of the
   * model's maximum in [-1, 1], or null to keep the current position. Throws
   * PolicyRuntimeError for a NaN/Inf feature or output, or an out-of-range action.
   */
  async target(bars: BarSeries, t: number, state: PortfolioState): Promise<number | null> {
    this.clear();
    this.observe(bars, t, state);
    const [v] = await this.run();
    return v === undefined || Number.isNaN(v) ? null : v;
  }

  /** Starts a new batch: rows observed after this are run together. */
  clear(): void {
    this.rowsValue = 0;
    this.outputs = [];
  }

  /** Rows observed since clear(). */
  get rows(): number {
    return this.rowsValue;
  }

  /** Adds bar t's observation as the batch's next row and returns its index. Throws PolicyRuntimeError for a NaN/Inf feature (no row is added then). */
  observe(bars: BarSeries, t: number, state: PortfolioState): number {
    const row = this.rowsValue;
    this.reserve(row + 1);
    const n = this.size;
    this.model.pipeline.observe(bars, t, state, this.raw.subarray(row * n, (row + 1) * n), this.obs, row * n);
    this.rowsValue = row + 1;
    return row;
  }

  /**
   * Runs every row observed since clear() (one inference, or as many as the model's batch size
   * needs) and returns one target per row, NaN for "keep the position". Throws
   * PolicyRuntimeError for a non-finite or out-of-range output in any row.
   */
  async run(): Promise<Float64Array> {
    const rows = this.rowsValue;
    const runner = this.model.runner;
    const n = this.size;
    for (let from = 0; from < rows; from += runner.maxRows) {
      const count = Math.min(runner.maxRows, rows - from);
      const output = await runner.act(this.obs.subarray(from * n, (from + count) * n), count, this.out.subarray(from, from + count));
      this.outputs.push({ from, rows: count, output });
    }
    return this.out.subarray(0, rows);
  }

  /**
   * The same as run(), but a row whose output fails does not fail the others: on a failure
   * of the batch each row runs alone. One target or error per row.
   */
  async runEach(): Promise<Array<number | PolicyRuntimeError>> {
    try {
      return Array.from(await this.run());
    } catch (err) {
      if (!(err instanceof PolicyRuntimeError) || this.rowsValue === 1) {
        if (err instanceof PolicyRuntimeError) return [err];
        throw err;
      }
    }
    const n = this.size;
    const one = new Float64Array(1);
    const results: Array<number | PolicyRuntimeError> = [];
    for (let r = 0; r < this.rowsValue; r++) {
      try {
        const output = await this.model.runner.act(this.obs.subarray(r * n, (r + 1) * n), 1, one);
        this.outputs.push({ from: r, rows: 1, output });
        results.push(one[0]!);
      } catch (err) {
        if (!(err instanceof PolicyRuntimeError)) throw err;
        results.push(err);
      }
    }
    return results;
  }

  /**
   * Row `row`'s model output beyond its target (action probabilities of a logits head, the
   * taken action's of an index head with a log-probability, a continuous model's raw value), from the last run; undefined when the model gives none or
   * the row did not run. Valid until the next clear().
   */
  detail(row: number): ActionDetail | undefined {
    // the last run holding the row (runEach's one-row runs come after the failed batch's)
    for (let i = this.outputs.length - 1; i >= 0; i--) {
      const o = this.outputs[i]!;
      if (row >= o.from && row < o.from + o.rows) return actionDetail(this.model.manifest.action, this.model.runner.binding.decoding, o.output, row - o.from);
    }
    return undefined;
  }

  /** Row `row`'s raw feature values (valid until the next clear() and observe()). */
  rawValues(row: number): Float64Array {
    return this.raw.subarray(row * this.size, (row + 1) * this.size);
  }

  /** Row `row`'s normalised observation, as the model saw it (valid until the next clear() and observe()). */
  observationOf(row: number): Float32Array {
    return this.obs.subarray(row * this.size, (row + 1) * this.size);
  }

  /** The last observation built (normalised), e.g. for a session journal. */
  get observation(): Float32Array {
    return this.observationOf(Math.max(0, this.rowsValue - 1));
  }

  private reserve(rows: number): void {
    if (this.out.length >= rows) return;
    const cap = Math.max(rows, this.out.length * 2);
    const raw = new Float64Array(cap * this.size);
    raw.set(this.raw);
    const obs = new Float32Array(cap * this.size);
    obs.set(this.obs);
    this.raw = raw;
    this.obs = obs;
    this.out = new Float64Array(cap);
  }
}
