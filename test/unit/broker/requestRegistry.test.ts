// Request id -> pending promise: a timeout on every request, rows collected until the
// end marker, TWS errors as {reqId, code, message}, warnings kept, failAll on a drop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError, TimeoutError } from '../../../src/extension/broker/errors';
import { ClientCode } from '../../../src/extension/tws/errorCodes';
import { RequestRegistry } from '../../../src/extension/broker/requestRegistry';
import { ManualClock } from '../../helpers/manualClock';

test('rows are collected until the request is resolved', async () => {
  const reg = new RequestRegistry(new ManualClock());
  const req = reg.begin<string[], string>({ key: 5, kind: 'contract details', timeoutMs: 1000 });
  req.push('a');
  req.push('b');
  req.resolve(req.rows);
  req.push('late');
  assert.deepEqual(await req.promise, ['a', 'b']);
  assert.equal(reg.size, 0);
  assert.equal(reg.pendingCount.value, 0);
});

test('every request times out with a TimeoutError naming it; onTimeout runs', async () => {
  const clock = new ManualClock();
  const reg = new RequestRegistry(clock);
  let cancelled = false;
  const req = reg.begin<number>({ key: 9, kind: 'historical bars', timeoutMs: 2000, onTimeout: () => (cancelled = true) });
  assert.equal(reg.pendingCount.value, 1);
  await clock.advance(1999);
  assert.equal(req.settled, false);
  await clock.advance(1);
  const err = await req.promise.catch((e: unknown) => e);
  assert.ok(err instanceof TimeoutError);
  assert.equal(err.reqId, 9);
  assert.equal(err.code, ClientCode.Timeout);
  assert.match(err.message, /historical bars/);
  assert.equal(cancelled, true);
  assert.equal(reg.has(9), false);
});

test('a TWS error for the id rejects it as {reqId, code, message}; a warning does not', async () => {
  const reg = new RequestRegistry(new ManualClock());
  const a = reg.begin<void>({ key: 1, kind: 'a', timeoutMs: 1000 });
  const b = reg.begin<void>({ key: 2, kind: 'b', timeoutMs: 1000 });
  assert.equal(reg.handleError(1, 200, 'No security definition has been found for the request'), true);
  assert.equal(reg.handleError(2, 10167, 'Displaying delayed market data'), true);
  assert.equal(reg.handleError(3, 200, 'unknown id'), false);
  const err = (await a.promise.catch((e: unknown) => e)) as BrokerError;
  assert.deepEqual([err.reqId, err.code, err.message], [1, 200, 'No security definition has been found for the request']);
  assert.equal(b.settled, false);
  assert.deepEqual(b.warnings, [{ code: 10167, message: 'Displaying delayed market data' }]);
});

test('failAll rejects everything pending; the same key cannot be pending twice', async () => {
  const reg = new RequestRegistry(new ManualClock());
  const p = reg.begin<void>({ key: 'positions', kind: 'positions', timeoutMs: 1000 });
  assert.throws(() => reg.begin<void>({ key: 'positions', kind: 'positions', timeoutMs: 1000 }), /already pending/);
  reg.failAll(() => new BrokerError({ code: ClientCode.ConnectionLost, message: 'gone' }));
  await assert.rejects(p.promise, (e: BrokerError) => e.code === ClientCode.ConnectionLost);
  assert.equal(reg.size, 0);
});
