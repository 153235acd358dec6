// The boundary between TWS's bytes and the client: InboundFrames cuts and checks frames, and
// IbLink turns anything bad - a frame that is not one, a message the decoder cannot read, an
// exception out of @stoqey/ib, an order or fill with impossible values - into one
// `protocolError` naming the cause, after which it forwards nothing. No socket here: bytes
// are fed to the link's receive(), the path the socket's data takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, IBApi } from '@stoqey/ib';
import { FrameError, InboundFrames, MAX_INBOUND_FRAME_BYTES } from '../../../src/extension/broker/frameGuard';
import { IbLink } from '../../../src/extension/broker/ibLink';
import type { LinkEventMap } from '../../../src/extension/broker/linkEvents';
import { EventHub } from '../../../src/extension/core/observable';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import { encodeCommissionReport, encodeExecDetails, encodeOrderStatus } from '../../../src/extension/sim/protocol/orderCodec';
import type { WireExecution } from '../../../src/extension/sim/protocol/orderTypes';
import { encodeError, encodeManagedAccounts, encodeNextValidId } from '../../../src/extension/sim/protocol/sessionCodec';
import { encodeFrame } from '../../../src/extension/tws/wire';

const SV = 176;
const HANDSHAKE = encodeFrame([String(SV), '20240313 10:00:00 EDT']);
const NVDA = emptyContract({ conId: 4815747, symbol: 'NVDA', secType: 'STK', exchange: 'SMART', currency: 'USD', localSymbol: 'NVDA', tradingClass: 'NMS' });
const FILL: WireExecution = {
  orderId: 7,
  execId: '0001.01',
  time: '20240313  10:00:01',
  acctNumber: 'DU1234567',
  exchange: 'ISLAND',
  side: 'BOT',
  shares: 3,
  price: 875.5,
  permId: 1001,
  clientId: 1,
  liquidation: 0,
  cumQty: 3,
  avgPrice: 875.5,
  orderRef: 'ref',
  evRule: '',
  evMultiplier: 0,
  modelCode: '',
  lastLiquidity: 1,
  pendingPriceRevision: false,
};
const SESSION = Buffer.concat([HANDSHAKE, encodeFrame(encodeManagedAccounts(SV, ['DU1234567'])), encodeFrame(encodeNextValidId(SV, 7))]);

function link() {
  const hub = new EventHub<LinkEventMap>();
  const faults: string[] = [];
  const events: string[] = [];
  const logs: string[] = [];
  hub.on('protocolError', (r) => faults.push(r));
  for (const e of ['nextValidId', 'managedAccounts', 'orderStatus', 'execDetails', 'commissionReport', 'notice', 'error'] as const)
    hub.on(e, () => events.push(e));
  const l = new IbLink({ host: '127.0.0.1', port: 1, clientId: 1 }, hub, (_level, m) => logs.push(m));
  l.listenWithoutSocket();
  return { l, faults, events, logs };
}

test('InboundFrames: frames split at every byte come out whole, in order, header included', () => {
  const bytes = SESSION;
  for (let cut = 1; cut < bytes.length; cut++) {
    const g = new InboundFrames();
    const out = Buffer.concat([g.push(bytes.subarray(0, cut)), g.push(bytes.subarray(cut))]);
    assert.equal(g.count, 3);
    assert.deepEqual(out, bytes);
    assert.deepEqual(InboundFrames.messageIds(out), ['176', '15', '9']);
    assert.equal(g.partial, undefined);
  }
  const g = new InboundFrames();
  g.push(bytes.subarray(0, HANDSHAKE.length + 5));
  assert.deepEqual(g.partial, { have: 5, need: bytes.readUInt32BE(HANDSHAKE.length) + 4 });
});

