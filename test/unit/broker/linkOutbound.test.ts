// Outbound frames: the link's send (linkOutbound.ts) must put exactly the bytes on the wire
// that @stoqey/ib's own Socket.send would. Both run on the same library socket object (not
// connected); its net socket is replaced by a recorder of what would be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IBApi } from '@stoqey/ib';
import { MAX_SUPPORTED_SERVER_VERSION } from '@stoqey/ib/dist/api/api';
import { IbLink } from '../../../src/extension/broker/ibLink';
import type { LinkEventMap } from '../../../src/extension/broker/linkEvents';
import { canFrameSends, frameSends, type SendingSocket } from '../../../src/extension/broker/linkOutbound';
import { wireSpec } from '../../../src/extension/broker/orders';
import { toIbContract, toIbOrder } from '../../../src/extension/broker/wireMapping';
import { EventHub } from '../../../src/extension/core/observable';

interface Recorded {
  socket: SendingSocket;
  librarySend: (tokens: unknown[]) => void;
  writes: Array<Buffer | string>;
  sent: Array<{ tokens: unknown[]; text: string }>;
}

function librarySocket(v100 = true): Recorded {
  const ib = new IBApi({ host: '127.0.0.1', port: 1, clientId: 1 });
  const socket = (ib as unknown as { controller: { socket: SendingSocket & { _serverVersion: number } } }).controller.socket;
  const writes: Array<Buffer | string> = [];
  const sent: Array<{ tokens: unknown[]; text: string }> = [];
  socket.client = { write: (data: Buffer | string) => writes.push(typeof data === 'string' ? data : Buffer.from(data)) };
  socket.useV100Plus = v100;
  socket._serverVersion = MAX_SUPPORTED_SERVER_VERSION;
  ib.on('sent' as never, ((tokens: unknown[], text: string) => sent.push({ tokens: [...tokens], text })) as never);
  assert.ok(canFrameSends(socket), "@stoqey/ib's socket has the internals the link's send uses");
  return { socket, librarySend: socket.send.bind(socket), writes, sent };
}

/** The library's bytes and event for `tokens`, then the link's, on the same socket. */
function both(r: Recorded, tokens: () => unknown[]): { library: Buffer | string; ours: Buffer | string } {
  r.librarySend(tokens());
  const library = r.writes.pop()!;
  const libraryEvent = r.sent.pop();
  frameSends(r.socket);
  r.socket.send(tokens());
  const ours = r.writes.pop()!;
  assert.deepEqual(r.sent.pop(), libraryEvent, 'the same `sent` event (tokens and text)');
  r.socket.send = r.librarySend;
  return { library, ours };
}

test("a placeOrder leaves as the library's own frame, byte for byte", () => {
  const r = librarySocket();
  // The tokens @stoqey/ib's encoder produces for one of the session's orders.
  let tokens: unknown[] = [];
  r.socket.send = (t: unknown[]) => void (tokens = t);
  const encoder = (r.socket.controller as unknown as { encoder: { placeOrder(id: number, c: unknown, o: unknown): void } }).encoder;
  const contract = { symbol: 'NVDA', secType: 'STK' as const, exchange: 'SMART', currency: 'USD', conId: 4815747 };
  const request = { contract, action: 'BUY' as const, quantity: 12, type: 'MKT' as const, tif: 'DAY' as const, orderRef: 'ibkrai:s1:7:NVDA:policy' };
  encoder.placeOrder(1234, toIbContract(contract), toIbOrder(wireSpec(request, 'DU123')));
  r.socket.send = r.librarySend;
  assert.ok(tokens.length > 0, 'the encoder produced a message');
  const { library, ours } = both(r, () => structuredClone(tokens));
  assert.ok(Buffer.isBuffer(ours) && Buffer.isBuffer(library));
  assert.ok(library.length > 100);
  assert.deepEqual(ours, library);
});

test('booleans (also boxed), nested arrays, empty and missing fields, numbers, non-ASCII text and a lone surrogate frame the same', () => {
  const r = librarySocket();
  const cases: Array<() => unknown[]> = [
    () => [3, 1, [true, false, [new Boolean(false), 'x']], '', undefined, null, -1.5, 1e21, 'Zürich ✓ 東京'],
    () => [49, 1, 'lone \uD800 surrogate', '\uDC00'],
    () => [71, 2, 1, ''],
  ];
  for (const tokens of cases) {
    const { library, ours } = both(r, tokens);
    assert.deepEqual(ours, library, JSON.stringify(tokens()));
  }
});

test('the handshake, a message led by text and the pre-v100 protocol go through the library unchanged', () => {
  for (const [v100, tokens] of [
    [true, () => ['API\0', 0, 0, 0, 9, 'v100..187']],
    [true, () => ['text first', 1]],
    [false, () => [71, 2, 1]],
  ] as const) {
    const r = librarySocket(v100);
    const { library, ours } = both(r, tokens as () => unknown[]);
    assert.deepEqual(ours, library);
  }
});

test("a link frames its sends itself (the library's socket internals it relies on are there)", () => {
  const link = new IbLink({ host: '127.0.0.1', port: 1, clientId: 1 }, new EventHub<LinkEventMap>(), () => undefined);
  const socket = (link as unknown as { librarySocket: SendingSocket }).librarySocket;
  assert.equal(socket.send.name, 'framedSend');
  link.close();
});
