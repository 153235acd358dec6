// The TWS code table: which codes concern the connection, a data farm, one request or
// order, or are warnings - and the errors' {reqId, code, message} shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError, ClientCode, TimeoutError, classifyCode, failsRequest, farmName } from '../../../src/extension/broker/errors';
import { isPaperAccount } from '../../../src/extension/broker/connection';

test('connection notices', () => {
  for (const code of [326, 502, 503, 504, 1100, 1101, 1102, 1300, 2110]) assert.equal(classifyCode(code).kind, 'connection', String(code));
  assert.match(classifyCode(1101).meaning, /resubmitted/);
  assert.match(classifyCode(1102).meaning, /maintained/);
});

test('data farm status', () => {
  for (const code of [2103, 2104, 2105, 2106, 2107, 2108, 2119, 2157, 2158]) assert.equal(classifyCode(code).kind, 'dataFarm', String(code));
  assert.equal(farmName('Market data farm connection is OK:usfarm'), 'usfarm');
  assert.equal(farmName('HMDS data farm connection is broken:ushmds'), 'ushmds');
  assert.equal(farmName('no farm here'), undefined);
});

test('request and order errors fail what they name; warnings and order events do not', () => {
  for (const code of [200, 162, 320, 321, 322, 354, 420, 10197]) assert.equal(failsRequest(code), true, String(code));
  for (const code of [201, 103, 104, 135, 161, 434]) {
    assert.equal(classifyCode(code).kind, 'order', String(code));
    assert.equal(failsRequest(code), true);
  }
  for (const code of [399, 2109, 10167, 10090, 2150, 165, 300]) {
    assert.equal(classifyCode(code).kind, 'warning', String(code));
    assert.equal(failsRequest(code), false);
  }
  assert.equal(classifyCode(202).kind, 'orderEvent');
  assert.equal(failsRequest(202), false);
  assert.equal(classifyCode(2199).kind, 'warning', 'unknown 21xx notices are warnings');
});

test('pacing: 100 always, 162 when its text says pacing violation', () => {
  assert.equal(classifyCode(100).kind, 'pacing');
  assert.equal(classifyCode(162, 'Historical Market Data Service error message:Historical data request pacing violation').kind, 'pacing');
  assert.equal(classifyCode(162, 'Historical Market Data Service error message:No market data permissions').kind, 'request');
});

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