test('InboundFrames: each kind of bad frame is a FrameError naming it, and stays one', () => {
  const header = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const cases: Array<[Buffer, FrameError['problem'], RegExp]> = [
    [header(0), 'length', /declares 0 bytes/],
    [header(-4), 'length', /declares -4 bytes/],
    [header(MAX_INBOUND_FRAME_BYTES + 1), 'oversized', /declares 16777216 bytes, above the API's 16777215-byte maximum/],
    [Buffer.concat([header(3), Buffer.from('9\x001')]), 'terminator', /does not end in a NUL/],
    [Buffer.concat([header(3), Buffer.from([0x39, 0xff, 0x00])]), 'encoding', /is not UTF-8/],
    [encodeFrame(['3x', '1']), 'message-id', /starts with message id "3x", not a number/],
    [encodeFrame(['', '1']), 'message-id', /message id ""/],
  ];
  for (const [bad, problem, re] of cases) {
    const g = new InboundFrames();
    assert.deepEqual(g.push(HANDSHAKE), HANDSHAKE);
    assert.throws(
      () => g.push(bad),
      (e: unknown) => e instanceof FrameError && e.problem === problem && re.test(e.message),
      `${problem} ${re}`,
    );
    assert.throws(
      () => g.push(encodeFrame(['9', '1', '1'])),
      (e: unknown) => e instanceof FrameError && e.problem === problem,
      'still failed',
    );
  }
  assert.throws(() => new InboundFrames().push(encodeFrame(['v176', 'x'])), /frame 1 starts with server version "v176"/);
});

test('the link: a working stream becomes events, and no fault', () => {
  const { l, faults, events } = link();
  l.receive(SESSION);
  l.receive(
    encodeFrame(
      encodeOrderStatus(SV, {
        orderId: 7,
        status: 'Filled',
        filled: 3,
        remaining: 0,
        avgFillPrice: 875.5,
        permId: 1001,
        parentId: 0,
        lastFillPrice: 875.5,
        clientId: 1,
        whyHeld: '',
        mktCapPrice: 0,
      }),
    ),
  );
  l.receive(encodeFrame(encodeExecDetails(SV, -1, NVDA, FILL)));
  assert.deepEqual(faults, []);
  assert.deepEqual(events, ['managedAccounts', 'nextValidId', 'orderStatus', 'execDetails']);
  assert.equal(l.fault, undefined);
});

test('@stoqey/ib throws out of its data handler on an error message whose JSON is not JSON; through the link it is a protocol fault', () => {
  const bad = encodeFrame(encodeError(SV, { reqId: 7, code: 201, message: 'Order rejected', advancedOrderRejectJson: 'DU1234567' }));
  // The library alone: the exception escapes socket.onData (in a host, an uncaughtException).
  const raw = new IBApi({ host: '127.0.0.1', port: 1, clientId: 1 });
  raw.on(EventName.error, () => {});
  const socket = (raw as unknown as { controller: { socket: { onData(b: Buffer): void } } }).controller.socket;
  socket.onData(SESSION);
  assert.throws(() => socket.onData(bad), /is not valid JSON/);
  // Through the link: one fault naming the message, nothing thrown, nothing forwarded after.
  const { l, faults, events, logs } = link();
  l.receive(SESSION);
  assert.doesNotThrow(() => l.receive(Buffer.concat([bad, encodeFrame(encodeNextValidId(SV, 8))])));
  assert.equal(faults.length, 1);
  assert.match(faults[0]!, /^the TWS API decoder failed on message 4 or 9: .*not valid JSON/);
  assert.deepEqual(events, ['managedAccounts', 'nextValidId']);
  assert.ok(logs.some((m) => m.includes('dropping the connection')));
  l.receive(encodeFrame(encodeNextValidId(SV, 9)));
  assert.equal(faults.length, 1, 'silent after the fault');
});

test('a length of -4 (on which @stoqey/ib 1.6.10 loops forever) and an oversized header end the link at once', () => {
  for (const len of [-4, MAX_INBOUND_FRAME_BYTES + 1]) {
    const { l, faults } = link();
    l.receive(SESSION);
    const h = Buffer.alloc(8, 0x41);
    h.writeInt32BE(len);
    l.receive(h);
    assert.equal(faults.length, 1);
    assert.match(faults[0]!, new RegExp(`^TWS sent bytes that are not a TWS API message: a frame header declares ${len} bytes`));
  }
});

test('a truncated message (the malformed-frame fault) is a fault naming the decoder error', () => {
  const { l, faults, events } = link();
  l.receive(Buffer.concat([SESSION, encodeFrame(['3', '0'])]));
  assert.equal(faults.length, 1);
  assert.match(faults[0]!, /^TWS sent a message the API decoder cannot read \(Underrun error on ORDER_STATUS: End of message reached\.\)$/);
  assert.equal(events.includes('orderStatus'), false);
});

test('orders and fills whose values cannot be right never reach the broker', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [encodeFrame(encodeExecDetails(SV, -1, NVDA, { ...FILL, side: 'XYZ' })), /malformed execDetails message: side "XYZ" of execution 0001\.01/],
    [encodeFrame(encodeExecDetails(SV, -1, NVDA, { ...FILL, shares: 0 })), /malformed execDetails message: shares 0 of execution/],
    [encodeFrame(encodeExecDetails(SV, -1, NVDA, { ...FILL, execId: '' })), /malformed execDetails message: execution id ""/],
    [
      encodeFrame(
        encodeOrderStatus(SV, {
          orderId: 7,
          status: '',
          filled: 0,
          remaining: 3,
          avgFillPrice: 0,
          permId: 1,
          parentId: 0,
          lastFillPrice: 0,
          clientId: 1,
          whyHeld: '',
          mktCapPrice: 0,
        }),
      ),
      /malformed orderStatus message: status "" of order 7/,
    ],
    [encodeFrame(['3', 'NaN', 'Filled', '3', '0', '1', '1', '0', '1', '1', '', '0']), /malformed orderStatus message: order id NaN/],
    [encodeFrame(['3', '7', 'Filled', '-3', '0', '1', '1', '0', '1', '1', '', '0']), /filled -3 \/ remaining 0 of order 7/],
  ];
  for (const [frame, re] of cases) {
    const { l, faults, events } = link();
    l.receive(Buffer.concat([SESSION, frame]));
    assert.equal(faults.length, 1, String(re));
    assert.match(faults[0]!, re);
    assert.equal(events.filter((e) => e === 'execDetails' || e === 'orderStatus').length, 0);
  }
  // A commission report with a usable commission passes.
  const { l, faults } = link();
  l.receive(
    Buffer.concat([
      SESSION,
      encodeFrame(
        encodeCommissionReport(SV, {
          execId: '0001.01',
          commission: 1,
          currency: 'USD',
          realizedPNL: undefined,
          yield: undefined,
          yieldRedemptionDate: 0,
        } as never),
      ),
    ]),
  );
  assert.deepEqual(faults, []);
});
