// The inbound side of one link: TWS's bytes as the socket delivers them -> the frame guard
// (frameGuard.ts) -> @stoqey/ib's decoder, and socket reads paused after a slice of decoding
// so a flood cannot starve the event loop. No @stoqey/ib import: this reaches into the
// library's socket through the structural types below (checked when the link is made).
import { FrameError, InboundFrames } from './frameGuard';

/** Decoding time after which socket reads pause for a turn of the event loop (see yieldReads). */
const READ_SLICE_MS = 4;

/** The TCP socket under @stoqey/ib (node's net.Socket), as far as the link uses it. */
export interface NetSocket {
  pause(): unknown;
  resume(): unknown;
  setNoDelay(on: boolean): unknown;
}

/** @stoqey/ib 1.6's socket object (`ib.controller.socket`), as far as the link reaches into it. */
export interface LibrarySocket {
  /** Its entry point for the bytes of its net socket's 'data' events. */
  onData(data: Buffer): void;
  /** True until the server version (the first message) has been read. */
  neverReceived?: unknown;
  useV100Plus?: unknown;
  /** The decoder's queue: one message's fields in, then decode what is queued. */
  controller?: { onMessage?: unknown; processIngressQueue?: unknown };
  client?: Partial<NetSocket>;
}

interface Decoder {
  onMessage(tokens: string[]): void;
  processIngressQueue(): void;
}

export interface InboundHandlers {
  /** Bytes arrived (once per socket read: the heartbeat's proof of life). */
  received(): void;
  /** The bytes or the library's decoding of them cannot be right: the link must end. */
  fault(reason: string): void;
}

export function netSocket(lib: LibrarySocket | undefined): NetSocket | undefined {
  const s = lib?.client;
  return s && typeof s.pause === 'function' && typeof s.resume === 'function' && typeof s.setNoDelay === 'function' ? (s as NetSocket) : undefined;
}

export class LinkInbound {
  private readonly frames = new InboundFrames();
  /** The library's own data handler. */
  private readonly deliver: (data: Buffer) => void;
  /** The library's decoder queue, when its internals are as expected (else every span goes through deliver). */
  private readonly decoder: Decoder | undefined;
  /** Start of the current run of socket reads without a turn of the event loop. */
  private sliceStart: number | undefined;
  private readsPaused = false;
  private stopped = false;

  constructor(
    private readonly lib: LibrarySocket,
    private readonly handlers: InboundHandlers,
  ) {
    this.deliver = lib.onData.bind(lib);
    const c = lib.controller;
    if (c && typeof c.onMessage === 'function' && typeof c.processIngressQueue === 'function') this.decoder = c as Decoder;
  }

  /** A frame begun but incomplete (bytes held / declared). */
  get partial(): { have: number; need: number } | undefined {
    return this.frames.partial;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Bytes from TWS. Only complete, checked frames reach the library's decoder. Never throws. */
  receive(data: Buffer): void {
    this.handlers.received();
    let span: Buffer;
    try {
      span = this.frames.push(data);
    } catch (err) {
      this.handlers.fault(
        err instanceof FrameError ? `TWS sent bytes that are not a TWS API message: ${err.message}` : `reading TWS's bytes failed: ${String(err)}`,
      );
      return;
    }
    if (span.length === 0) return;
    const sliceStart = this.sliceStart ?? this.startSlice();
    try {
      this.decode(span);
    } catch (err) {
      const ids = [...new Set(InboundFrames.messageIds(span))];
      this.handlers.fault(
        `the TWS API decoder failed on message ${ids.length === 1 ? ids[0] : `${ids.join(' or ')}`}: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    if (Date.now() - sliceStart >= READ_SLICE_MS) this.yieldReads();
  }

  /**
   * Checked frames to the decoder. Once the library has read the server version (its first
   * message, which it handles itself), each frame goes straight into its decoder queue: the
   * frame guard has already cut and checked the frames, and the library's own framing of the
   * same bytes (a copy of every read, two Buffer objects and an array copy per message) was a
   * tenth of the ingest path (bench/ingest.ts). Fields: the frame's text up to its last NUL,
   * split at NUL, as the library's onMessage splits them.
   */
  private decode(span: Buffer): void {
    const d = this.decoder;
    if (!d || this.lib.neverReceived !== false || this.lib.useV100Plus !== true) {
      this.deliver(span);
      return;
    }
    for (let at = 0; at < span.length && !this.stopped;) {
      const len = span.readInt32BE(at);
      const fields = span.toString('utf8', at + 4, at + 3 + len).split('\0');
      at += 4 + len;
      d.onMessage(fields);
      d.processIngressQueue();
    }
  }

  private startSlice(): number {
    const now = Date.now();
    this.sliceStart = now;
    setImmediate(() => (this.sliceStart = undefined));
    return now;
  }

  /**
   * libuv reads a busy socket up to 32 times (2 MB) before the event loop moves on: under a
   * quote flood that was 400 ms with no timer, no UI message and no heartbeat (bench/ingest.ts).
   * After READ_SLICE_MS of decoding, reading pauses until the event loop has turned.
   */
  private yieldReads(): void {
    const socket = netSocket(this.lib);
    if (!socket || this.readsPaused) return;
    this.readsPaused = true;
    socket.pause();
    setImmediate(() => {
      this.readsPaused = false;
      if (!this.stopped) socket.resume();
    });
  }
}
