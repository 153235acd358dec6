// Pacing against the simulator's `pacing` fault, which answers 100 past 50 messages per
// second and 162 for IBKR's historical pacing violations. A control client without
// pacing shows the fault bites; the broker client's bursts never trigger it, and its
// queue is visible as a metric while they drain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, IBApi } from '@stoqey/ib';
import { connected, sleep, startSim, type SimFixture } from '../../helpers/brokerFixture';

/** Where TWS counted too many: the request times it handled in the second before its 100. */
function describeViolation(fx: SimFixture): string {
  const lines = fx.records();
  const hit = lines.find((l) => l.dir === 'out' && l.name === 'error' && l.fields[3] === '100');
  if (!hit) return 'no 100 in the record';
  const ins = lines.filter((l) => l.dir === 'in' && l.t > hit.t - 1000 && l.t <= hit.t);
  return `${ins.length} requests handled in the second before: ${ins.map((l) => `${l.t - hit.t}:${l.name}`).join(' ')}`;
}

test('control: 60 unpaced requests provoke error 100 from the simulator', async () => {
  const fx = await startSim({ faultSpecs: ['pacing'] });
  const ib = new IBApi({ host: '127.0.0.1', port: fx.sim.port, clientId: 9, maxReqPerSec: 10_000 });
  const codes: number[] = [];
  ib.on(EventName.error, (_e: Error, code: number) => codes.push(code));
  ib.on(EventName.info, (_m: string, code: number) => codes.push(code));
  try {
    const ready = new Promise((r) => ib.once(EventName.nextValidId, r));
    ib.connect();
    await ready;
    for (let i = 0; i < 60; i++) ib.reqCurrentTime();
    await sleep(300);
    assert.ok(codes.includes(100), `the simulator enforces 50 msg/s; codes ${JSON.stringify(codes)}`);
  } finally {
    ib.disconnect();
    await fx.stop();
  }
});

test('60 rapid requests never provoke error 100; the queue is a visible metric', async () => {
  const t = await connected({ faultSpecs: ['pacing'] });
  const { client } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    let peak = 0;
    const off = client.metrics.subscribe((m) => (peak = Math.max(peak, m.queuedMessages)));
    // 60 requests at once: 30 what-if previews and 30 account summaries (a request and a cancel each): 90 messages.
    const work = [
      ...Array.from({ length: 30 }, () => client.previewOrder({ contract: nvda, action: 'BUY', quantity: 10, type: 'MKT' })),
      ...Array.from({ length: 30 }, () => client.accountSummary(['NetLiquidation'])),
    ];
    const results = await Promise.all(work);
    off();
    assert.equal(results.length, 60);
    await client.metrics.when((m) => m.queuedMessages === 0, 3000);
    await sleep(200);
    // (A heartbeat may be waiting for the windows to clear.)
    const m = await client.metrics.when((x) => x.queuedMessages === 0, 3000);
    assert.equal(m.pacingViolations, 0, `no error 100; ${describeViolation(t.fx)}`);
    assert.ok(peak >= 30, `the backlog was queued and visible (peak ${peak})`);
    assert.ok(m.maxQueuedMessages >= peak);
    // The simulator agrees: it never answered 100.
    const out = t.fx.records().filter((l) => l.dir === 'out' && l.name === 'error' && l.fields[3] === '100');
    assert.equal(
      out.length,
      0,
      `TWS answered 100: ${describeViolation(t.fx)}; reconnects ${m.reconnects}; ${JSON.stringify(out.map((l) => [l.t, l.clientId, l.fields]))}`,
    );
  } finally {
    await t.close();
  }
});

test('historical requests follow IBKR pacing: 8 requests for one contract, no 162', async () => {
  const t = await connected({ faultSpecs: ['pacing'] });
  const { client } = t;
  try {
    const nvda = await client.resolveStock('NVDA');
    let peak = 0;
    const off = client.metrics.subscribe((m) => (peak = Math.max(peak, m.queuedHistorical)));
    const started = Date.now();
    const durations = [60, 120, 180, 240, 300, 360, 420, 480];
    const all = await Promise.all(durations.map((d) => client.historicalBars(nvda, { duration: `${d} S`, barSize: '5 secs' })));
    off();
    const elapsed = Date.now() - started;
    assert.deepEqual(
      all.map((b) => b.length > 0),
      durations.map(() => true),
    );
    assert.equal(client.metrics.value.historicalPacingViolations, 0, 'no 162 pacing violation');
    assert.ok(peak >= 1, 'requests waited in the historical queue');
    assert.ok(elapsed >= 2000, `the 7th request waited for the 2-second window (${elapsed} ms)`);
  } finally {
    await t.close();
  }
});
