// The model contract: models/<name>/manifest.json beside the .onnx. parseManifest checks
// the JSON against the schema and the feature registry; modelLoader then checks it against
// the ONNX session's real input/output metadata.
import { ModelLoadError } from './errors';
import { FEATURES, FeaturePipeline } from './features';
import type { BarField } from './bars';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SCHEMA_VERSION = 1;

export interface FeatureSpec {
  readonly id: string;
  readonly params?: Readonly<Record<string, number>>;
  /** human-readable definition; informational */
  readonly definition?: string;
}

export type Normalization =
  | { readonly type: 'none'; readonly clip?: number }
  /** (x - mean) / std, then clip. For SB3 VecNormalize: mean = obs_rms.mean, std = sqrt(obs_rms.var + 1e-8), clip = clip_obs */
  | { readonly type: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[]; readonly clip?: number }
  /** x / scale, then clip */
  | { readonly type: 'scale'; readonly scale: readonly number[]; readonly clip?: number };

export type ActionSpec =
  | {
      readonly type: 'discrete';
      /** output name, or its index in the session's outputs (SB3's documented export leaves outputs unnamed) */
      readonly output: string | number;
      readonly labels: readonly string[];
      /** target position in [-1, 1] per action; null keeps the current position */
      readonly targets: readonly (number | null)[];
      /** an index head's log-probability of the action taken (SB3's export: its third output), shown with each decision */
      readonly logProbOutput?: string | number;
    }
  | {
      readonly type: 'continuous';
      readonly output: string | number;
      /** the action is clipped to [low, high] (SB3 exports do not clip) and used as the target in [-1, 1] */
      readonly low: number;
      readonly high: number;
    };

export interface SizingSpec {
  readonly maxPositionFraction: number;
  readonly lotSize: number;
  readonly rebalanceBand: number;
  readonly allowShort: boolean;
}

export interface ExecutionSpec {
  /** orders decided at a bar's close fill at the next bar's open */
  readonly fill: 'nextOpen';
  readonly slippageBps: number;
  readonly commission: string;
  readonly initialCash: number;
}

export interface BarsSpec {
  /** IB bar size, e.g. "1 day", "5 mins", "1 hour" */
  readonly barSize: string;
  /** bars of history the live session must hold before the first decision */
  readonly lookback: number;
  /** source fields the features read; others may be derived */
  readonly fields: readonly BarField[];
  readonly priceColumn?: string;
  readonly source?: string;
  readonly trainFrom?: string;
  readonly trainTo?: string;
  /** first date of the out-of-sample period; the backtest default */
  readonly testFrom?: string;
  /** fields computed rather than read (e.g. open/high/low = price for a date+price file) */
  readonly derived?: readonly BarField[];
  readonly note?: string;
}

export interface Manifest {
  readonly schemaVersion: 1;
  readonly name: string;
  readonly description?: string;
  readonly model: { readonly file: string; readonly sha256: string };
  readonly input: { readonly name: string; readonly shape: readonly (number | string)[] };
  readonly features: readonly FeatureSpec[];
  readonly normalization: Normalization;
  readonly bars: BarsSpec;
  readonly action: ActionSpec;
  readonly sizing: SizingSpec;
  readonly execution?: ExecutionSpec;
  readonly training?: unknown;
}

const BAR_SIZE = /^(\d+)\s*(secs?|mins?|hours?|days?|weeks?|months?)$/i;
const UNIT_SECONDS: Readonly<Record<string, number>> = {
  sec: 1,
  min: 60,
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30.4375 * 86_400,
};

/** Seconds in an IB bar size string ("1 day", "5 mins"), or undefined if it is not one. */
export function barSizeSeconds(barSize: string): number | undefined {
  const m = BAR_SIZE.exec(barSize.trim());
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  return Number(m[1]) * UNIT_SECONDS[unit]!;
}

type Json = unknown;

