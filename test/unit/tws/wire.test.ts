// The simulator's framing against byte sequences written from the TWS API's
// message format: "API\0" + int32 length + "v<min>..<max>", then frames of a 4-byte
// big-endian length followed by NUL-terminated fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFields,
  encodeFrame,
  FieldReader,
  FieldWriter,
  formatDouble,
  FrameReader,
  MAX_FRAME_BYTES,
  parseHandshake,
  ProtocolError,
  UNSET_DOUBLE,
  UNSET_INTEGER,
} from '../../../src/extension/tws/wire';

test('handshake: API\\0, length 9, "v100..176"', () => {
  const bytes = Buffer.from([0x41, 0x50, 0x49, 0x00, 0, 0, 0, 9, ...Buffer.from('v100..176')]);
  const r = parseHandshake(bytes);
  assert.deepEqual(r, { kind: 'ok', handshake: { minVersion: 100, maxVersion: 176, connectOptions: '' }, consumed: 17 });
});

test('handshake with connect options and a single version', () => {
  const text = 'v100 +PACEAPI';
  const bytes = Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, text.length]), Buffer.from(text)]);
  const r = parseHandshake(bytes);
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') assert.deepEqual(r.handshake, { minVersion: 100, maxVersion: 100, connectOptions: '+PACEAPI' });
});

test('handshake needs more bytes until complete, and rejects a non-API client', () => {
  const full = Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, 9]), Buffer.from('v100..193')]);
  for (let n = 0; n < full.length; n++) assert.equal(parseHandshake(full.subarray(0, n)).kind, 'need-more', `prefix of ${n} bytes`);
  assert.equal(parseHandshake(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'error');
  assert.equal(parseHandshake(Buffer.concat([Buffer.from('API\0'), Buffer.from([0, 0, 0, 3]), Buffer.from('abc')])).kind, 'error');
});

test('nextValidId frame: length 6, "9\\01\\05\\0"', () => {
  // NEXT_VALID_ID = 9, version 1, orderId 5
  const expected = Buffer.from([0, 0, 0, 6, 0x39, 0, 0x31, 0, 0x35, 0]);
  assert.deepEqual(encodeFrame(['9', '1', '5']), expected);
  assert.deepEqual(decodeFields(expected.subarray(4)), ['9', '1', '5']);
});

test('empty fields and UTF-8 bodies are counted in bytes', () => {
  const f = encodeFrame(['4', '2', '-1', '2104', 'Dépôt']);
  assert.equal(f.readUInt32BE(0), f.length - 4);
  assert.equal(f.length - 4, 20, '4,2,-1,2104 plus "Dépôt" (7 UTF-8 bytes), each NUL-terminated');
  assert.deepEqual(decodeFields(f.subarray(4)), ['4', '2', '-1', '2104', 'Dépôt']);
  assert.deepEqual(decodeFields(encodeFrame(['1', '', '']).subarray(4)), ['1', '', '']);
});

test('FrameReader reassembles frames split at every byte and batches several per chunk', () => {
  const a = encodeFrame(['49', '1', '1700000000']);
  const b = encodeFrame(['15', '1', 'DU1234567']);
  const all = Buffer.concat([a, b]);
  for (let cut = 1; cut < all.length; cut++) {
    const r = new FrameReader();
    const got = [...r.push(all.subarray(0, cut)), ...r.push(all.subarray(cut))];
    assert.deepEqual(
      got,
      [
        ['49', '1', '1700000000'],
        ['15', '1', 'DU1234567'],
      ],
      `cut at ${cut}`,
    );
    assert.equal(r.pendingBytes, 0);
  }
});

test('FrameReader rejects a frame longer than the API maximum', () => {
  const r = new FrameReader();
  const header = Buffer.alloc(4);
  header.writeUInt32BE(MAX_FRAME_BYTES + 1);
  assert.throws(() => r.push(header), ProtocolError);
});

test('doubles print as Java does; unset values follow the API conventions', () => {
  assert.equal(formatDouble(185), '185.0');
  assert.equal(formatDouble(0.25), '0.25');
  assert.equal(formatDouble(UNSET_DOUBLE), '1.7976931348623157E308');
  const w = new FieldWriter().intMax(UNSET_INTEGER).doubleMax(UNSET_DOUBLE).doubleMax(undefined).bool(true).bool(false).decimal(5).decimal(0.5);
  assert.deepEqual(w.fields, ['', '', '', '1', '0', '5', '0.5']);
});

test('FieldReader names the missing or malformed field', () => {
  const r = new FieldReader(['12', 'x'], 'reqMktData');
  assert.equal(r.int('reqId'), 12);
  assert.throws(() => r.int('conId'), /reqMktData: field "conId" is "x", expected an integer/);
  assert.throws(() => r.str('symbol'), /reqMktData: missing field "symbol"/);
  const m = new FieldReader(['', '1.7976931348623157E308', '2147483647']);
  assert.equal(m.doubleMax('a'), undefined);
  assert.equal(m.doubleMax('b'), undefined);
  assert.equal(m.intMax('c'), undefined);
});
