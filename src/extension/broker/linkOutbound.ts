// The outbound side of one link: @stoqey/ib's Socket.send frames each message by turning its
// text into a JS array of UTF-8 byte numbers (TextEncoder output copied with Array.from),
// spreading that into a second array behind the length, and copying it into a Buffer: ~1,000
// boxed numbers and three copies for one placeOrder (40-70 µs warm, 0.3 ms or more for a
// cycle's first order on these cores; bench/FIXES.md). The same frame, written straight into
// one Buffer: the same bytes (TextEncoder and Buffer both write UTF-8 and replace lone
// surrogates with U+FFFD), the same `sent` event. The handshake ("API\0" and its version
// range) and the pre-v100 protocol stay with the library's own send.
import type { LibrarySocket, NetSocket } from './linkInbound';

/** @stoqey/ib's socket as far as sending reaches into it (`ib.controller.socket`). */
export interface SendingSocket extends LibrarySocket {
  send(tokens: unknown[]): void;
  flattenDeep(tokens: unknown[]): unknown[];
  controller?: LibrarySocket['controller'] & { emitEvent?: (event: string, ...args: unknown[]) => void };
  client?: Partial<NetSocket> & { write?: (data: Buffer | string) => unknown };
}

/** The library's message separator. */
const EOL = '\0';

/** True when `lib` has the internals framedSend relies on (else the library's own send stays). */
export function canFrameSends(lib: Partial<SendingSocket>): lib is SendingSocket {
  return typeof lib.send === 'function' && typeof lib.flattenDeep === 'function' && typeof lib.controller?.emitEvent === 'function';
}

/** Replaces `lib.send` with one that writes each v100+ message as one Buffer (byte for byte the library's frame). */
export function frameSends(lib: SendingSocket): void {
  const librarySend = lib.send.bind(lib);
  lib.send = function framedSend(this: SendingSocket, input: unknown[]): void {
    const tokens = this.flattenDeep(input);
    const first = tokens[0];
    if (this.useV100Plus !== true || typeof first === 'string') {
      librarySend(input);
      return;
    }
    for (let i = 0; i < tokens.length; i++) {
      const v = tokens[i];
      // as the library does (a Boolean object counts as true, whatever it holds)
      if (v === true || v === false || v instanceof Boolean) tokens[i] = v ? 1 : 0;
    }
    const text = tokens.join(EOL);
    const length = Buffer.byteLength(text, 'utf8');
    // [length of body + 1, big-endian] [body] [0]
    const frame = Buffer.allocUnsafe(length + 5);
    frame.writeUInt32BE(length + 1, 0);
    frame.write(text, 4, 'utf8');
    frame[length + 4] = 0;
    this.client?.write?.(frame);
    this.controller?.emitEvent?.('sent', tokens, text);
  };
}