class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, msg: string): never {
    throw new ModelLoadError('manifest-invalid', this.file, `${path} ${msg}`);
  }

  obj(v: Json, path: string): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    return v as Record<string, Json>;
  }

  str(v: Json, path: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, 'must be a non-empty string');
    return v;
  }

  num(v: Json, path: string, min = -Infinity, max = Infinity): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a finite number');
    if (v < min || v > max) this.fail(path, `must be in [${min}, ${max}], got ${v}`);
    return v;
  }

  int(v: Json, path: string, min: number, max: number): number {
    const n = this.num(v, path, min, max);
    if (!Number.isInteger(n)) this.fail(path, `must be a whole number, got ${n}`);
    return n;
  }

  bool(v: Json, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'must be true or false');
    return v;
  }

  arr(v: Json, path: string): Json[] {
    if (!Array.isArray(v)) this.fail(path, 'must be an array');
    return v;
  }

  numArray(v: Json, path: string, length: number, positive: boolean): number[] {
    const a = this.arr(v, path);
    if (a.length !== length) this.fail(path, `must have ${length} entries (one per feature), has ${a.length}`);
    return a.map((x, i) => {
      const n = this.num(x, `${path}[${i}]`);
      if (positive && !(n > 0)) this.fail(`${path}[${i}]`, `must be > 0, got ${n}`);
      return n;
    });
  }

  outputRef(v: Json, path: string): string | number {
    if (typeof v === 'number') return this.int(v, path, 0, 1000);
    return this.str(v, path);
  }

  noExtra(o: Record<string, Json>, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, `is not a known field (valid: ${allowed.join(', ')})`);
    }
  }
}

