// Loads models/<name>/: manifest.json, then the .onnx it names, checked against the
// manifest (sha256) and the manifest against the session's real input/output metadata.
// Every refusal is a ModelLoadError naming the file and the reason.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseJsonText } from '../core/textFile';
import { ModelLoadError, PolicyRuntimeError } from './errors';
import { FeaturePipeline } from './features';
import { MANIFEST_FILE, parseManifest } from './manifest';
import { OnnxSession, PolicyRunner } from './onnxRunner';
import type { Manifest } from './manifest';
import type { ActionBinding, OnnxSessionOptions, TensorInfo } from './onnxRunner';

export interface LoadedModel {
  readonly dir: string;
  readonly manifestPath: string;
  readonly onnxPath: string;
  readonly manifest: Manifest;
  readonly pipeline: FeaturePipeline;
  readonly runner: PolicyRunner;
  dispose(): Promise<void>;
}

function readOrRefuse(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? `${what} does not exist` : code === 'EISDIR' ? `${what} is a directory` : `cannot read ${what} (${code ?? String(err)})`;
    throw new ModelLoadError('missing-file', path, detail);
  }
}

/** Reads and validates manifest.json only: no onnxruntime. */
export function readManifest(dir: string): { manifest: Manifest; manifestPath: string } {
  const manifestPath = join(resolve(dir), MANIFEST_FILE);
  const text = readOrRefuse(manifestPath, `the model manifest (a model folder holds ${MANIFEST_FILE} beside its .onnx)`).toString('utf8');
  let json: unknown;
  try {
    json = parseJsonText(text); // editors on Windows may save it with a byte-order mark
  } catch (err) {
    throw new ModelLoadError('manifest-invalid', manifestPath, `is not valid JSON (${(err as Error).message})`);
  }
  return { manifest: parseManifest(json, manifestPath), manifestPath };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const FLOAT_TYPES = ['float32', 'float64', 'float16'];
const names = (list: readonly TensorInfo[]): string => list.map((t) => `"${t.name}" ${t.type}${JSON.stringify(t.shape)}`).join(', ');
const INT_TYPES = ['int64', 'int32'];

/** Checks the manifest against the session metadata; returns how to read the action. */
export function bindModel(
  manifest: Manifest,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
  file: string,
): { binding: ActionBinding; batchDim: number | string } {
  const input = inputs.find((i) => i.name === manifest.input.name);
  if (!input) throw new ModelLoadError('input-name', file, `has no input "${manifest.input.name}" (the manifest's input.name); its inputs: ${names(inputs)}`);
  if (inputs.length !== 1)
    throw new ModelLoadError('input-name', file, `has ${inputs.length} inputs (${names(inputs)}); a policy takes one observation tensor`);
  if (input.type !== 'float32') throw new ModelLoadError('input-type', file, `input "${input.name}" is ${input.type}; observations are float32`);

  const shape = input.shape;
  const want = manifest.input.shape;
  const dimsMatch = shape.length === want.length && shape.every((d, i) => (typeof d === 'string' ? typeof want[i] === 'string' : d === want[i]));
  if (!dimsMatch) {
    throw new ModelLoadError(
      'input-shape',
      file,
      `input "${input.name}" has shape ${JSON.stringify(shape)} but the manifest says ${JSON.stringify(want)} (strings are symbolic dimensions)`,
    );
  }
  const batchDim = shape[0]!;
  if (typeof batchDim === 'number' && batchDim !== 1) {
    throw new ModelLoadError('input-shape', file, `fixed batch size ${batchDim} is not supported; export with batch 1 or a dynamic batch axis`);
  }

  const a = manifest.action;
  let out: TensorInfo | undefined;
  if (typeof a.output === 'number') {
    out = outputs[a.output];
    if (!out) throw new ModelLoadError('output-name', file, `has no output #${a.output} (action.output); its outputs: ${names(outputs)}`);
  } else {
    out = outputs.find((o) => o.name === a.output);
    if (!out) throw new ModelLoadError('output-name', file, `has no output "${a.output}" (action.output); its outputs: ${names(outputs)}`);
  }
  const rank = out.shape.length;
  // [batch] or [batch, 1]: one number per row (an action index or a continuous target)
  const oneColumn = rank === 1 || (rank === 2 && out.shape[rank - 1] === 1);
  const output = out;
  const shapeError = (must: string) => new ModelLoadError('output-shape', file, `action output "${output.name}" ${JSON.stringify(output.shape)}: ${must}`);
  let decoding: ActionBinding['decoding'];
  if (a.type === 'discrete') {
    if (INT_TYPES.includes(out.type)) {
      decoding = 'index';
      if (!oneColumn) throw shapeError('an action index must be [batch] or [batch, 1]');
    } else if (FLOAT_TYPES.includes(out.type)) {
      decoding = 'logits';
      if (rank !== 2 || out.shape[1] !== a.labels.length)
        throw shapeError(`logits must be [batch, ${a.labels.length}] for ${a.labels.length} actions (${a.labels.join(', ')})`);
    } else {
      throw new ModelLoadError('output-type', file, `action output "${out.name}" is ${out.type}; a discrete action is an int64 index or float logits`);
    }
  } else {
    if (!FLOAT_TYPES.includes(out.type))
      throw new ModelLoadError('output-type', file, `action output "${out.name}" is ${out.type}; a continuous action is float`);
    decoding = 'value';
    if (!oneColumn) throw shapeError('a continuous target must be [batch] or [batch, 1]');
  }
  const logProb = a.type === 'discrete' && a.logProbOutput !== undefined ? bindLogProb(a.logProbOutput, decoding, outputs, file) : undefined;
  return { binding: { outputName: out.name, decoding, ...(logProb ? { logProbName: logProb } : {}) }, batchDim };
}

/** action.logProbOutput: a float [batch] (or [batch, 1]) output beside an int64 index head. */
function bindLogProb(ref: string | number, decoding: ActionBinding['decoding'], outputs: readonly TensorInfo[], file: string): string {
  const out = typeof ref === 'number' ? outputs[ref] : outputs.find((o) => o.name === ref);
  const which = typeof ref === 'number' ? `#${ref}` : `"${ref}"`;
  if (!out) throw new ModelLoadError('output-name', file, `has no output ${which} (action.logProbOutput); its outputs: ${names(outputs)}`);
  if (decoding !== 'index')
    throw new ModelLoadError(
      'output-type',
      file,
      `action.logProbOutput is for an int64 action index; a logits output already gives every action's probability`,
    );
  const oneColumn = out.shape.length === 1 || (out.shape.length === 2 && out.shape[1] === 1);
  if (!FLOAT_TYPES.includes(out.type) || !oneColumn)
    throw new ModelLoadError(
      'output-type',
      file,
      `output "${out.name}" (action.logProbOutput) is ${out.type} ${JSON.stringify(out.shape)}; a log-probability is float [batch]`,
    );
  return out.name;
}

/** Loads and checks a model folder; refuses with a ModelLoadError naming the file and the reason. */
export async function loadModel(dir: string, options: OnnxSessionOptions = {}): Promise<LoadedModel> {
  const { manifest, manifestPath } = readManifest(dir);
  const onnxPath = join(resolve(dir), manifest.model.file);
  const bytes = readOrRefuse(onnxPath, `the model file named by ${MANIFEST_FILE} (model.file)`);
  const actual = sha256Hex(bytes);
  if (actual !== manifest.model.sha256) {
    throw new ModelLoadError(
      'hash-mismatch',
      onnxPath,
      `sha256 is ${actual} but ${MANIFEST_FILE} says ${manifest.model.sha256}: the file changed after the manifest was written (re-export, or update model.sha256 if you replaced the model on purpose)`,
    );
  }
  const pipeline = new FeaturePipeline(manifest.features, manifest.normalization);
  const session = await OnnxSession.create(bytes, onnxPath, options);
  try {
    const { binding, batchDim } = bindModel(manifest, session.inputs, session.outputs, onnxPath);
    const runner = new PolicyRunner(session, manifest.input.name, manifest.action, binding, pipeline.size, batchDim);
    await probe(runner, onnxPath);
    return {
      dir: resolve(dir),
      manifestPath,
      onnxPath,
      manifest,
      pipeline,
      runner,
      dispose: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** One run on a neutral observation (every feature at its training mean) and on +-1: NaN or Inf
 *  outputs and out-of-range actions show up before any bar is traded. */
async function probe(runner: PolicyRunner, file: string): Promise<void> {
  const n = runner.observationSize;
  const targets = new Float64Array(1);
  for (const fill of [0, 1, -1]) {
    try {
      await runner.act(new Float32Array(n).fill(fill), 1, targets);
    } catch (err) {
      if (err instanceof PolicyRuntimeError) throw new ModelLoadError(err.reason, file, `probe run with every feature = ${fill}: ${err.message}`);
      throw err;
    }
  }
}
