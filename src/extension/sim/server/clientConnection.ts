// One API client's socket, as TWS handles it: `API\0` handshake with version
// negotiation, startApi (client id), then framed requests dispatched to handlers.
import type { Socket } from 'node:net';
import { DisposableStore } from '../../core/disposables';
import { eventName, requestName, RequestId } from '../../tws/messageIds';
import { encodeError } from '../protocol/sessionCodec';
import { MAX_SIM_SERVER_VERSION, MIN_CLIENT_VERSION } from '../../tws/serverVersions';
import { MIN_SERVER_VER_PROTOBUF } from '../../tws/releases';
import { encodeFrame, FieldReader, FrameReader, parseHandshake, ProtocolError } from '../../tws/wire';
import type { RecordedOrder, Recorder } from './recorder';

export type ConnectionPhase = 'handshake' | 'await-start-api' | 'ready' | 'closed';

export interface ConnectionHost {
  /** Server version this simulator answers (the top of its range: the release's, or --server-version). */
  readonly serverVersion: number;
  /** fix-mode fault: the port speaks FIX (IB Gateway logged in as FIX CTCI), not the API. */
  readonly fixMode: boolean;
  /** accept-dialog fault: how long this connection's handshake waits for the dialog (0: answer now). */
  handshakeDelayMs(conn: ClientConnection): number;
  readonly recorder: Recorder | undefined;
  /** Is the API answering at all (fault api-disabled / half-open)? */
  answering(conn: ClientConnection): boolean;
  connectionTime(): string;
  onStartApi(conn: ClientConnection, clientId: number, capabilities: string): void;
  onRequest(conn: ClientConnection, msgId: number, reader: FieldReader): void;
  onClosed(conn: ClientConnection): void;
  log(message: string): void;
}

let nextConnectionSeq = 1;

/** Answers of one read are written in batches of about this many bytes (see onData). */
const CORK_BYTES = 32 * 1024;

