// Seeded inputs for the decoder fuzz: byte streams as "TWS" would send them - the handshake
// answer, then frames from the corpus - damaged in the ways a bad link, a bad proxy or a
// bad server damages them, and cut into chunks at random places.
import { Rng } from '../../../src/extension/sim/market/rng';
import { encodeFrame, MAX_FRAME_BYTES } from '../../../src/extension/tws/wire';
import type { Corpus } from './twsCorpus';

export type Mutation =
  | 'none'
  | 'bit-flips'
  | 'truncate'
  | 'insert-bytes'
  | 'delete-range'
  | 'bad-field'
  | 'drop-field'
  | 'extra-field'
  | 'bad-length'
  | 'reorder-frames'
  | 'random-bytes'
  | 'swap-message-id';

export const MUTATIONS: readonly Mutation[] = [
  'bit-flips',
  'truncate',
  'insert-bytes',
  'delete-range',
  'bad-field',
  'drop-field',
  'extra-field',
  'bad-length',
  'reorder-frames',
  'random-bytes',
  'swap-message-id',
];

export interface FuzzCase {
  index: number;
  mutation: Mutation;
  /** the stream, cut into the chunks the socket delivers */
  chunks: Buffer[];
}

/** Field values no working TWS sends where a number, id or text is expected. */
const BAD_VALUES = [
  '',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '-4',
  '1e309',
  '99999999999999999999',
  'abc',
  '1,5',
  '0x10',
  ' 7',
  '\u00ff\u00fe',
  '-0',
  '1.7976931348623157E308',
  '2147483647',
  'x'.repeat(300),
  '\u0000',
];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)]!;
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(0, 255);
  return b;
}

function chunk(rng: Rng, bytes: Buffer): Buffer[] {
  const cuts = new Set<number>();
  const n = rng.int(0, Math.min(8, bytes.length));
  for (let i = 0; i < n; i++) cuts.add(rng.int(1, Math.max(1, bytes.length - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const out: Buffer[] = [];
  for (let i = 1; i < points.length; i++) if (points[i]! > points[i - 1]!) out.push(bytes.subarray(points[i - 1], points[i]));
  return out;
}

export class StreamFuzzer {
  private readonly rng: Rng;

  constructor(
    private readonly corpus: Corpus,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  /** Some consecutive corpus messages (as fields), 1..8 of them. */
  private sample(): string[][] {
    const { fields } = this.corpus;
    const n = this.rng.int(1, 8);
    const start = this.rng.int(0, Math.max(0, fields.length - n));
    return fields.slice(start, start + n).map((f) => [...f]);
  }

  /** One case: `mutation` 'none' is a clean stream, which must decode without a fault. */
  next(index: number, mutation: Mutation): FuzzCase {
    const rng = this.rng;
    let msgs = this.sample();
    let body: Buffer;
    switch (mutation) {
      case 'bad-field':
      case 'drop-field':
      case 'extra-field':
      case 'swap-message-id': {
        const m = msgs[rng.int(0, msgs.length - 1)]!;
        if (mutation === 'bad-field') m[rng.int(1, Math.max(1, m.length - 1))] = pick(rng, BAD_VALUES);
        if (mutation === 'drop-field' && m.length > 1) m.splice(rng.int(1, m.length - 1), 1);
        if (mutation === 'extra-field') m.splice(rng.int(1, m.length), 0, pick(rng, BAD_VALUES));
        if (mutation === 'swap-message-id') m[0] = String(pick(rng, [0, 1, 3, 4, 5, 9, 11, 15, 50, 59, 99, 150, 999, rng.int(0, 300)]));
        body = Buffer.concat(msgs.map((f) => encodeFrame(f)));
        break;
      }
      case 'reorder-frames':
        msgs = msgs.reverse();
        body = Buffer.concat(msgs.map((f) => encodeFrame(f)));
        break;
      case 'random-bytes':
        body = randomBytes(rng, rng.int(1, 512));
        break;
      default:
        body = Buffer.concat(msgs.map((f) => encodeFrame(f)));
    }
    switch (mutation) {
      case 'bit-flips': {
        body = Buffer.from(body);
        const flips = rng.int(1, 8);
        for (let i = 0; i < flips; i++) {
          const at = rng.int(0, body.length - 1);
          body[at] = body[at]! ^ (1 << rng.int(0, 7));
        }
        break;
      }
      case 'truncate':
        body = body.subarray(0, rng.int(0, body.length - 1));
        break;
      case 'insert-bytes': {
        const at = rng.int(0, body.length);
        body = Buffer.concat([body.subarray(0, at), randomBytes(rng, rng.int(1, 16)), body.subarray(at)]);
        break;
      }
      case 'delete-range': {
        const at = rng.int(0, body.length - 1);
        body = Buffer.concat([body.subarray(0, at), body.subarray(Math.min(body.length, at + rng.int(1, 24)))]);
        break;
      }
      case 'bad-length': {
        body = Buffer.from(body);
        const len = pick(rng, [0, -1, -4, -5, -2147483648, MAX_FRAME_BYTES + 1, 0x7fffffff, rng.int(1, 64), rng.int(1, 1 << 20)]);
        body.writeInt32BE(len, 0);
        break;
      }
      default:
        break;
    }
    const stream = Buffer.concat([this.corpus.handshake, body]);
    return { index, mutation, chunks: chunk(rng, stream) };
  }
}