/** Validates parsed manifest JSON. `file` names the manifest in every error. */
export function parseManifest(json: unknown, file: string): Manifest {
  const c = new Checker(file);
  const root = c.obj(json, 'manifest');
  c.noExtra(root, 'manifest', [
    'schemaVersion',
    'name',
    'description',
    'model',
    'input',
    'features',
    'normalization',
    'bars',
    'action',
    'sizing',
    'execution',
    'training',
  ]);
  if (root.schemaVersion !== MANIFEST_SCHEMA_VERSION) c.fail('schemaVersion', `must be ${MANIFEST_SCHEMA_VERSION}, got ${JSON.stringify(root.schemaVersion)}`);
  const name = c.str(root.name, 'name');
  const description = root.description === undefined ? undefined : c.str(root.description, 'description');

  const model = c.obj(root.model, 'model');
  const modelFile = c.str(model.file, 'model.file');
  if (modelFile.includes('..') || modelFile.startsWith('/') || modelFile.includes('\\')) c.fail('model.file', 'must be a file name inside the model folder');
  const sha256 = c.str(model.sha256, 'model.sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) c.fail('model.sha256', 'must be 64 hex digits (sha256sum of the .onnx)');

  // features first: the input shape is checked against their count
  const features = c.arr(root.features, 'features').map((f, i): FeatureSpec => {
    const path = `features[${i}]`;
    const o = c.obj(f, path);
    c.noExtra(o, path, ['id', 'params', 'definition']);
    const id = c.str(o.id, `${path}.id`);
    const def = FEATURES[id];
    if (!def) {
      throw new ModelLoadError('unknown-feature', file, `${path}.id "${id}" is not a known feature (known: ${Object.keys(FEATURES).join(', ')})`);
    }
    const params: Record<string, number> = {};
    const given = o.params === undefined ? {} : c.obj(o.params, `${path}.params`);
    for (const [k, spec] of Object.entries(def.params)) {
      if (given[k] === undefined) c.fail(`${path}.params.${k}`, `is required for ${id}`);
      params[k] = c.int(given[k], `${path}.params.${k}`, spec.min, spec.max);
    }
    for (const k of Object.keys(given)) {
      if (!(k in def.params)) c.fail(`${path}.params.${k}`, `is not a parameter of ${id} (valid: ${Object.keys(def.params).join(', ') || 'none'})`);
    }
    return { id, params, definition: o.definition === undefined ? undefined : c.str(o.definition, `${path}.definition`) };
  });
  if (features.length === 0) c.fail('features', 'must list at least one feature');

  const input = c.obj(root.input, 'input');
  c.noExtra(input, 'input', ['name', 'shape', 'dtype']);
  const inputName = c.str(input.name, 'input.name');
  if (input.dtype !== undefined && input.dtype !== 'float32') c.fail('input.dtype', `must be float32, got ${JSON.stringify(input.dtype)}`);
  const shape = c
    .arr(input.shape, 'input.shape')
    .map((d, i) => (typeof d === 'string' ? c.str(d, `input.shape[${i}]`) : c.int(d, `input.shape[${i}]`, 1, 1 << 20)));
  if (shape.length !== 2) c.fail('input.shape', `must be [batch, features], got ${JSON.stringify(shape)}`);
  if (shape[1] !== features.length) {
    throw new ModelLoadError(
      'input-shape',
      file,
      `input.shape ${JSON.stringify(shape)} has ${String(shape[1])} features but the manifest lists ${features.length}`,
    );
  }

  const normalization = parseNormalization(c, root.normalization, features.length);

  const bars = c.obj(root.bars, 'bars');
  c.noExtra(bars, 'bars', ['barSize', 'lookback', 'fields', 'priceColumn', 'source', 'trainFrom', 'trainTo', 'testFrom', 'derived', 'note']);
  const barSize = c.str(bars.barSize, 'bars.barSize');
  if (barSizeSeconds(barSize) === undefined) c.fail('bars.barSize', `"${barSize}" is not a bar size (e.g. "1 day", "1 hour", "5 mins")`);
  const lookback = c.int(bars.lookback, 'bars.lookback', 1, 100_000);
  const pipeline = new FeaturePipeline(features, normalization);
  if (lookback < pipeline.history) {
    c.fail('bars.lookback', `is ${lookback} but the features need ${pipeline.history} bars (${pipeline.labels.join(', ')})`);
  }
  const fieldList = (v: Json, path: string): BarField[] =>
    c.arr(v, path).map((f, i) => {
      if (f !== 'open' && f !== 'high' && f !== 'low' && f !== 'close' && f !== 'volume')
        c.fail(`${path}[${i}]`, 'must be one of open, high, low, close, volume');
      return f as BarField;
    });
  const fields = fieldList(bars.fields ?? ['close'], 'bars.fields');
  for (const need of pipeline.columns) {
    if (!fields.includes(need)) c.fail('bars.fields', `lacks "${need}", which ${pipeline.labels.join(', ')} read`);
  }
  const optDate = (k: string): string | undefined => {
    if (bars[k] === undefined) return undefined;
    const s = c.str(bars[k], `bars.${k}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) c.fail(`bars.${k}`, `must be YYYY-MM-DD, got "${s}"`);
    return s;
  };

  const action = parseAction(c, root.action);
  const sizing = c.obj(root.sizing, 'sizing');
  c.noExtra(sizing, 'sizing', ['maxPositionFraction', 'lotSize', 'rebalanceBand', 'allowShort']);
  const sizingSpec: SizingSpec = {
    maxPositionFraction: c.num(sizing.maxPositionFraction, 'sizing.maxPositionFraction', 0, 10),
    lotSize: c.int(sizing.lotSize ?? 1, 'sizing.lotSize', 1, 1_000_000),
    rebalanceBand: c.num(sizing.rebalanceBand ?? 0, 'sizing.rebalanceBand', 0, 1),
    allowShort: c.bool(sizing.allowShort ?? false, 'sizing.allowShort'),
  };
  if (!sizingSpec.allowShort) {
    const negative = action.type === 'discrete' ? action.targets.some((t) => t !== null && t < 0) : action.low < 0;
    if (negative) c.fail('sizing.allowShort', 'is false but the action has negative targets; set it true or make targets >= 0');
  }

  let execution: ExecutionSpec | undefined;
  if (root.execution !== undefined) {
    const e = c.obj(root.execution, 'execution');
    c.noExtra(e, 'execution', ['fill', 'slippageBps', 'commission', 'initialCash']);
    if (e.fill !== 'nextOpen') c.fail('execution.fill', `must be "nextOpen", got ${JSON.stringify(e.fill)}`);
    execution = {
      fill: 'nextOpen',
      slippageBps: c.num(e.slippageBps, 'execution.slippageBps', 0, 1000),
      commission: c.str(e.commission, 'execution.commission'),
      initialCash: c.num(e.initialCash, 'execution.initialCash', 1),
    };
  }

  return {
    schemaVersion: 1,
    name,
    description,
    model: { file: modelFile, sha256 },
    input: { name: inputName, shape },
    features,
    normalization,
    bars: {
      barSize,
      lookback,
      fields,
      priceColumn: bars.priceColumn === undefined ? undefined : c.str(bars.priceColumn, 'bars.priceColumn'),
      source: bars.source === undefined ? undefined : c.str(bars.source, 'bars.source'),
      trainFrom: optDate('trainFrom'),
      trainTo: optDate('trainTo'),
      testFrom: optDate('testFrom'),
      derived: bars.derived === undefined ? undefined : fieldList(bars.derived, 'bars.derived'),
      note: bars.note === undefined ? undefined : c.str(bars.note, 'bars.note'),
    },
    action,
    sizing: sizingSpec,
    execution,
    training: root.training,
  };
}

function parseNormalization(c: Checker, v: Json, n: number): Normalization {
  const o = c.obj(v, 'normalization');
  const clip = o.clip === undefined ? undefined : c.num(o.clip, 'normalization.clip', Number.MIN_VALUE);
  switch (o.type) {
    case 'none':
      c.noExtra(o, 'normalization', ['type', 'clip']);
      return { type: 'none', clip };
    case 'standard':
      c.noExtra(o, 'normalization', ['type', 'mean', 'std', 'clip']);
      return { type: 'standard', mean: c.numArray(o.mean, 'normalization.mean', n, false), std: c.numArray(o.std, 'normalization.std', n, true), clip };
    case 'scale':
      c.noExtra(o, 'normalization', ['type', 'scale', 'clip']);
      return { type: 'scale', scale: c.numArray(o.scale, 'normalization.scale', n, true), clip };
    default:
      return c.fail('normalization.type', `must be "none", "standard" or "scale", got ${JSON.stringify(o.type)}`);
  }
}

function parseAction(c: Checker, v: Json): ActionSpec {
  const o = c.obj(v, 'action');
  const output = c.outputRef(o.output ?? 0, 'action.output');
  if (o.type === 'discrete') {
    c.noExtra(o, 'action', ['type', 'output', 'labels', 'targets', 'logProbOutput']);
    const labels = c.arr(o.labels, 'action.labels').map((l, i) => c.str(l, `action.labels[${i}]`));
    if (labels.length < 2) c.fail('action.labels', 'must name at least two actions');
    const targets = c.arr(o.targets, 'action.targets').map((t, i) => (t === null ? null : c.num(t, `action.targets[${i}]`, -1, 1)));
    if (targets.length !== labels.length) c.fail('action.targets', `must have one entry per label (${labels.length}), has ${targets.length}`);
    const logProbOutput = o.logProbOutput === undefined ? undefined : c.outputRef(o.logProbOutput, 'action.logProbOutput');
    return { type: 'discrete', output, labels, targets, ...(logProbOutput !== undefined ? { logProbOutput } : {}) };
  }
  if (o.type === 'continuous') {
    c.noExtra(o, 'action', ['type', 'output', 'low', 'high']);
    const low = c.num(o.low ?? -1, 'action.low', -1, 1);
    const high = c.num(o.high ?? 1, 'action.high', -1, 1);
    if (!(low < high)) c.fail('action', `low ${low} must be below high ${high}`);
    return { type: 'continuous', output, low, high };
  }
  return c.fail('action.type', `must be "discrete" or "continuous", got ${JSON.stringify(o.type)}`);
}

/** Position sides the action semantics can reach (0 always: the start, stops and exits). */
export function reachableSides(action: ActionSpec): number[] {
  const sides = new Set<number>([0]);
  if (action.type === 'discrete') {
    for (const t of action.targets) if (t !== null) sides.add(Math.sign(t));
  } else {
    if (action.low < 0) sides.add(-1);
    if (action.high > 0) sides.add(1);
  }
  return [...sides].sort((a, b) => a - b);
}
