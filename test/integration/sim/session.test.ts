// Session requests through @stoqey/ib over TCP: the handshake (server version and
// connection time), startApi's managedAccounts / nextValidId / farm-status notices,
// reqIds, reqCurrentTime, reqManagedAccts, several clients at once, the connect burst a
// typical client sends, and an unsupported request answered with an error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BarSizeSetting, EventName, OrderAction, OrderType, WhatToShow } from '@stoqey/ib';
import { collectUntil, once, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { MSFT, NVDA, WED_10AM_NY } from '../../helpers/simData';
import { isSimulatorNotice } from '../../../src/extension/tws/simulatorMark';

/** Connects a client and also captures the handshake's (serverVersion, connectionTime). */
async function connectWithHandshake(port: number, clientId: number): Promise<{ client: TestClient; version: number; connectionTime: string }> {
  const client = new TestClient(port, clientId);
  const server = once(client.ib, EventName.server, 3000);
  await client.connect();
  const [version, connectionTime] = await server;
  return { client, version: Number(version), connectionTime: String(connectionTime) };
}

describe('handshake', () => {
  test('negotiates server version 176 by default; connection time is the pinned clock in New York', async () => {
    const fx = await startSim({ startMs: WED_10AM_NY });
    try {
      const { client, version, connectionTime } = await connectWithHandshake(fx.sim.port, 1);
      try {
        // @stoqey/ib offers up to 193; the simulator's default is 176, so min(176, 193).
        assert.equal(version, 176);
        assert.equal(client.ib.serverVersion, 176);
        // TWS prints "yyyyMMdd HH:mm:ss <zone>"; 14:00 UTC on 2024-03-13 is 10:00 EDT.
        assert.match(connectionTime, /^\d{8} \d{2}:\d{2}:\d{2} [A-Z]{3}$/);
        assert.ok(connectionTime.startsWith('20240313 10:00:'), connectionTime);
        assert.ok(connectionTime.endsWith(' EDT'), connectionTime);
      } finally {
        client.disconnect();
      }
    } finally {
      await fx.stop();
    }
  });

  test('connection time is EST in winter', async () => {
    // 2024-01-10 15:00 UTC is 10:00 EST (UTC-5).
    const fx = await startSim({ startMs: Date.UTC(2024, 0, 10, 15, 0, 0) });
    try {
      const { client, connectionTime } = await connectWithHandshake(fx.sim.port, 1);
      client.disconnect();
      assert.ok(connectionTime.startsWith('20240110 10:00:'), connectionTime);
      assert.ok(connectionTime.endsWith(' EST'), connectionTime);
    } finally {
      await fx.stop();
    }
  });

  for (const serverVersion of [151, 178]) {
    test(`serverVersion option ${serverVersion} is what the client negotiates, and the session works`, async () => {
      const fx = await startSim({ serverVersion, startMs: WED_10AM_NY });
      try {
        const { client, version } = await connectWithHandshake(fx.sim.port, 2);
        try {
          assert.equal(version, serverVersion);
          assert.equal(client.ib.serverVersion, serverVersion);
          assert.equal(client.accounts, 'DU1234567');
          // Answers whose layout depends on the version still decode field for field.
          const details = collectUntil(client.ib, EventName.contractDetails, EventName.contractDetailsEnd);
          client.ib.reqContractDetails(3, NVDA);
          const rows = await details;
          assert.equal(rows.length, 1);
          const cd = rows[0]![1];
          assert.deepEqual(
            [cd.contract.conId, cd.contract.symbol, cd.longName, cd.minTick, cd.timeZoneId],
            [4815747, 'NVDA', 'NVIDIA CORP', 0.01, 'US/Eastern'],
          );
          const bars = collectUntil(client.ib, EventName.historicalData, EventName.historicalData, 3000, (_r: number, d: string) => d.startsWith('finished'));
          client.ib.reqHistoricalData(4, NVDA, '', '300 S', BarSizeSetting.MINUTES_ONE, WhatToShow.TRADES, 0, 1, false);
          const got = (await bars).filter((b) => !String(b[1]).startsWith('finished'));
          assert.ok(got.length >= 5 && got.length <= 6, `${got.length} one-minute bars in 300 s`);
          for (const b of got) assert.ok(b[2] > 0 && b[3] >= b[4] && b[6] > 0, JSON.stringify(b));
          // US stock quote sizes: shares from MARKET_DATA_IN_SHARES (159), round lots of 100 before.
          const bidSize = once(client.ib, EventName.tickSize, 3000, (id: number, field: number) => id === 5 && field === 0);
          client.ib.reqMktData(5, NVDA, '', true, false);
          const size = (await bidSize)[2] as number;
          if (serverVersion >= 159) assert.ok(size >= 100 && size % 100 === 0, `bid size ${size} in shares`);
          else assert.ok(size >= 1 && size < 100, `bid size ${size} in lots`);
        } finally {
          client.disconnect();
        }
      } finally {
        await fx.stop();
      }
    });
  }
});

describe('startApi and session requests', () => {
  let fx: SimFixture;
  let client: TestClient;
  let startedWall: number;

  before(async () => {
    startedWall = Date.now();
    fx = await startSim({ startMs: WED_10AM_NY });
    client = await new TestClient(fx.sim.port, 7).connect();
  });
  after(async () => {
    client.disconnect();
    await fx.stop();
  });

  test('managedAccounts is the paper account and nextValidId starts at 1 on a fresh simulator', () => {
    assert.equal(client.accounts, 'DU1234567');
    assert.equal(client.nextOrderId, 1);
  });

  test('farm-status notices 2104, 2106 and 2158 arrive after connecting, not tied to a request', async () => {
    for (const code of [2104, 2106, 2158]) {
      const e = await client.error(code);
      assert.equal(e.reqId, -1);
    }
    assert.match((await client.error(2104)).message, /Market data farm connection is OK/);
    assert.match((await client.error(2106)).message, /HMDS data farm connection is OK/);
    assert.match((await client.error(2158)).message, /Sec-def data farm connection is OK/);
  });

  test('the simulator names itself with one more 2158 notice, for farm "ibkr-ai-trader-sim" (sim/protocol/simulatorMark.ts)', async () => {
    await waitFor(() => client.errors.some((e) => isSimulatorNotice(e.code, e.message)), 3000, 'the simulator notice');
    const marks = client.errors.filter((e) => e.message.endsWith(':ibkr-ai-trader-sim'));
    assert.deepEqual(marks, [{ code: 2158, reqId: -1, message: 'Sec-def data farm connection is OK:ibkr-ai-trader-sim' }]);
    assert.ok(!client.errors.some((e) => e.message.endsWith(':secdefil') && isSimulatorNotice(e.code, e.message)), 'a real farm name is not the mark');
  });

  test('reqCurrentTime answers with the simulated clock (pinned start, speed 1)', async () => {
    const reply = once(client.ib, EventName.currentTime);
    client.ib.reqCurrentTime();
    const [time] = await reply;
    const elapsedSeconds = (Date.now() - startedWall) / 1000;
    const start = WED_10AM_NY / 1000;
    assert.ok(time >= start && time <= start + Math.ceil(elapsedSeconds) + 1, `currentTime ${time} vs start ${start} (+${elapsedSeconds}s)`);
  });

  test('reqManagedAccts answers with the account list', async () => {
    const reply = once(client.ib, EventName.managedAccounts);
    client.ib.reqManagedAccts();
    assert.deepEqual(await reply, ['DU1234567']);
  });

  test('reqIds answers above the last order id used', async () => {
    const orderId = 100;
    const status = once(client.ib, EventName.orderStatus, 3000, (id: number) => id === orderId);
    client.ib.placeOrder(orderId, NVDA, { action: OrderAction.BUY, totalQuantity: 1, orderType: OrderType.MKT, transmit: true });
    await status;
    const reply = once(client.ib, EventName.nextValidId);
    client.ib.reqIds();
    const [next] = await reply;
    assert.ok(next >= orderId + 1, `nextValidId ${next} after order ${orderId}`);
    // A client connecting later is given an id above it too.
    const other = await new TestClient(fx.sim.port, 8).connect();
    other.disconnect();
    assert.ok(other.nextOrderId >= orderId + 1, `nextValidId ${other.nextOrderId} for a new client`);
  });

  test('the standard connect burst is answered with every end message', async () => {
    const ib = client.ib;
    const positionEnd = once(ib, EventName.positionEnd);
    const openOrderEnd = once(ib, EventName.openOrderEnd);
    const completedOrdersEnd = once(ib, EventName.completedOrdersEnd);
    const accountDownloadEnd = once(ib, EventName.accountDownloadEnd);
    const execDetailsEnd = once(ib, EventName.execDetailsEnd);
    const positions = collectUntil(ib, EventName.position, EventName.positionEnd);
    const executions = collectUntil(ib, EventName.execDetails, EventName.execDetailsEnd);
    ib.reqPositions();
    ib.reqOpenOrders();
    ib.reqCompletedOrders(false);
    ib.reqAccountUpdates(true, 'DU1234567');
    ib.reqExecutions(42, {});
    await Promise.all([positionEnd, openOrderEnd, completedOrdersEnd, execDetailsEnd]);
    assert.deepEqual(await accountDownloadEnd, ['DU1234567']);
    assert.deepEqual(await execDetailsEnd, [42]);
    // The earlier MKT BUY 1 NVDA filled: one position of 1 and one execution answer the burst.
    const pos = await positions;
    assert.deepEqual(
      pos.map((p) => [p[0], p[1].symbol, p[2]]),
      [['DU1234567', 'NVDA', 1]],
    );
    const execs = await executions;
    assert.equal(execs.length, 1);
    assert.equal(execs[0]![0], 42);
    assert.equal(execs[0]![2].shares, 1);
    ib.reqAccountUpdates(false, 'DU1234567');
    ib.cancelPositions();
  });

  test('an unsupported request is answered with an error, not silence', async () => {
    const before = client.errors.length;
    const unsupported = () => client.errors.slice(before).filter((x) => x.code === 321 && /not supported by the IBKR AI Trader simulator/.test(x.message));
    client.ib.reqScannerParameters();
    await waitFor(() => unsupported().length >= 1, 3000, 'error for reqScannerParameters');
    assert.equal(unsupported()[0]!.reqId, -1, 'reqScannerParameters carries no request id');
    assert.match(unsupported()[0]!.message, /reqScannerParameters/);
    client.ib.reqNewsProviders();
    await waitFor(() => unsupported().length >= 2, 3000, 'error for reqNewsProviders');
    assert.match(unsupported()[1]!.message, /reqNewsProviders/);
    // A request with an id gets the error on that id (message 81, no version field).
    client.ib.reqMatchingSymbols(4321, 'NVD');
    await waitFor(() => unsupported().length >= 3, 3000, 'error for reqMatchingSymbols');
    assert.equal(unsupported()[2]!.reqId, 4321);
  });
});

test('live: true presents a live U... account', async () => {
  const fx = await startSim({ live: true, startMs: WED_10AM_NY });
  try {
    const client = await new TestClient(fx.sim.port, 1).connect();
    client.disconnect();
    assert.match(client.accounts, /^U\d+$/);
  } finally {
    await fx.stop();
  }
});

test('several clients at once, each with its own client id and its own request ids', async () => {
  const fx = await startSim({ startMs: WED_10AM_NY });
  const clients = await Promise.all([1, 2, 3].map((id) => new TestClient(fx.sim.port, id).connect()));
  try {
    assert.deepEqual(
      clients.map((c) => c.accounts),
      ['DU1234567', 'DU1234567', 'DU1234567'],
    );
    // The same reqId on two connections are two different subscriptions.
    const [a, b] = clients as [TestClient, TestClient, TestClient];
    const bidOf = (c: TestClient) => once(c.ib, EventName.tickPrice, 3000, (reqId: number, field: number) => reqId === 1 && field === 1);
    const aBid = bidOf(a);
    const bBid = bidOf(b);
    a.ib.reqMktData(1, NVDA, '', true, false);
    b.ib.reqMktData(1, MSFT, '', true, false);
    // NVDA trades near 135 and MSFT near 420 in the simulator's security master.
    const nvdaBid = (await aBid)[2] as number;
    const msftBid = (await bBid)[2] as number;
    assert.ok(nvdaBid > 50 && nvdaBid < 300, `NVDA bid ${nvdaBid}`);
    assert.ok(msftBid > 300 && msftBid < 800, `MSFT bid ${msftBid}`);
    // Each client still gets its own answers.
    const times = await Promise.all(
      clients.map((c) => {
        const t = once(c.ib, EventName.currentTime);
        c.ib.reqCurrentTime();
        return t;
      }),
    );
    for (const [t] of times) assert.ok(Math.abs(t - WED_10AM_NY / 1000) < 60);
  } finally {
    for (const c of clients) c.disconnect();
    await fx.stop();
  }
});
