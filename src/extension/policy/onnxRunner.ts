// ONNX Runtime behind a small surface. onnxruntime-node (a 40+ MB native addon) is imported
// on first use only, so activating the extension or running `sim` never loads it.
// Sessions are onnxruntime-node's native binding (dist/binding, the object its
// InferenceSession wraps): its run is synchronous, and the package's InferenceSession.run
// only defers it to a setImmediate. The live session's cycle runs it in place (runNow): a
// turn of the event loop between the observations and the orders cost 0.2 ms median and
// milliseconds at the tail on a busy machine (bench/FIXES.md); other callers keep the turn.
// dist/binding is not onnxruntime-node's public API: package.json pins the exact version, and
// the modelLoader tests load a real model through it, so an upgrade that moves it fails there.
import { ModelLoadError, PolicyRuntimeError } from './errors';
import type * as Ort from 'onnxruntime-node';
import type { Binding } from 'onnxruntime-node/dist/binding.js';
import type { ActionSpec } from './manifest';

type OrtModule = typeof import('onnxruntime-node');
type OrtBinding = typeof import('onnxruntime-node/dist/binding.js');

let ortPromise: Promise<OrtModule> | undefined;
let bindingPromise: Promise<OrtBinding> | undefined;

export function loadOnnxRuntime(): Promise<OrtModule> {
  return (ortPromise ??= import('onnxruntime-node'));
}

function loadBinding(): Promise<OrtBinding> {
  return (bindingPromise ??= loadOnnxRuntime().then(() => import('onnxruntime-node/dist/binding.js')));
}

/** onnxruntime's element type numbers (ONNX TensorProto.DataType), as onnxruntime-node names them. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  21: 'uint4',
  22: 'int4',
};

function tensorInfo(m: Binding.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, type: 'non-tensor', shape: [] };
  // -1: a symbolic dimension, named in symbolicDimensions
  const shape = m.shape.map((d, i) => (d >= 0 ? d : (m.symbolicDimensions[i] ?? '?')));
  return { name: m.name, type: TYPE_NAMES[m.type] ?? `type ${m.type}`, shape };
}

/** One turn of the event loop (what onnxruntime-node's InferenceSession.run waits before running). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  /** every output, as the binding's `fetches` (null: let onnxruntime allocate it) */
  private readonly allOutputs: Record<string, null>;

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Binding.InferenceSession,
    readonly file: string,
    readonly inputs: readonly TensorInfo[],
    readonly outputs: readonly TensorInfo[],
  ) {
    this.allOutputs = Object.fromEntries(outputs.map((o) => [o.name, null]));
  }

  /** Creates a session from model bytes; an unreadable model is refused as onnx-invalid, naming `file`. */
  static async create(bytes: Uint8Array, file: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const ort = await loadOnnxRuntime();
    const { binding, initOrt } = await loadBinding();
    let session: Binding.InferenceSession;
    let inputs: TensorInfo[];
    let outputs: TensorInfo[];
    try {
      initOrt();
      session = new binding.InferenceSession();
      session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      inputs = session.inputMetadata.map(tensorInfo);
      outputs = session.outputMetadata.map(tensorInfo);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new ModelLoadError('onnx-invalid', file, `onnxruntime cannot load the model: ${msg.split('\n')[0]}`);
    }
    return new OnnxSession(ort, session, file, inputs, outputs);
  }

  /** A float32 [rows, cols] input tensor over `data` (no copy: refill data and run again). */
  tensor(data: Float32Array, rows: number, cols: number): Ort.Tensor {
    return new this.ort.Tensor('float32', data.length === rows * cols ? data : data.subarray(0, rows * cols), [rows, cols]);
  }

  /** Runs the model after a turn of the event loop (as onnxruntime-node's InferenceSession.run does). */
  async run(inputName: string, input: Ort.Tensor, outputNames?: readonly string[]): Promise<OutputMap> {
    await nextTurn();
    return this.runNow(inputName, input, outputNames);
  }

  /** Runs the model now, on this thread (the native run is synchronous; the async run only waits a turn first). */
  runNow(inputName: string, input: Ort.Tensor, outputNames?: readonly string[]): OutputMap {
    const fetches = outputNames ? Object.fromEntries(outputNames.map((name) => [name, null])) : this.allOutputs;
    const out = this.session.run({ [inputName]: input }, fetches, {});
    // The binding builds its outputs with onnxruntime-common's Tensor (initOrt); wrapped if not, as InferenceSession.run does.
    const result: Record<string, Ort.Tensor> = {};
    for (const [name, value] of Object.entries(out)) {
      const v = value as Ort.Tensor | { type: Ort.Tensor.Type; data: Ort.Tensor.DataType; dims: readonly number[] };
      result[name] = v instanceof this.ort.Tensor ? v : new this.ort.Tensor(v.type, v.data, v.dims);
    }
    return result;
  }

  async release(): Promise<void> {
    this.session.dispose();
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
   * Runs `rows` observations from obs and writes one target per row into targets[0..rows), after
   * a turn of the event loop. Returns the action output as the model gave it (the rows' logits,
   * indices or values), for actionDetail() once the orders are out: nothing is computed from it here.
   */
  async act(obs: Float32Array, rows: number, targets: Float64Array): Promise<ActionOutput> {
    await nextTurn();
    return this.actNow(obs, rows, targets);
  }

  /** act() now, without giving up the event loop first (the live session's cycle: nothing else runs between its observations and its orders). */
  actNow(obs: Float32Array, rows: number, targets: Float64Array): ActionOutput {
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
    const out = this.session.runNow(this.inputName, input);
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
