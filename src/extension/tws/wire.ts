// The TWS socket protocol's framing (API v100+): after the `API\0` handshake every
// message is a 4-byte big-endian length followed by NUL-terminated text fields,
// the message id first. Used by the simulator; the broker talks through @stoqey/ib.

/** Largest frame TWS accepts or sends (the API's MAX_MSG_LEN is 16 MiB - 1). */
export const MAX_FRAME_BYTES = 0xffffff;

/** Java's Integer.MAX_VALUE / Double.MAX_VALUE: the API's "unset" sentinels. */
export const UNSET_INTEGER = 2147483647;
export const UNSET_DOUBLE = Number.MAX_VALUE;
export const UNSET_DECIMAL = Number.MAX_VALUE;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Encodes already-formatted fields into one length-prefixed frame. */
export function encodeFrame(fields: readonly string[]): Buffer {
  let body = '';
  for (const f of fields) body += f + '\0';
  const bytes = Buffer.byteLength(body, 'utf8');
  const frame = Buffer.allocUnsafe(4 + bytes);
  frame.writeUInt32BE(bytes, 0);
  frame.write(body, 4, 'utf8');
  return frame;
}

/** Splits a frame body into its fields (the trailing NUL ends the last field). */
export function decodeFields(body: Buffer): string[] {
  const text = body.toString('utf8');
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The client's opening: `API\0` + length + `v<min>..<max>` (+ optional ` <connectOptions>`). */
export interface Handshake {
  minVersion: number;
  maxVersion: number;
  connectOptions: string;
}

export type HandshakeParse = { kind: 'need-more' } | { kind: 'ok'; handshake: Handshake; consumed: number } | { kind: 'error'; message: string };

const API_PREFIX = Buffer.from('API\0', 'latin1');

export function parseHandshake(buf: Buffer): HandshakeParse {
  const head = buf.subarray(0, Math.min(4, buf.length));
  if (!API_PREFIX.subarray(0, head.length).equals(head)) {
    return { kind: 'error', message: 'client did not start with "API\\0" (not a TWS API v100+ client?)' };
  }
  if (buf.length < 8) return { kind: 'need-more' };
  const len = buf.readUInt32BE(4);
  if (len > 1024) return { kind: 'error', message: `handshake version string of ${len} bytes is too long` };
  if (buf.length < 8 + len) return { kind: 'need-more' };
  const text = buf.subarray(8, 8 + len).toString('latin1');
  const m = /^v(\d+)(?:\.\.(\d+))?(?: (.*))?$/.exec(text);
  if (!m) return { kind: 'error', message: `malformed version range "${text}"` };
  const minVersion = Number(m[1]);
  const maxVersion = m[2] !== undefined ? Number(m[2]) : minVersion;
  return { kind: 'ok', handshake: { minVersion, maxVersion, connectOptions: m[3] ?? '' }, consumed: 8 + len };
}

/** Accumulates bytes and yields complete frames' fields; rejects oversized frames. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): string[][] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[][] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > MAX_FRAME_BYTES) throw new ProtocolError(`frame of ${len} bytes exceeds the ${MAX_FRAME_BYTES}-byte maximum`);
      if (this.buf.length < 4 + len) break;
      out.push(decodeFields(this.buf.subarray(4, 4 + len)));
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }

  get pendingBytes(): number {
    return this.buf.length;
  }
}

/** Formats a Java double the way TWS prints it (`185.0`, `0.25`, `1.7976931348623157E308`). */
export function formatDouble(v: number): string {
  if (v === UNSET_DOUBLE) return '1.7976931348623157E308';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return v.toFixed(1);
  const s = String(v);
  return s.replace('e+', 'E').replace('e-', 'E-');
}

/** Builds one outgoing message field by field, with the API's conventions for unset values. */
export class FieldWriter {
  readonly fields: string[] = [];

  str(v: string | undefined | null): this {
    this.fields.push(v ?? '');
    return this;
  }
  int(v: number): this {
    this.fields.push(String(Math.trunc(v)));
    return this;
  }
  /** An int that may be unset: written as "" when undefined or Integer.MAX_VALUE. */
  intMax(v: number | undefined): this {
    this.fields.push(v === undefined || v === UNSET_INTEGER ? '' : String(Math.trunc(v)));
    return this;
  }
  bool(v: boolean | undefined): this {
    this.fields.push(v ? '1' : '0');
    return this;
  }
  double(v: number): this {
    this.fields.push(formatDouble(v));
    return this;
  }
  /** A double that may be unset: written as "" when undefined or Double.MAX_VALUE. */
  doubleMax(v: number | undefined): this {
    this.fields.push(v === undefined || v === UNSET_DOUBLE ? '' : formatDouble(v));
    return this;
  }
  /** Decimal (quantities, sizes since server 163): plain digits, "" when unset. */
  decimal(v: number | undefined): this {
    this.fields.push(v === undefined || v === UNSET_DECIMAL ? '' : trimDecimal(v));
    return this;
  }
  raw(...v: string[]): this {
    this.fields.push(...v);
    return this;
  }
}

function trimDecimal(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toFixed(8)));
}

/** Reads one incoming message field by field; errors name the field that was bad. */
export class FieldReader {
  private i = 0;
  constructor(
    readonly fields: readonly string[],
    readonly messageName = 'message',
  ) {}

  get position(): number {
    return this.i;
  }
  get remaining(): number {
    return this.fields.length - this.i;
  }
  private next(name: string): string {
    if (this.i >= this.fields.length) {
      throw new ProtocolError(`${this.messageName}: missing field "${name}" (field ${this.i} of ${this.fields.length})`);
    }
    return this.fields[this.i++] as string;
  }
  str(name: string): string {
    return this.next(name);
  }
  int(name: string): number {
    const s = this.next(name);
    if (s === '') return 0;
    const n = Number(s);
    if (!Number.isInteger(n)) throw new ProtocolError(`${this.messageName}: field "${name}" is "${s}", expected an integer`);
    return n;
  }
  /** "" or Integer.MAX_VALUE mean unset. */
  intMax(name: string): number | undefined {
    const s = this.next(name);
    if (s === '') return undefined;
    const n = Number(s);
    if (!Number.isInteger(n)) throw new ProtocolError(`${this.messageName}: field "${name}" is "${s}", expected an integer`);
    return n === UNSET_INTEGER ? undefined : n;
  }
  bool(name: string): boolean {
    const s = this.next(name);
    if (s === '' || s === '0' || s === 'false') return false;
    if (s === '1' || s === 'true') return true;
    const n = Number(s);
    if (Number.isNaN(n)) throw new ProtocolError(`${this.messageName}: field "${name}" is "${s}", expected 0 or 1`);
    return n !== 0;
  }
  double(name: string): number {
    const s = this.next(name);
    if (s === '') return 0;
    const n = Number(s);
    if (Number.isNaN(n)) throw new ProtocolError(`${this.messageName}: field "${name}" is "${s}", expected a number`);
    return n;
  }
  /** "" or Double.MAX_VALUE mean unset. */
  doubleMax(name: string): number | undefined {
    const s = this.next(name);
    if (s === '') return undefined;
    const n = Number(s);
    if (Number.isNaN(n)) throw new ProtocolError(`${this.messageName}: field "${name}" is "${s}", expected a number`);
    return n >= UNSET_DOUBLE ? undefined : n;
  }
  decimal(name: string): number | undefined {
    return this.doubleMax(name);
  }
  skip(count = 1): void {
    for (let k = 0; k < count; k++) this.next('(skipped)');
  }
}
