import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detached, shared } from '../../../src/extension/broker/keptStrings';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** An execDetails-like message of ~400 characters, split as the decoder splits it. */
function fields(i: number): string[] {
  const execId = `0000e0d5.${String(i).padStart(6, '0')}.01.01`;
  return ['11', '-1', String(i), '123456', 'AAPL', 'STK', '', 'SMART', 'USD', execId, 'x'.repeat(360)].join('\x00').split('\x00');
}

/** Heap bytes held per kept value after keeping `n` of them. */
function heldPerValue(keep: (f: string[]) => string, n = 10_000): number {
  const kept: string[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) kept.push(keep(fields(i)));
  gc();
  const held = (process.memoryUsage().heapUsed - before) / n;
  assert.equal(kept.length, n);
  return held;
}

describe('strings kept from TWS messages', () => {
  it('a detached field no longer holds its message alive (a split field does)', () => {
    const slice = heldPerValue((f) => f[9]!);
    const copy = heldPerValue((f) => detached(f[9]!));
    assert.ok(slice > 350, `a field split from a message holds the message: ${slice.toFixed(0)} B each`);
    assert.ok(copy < 150, `a detached field holds only itself: ${copy.toFixed(0)} B each`);
  });

  it('detached and shared keep the value', () => {
    const f = fields(7);
    assert.equal(detached(f[9]!), '0000e0d5.000007.01.01');
    assert.equal(detached('USD'), 'USD');
    assert.equal(shared(f[8]!), 'USD');
    for (let i = 0; i < 5000; i++) assert.equal(shared(`ACCT${i}`), `ACCT${i}`); // past the table's bound it starts again
    assert.equal(shared('DU1234567'), 'DU1234567');
  });
});
