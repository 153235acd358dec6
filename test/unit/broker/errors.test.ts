// The broker's errors' {reqId, code, message} shape (the code table itself: tws/errorCodes.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError, TimeoutError } from '../../../src/extension/broker/errors';
import { ClientCode, classifyCode } from '../../../src/extension/tws/errorCodes';
import { isPaperAccount } from '../../../src/extension/broker/connection';

test('BrokerError carries {reqId, code, message, step}; TimeoutError names what and how long', () => {
  const e = new BrokerError({ reqId: 7, code: 200, message: 'no security definition', step: 'sync' });
  assert.deepEqual([e.reqId, e.code, e.message, e.step, e.kind], [7, 200, 'no security definition', 'sync', 'request']);
  assert.deepEqual(Object.keys(e.info(5)).sort(), ['at', 'code', 'message', 'reqId', 'step']);
  const t = new TimeoutError('contract details for NVDA', 4000, 12);
  assert.ok(t instanceof BrokerError);
  assert.equal(t.code, ClientCode.Timeout);
  assert.equal(t.reqId, 12);
  assert.match(t.message, /contract details for NVDA: no answer from TWS within 4000 ms/);
  assert.equal(classifyCode(ClientCode.HookFailed).kind, 'client');
  assert.equal(classifyCode(ClientCode.HookFailed).meaning, 'HookFailed');
});

test('paper accounts are recognised by their D prefix', () => {
  assert.equal(isPaperAccount('DU1234567'), true);
  assert.equal(isPaperAccount('DF998877'), true);
  assert.equal(isPaperAccount('U1234567'), false);
  assert.equal(isPaperAccount('F112233'), false);
});
