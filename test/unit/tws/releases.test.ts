// Classification and fix selection by product and release: what a server version
// says about the installed release, which settings that product/release has, the fix
// texts chosen for each, and the daily-restart time window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixFor, FIXES, productFor } from '../../../src/extension/tws/fixes';
import { handshakeCheck } from '../../../src/extension/doctor/handshakeProbe';
import { orderPermissionsCheck } from '../../../src/extension/doctor/permissionsProbe';
import { addSeconds, parseTwsTime, RESTART_DROP_WINDOW_S, RESTART_REOPEN_WINDOW_S, roundTimeBefore } from '../../../src/extension/doctor/restartTime';
import { hasApiEnableCheckbox, identifyRelease, productOfPort, releaseMaxVersion, SIM_RELEASES } from '../../../src/extension/tws/releases';

test('identifyRelease: exact maxima name the release family; between anchors names the bounds; protobuf from 201', () => {
  assert.deepEqual(
    SIM_RELEASES.map((r) => [r, releaseMaxVersion(r)]),
    [
      ['10.19', 176],
      ['10.30', 187],
      ['10.41', 217],
      ['10.50', 226],
    ],
  );
  const r176 = identifyRelease(176);
  assert.equal(r176.exact, '10.19');
  assert.equal(r176.protobuf, false);
  assert.match(r176.text, /release 10\.19 family .*text protocol only/);
  const r205 = identifyRelease(205);
  assert.equal(r205.exact, undefined);
  assert.equal(r205.atLeast, '10.30');
  assert.equal(r205.before, '10.41');
  assert.equal(r205.protobuf, true);
  assert.match(r205.text, /after 10\.30 and before 10\.41 .*protocol buffers available/);
  assert.equal(identifyRelease(200).protobuf, false);
  assert.equal(identifyRelease(201).protobuf, true);
  assert.match(identifyRelease(150).text, /older than 10\.19/);
  assert.equal(identifyRelease(226).atLeast, '10.50');
  assert.match(identifyRelease(230).text, /10\.50 or newer/);
});

test('hasApiEnableCheckbox: TWS always; IB Gateway only before 10.41; unknown release of Gateway: cannot tell', () => {
  assert.equal(hasApiEnableCheckbox('tws', identifyRelease(226)), true);
  assert.equal(hasApiEnableCheckbox('gateway', identifyRelease(217)), false);
  assert.equal(hasApiEnableCheckbox('gateway', identifyRelease(226)), false);
  assert.equal(hasApiEnableCheckbox('gateway', identifyRelease(187)), true);
  assert.equal(hasApiEnableCheckbox('gateway', identifyRelease(205)), true, 'a release before 10.41');
  assert.equal(hasApiEnableCheckbox('gateway', undefined), undefined);
});

test('product by port, unless given', () => {
  assert.equal(productOfPort(7497), 'tws');
  assert.equal(productOfPort(7496), 'tws');
  assert.equal(productOfPort(4002), 'gateway');
  assert.equal(productOfPort(4001), 'gateway');
  assert.equal(productOfPort(7600), undefined);
  assert.equal(productFor('gateway', 7497), 'gateway');
  assert.equal(productFor(undefined, 4001), 'gateway');
});

