// The boundary between TWS's bytes and the @stoqey/ib decoder. Every byte from the socket
// passes through here first: frames are cut out (4-byte big-endian length, then
// NUL-terminated UTF-8 fields, the message id first) and checked, and only whole, well-formed
// frames reach the library. Anything else - a length of zero, a negative or
// oversized length, a frame that does not end in NUL, bytes that are not UTF-8, a message id
// that is not a number - is a FrameError naming what is wrong, and the caller drops the
// connection. Without this, @stoqey/ib 1.6.10 spins forever on a length of -4, buffers up
// to 16 MiB of a bogus length in silence, and turns garbage into NaN-filled events.
// No @stoqey/ib here: pure, and fuzzed as such.
import { isUtf8 } from 'node:buffer';

/** The API's largest message (MAX_MSG_LEN in the official clients: 16 MiB - 1). */
export const MAX_INBOUND_FRAME_BYTES = 0xffffff;

export type FrameProblem = 'length' | 'oversized' | 'terminator' | 'encoding' | 'message-id';

export class FrameError extends Error {
  constructor(
    message: string,
    readonly problem: FrameProblem,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** UTF-8? Short ASCII frames (most ticks) are checked in place; anything else natively. */
function utf8(buf: Buffer, start: number, end: number): boolean {
  if (end - start <= 96) {
    let i = start;
    while (i < end && buf[i]! < 0x80) i++;
    if (i === end) return true;
  }
  return isUtf8(buf.subarray(start, end));
}

/** Accumulates the inbound byte stream and returns the complete frames it holds, checked. */
export class InboundFrames {
  private buf: Buffer = Buffer.alloc(0);
  private frames = 0;
  private failed: FrameError | undefined;

  constructor(private readonly maxFrameBytes = MAX_INBOUND_FRAME_BYTES) {}

  /**
   * Adds bytes; returns the complete frames now held, checked, as one contiguous span (headers
   * included, as the library expects them; no copy), or an empty buffer. Throws FrameError at
   * the first bad frame, and again on every later call.
   */
  push(chunk: Buffer): Buffer {
    if (this.failed) throw this.failed;
    const buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let at = 0;
    try {
      // First the complete frames' extent (a bad length is thrown after the frames before it
      // are checked, as a frame-by-frame reader would), then one native UTF-8 check of that
      // span: valid as a whole means every body is (each ends in NUL and the next starts with
      // a digit, so no sequence crosses a frame). Only if it is not are bodies checked one by
      // one, to name the frame (the span can also fail on a length byte >= 0x80 alone).
      let lengthError: FrameError | undefined;
      let n = this.frames;
      while (buf.length - at >= 4) {
        const len = buf.readInt32BE(at);
        if (len <= 0) lengthError = new FrameError(`a frame header declares ${len} bytes (frame ${n + 1}): not a TWS API message`, 'length');
        else if (len > this.maxFrameBytes)
          lengthError = new FrameError(
            `a frame header declares ${len} bytes, above the API's ${this.maxFrameBytes}-byte maximum (frame ${n + 1})`,
            'oversized',
          );
        if (lengthError || buf.length - at < 4 + len) break;
        n++;
        at += 4 + len;
      }
      const spanUtf8 = at > 0 && isUtf8(buf.subarray(0, at));
      for (let p = 0; p < at;) {
        const len = buf.readInt32BE(p);
        this.check(buf, p + 4, p + 4 + len, spanUtf8);
        this.frames++;
        p += 4 + len;
      }
      if (lengthError) throw lengthError;
    } catch (err) {
      if (err instanceof FrameError) this.failed = err;
      this.buf = Buffer.alloc(0);
      throw err;
    }
    this.buf = buf.subarray(at);
    return buf.subarray(0, at);
  }

  /** The body buf[start, end): NUL-terminated UTF-8, starting with a decimal number (message id or server version). */
  private check(buf: Buffer, start: number, end: number, knownUtf8: boolean): void {
    const n = this.frames + 1;
    const size = end - start;
    if (buf[end - 1] !== 0) throw new FrameError(`frame ${n} (${size} bytes) does not end in a NUL field terminator`, 'terminator');
    // A body whose first byte is not ASCII could pair with its header's last byte: checked alone.
    if ((!knownUtf8 || buf[start]! >= 0x80) && !utf8(buf, start, end)) throw new FrameError(`frame ${n} (${size} bytes) is not UTF-8 text`, 'encoding');
    let i = start;
    while (i < end && i - start < 10 && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    if (i === start || i - start > 9 || buf[i] !== 0) {
      const nul = buf.indexOf(0, start);
      const first = buf.subarray(start, nul < 0 || nul > end ? end : nul).toString('utf8');
      const what = this.frames === 0 ? 'server version' : 'message id';
      throw new FrameError(`frame ${n} starts with ${what} ${JSON.stringify(first.slice(0, 40))}, not a number`, 'message-id');
    }
  }

  /** Ids (the first field) of the frames in a span push() returned, for error texts. */
  static messageIds(span: Buffer): string[] {
    const ids: string[] = [];
    for (let at = 0; span.length - at >= 4;) {
      const len = span.readInt32BE(at);
      const nul = span.indexOf(0, at + 4);
      ids.push(span.subarray(at + 4, nul < 0 ? at + 4 + len : nul).toString('latin1'));
      at += 4 + len;
    }
    return ids;
  }

  /** Frames delivered so far. */
  get count(): number {
    return this.frames;
  }

  /** A frame begun but not complete: bytes held and bytes its header declares. */
  get partial(): { have: number; need: number } | undefined {
    if (this.buf.length === 0) return undefined;
    const need = this.buf.length >= 4 ? this.buf.readInt32BE(0) + 4 : 4;
    return { have: this.buf.length, need };
  }
}
