// Writes an SB3-shaped actor-critic policy as ONNX straight from weight arrays (onnx-proto +
// protobufjs, no torch), and a float64 reference forward pass to check onnxruntime against.
import { onnx } from 'onnx-proto';

export interface Linear {
  /** [out][in], as torch.nn.Linear stores it */
  readonly weight: readonly (readonly number[])[];
  readonly bias: readonly number[];
}

export interface MlpWeights {
  /** policy trunk: Linear -> tanh -> Linear -> tanh */
  readonly pi: readonly Linear[];
  readonly vf: readonly Linear[];
  readonly action: Linear;
  readonly value: Linear;
}

export interface BuildOptions {
  readonly inputName?: string;
  /** a number for a fixed batch, a string for a symbolic one */
  readonly batch?: number | string;
  /** 'discrete': int64 argmax + value + log_prob (SB3 deterministic); 'logits': float logits + value; 'continuous': mean + value */
  readonly head?: 'discrete' | 'logits' | 'continuous';
  readonly outputNames?: readonly [string, string, string];
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function dims(batch: number | string, rest: readonly number[]): onnx.ITensorShapeProto {
  const first = typeof batch === 'string' ? { dimParam: batch } : { dimValue: batch };
  return { dim: [first, ...rest.map((d) => ({ dimValue: d }))] };
}

function valueInfo(name: string, elemType: number, shape: onnx.ITensorShapeProto): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape } } };
}

function floatTensor(name: string, shape: readonly number[], values: readonly number[]): onnx.ITensorProto {
  return { name, dims: [...shape], dataType: FLOAT, floatData: [...values] };
}

function intAttr(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

export function buildPolicyOnnx(w: MlpWeights, options: BuildOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const batch = options.batch ?? 'batch';
  const head = options.head ?? 'discrete';
  const [actionsName, valuesName, logProbName] = options.outputNames ?? ['actions', 'values', 'log_prob'];
  const obsDim = w.pi[0]!.weight[0]!.length;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];

  const linear = (x: string, l: Linear, name: string): string => {
    inits.push(floatTensor(`${name}.weight`, [l.weight.length, l.weight[0]!.length], l.weight.flat()));
    inits.push(floatTensor(`${name}.bias`, [l.bias.length], l.bias));
    nodes.push({ opType: 'Gemm', input: [x, `${name}.weight`, `${name}.bias`], output: [`${name}.out`], name, attribute: [intAttr('transB', 1)] });
    return `${name}.out`;
  };
  const trunk = (prefix: string, layers: readonly Linear[]): string => {
    let x = inputName;
    layers.forEach((l, i) => {
      const y = linear(x, l, `${prefix}.${i}`);
      nodes.push({ opType: 'Tanh', input: [y], output: [`${prefix}.${i}.tanh`] });
      x = `${prefix}.${i}.tanh`;
    });
    return x;
  };

  const pi = trunk('pi', w.pi);
  const vf = trunk('vf', w.vf);
  const logits = linear(pi, w.action, 'action_net');
  const value = linear(vf, w.value, 'value_net');
  nodes.push({ opType: 'Identity', input: [value], output: [valuesName] });
  const nOut = w.action.bias.length;
  const outputs: onnx.IValueInfoProto[] = [];

  if (head === 'discrete') {
    nodes.push({ opType: 'ArgMax', input: [logits], output: [actionsName], attribute: [intAttr('axis', 1), intAttr('keepdims', 0)] });
    nodes.push({ opType: 'LogSoftmax', input: [logits], output: ['log_softmax'], attribute: [intAttr('axis', 1)] });
    inits.push({ name: 'axis1', dims: [1], dataType: INT64, int64Data: [1] });
    nodes.push({ opType: 'Unsqueeze', input: [actionsName, 'axis1'], output: ['action_index'] });
    nodes.push({ opType: 'GatherElements', input: ['log_softmax', 'action_index'], output: ['chosen'], attribute: [intAttr('axis', 1)] });
    nodes.push({ opType: 'Squeeze', input: ['chosen', 'axis1'], output: [logProbName] });
    outputs.push(
      valueInfo(actionsName, INT64, dims(batch, [])),
      valueInfo(valuesName, FLOAT, dims(batch, [1])),
      valueInfo(logProbName, FLOAT, dims(batch, [])),
    );
  } else {
    nodes.push({ opType: 'Identity', input: [logits], output: [actionsName] });
    outputs.push(valueInfo(actionsName, FLOAT, dims(batch, [nOut])), valueInfo(valuesName, FLOAT, dims(batch, [1])));
  }

  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'ibkr-ai-trader test/helpers/onnxFromWeights',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'policy',
      node: nodes,
      initializer: inits,
      input: [valueInfo(inputName, FLOAT, dims(batch, [obsDim]))],
      output: outputs,
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

function applyLinear(l: Linear, x: readonly number[]): number[] {
  return l.weight.map((row, o) => row.reduce((s, wv, i) => s + wv * x[i]!, l.bias[o]!));
}

/** float64 forward pass of the same network. */
export function forwardReference(w: MlpWeights, obs: readonly number[]): { logits: number[]; value: number; action: number; logProb: number } {
  let p: number[] = [...obs];
  for (const l of w.pi) p = applyLinear(l, p).map(Math.tanh);
  let v: number[] = [...obs];
  for (const l of w.vf) v = applyLinear(l, v).map(Math.tanh);
  const logits = applyLinear(w.action, p);
  const value = applyLinear(w.value, v)[0]!;
  let action = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[action]!) action = i;
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, z) => s + Math.exp(z - max), 0));
  return { logits, value, action, logProb: logits[action]! - lse };
}

/** Deterministic pseudo-random weights (mulberry32), uniform in [-scale, scale]. */
export function randomWeights(seed: number, obsDim: number, hidden: number, nOut: number, scale = 0.8): MlpWeights {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 * scale - scale;
  };
  const lin = (out: number, inp: number): Linear => ({
    weight: Array.from({ length: out }, () => Array.from({ length: inp }, () => Math.fround(rand()))),
    bias: Array.from({ length: out }, () => Math.fround(rand())),
  });
  return { pi: [lin(hidden, obsDim), lin(hidden, hidden)], vf: [lin(hidden, obsDim), lin(hidden, hidden)], action: lin(nOut, hidden), value: lin(1, hidden) };
}
