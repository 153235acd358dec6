// ONNX Runtime behind a small surface. onnxruntime-node (a 40+ MB native addon) is imported
// on first use only, so activating the extension or running `sim` never loads it.
import { ModelLoadError, PolicyRuntimeError } from './errors';
import type * as Ort from 'onnxruntime-node';
import type { ActionSpec } from './manifest';

type OrtModule = typeof import('onnxruntime-node');

let ortPromise: Promise<OrtModule> | undefined;

export function loadOnnxRuntime(): Promise<OrtModule> {
  return (ortPromise ??= import('onnxruntime-node'));
}

export interface TensorInfo {
  readonly name: string;
  /** onnxruntime type name: float32, int64, ... ('non-tensor' for sequences and maps) */
  readonly type: string;
  /** numbers for fixed dimensions, strings for symbolic ones; empty when unknown */
  readonly shape: readonly (number | string)[];
}

export interface OnnxSessionOptions {
  /** threads for one inference; 1 keeps the extension host from competing with the editor */
  readonly intraOpNumThreads?: number;
}

export type OutputMap = Readonly<Record<string, Ort.Tensor>>;

/** One ONNX model in onnxruntime, with its real input/output metadata. */
export class OnnxSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly file: string,
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
  ) {}

  /** Creates a session from model bytes; an unreadable model is refused as onnx-invalid, naming `file`. */
  static async create(bytes: Uint8Array, file: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const ort = await loadOnnxRuntime();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new ModelLoadError('onnx-invalid', file, `onnxruntime cannot load the model: ${msg.split('\n')[0]}`);
    }
    const info = (m: Ort.InferenceSession.ValueMetadata): TensorInfo =>
      m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
    return new OnnxSession(ort, session, file, session.inputMetadata.map(info), session.outputMetadata.map(info));
  }

  /** A float32 [rows, cols] input tensor over `data` (no copy: refill data and run again). */
  tensor(data: Float32Array, rows: number, cols: number): Ort.Tensor {
    return new this.ort.Tensor('float32', data.length === rows * cols ? data : data.subarray(0, rows * cols), [rows, cols]);
  }

  async run(inputName: string, input: Ort.Tensor, outputNames?: readonly string[]): Promise<OutputMap> {
    return outputNames ? this.session.run({ [inputName]: input }, outputNames) : this.session.run({ [inputName]: input });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

type Decoding = 'index' | 'logits' | 'value';

/** Where a manifest's action lives among the session outputs and how to read it. */
export interface ActionBinding {
  readonly outputName: string;
  readonly decoding: Decoding;
  /** an index head's log-probability of the action taken (manifest action.logProbOutput) */
  readonly logProbName?: string;
}

/** A run's action output as the model gave it, and (an index head's) the log-probability of each row's action. */
export interface ActionOutput {
  readonly data: ArrayLike<number | bigint>;
  readonly logProb?: ArrayLike<number>;
}

/**
 * Runs a policy on batches of observations and turns its action output into target positions:
 * one number per row, the target in [-1, 1], or NaN for "hold" (keep the position).
 */
export class PolicyRunner {
  readonly observationSize: number;
  /** the batch dimension is symbolic: many rows per run */
  readonly batchable: boolean;
  private readonly single: Float32Array;
  private singleTensor: Ort.Tensor | undefined;
  private readonly floatOutputs: readonly string[];

  constructor(
    readonly session: OnnxSession,
    readonly inputName: string,
    readonly action: ActionSpec,
    readonly binding: ActionBinding,
    observationSize: number,
    batchDim: number | string,
  ) {
    this.observationSize = observationSize;
    this.batchable = typeof batchDim === 'string';
    this.single = new Float32Array(observationSize);
    this.floatOutputs = session.outputs.filter((o) => o.type === 'float32' || o.type === 'float64').map((o) => o.name);
  }

  /** Largest number of rows per run. */
  get maxRows(): number {
    return this.batchable ? 8192 : 1;
  }

  /**
   * Runs `rows` observations from obs and writes one target per row into targets[0..rows).
   * Returns the action output as the model gave it (the rows' logits, indices or values), for
   * actionDetail() once the orders are out: nothing is computed from it here.
   */
  async act(obs: Float32Array, rows: number, targets: Float64Array): Promise<ActionOutput> {
    const n = this.observationSize;
    if (rows > this.maxRows) throw new RangeError(`${rows} rows exceed the ${this.maxRows} this model takes per run`);
    let input: Ort.Tensor;
    if (rows === 1) {
      // the live session's path: one reused buffer and tensor, no allocation per step
      this.single.set(obs.subarray(0, n));
      input = this.singleTensor ??= this.session.tensor(this.single, 1, n);
    } else {
      input = this.session.tensor(obs, rows, n);
    }
    const out = await this.session.run(this.inputName, input);
    for (const name of this.floatOutputs) {
      const data = out[name]?.data as Float32Array | undefined;
      if (!data) continue;
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i]!)) throw new PolicyRuntimeError('non-finite', `model output "${name}" holds ${data[i]} (element ${i})`);
      }
    }
    const tensor = out[this.binding.outputName];
    if (!tensor) throw new PolicyRuntimeError('bad-action', `model returned no output "${this.binding.outputName}"`);
    const data = tensor.data as ArrayLike<number | bigint>;
    decodeActions(this.action, this.binding.decoding, data, rows, targets);
    const logProb = this.binding.logProbName ? (out[this.binding.logProbName]?.data as ArrayLike<number> | undefined) : undefined;
    return logProb ? { data, logProb } : { data };
  }
}

