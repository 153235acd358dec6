// `--fault` parsing: the reliability suite's faults (order events out of order or twice, a
// corrupt stream, a hang that ends, a client id refused for a while) and the existing ones
// unchanged; every bad argument names the fault and what is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyFaults, FAULT_HELP, FaultError, parseFaults } from '../../../src/extension/sim/server/faults';

test('no faults: the defaults are unchanged', () => {
  assert.deepEqual(parseFaults([]), { apiDisabled: false, readOnly: false, noMarketData: false, competingSession: false, pacing: false });
  assert.deepEqual(emptyFaults(), parseFaults([]));
});

test('order-event faults: shuffle with a window (default 150 ms), duplicate without an argument', () => {
  assert.deepEqual(parseFaults(['shuffle-order-events']).shuffleOrderEvents, { windowMs: 150 });
  assert.deepEqual(parseFaults(['shuffle-order-events:40']).shuffleOrderEvents, { windowMs: 40 });
  assert.equal(parseFaults(['duplicate-order-events']).duplicateOrderEvents, true);
  assert.throws(() => parseFaults(['duplicate-order-events:2']), /duplicate-order-events:2: takes no argument/);
  assert.throws(() => parseFaults(['shuffle-order-events:0']), /MS must be a number >= 1/);
});

test('stream corruption: garbage (64 bytes by default), malformed and oversized frames, each after S seconds', () => {
  assert.deepEqual(parseFaults(['garbage:2']).garbage, { seconds: 2, bytes: 64 });
  assert.deepEqual(parseFaults(['garbage:0.5,300']).garbage, { seconds: 0.5, bytes: 300 });
  assert.deepEqual(parseFaults(['malformed-frame:3']).malformedFrame, { seconds: 3 });
  assert.deepEqual(parseFaults(['oversized-frame:1.5']).oversizedFrame, { seconds: 1.5 });
  assert.throws(() => parseFaults(['garbage']), /--fault garbage: S \(seconds\) must be a number/);
  assert.throws(() => parseFaults(['garbage:1,0']), /N \(bytes\) must be a number >= 1/);
  assert.throws(() => parseFaults(['oversized-frame:x']), /S \(seconds\)/);
});

test('half-open may end: FOR seconds later new connections are answered again', () => {
  assert.deepEqual(parseFaults(['half-open:2']).halfOpen, { seconds: 2 });
  assert.deepEqual(parseFaults(['half-open:2,3']).halfOpen, { seconds: 2, forSeconds: 3 });
  assert.throws(() => parseFaults(['half-open:2,0']), /FOR \(seconds\) must be a number >= 0.001/);
});

test('client-id-in-use: ids, from S seconds, until E', () => {
  assert.deepEqual(parseFaults(['client-id-in-use']).clientIdInUse, { ids: 'all', afterSeconds: 0 });
  assert.deepEqual(parseFaults(['client-id-in-use:1,2@0.4']).clientIdInUse, { ids: [1, 2], afterSeconds: 0.4 });
  assert.deepEqual(parseFaults(['client-id-in-use:7@2..5']).clientIdInUse, { ids: [7], afterSeconds: 2, untilSeconds: 5 });
  assert.throws(() => parseFaults(['client-id-in-use:7@5..2']), /E must be after S/);
});

test('an unknown fault lists every valid one; the help names each new fault', () => {
  assert.throws(
    () => parseFaults(['shuffle']),
    (e: unknown) =>
      e instanceof FaultError &&
      /unknown fault "shuffle"; valid faults: .*shuffle-order-events\[:MS\], duplicate-order-events, garbage:S\[,N\], malformed-frame:S, oversized-frame:S/.test(
        e.message,
      ),
  );
  for (const k of [
    'shuffle-order-events[:MS]',
    'duplicate-order-events',
    'garbage:S[,N]',
    'malformed-frame:S',
    'oversized-frame:S',
    'half-open:S[,FOR]',
    'client-id-in-use[:IDS][@S[..E]]',
  ])
    assert.ok(FAULT_HELP[k], k);
});

test('duplicate-order-id: the next N orders answered 103 (default 1)', () => {
  assert.deepEqual(parseFaults(['duplicate-order-id']).duplicateOrderId, { remaining: 1 });
  assert.deepEqual(parseFaults(['duplicate-order-id:3']).duplicateOrderId, { remaining: 3 });
  assert.throws(() => parseFaults(['duplicate-order-id:0']), /N must be a number >= 1/);
});
