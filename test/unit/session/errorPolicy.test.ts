import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRefusal, refusalFor } from '../../../src/extension/session/errorPolicy';
import { missingText } from '../../../src/extension/cli/sessionCommand';

test('read-only (321 with "Read-Only" in the text) stops, naming the TWS and IB Gateway settings; other 321s are not this row', () => {
  const r = refusalFor(321, "Error validating request.-'bW' : cause - The API interface is currently in Read-Only mode.")!;
  assert.equal(r.id, 'read-only');
  assert.equal(r.action, 'stop');
  assert.match(r.fix, /File > Global Configuration > API > Settings/);
  assert.match(r.fix, /Configure > Settings > API > Settings/);
  assert.match(r.fix, /uncheck "Read-Only API"/);
  assert.equal(refusalFor(321, 'Error validating request: invalid bar size'), undefined);
});

test('market data permissions stop unless delayed data is allowed; the fix names the subscription and the opt-in', () => {
  for (const [code, text] of [
    [420, 'Invalid Real-time Query:No market data permissions for NASDAQ STK.'],
    [354, 'Requested market data is not subscribed.'],
    [10168, 'Requested market data is not subscribed. Delayed market data is not enabled'],
    [162, 'Historical Market Data Service error message:No market data permissions for NASDAQ STK'],
  ] as const) {
    const stop = refusalFor(code, text)!;
    assert.equal(stop.id, 'market-data-permissions', `${code}`);
    assert.equal(stop.action, 'stop');
    assert.match(stop.fix, /Market Data Subscriptions/);
    assert.match(stop.fix, /--allow-delayed-data/);
    assert.equal(refusalFor(code, text, { allowDelayedData: true })!.action, 'recover');
  }
  assert.equal(refusalFor(10167, 'Requested market data is not subscribed. Displaying delayed market data.')!.action, 'stop');
});

test('pacing violations (162, and 420 for real-time bars) recover: held back and requested again', () => {
  for (const code of [162, 420]) {
    const r = refusalFor(
      code,
      code === 162
        ? 'Historical Market Data Service error message:Historical data request pacing violation'
        : 'Invalid Real-time Query:Historical data request pacing violation',
    )!;
    assert.equal(r.id, 'bar-pacing');
    assert.equal(r.action, 'recover');
    assert.match(
      describeRefusal(r, 'bars of NVDA'),
      /^bars of NVDA: IBKR pacing violation .*\(error \d+: .*pacing violation\)\. Fix: held back and requested again/,
    );
  }
});

test('a rejection (201) recovers (the session counts them); codes outside the table are left to their callers', () => {
  assert.equal(refusalFor(201, 'Order rejected - reason:margin')!.action, 'recover');
  assert.match(refusalFor(201, 'Order rejected')!.fix, /Bypass Order Precautions/);
  assert.equal(refusalFor(2104, 'Market data farm connection is OK:usfarm'), undefined);
});

test('the cycle line groups missing symbols by why', () => {
  assert.equal(
    missingText({ NVDA: 'disconnected: down', MSFT: 'disconnected: down', AAPL: 'held-back: pacing' }),
    'no bars: NVDA,MSFT disconnected: down; AAPL held-back: pacing',
  );
});
