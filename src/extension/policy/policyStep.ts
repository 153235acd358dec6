// One decision for the latest bar: features -> observation -> policy -> target position.
// The live session calls this once per completed bar; the backtester's step-by-step path
// calls the same object, so both see exactly the same observation and action decoding.
import type { BarSeries } from './bars';
import type { PortfolioState } from './features';
import type { LoadedModel } from './modelLoader';

export class PolicyStep {
  private readonly raw: Float64Array;
  private readonly obs: Float32Array;
  private readonly out = new Float64Array(1);

  constructor(readonly model: LoadedModel) {
    this.raw = new Float64Array(model.pipeline.size);
    this.obs = new Float32Array(model.pipeline.size);
  }

  /**
   * Target position for bar t, given the account at that bar's close: a fraction of the
   * model's maximum in [-1, 1], or null to keep the current position. Throws
   * PolicyRuntimeError for a NaN/Inf feature or output, or an out-of-range action.
   */
  async target(bars: BarSeries, t: number, state: PortfolioState): Promise<number | null> {
    this.model.pipeline.observe(bars, t, state, this.raw, this.obs, 0);
    await this.model.runner.act(this.obs, 1, this.out);
    const v = this.out[0]!;
    return Number.isNaN(v) ? null : v;
  }

  /** The last observation built (normalised), e.g. for a session journal. */
  get observation(): Float32Array {
    return this.obs;
  }
}
