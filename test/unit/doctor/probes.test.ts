// The handshake probe against small local servers (silent, closing, not TWS), the
// version range, and the pure check builders (account, what-if, market data, clock,
// session) on recorded outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { MIN_SERVER_VER } from '@stoqey/ib';
import { MAX_SUPPORTED_SERVER_VERSION } from '@stoqey/ib/dist/api/api';
import { parseHandshake } from '../../../src/extension/tws/wire';
import {
  CLIENT_MAX_VERSION,
  CLIENT_MIN_VERSION,
  encodeHandshake,
  handshakeCheck,
  handshakeProbe,
  versionInRange,
} from '../../../src/extension/doctor/handshakeProbe';
import { accountCheck, isPaperAccount } from '../../../src/extension/doctor/accountCheck';
import { clockCheck, formatSkew, marketDataCheck, orderPermissionsCheck } from '../../../src/extension/doctor/permissionsProbe';
import { clientIdsToProbe, apiCheck, type ApiStartOutcome } from '../../../src/extension/doctor/apiProbe';
import { classifyCode } from '../../../src/extension/tws/errorCodes';

async function server(onSocket: (s: Socket) => void): Promise<{ srv: Server; port: number }> {
  const srv = createServer(onSocket);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const addr = srv.address();
  return { srv, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

test('the handshake is what @stoqey/ib sends and what the simulator parses; the range matches the library', () => {
  assert.equal(CLIENT_MAX_VERSION, MAX_SUPPORTED_SERVER_VERSION, 'CLIENT_MAX_VERSION follows @stoqey/ib');
  assert.equal(CLIENT_MAX_VERSION, MIN_SERVER_VER.CME_TAGGING_FIELDS_IN_OPEN_ORDER);
  const bytes = encodeHandshake();
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'API\0');
  const parsed = parseHandshake(bytes);
  assert.equal(parsed.kind, 'ok');
  if (parsed.kind === 'ok') {
    assert.equal(parsed.handshake.minVersion, CLIENT_MIN_VERSION);
    assert.equal(parsed.handshake.maxVersion, CLIENT_MAX_VERSION);
    assert.equal(parsed.consumed, bytes.length);
  }
  assert.equal(versionInRange(99), 'too-old');
  assert.equal(versionInRange(100), 'ok');
  assert.equal(versionInRange(193), 'ok');
  assert.equal(versionInRange(194), 'too-new');
});

test('handshakeProbe: a listener that never answers -> no-answer after the bound, with the local address', async () => {
  const { srv, port } = await server(() => {});
  try {
    const o = await handshakeProbe({ host: '127.0.0.1', port, timeoutMs: 150 });
    assert.equal(o.kind, 'no-answer');
    assert.equal(o.localAddress, '127.0.0.1');
    assert.ok(o.ms >= 140, `waited the bound (${o.ms} ms)`);
    const c = handshakeCheck({ host: '127.0.0.1', port, outcome: o, timeoutMs: 150 });
    assert.equal(c.cause, 'handshake.no-answer');
    assert.match(c.fix, /Enable ActiveX and Socket Clients/);
    assert.match(c.fix, /add 127\.0\.0\.1 to Trusted IPs/);
    assert.match(c.fix, /Accept incoming connection/);
    assert.doesNotMatch(c.fix, /uncheck "Allow connections from localhost only"/, 'a loopback client is allowed with localhost-only');
  } finally {
    srv.close();
  }
});

test('handshakeProbe: a listener that closes at once -> closed (address not allowed)', async () => {
  const { srv, port } = await server((s) => s.destroy());
  try {
    const o = await handshakeProbe({ host: '127.0.0.1', port, timeoutMs: 1000 });
    assert.equal(o.kind, 'closed');
    const c = handshakeCheck({ host: '127.0.0.1', port, outcome: o, timeoutMs: 1000 });
    assert.equal(c.cause, 'handshake.closed');
    assert.match(c.fix, /Trusted IPs/);
  } finally {
    srv.close();
  }
});

test('handshakeProbe: something that is not TWS (an HTTP server) -> not-tws', async () => {
  const { srv, port } = await server((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  try {
    const o = await handshakeProbe({ host: '127.0.0.1', port, timeoutMs: 1000 });
    assert.equal(o.kind, 'not-tws');
    const c = handshakeCheck({ host: '127.0.0.1', port, outcome: o, timeoutMs: 1000 });
    assert.equal(c.cause, 'handshake.not-tws');
    assert.match(c.finding, /not TWS or IB Gateway/);
  } finally {
    srv.close();
  }
});

test("handshakeCheck: the probe offers up to 226, so a version above the text range is the release's maximum (text clients still negotiate 193); too old fails", () => {
  const c = handshakeCheck({
    host: '127.0.0.1',
    port: 4002,
    product: 'gateway',
    timeoutMs: 1500,
    outcome: { kind: 'answered', serverVersion: 217, connectionTime: '', ms: 1, localAddress: '127.0.0.1', localPort: 1 },
  });
  assert.equal(c.status, 'pass');
  assert.match(
    c.finding,
    /Server version 217: release 10\.41 family .*protocol buffers available\); IB Gateway \(by port 4002\)\. @stoqey\/ib 1\.6\.10 speaks the text protocol and will use server version 193/,
  );
  const old = handshakeCheck({
    host: '127.0.0.1',
    port: 7497,
    timeoutMs: 1500,
    outcome: { kind: 'answered', serverVersion: 76, connectionTime: '', ms: 1, localAddress: '127.0.0.1', localPort: 1 },
  });
  assert.equal(old.cause, 'handshake.server-too-old');
  assert.match(old.fix, /Upgrade TWS or IB Gateway/);
});

test('handshakeCheck: from another machine (WSL2) the fix unchecks localhost-only and trusts that address', () => {
  const c = handshakeCheck({
    host: '172.29.96.1',
    port: 7497,
    timeoutMs: 1500,
    outcome: { kind: 'no-answer', bytes: 0, ms: 1500, localAddress: '172.29.101.37', localPort: 40000 },
  });
  assert.match(c.fix, /add 172\.29\.101\.37 to Trusted IPs and uncheck "Allow connections from localhost only"/);
});

test('accountCheck: paper vs live, against the port, the mode and allow-live', () => {
  assert.equal(isPaperAccount('DU1234567'), true);
  assert.equal(isPaperAccount('DF1234567'), true);
  assert.equal(isPaperAccount('U1234567'), false);
  assert.equal(accountCheck({ accounts: ['DU1234567'], port: 7497, allowLive: false }).status, 'pass');
  const live = accountCheck({ accounts: ['U1234567'], port: 7496, allowLive: false });
  assert.equal(live.status, 'fail');
  assert.equal(live.cause, 'account.live-not-allowed');
  assert.match(live.fix, /Paper Trading/);
  assert.equal(accountCheck({ accounts: ['U1234567'], port: 7496, allowLive: true }).status, 'pass');
  assert.equal(accountCheck({ accounts: ['U1234567'], port: 7496, allowLive: true, mode: 'paper' }).cause, 'account.mode-mismatch');
  assert.equal(accountCheck({ accounts: ['U1234567'], port: 7497, allowLive: true }).cause, 'account.port-mismatch');
  assert.equal(accountCheck({ accounts: ['DU1234567'], port: 4001, allowLive: true }).cause, 'account.port-mismatch');
  assert.equal(accountCheck({ accounts: ['DU1234567'], port: 4002, allowLive: false, mode: 'live' }).cause, 'account.mode-mismatch');
  assert.equal(accountCheck({ accounts: [], port: 7497, allowLive: false }).cause, 'account.none');
});

test('orderPermissionsCheck: 321 Read-Only fails with the menu paths; precautions and other rejections warn', () => {
  const ro = orderPermissionsCheck({
    kind: 'rejected',
    ms: 5,
    orderId: 1,
    messages: [{ code: 321, reqId: 1, ms: 5, message: "Error validating request.-'bW' : cause - The API interface is currently in Read-Only mode." }],
  });
  assert.equal(ro.status, 'fail');
  assert.equal(ro.cause, 'orders.read-only');
  assert.match(ro.fix, /File > Global Configuration > API > Settings.*uncheck "Read-Only API"/);
  assert.match(ro.fix, /Configure > Settings > API > Settings: uncheck "Read-Only API"/);
  const prec = orderPermissionsCheck({
    kind: 'rejected',
    ms: 5,
    orderId: 1,
    messages: [{ code: 201, reqId: 1, ms: 5, message: 'Order rejected - reason:The order value exceeds the Total Value Limit of 5000 USD' }],
  });
  assert.equal(prec.status, 'warn');
  assert.equal(prec.cause, 'orders.precautions');
  assert.match(prec.fix, /Bypass Order Precautions for API orders/);
  const perm = orderPermissionsCheck({
    kind: 'rejected',
    ms: 5,
    orderId: 1,
    messages: [{ code: 201, reqId: 1, ms: 5, message: 'Order rejected - reason:No trading permissions for this instrument' }],
  });
  assert.equal(perm.cause, 'orders.rejected');
  const warnText = orderPermissionsCheck({
    kind: 'answered',
    ms: 5,
    orderId: 1,
    status: 'PreSubmitted',
    warningText: 'Order size exceeds the size limit',
    messages: [],
  });
  assert.equal(warnText.cause, 'orders.precautions');
  assert.equal(orderPermissionsCheck({ kind: 'answered', ms: 5, orderId: 1, status: 'PreSubmitted', messages: [] }).status, 'pass');
  const placed = orderPermissionsCheck({ kind: 'rejected', ms: 5, orderId: 9, cancelled: true, messages: [] });
  assert.equal(placed.cause, 'orders.what-if-ignored');
});

test('marketDataCheck: 354 / 10167 warn that delayed data will be used; 10197 warns of the competing session', () => {
  const m354 = marketDataCheck({
    kind: 'not-subscribed',
    ms: 3,
    messages: [{ code: 354, reqId: 2, ms: 3, message: 'Requested market data is not subscribed.Delayed market data is available.' }],
  });
  assert.equal(m354.status, 'warn');
  assert.equal(m354.cause, 'market-data.not-subscribed');
  assert.match(m354.finding, /delayed data will be used/);
  assert.match(m354.fix, /Market Data Subscriptions/);
  const delayed = marketDataCheck({
    kind: 'delayed',
    ms: 3,
    dataType: 3,
    firstTick: { field: 66, value: 100, ms: 3 },
    messages: [{ code: 10167, reqId: 2, ms: 2, message: 'Displaying delayed market data.' }],
  });
  assert.equal(delayed.cause, 'market-data.not-subscribed');
  assert.match(delayed.finding, /10167/);
  const comp = marketDataCheck({
    kind: 'competing-session',
    ms: 3,
    messages: [{ code: 10197, reqId: 2, ms: 3, message: 'No market data during competing live session' }],
  });
  assert.equal(comp.status, 'warn');
  assert.equal(comp.cause, 'market-data.competing-session');
  assert.match(comp.fix, /Log out of the other session/);
  assert.equal(marketDataCheck({ kind: 'live', ms: 3, dataType: 1, firstTick: { field: 1, value: 100, ms: 3 }, messages: [] }).status, 'pass');
});

test('clockCheck: within 2 s passes; more warns with the direction and OS fixes', () => {
  assert.equal(clockCheck({ kind: 'answered', ms: 2, twsSeconds: 1_700_000_000, skewMs: -900 }).status, 'pass');
  const skew = clockCheck({ kind: 'answered', ms: 2, twsSeconds: 1_700_000_000, skewMs: -5400_000 }, { wsl: true });
  assert.equal(skew.status, 'warn');
  assert.equal(skew.cause, 'clock.skew');
  assert.match(skew.finding, /1\.5 h behind this machine/);
  assert.match(skew.fix, /timedatectl set-ntp true/);
  assert.match(skew.fix, /hwclock -s/);
  assert.equal(formatSkew(3500), '3.5 s ahead of this machine');
  assert.equal(clockCheck({ kind: 'timeout', ms: 1200 }).cause, 'clock.no-answer');
});

test("clockCheck: the embedded simulator's simulated clock passes with a note; the same skew from a real TWS warns", () => {
  const hoursOff = { kind: 'answered' as const, ms: 2, twsSeconds: 1_700_000_000, skewMs: -22 * 3600_000 };
  const sim = clockCheck(hoursOff, { simulator: true });
  assert.equal(sim.status, 'pass');
  assert.equal(sim.cause, 'clock.simulated');
  assert.match(sim.finding, /embedded simulator's market clock is simulated \(22\.0 h behind this machine\)/);
  assert.equal(sim.fix, '');
  const real = clockCheck(hoursOff, { simulator: false });
  assert.equal(real.status, 'warn');
  assert.equal(real.cause, 'clock.skew');
  assert.match(real.finding, /22\.0 h behind this machine/);
  assert.doesNotMatch(real.fix, /simulator/, 'a real TWS is not told it might be the simulator');
  assert.equal(clockCheck({ kind: 'timeout', ms: 1200 }, { simulator: true }).status, 'warn', 'no answer is a problem even from the simulator');
});

test('apiCheck: 326 names the free client ids; 502 and 504 are explained', () => {
  assert.deepEqual(clientIdsToProbe(1), [2, 3, 4, 11]);
  assert.deepEqual(clientIdsToProbe(2147483646), [2147483647]);
  const base: ApiStartOutcome = {
    kind: 'client-id-in-use',
    ms: 2,
    clientId: 1,
    accounts: [],
    messages: [{ code: 326, reqId: -1, ms: 2, message: 'Unable to connect as the client id is already in use.' }],
    t0: 0,
  };
  const c = apiCheck({
    host: '127.0.0.1',
    port: 7497,
    started: base,
    probes: [
      { clientId: 2, status: 'in-use', ms: 3 },
      { clientId: 3, status: 'free', ms: 3 },
      { clientId: 4, status: 'free', ms: 3 },
    ],
  });
  assert.equal(c.status, 'fail');
  assert.equal(c.cause, 'session.client-id-in-use');
  assert.match(c.finding, /Free client ids: 3, 4/);
  assert.match(c.fix, /IBKR_CLIENT_ID=3/);
  const e502 = apiCheck({
    host: '127.0.0.1',
    port: 7497,
    started: { ...base, kind: 'error', messages: [{ code: 502, reqId: -1, ms: 1, message: 'connect ECONNREFUSED' }] },
  });
  assert.equal(e502.cause, 'session.connect-fail');
  assert.match(classifyCode(502).meaning, /Couldn't connect to TWS/);
  assert.match(classifyCode(504).meaning, /Not connected/);
  const closed = apiCheck({ host: '127.0.0.1', port: 7497, started: { ...base, kind: 'closed', messages: [] } });
  assert.match(closed.fix, /504/);
});
