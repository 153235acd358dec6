// The floor under the decision latency: the same simulator, relay and 10 symbols' 5-second
// bars as bench/decision.ts, but the client is a bare @stoqey/ib IBApi that does nothing
// between the bars and the orders. When a bar time's 10 bars are in, it places 10 market
// orders back to back ("bare"), or first appends their 10 intent lines to a file and fsyncs
// it once, as the session's group commit does ("bare + fsync"). What the session adds on top
// of these is ours to cut; what they take is the library, the loopback hops, the scheduler of
// these two shared cores and the disk.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, IBApi, OrderAction, OrderType, SecType, type Contract, type Order } from '@stoqey/ib';
import { summary, waitUntil } from './lib';
import { SimProcess } from './simProcess';
import { barsSent, WireTap } from './wireTap';
import { START, SYMBOLS } from './decision';

export interface FloorResult {
  /** bar sent -> the symbol's order at the relay, ms (bar times after the first 3) */
  ms: number[];
  /** a bar time's last bar sent -> its first order at the relay, ms */
  work: number[];
  /** blocking fsync durations, ms (the fsync variant) */
  fsyncMs: number[];
  barTimes: number;
}

export async function measureFloor(barTimes: number, withFsync: boolean): Promise<FloorResult> {
  const sim = await SimProcess.start({ speed: 10, startMs: START, seed: 7 });
  const tap = await WireTap.start(sim.port);
  const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  const fd = openSync(join(dir, 'intents.jsonl'), 'a');
  const ib = new IBApi({ host: '127.0.0.1', port: tap.port, clientId: 41, maxReqPerSec: 1000 });
  const fsyncMs: number[] = [];
  try {
    let nextId = 0;
    const ready = new Promise<void>((resolve) => ib.once(EventName.nextValidId, (id: number) => ((nextId = id), resolve())));
    ib.connect();
    await ready;
    // As the broker's link does (ibLink.ts): no Nagle delay on small writes.
    (ib as unknown as { controller: { socket: { client?: { setNoDelay(on: boolean): void } } } }).controller.socket.client?.setNoDelay(true);
    const contracts: Contract[] = SYMBOLS.map((symbol) => ({ symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' }));
    const pending = new Map<number, number>(); // bar time -> bars in
    let done = 0;
    ib.on(EventName.realtimeBar, (_reqId: number, time: number) => {
      const n = (pending.get(time) ?? 0) + 1;
      pending.set(time, n);
      if (n < SYMBOLS.length) return;
      pending.delete(time);
      if (withFsync) {
        const lines = SYMBOLS.map((s) =>
          JSON.stringify({ t: Date.now(), type: 'intent', orderRef: `ibkrai:floor:${time}:${s}`, action: 'BUY', quantity: 1 }),
        ).join('\n');
        writeSync(fd, `${lines}\n`);
        const t0 = process.hrtime.bigint();
        fsyncSync(fd);
        fsyncMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      contracts.forEach((c, i) => {
        const order: Order = {
          action: OrderAction.BUY,
          orderType: OrderType.MKT,
          totalQuantity: 1,
          tif: 'DAY',
          transmit: true,
          orderRef: `ibkrai:floor:${time}:${SYMBOLS[i]}`,
        };
        ib.placeOrder(nextId++, c, order);
      });
      done++;
    });
    contracts.forEach((c, i) => ib.reqRealTimeBars(9000 + i, c, 5, 'TRADES', false));
    await waitUntil(() => done >= barTimes, barTimes * 1000 + 10_000, `${barTimes} bar times`, 20);
    const taps = await tap.taps();
    const sent = barsSent(taps);
    const times = [...new Set(taps.bars.map((b) => b.time))].sort((a, b) => a - b).slice(3);
    const counted = new Set(times);
    const ms = taps.orders.flatMap((o) => {
      const [, , time, symbol] = o.orderRef.split(':');
      const at = sent.get(`${symbol}@${time}`);
      return at !== undefined && counted.has(Number(time)) ? [Number(BigInt(o.at) - at) / 1e6] : [];
    });
    const work = times.flatMap((time) => {
      const bars = SYMBOLS.map((s) => sent.get(`${s}@${time}`)).filter((x): x is bigint => x !== undefined);
      const orders = taps.orders.filter((o) => o.orderRef.startsWith(`ibkrai:floor:${time}:`)).map((o) => BigInt(o.at));
      if (bars.length < SYMBOLS.length || !orders.length) return [];
      const last = bars.reduce((a, b) => (b > a ? b : a));
      const first = orders.reduce((a, b) => (b < a ? b : a));
      return [Number(first - last) / 1e6];
    });
    return { ms, work, fsyncMs, barTimes: times.length };
  } finally {
    ib.disconnect();
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
    tap.stop();
    await sim.stop();
  }
}

/** Both variants' percentiles, for bench/decision.ts. */
export async function floorFigures(barTimes: number): Promise<Record<'bare' | 'bareWork' | 'fsync' | 'fsyncWork' | 'fsyncEach', ReturnType<typeof summary>>> {
  const bare = await measureFloor(barTimes, false);
  const synced = await measureFloor(barTimes, true);
  return {
    bare: summary(bare.ms),
    bareWork: summary(bare.work),
    fsync: summary(synced.ms),
    fsyncWork: summary(synced.work),
    fsyncEach: summary(synced.fsyncMs),
  };
}

if (require.main === module) {
  void floorFigures(Number(process.argv[2] ?? 40)).then((r) => {
    for (const [k, s] of Object.entries(r))
      console.log(k, `n ${s.n} p50 ${s.p50.toFixed(3)} p90 ${s.p90.toFixed(3)} p99 ${s.p99.toFixed(3)} max ${s.max.toFixed(3)}`);
    process.exit(0);
  });
}