test('silent handshake fix: TWS names the checkbox; Gateway does not (API always on from 10.41) but names Trusted IPs, localhost-only from afar, the dialog and FIX CTCI', () => {
  const tws = fixFor('handshake.no-answer', { product: 'tws', port: 7497, addr: '127.0.0.1' });
  assert.match(tws, /TWS: File > Global Configuration > API > Settings.*check "Enable ActiveX and Socket Clients"/);
  assert.match(tws, /add 127\.0\.0\.1 to Trusted IPs/);
  assert.doesNotMatch(tws, /IB Gateway: Configure/);
  assert.doesNotMatch(tws, /FIX CTCI/);

  const gwNew = fixFor('handshake.no-answer', { product: 'gateway', port: 4002, addr: '172.29.101.37', remote: true, release: identifyRelease(217) });
  assert.doesNotMatch(gwNew, /Enable ActiveX/, 'IB Gateway 10.41+ has no such checkbox');
  assert.match(
    gwNew,
    /IB Gateway: Configure > Settings > API > Settings: add 172\.29\.101\.37 to Trusted IPs and uncheck "Allow connections from localhost only"/,
  );
  assert.match(gwNew, /Accept incoming connection/);
  assert.match(gwNew, /"FIX CTCI" instead of "IB API"/);

  const gwUnknown = fixFor('handshake.no-answer', { product: 'gateway', port: 4002, addr: '127.0.0.1' });
  assert.match(gwUnknown, /IB Gateway before 10\.41 only: .*"Enable ActiveX and Socket Clients".*from 10\.41 the API is always on/);

  const gwOld = fixFor('handshake.no-answer', { product: 'gateway', port: 4002, addr: '127.0.0.1', release: identifyRelease(187) });
  assert.match(
    gwOld,
    /Enable the API: IB Gateway: Configure > Settings > API > Settings: check "Enable ActiveX and Socket Clients" \(this IB Gateway is older than 10\.41\)/,
  );

  assert.match(
    fixFor('handshake.no-answer', { product: 'tws', port: 7497, addr: '::1' }),
    /came over IPv6 \(::1.*set IBKR_HOST=127\.0\.0\.1, or add ::1 to Trusted IPs/,
  );
  assert.doesNotMatch(tws, /IPv6/);
  const either = fixFor('handshake.no-answer', { port: 7600, addr: '127.0.0.1' });
  assert.match(either, /TWS: File > Global Configuration/);
  assert.match(either, /IB Gateway: Configure > Settings/);
});

test('every fix in the table names a menu path or setting of the product asked for only', () => {
  for (const cause of Object.keys(FIXES) as Array<keyof typeof FIXES>) {
    const tws = fixFor(cause, { product: 'tws', port: 7497, addr: '127.0.0.1' });
    const gw = fixFor(cause, { product: 'gateway', port: 4002, addr: '127.0.0.1' });
    assert.ok(tws.length > 20 && gw.length > 20, cause);
    assert.doesNotMatch(tws, /Configure > Settings/, `${cause}: TWS fix names Gateway menus`);
    assert.doesNotMatch(gw, /File > Global Configuration/, `${cause}: Gateway fix names TWS menus`);
  }
  assert.match(fixFor('orders.read-only', { product: 'gateway', port: 4002 }), /^IB Gateway: Configure > Settings > API > Settings: uncheck "Read-Only API"/);
  assert.match(fixFor('daily-restart', { product: 'tws', port: 7497 }), /TWS: File > Global Configuration > Lock and Exit > "Auto restart"/);
  assert.match(fixFor('handshake.fix-mode', { product: 'gateway', port: 4002 }), /choose "IB API" \(not "FIX CTCI"\)/);
});

test('handshakeCheck: a late answer is the accept dialog (delay reported); FIX bytes are FIX mode; product stated with its source', () => {
  const late = handshakeCheck({
    host: '::1',
    port: 7497,
    product: 'tws',
    timeoutMs: 1200,
    outcome: { kind: 'answered', serverVersion: 176, connectionTime: '20261204 10:00:00 EST', ms: 812.4, localAddress: '::1', localPort: 5 },
  });
  assert.equal(late.status, 'warn');
  assert.equal(late.cause, 'handshake.accept-dialog');
  assert.match(late.finding, /answered only after 0\.81 s/);
  assert.match(late.finding, /TWS \(by port 7497\)/);
  assert.match(late.fix, /IPv6 \(::1\)/);
  const fix = handshakeCheck({
    host: '127.0.0.1',
    port: 4002,
    product: 'gateway',
    timeoutMs: 1200,
    outcome: { kind: 'fix', detail: '8=FIX.4.2|9=94|35=5|', ms: 2, localAddress: '127.0.0.1', localPort: 5 },
  });
  assert.equal(fix.status, 'fail');
  assert.equal(fix.cause, 'handshake.fix-mode');
  assert.match(fix.finding, /answers FIX/);
  const given = handshakeCheck({
    host: '127.0.0.1',
    port: 7600,
    product: 'gateway',
    productSource: '--product',
    timeoutMs: 1200,
    outcome: { kind: 'answered', serverVersion: 226, connectionTime: '', ms: 2, localAddress: '127.0.0.1', localPort: 5 },
  });
  assert.match(given.finding, /release 10\.50 or newer .*IB Gateway \(by --product\)/);
  const unknown = handshakeCheck({
    host: '127.0.0.1',
    port: 7600,
    timeoutMs: 1200,
    outcome: { kind: 'answered', serverVersion: 176, connectionTime: '', ms: 2, localAddress: '127.0.0.1', localPort: 5 },
  });
  assert.match(unknown.finding, /TWS or IB Gateway \(port 7600 is not a standard one/);
});

test("order precautions by code (451, 10268, 10274) warn with the product's Precautions page", () => {
  for (const code of [451, 10268, 10274]) {
    const c = orderPermissionsCheck(
      { kind: 'rejected', ms: 5, orderId: 1, messages: [{ code, reqId: 1, ms: 5, message: 'Order held' }] },
      { product: 'gateway', port: 4002 },
    );
    assert.equal(c.status, 'warn', String(code));
    assert.equal(c.cause, 'orders.precautions');
    assert.match(c.fix, /IB Gateway: Configure > Settings > API > Precautions: check "Bypass Order Precautions for API orders"/);
    assert.doesNotMatch(c.fix, /File > Global Configuration > API > Precautions/);
  }
});

test('restart windows: a drop within a minute after a quarter hour; a reopening within three minutes (a hint)', () => {
  assert.deepEqual(parseTwsTime('20261204 23:45:07 EST'), { h: 23, m: 45, s: 7 });
  assert.equal(parseTwsTime('garbage'), undefined);
  assert.deepEqual(roundTimeBefore({ h: 23, m: 45, s: 7 }, RESTART_DROP_WINDOW_S), { h: 23, m: 45 });
  assert.equal(roundTimeBefore({ h: 23, m: 46, s: 1 }, RESTART_DROP_WINDOW_S), undefined);
  assert.deepEqual(roundTimeBefore({ h: 9, m: 32, s: 59 }, RESTART_REOPEN_WINDOW_S), { h: 9, m: 30 });
  assert.equal(roundTimeBefore({ h: 9, m: 33, s: 1 }, RESTART_REOPEN_WINDOW_S), undefined);
  assert.equal(roundTimeBefore({ h: 10, m: 7, s: 0 }, RESTART_REOPEN_WINDOW_S), undefined);
  assert.deepEqual(addSeconds({ h: 23, m: 59, s: 59 }, 2), { h: 0, m: 0, s: 1 });
});