export class ClientConnection {
  readonly seq = nextConnectionSeq++;
  phase: ConnectionPhase = 'handshake';
  /** Negotiated server version for this client. */
  version = 0;
  clientId: number | null = null;
  private handshakeBuf: Buffer = Buffer.alloc(0);
  /** accept-dialog: the parsed handshake waiting for the dialog to be accepted. */
  private dialogTimer: NodeJS.Timeout | undefined;
  /** What closing the connection cancels (the dialog's timer). */
  private readonly lifetime = new DisposableStore();
  private readonly frames = new FrameReader();
  /** bytes written since the socket was last uncorked */
  private corkedBytes = 0;
  /** Sliding one-second window of request times, for the pacing fault. */
  readonly recentRequests: number[] = [];
  readonly remote: string;

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.closed());
    socket.on('error', () => this.closed());
  }

  get isOpen(): boolean {
    return this.phase !== 'closed';
  }

  /** Answers to a read are held (cork) and written CORK_BYTES at a time and at the read's end:
   *  reqOpenOrders with 1,000 orders answers 2,000 messages, one write syscall each before,
   *  while the client can still decode the first batches as the next are encoded. */
  private onData(chunk: Buffer): void {
    this.socket.cork();
    this.corkedBytes = 0;
    try {
      this.onRead(chunk);
    } finally {
      this.socket.uncork();
    }
  }

  private written(bytes: number): void {
    if (this.socket.writableCorked === 0 || (this.corkedBytes += bytes) < CORK_BYTES) return;
    this.socket.uncork();
    this.socket.cork();
    this.corkedBytes = 0;
  }

  private onRead(chunk: Buffer): void {
    if (!this.host.answering(this)) return;
    if (this.host.fixMode) {
      this.answerFix();
      return;
    }
    if (this.dialogTimer) {
      this.handshakeBuf = Buffer.concat([this.handshakeBuf, chunk]);
      return;
    }
    try {
      if (this.phase === 'handshake') {
        this.handshakeBuf = Buffer.concat([this.handshakeBuf, chunk]);
        const parsed = parseHandshake(this.handshakeBuf);
        if (parsed.kind === 'need-more') return;
        if (parsed.kind === 'error') throw new ProtocolError(parsed.message);
        const { minVersion, maxVersion } = parsed.handshake;
        this.handshakeBuf = this.handshakeBuf.subarray(parsed.consumed);
        const answer = () => {
          this.dialogTimer = undefined;
          const rest = this.handshakeBuf;
          this.handshakeBuf = Buffer.alloc(0);
          this.negotiate(minVersion, maxVersion);
          if (rest.length && this.isOpen) this.onFrames(rest);
        };
        const delay = this.host.handshakeDelayMs(this);
        if (delay > 0) this.dialogTimer = this.lifetime.setTimeout(() => this.guard(answer), delay);
        else answer();
        return;
      }
      this.onFrames(chunk);
    } catch (err) {
      this.host.log(`client ${this.remote}: ${err instanceof Error ? err.message : String(err)}; closing`);
      this.close();
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.log(`client ${this.remote}: ${err instanceof Error ? err.message : String(err)}; closing`);
      this.close();
    }
  }

  /**
   * TWS answers with min(its version, client max); a client whose range it cannot meet
   * disconnects itself. The simulator writes text layouts up to MAX_SIM_SERVER_VERSION:
   * a text-only client (offering < 201, e.g. @stoqey/ib's 193) is answered at most that,
   * which it accepts, so it works against every release; a client offering protocol
   * buffers gets the release's true version (what a version probe needs) and, when the
   * simulator cannot speak that version, the connection is closed after it.
   */
  private negotiate(minVersion: number, maxVersion: number): void {
    const server = this.host.serverVersion;
    this.version = server < MIN_CLIENT_VERSION ? server : Math.min(server, maxVersion);
    if (server >= MIN_CLIENT_VERSION && maxVersion < MIN_CLIENT_VERSION) {
      this.host.log(`client ${this.remote} offered v${minVersion}..${maxVersion}, below v${MIN_CLIENT_VERSION}; closing`);
      this.close();
      return;
    }
    if (this.version > MAX_SIM_SERVER_VERSION && maxVersion < MIN_SERVER_VER_PROTOBUF) this.version = Math.max(MAX_SIM_SERVER_VERSION, minVersion);
    this.phase = 'await-start-api';
    this.writeFields([String(this.version), this.host.connectionTime()], null, 'serverVersion');
    if (this.version > MAX_SIM_SERVER_VERSION) {
      this.host.log(
        `client ${this.remote} negotiated server version ${this.version}; the simulator speaks up to ${MAX_SIM_SERVER_VERSION} (text only): closing after the version`,
      );
      this.closeAfterFlush();
    }
  }

  /** fix-mode: what a FIX engine says to bytes that are not a FIX Logon: a Logout (35=5), then it hangs up. */
  private answerFix(): void {
    if (!this.isOpen) return;
    const body = `35=5\x0149=IBKRFIX\x0156=CLIENT\x0134=1\x0152=${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 21)}\x0158=First message is not a Logon (35=A)\x01`;
    const head = `8=FIX.4.2\x019=${Buffer.byteLength(body, 'latin1')}\x01`;
    const sum = [...Buffer.from(head + body, 'latin1')].reduce((a, b) => a + b, 0) % 256;
    const msg = Buffer.from(`${head}${body}10=${String(sum).padStart(3, '0')}\x01`, 'latin1');
    this.record('out', null, [msg.toString('latin1')], 'fix:logout');
    this.socket.write(msg);
    this.closeAfterFlush();
  }

  /** Closes after what was written is flushed (destroy would drop it). */
  private closeAfterFlush(): void {
    this.socket.end();
    this.closed();
  }

  private onFrames(chunk: Buffer): void {
    for (const fields of this.frames.push(chunk)) {
      if (!this.isOpen) return;
      const msgId = Number(fields[0]);
      if (!Number.isInteger(msgId)) throw new ProtocolError(`message id "${fields[0]}" is not a number`);
      const reader = new FieldReader(fields.slice(1), requestName(msgId));
      if (this.phase === 'await-start-api') {
        if (msgId !== RequestId.START_API) throw new ProtocolError(`expected startApi (71) after the handshake, got message ${msgId}`);
        this.record('in', msgId, fields);
        reader.int('version');
        const clientId = reader.int('clientId');
        const capabilities = reader.remaining > 0 ? reader.str('optionalCapabilities') : '';
        this.host.onStartApi(this, clientId, capabilities);
        continue;
      }
      this.host.onRequest(this, msgId, reader);
    }
  }

  /** Sends one message (fields including its id). */
  send(fields: readonly string[]): void {
    this.writeFields(fields, Number(fields[0]), eventName(Number(fields[0])));
  }

  sendError(reqId: number, code: number, message: string, advancedOrderRejectJson = ''): void {
    this.send(encodeError(this.version, { reqId, code, message, advancedOrderRejectJson }));
  }

  /** Bytes outside the framing, for the stream-corruption faults; recorded under `name` as `recordFields` (default: the hex). */
  writeCorrupt(bytes: Buffer, name: string, recordFields: readonly string[] = [bytes.toString('hex')]): void {
    if (!this.isOpen || !this.host.answering(this)) return;
    this.record('out', null, recordFields, name);
    this.socket.write(bytes);
  }

  private writeFields(fields: readonly string[], msgId: number | null, name: string): void {
    if (!this.isOpen || !this.host.answering(this)) return;
    this.record('out', msgId, fields, name);
    const frame = encodeFrame(fields);
    this.socket.write(frame);
    this.written(frame.length);
  }

  /**
   * Writes already-encoded frames (flood mode), unrecorded; returns false when the socket's
   * buffer is full (wait for 'drain'), as socket.write does.
   */
  writeRaw(frames: Buffer): boolean {
    if (!this.isOpen || !this.host.answering(this)) return true;
    return this.socket.write(frames);
  }

  record(dir: 'in' | 'out', msgId: number | null, fields: readonly string[], name?: string, order?: RecordedOrder): void {
    const rec = this.host.recorder;
    if (!rec) return;
    rec.write({
      t: Date.now(),
      dir,
      clientId: this.clientId,
      msgId,
      name: name ?? (msgId === null ? 'handshake' : dir === 'in' ? requestName(msgId) : eventName(msgId)),
      fields: [...fields],
      ...(order ? { order } : {}),
    });
  }

  close(): void {
    if (!this.isOpen) return;
    while (this.socket.writableCorked > 0) this.socket.uncork(); // what was answered before the close still goes
    this.socket.destroy();
    this.closed();
  }

  private closed(): void {
    this.lifetime.dispose();
    this.dialogTimer = undefined;
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.host.onClosed(this);
  }
}
