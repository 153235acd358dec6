// Runs @stoqey/ib 1.6.10's real wire layer in-process, without a network: its
// Encoder writes requests through its Socket's framing into a captured buffer, and
// bytes we produce are fed to its Socket.onData and Decoder. Used to check the
// simulator's codecs against an independent client implementation.

import { Decoder } from '@stoqey/ib/dist/core/io/decoder';
import { Encoder } from '@stoqey/ib/dist/core/io/encoder';
import { Socket } from '@stoqey/ib/dist/core/io/socket';
import { encodeFrame, FrameReader } from '../../../src/extension/tws/wire';

export interface ClientEvent {
  name: string;
  args: unknown[];
}

/** The Socket internals the harness drives (private in the library's typings). */
interface SocketInternals {
  _serverVersion: number;
  neverReceived: boolean;
  client: { write(data: Buffer): void };
  send(tokens: unknown[]): void;
  startAPI(): void;
  onData(data: Buffer): void;
}

interface FakeController {
  emitEvent(name: string, ...args: unknown[]): void;
  emitError(msg: string, code: number, reqId?: number): void;
  pause(): void;
  resume(): void;
  onMessage(tokens: string[]): void;
  processIngressQueue(): void;
}

function makeSocket(serverVersion: number, clientId: number, controller: FakeController, sink: Buffer[]): SocketInternals {
  const socket = new Socket(controller as never, { clientId }) as unknown as SocketInternals;
  socket._serverVersion = serverVersion;
  socket.neverReceived = false;
  socket.client = { write: (data: Buffer) => sink.push(Buffer.from(data)) };
  return socket;
}

function splitFrames(chunks: Buffer[]): string[][] {
  const reader = new FrameReader();
  const frames = reader.push(Buffer.concat(chunks));
  if (reader.pendingBytes !== 0) throw new Error(`client wrote ${reader.pendingBytes} bytes that do not form a frame`);
  return frames;
}

const quietController = (): FakeController => ({
  emitEvent() {},
  emitError(msg) {
    throw new Error(`client socket error: ${msg}`);
  },
  pause() {},
  resume() {},
  onMessage() {},
  processIngressQueue() {},
});

/** The frames (fields, message id first) @stoqey/ib's Encoder puts on the wire for `act`. */
export function clientRequests(serverVersion: number, act: (enc: Encoder) => void): string[][] {
  const written: Buffer[] = [];
  const socket = makeSocket(serverVersion, 1, quietController(), written);
  const refusals: string[] = [];
  const enc = new Encoder({
    serverVersion,
    sendMsg: (...tokens: unknown[]) => socket.send(tokens),
    emitError: (msg: string) => refusals.push(msg),
  });
  act(enc);
  if (refusals.length) throw new Error(`client refused the request: ${refusals.join('; ')}`);
  return splitFrames(written);
}

/** The START_API frame @stoqey/ib's Socket sends after the server version arrives. */
export function clientStartApi(serverVersion: number, clientId: number): string[][] {
  const written: Buffer[] = [];
  makeSocket(serverVersion, clientId, quietController(), written).startAPI();
  return splitFrames(written);
}

/**
 * Feeds the given messages, framed by our wire layer, to @stoqey/ib's Socket and
 * Decoder and returns the events it emits. Decoder complaints (unknown id, unread
 * fields, underrun) come back as "error" events.
 */
export function clientEvents(serverVersion: number, messages: readonly string[][]): ClientEvent[] {
  const events: ClientEvent[] = [];
  const decoder = new Decoder({
    serverVersion,
    emitEvent: (name: unknown, ...args: unknown[]) => events.push({ name: String(name), args }),
    emitError: (msg: string, code: number, reqId?: number, advancedOrderReject?: unknown) =>
      events.push({ name: 'error', args: [msg, code, reqId, advancedOrderReject] }),
    emitInfo: (msg: string, code: number) => events.push({ name: 'info', args: [msg, code] }),
  });
  const controller: FakeController = {
    ...quietController(),
    onMessage: (tokens) => decoder.enqueueMessage(tokens),
    processIngressQueue: () => decoder.process(),
  };
  const socket = makeSocket(serverVersion, 1, controller, []);
  socket.onData(Buffer.concat(messages.map((m) => encodeFrame(m))));
  return events;
}