/** What the model said for one row, beyond its target. */
export interface ActionDetail {
  /** discrete logits: each action's probability (the softmax of the logits), in the manifest's label order */
  readonly probabilities?: readonly number[];
  /** an index head with a log-probability output: the action taken and its probability */
  readonly chosen?: { readonly index: number; readonly p: number };
  /** continuous: the model's output before it is clipped to [low, high] */
  readonly raw?: number;
}

/**
 * Row `row`'s detail from the action output act() returned: probabilities for a logits head,
 * the action taken and its probability for an index head with a log-probability output, the
 * raw value for a continuous one; undefined for a bare index head. Exported for tests.
 */
export function actionDetail(action: ActionSpec, decoding: Decoding, output: ActionOutput, row: number): ActionDetail | undefined {
  const { data } = output;
  if (action.type === 'continuous') return { raw: Number(data[row]) };
  if (decoding === 'index') {
    const lp = output.logProb?.[row];
    return lp === undefined ? undefined : { chosen: { index: Number(data[row]), p: Math.exp(lp) } };
  }
  if (decoding !== 'logits') return undefined;
  const k = action.labels.length;
  const logits: number[] = [];
  for (let j = 0; j < k; j++) logits.push(Number(data[row * k + j]));
  return { probabilities: softmax(logits) };
}

/** exp(z_i) / sum_j exp(z_j), computed with the largest logit subtracted (no overflow). */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** Action output -> target per row (NaN = hold). Exported for tests. */
export function decodeActions(action: ActionSpec, decoding: Decoding, data: ArrayLike<number | bigint>, rows: number, targets: Float64Array): void {
  if (action.type === 'discrete') {
    const k = action.labels.length;
    for (let r = 0; r < rows; r++) {
      let idx: number;
      if (decoding === 'logits') {
        idx = 0;
        let best = Number(data[r * k]);
        for (let j = 1; j < k; j++) {
          const v = Number(data[r * k + j]);
          if (v > best) {
            best = v;
            idx = j;
          }
        }
      } else {
        idx = Number(data[r]);
      }
      if (!Number.isInteger(idx) || idx < 0 || idx >= k) {
        throw new PolicyRuntimeError('bad-action', `action index ${idx} at row ${r} is outside 0..${k - 1} (${action.labels.join(', ')})`);
      }
      const t = action.targets[idx];
      targets[r] = t === null || t === undefined ? NaN : t;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const v = Number(data[r]);
      if (!Number.isFinite(v)) throw new PolicyRuntimeError('non-finite', `action ${v} at row ${r}`);
      targets[r] = v < action.low ? action.low : v > action.high ? action.high : v;
    }
  }
}
