// Soak: a real TradingSession (the default model, 3 symbols, 5-second cycles) against the
// simulator (its own process) accelerated 250x, for 5,000 cycles, with the extension's panel state (PanelStore
// fed by the session's events, coalesced at 100 ms as the panel does). Heap and RSS are sampled
// after a forced GC (node --expose-gc) once the session has warmed up, half way, and at the last
// cycle (flat: the second half grows no more than the first); listener counts of the broker's emitters and the process's active handles and timers
// (process.getActiveResourcesInfo()) are compared at the same two points.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { BrokerClient } from '../src/extension/broker/brokerClient';
import { defaultModelDir } from '../src/extension/policy/datasets';
import { parseSessionConfig } from '../src/extension/session/sessionConfig';
import { TradingSession } from '../src/extension/session/tradingSession';
import { Coalescer } from '../src/extension/app/coalescer';
import { PanelStore, type Topic } from '../src/extension/app/panelStore';
import { round, type Bench, type BenchResult } from './lib';
import { SimProcess } from './simProcess';

const START = Date.UTC(2024, 2, 13, 13, 35, 0); // Wednesday 09:35 New York
const MB = 2 ** 20;

interface Sample {
  cycle: number;
  heapMB: number;
  rssMB: number;
  externalMB: number;
  /** V8's heap as reserved from the system (used + free pages it keeps) */
  heapTotalMB: number;
  /** RSS outside V8's heap and external memory: native allocations (malloc arenas, onnxruntime, libuv), code, stacks */
  otherMB: number;
  listeners: Record<string, number>;
  resources: Record<string, number>;
}

function count(x: unknown): number {
  const o = x as { listeners?: Set<unknown> | Map<unknown, Set<unknown>>; listenerCount?: number } | undefined;
  if (!o) return -1;
  if (o.listeners instanceof Map) return [...o.listeners.values()].reduce((s, set) => s + set.size, 0);
  if (o.listeners instanceof Set) return o.listeners.size;
  return typeof o.listenerCount === 'number' ? o.listenerCount : -1;
}

/** Listener counts of the broker's emitters (its public ones and the internal event hub). */
function listeners(broker: BrokerClient, session: TradingSession): Record<string, number> {
  const b = broker as any;
  return {
    'broker.state': count(b.connection?.state),
    'broker.metrics': count(b.metricsValue),
    'broker.orderUpdates': count(broker.orderUpdates),
    'broker.fills': count(broker.fills),
    'broker.notices': count(broker.notices),
    'broker.reconciliations': count(broker.reconciliations),
    'broker.positions': count(broker.positions),
    'broker.account': count(broker.account),
    'linkHub.events': count(b.hub?.events),
    'session (EventEmitter)': session.eventNames().reduce((s, e) => s + session.listenerCount(e as never), 0),
  };
}

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

function sample(cycle: number, broker: BrokerClient, session: TradingSession): Sample {
  global.gc!();
  global.gc!();
  // BENCH_HEAPSNAP=DIR: heap snapshots at both samples, to find what grew.
  if (process.env.BENCH_HEAPSNAP) writeHeapSnapshot(join(process.env.BENCH_HEAPSNAP, `soak-${cycle}.heapsnapshot`));
  const m = process.memoryUsage();
  return {
    cycle,
    heapMB: round(m.heapUsed / MB, 2),
    rssMB: round(m.rss / MB, 1),
    externalMB: round(m.external / MB, 2),
    heapTotalMB: round(m.heapTotal / MB, 2),
    otherMB: round((m.rss - m.heapTotal - m.external) / MB, 1),
    listeners: listeners(broker, session),
    resources: resources(),
  };
}

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  if (!global.gc) throw new Error('the soak needs node --expose-gc (npm run bench starts it so)');
  const cycles = smoke ? 120 : quick ? 500 : 5000;
  const warmCycle = smoke ? 40 : quick ? 150 : 500;
  // A sample half way too: flat means the second half grows no more than the first (nothing per cycle).
  const midCycle = Math.round((warmCycle + cycles - 1) / 2);
  const dir = mkdtempSync(join(tmpdir(), 'bench-soak-'));
  // The simulator in its own process: its order book and price paths grow by design and are not ours to measure.
  const sim = await SimProcess.start({ startMs: START, speed: 250, tickMs: 10, seed: 11 });
  const broker = new BrokerClient({ host: '127.0.0.1', port: sim.port, clientId: 41 });
  const samples: Sample[] = [];
  /** active resources by kind every few cycles after the warm-up (handles and timers in flight vary) */
  const handleSeries: Array<Record<string, number>> = [];
  const t0 = Date.now();
  let status = '';
  let decisions = 0;
  let orders = 0;
  try {
    const config = parseSessionConfig({
      port: String(sim.port),
      clientId: '41',
      symbols: 'NVDA,MSFT,AAPL',
      cycleSeconds: '5',
      cycles: String(cycles),
      mode: 'paper',
      modelDir: defaultModelDir()!,
      journalDir: join(dir, 'journal'),
      maxOrdersPerMinute: '10000',
      anyHours: true,
    });
    const session = new TradingSession({ config, broker, settleMs: 50 });
    // The extension's side: the panel's state, coalesced as the panel does.
    const store = new PanelStore();
    const coalescer = new Coalescer<Topic>((topic) => {
      if (topic !== 'decisions') JSON.stringify(store.message(topic));
      else JSON.stringify(store.decisionsSince(0).rows.length);
    }, 100);
    const offStore = store.onChange((t) => coalescer.mark(t));
    store.beginSession(session.snapshot());
    const offEvents = session.onEvent((e) => {
      store.sessionEvent(e, () => session.snapshot());
      if (e.type === 'decision') decisions++;
      if (e.type === 'order' && e.order.state === 'sending') orders++;
    });
    const offOrders = broker.orderUpdates.on((o) => store.upsertOrder(o));
    const offPositions = broker.positions.subscribe((p) => store.setPositions(p.values()));
    let pending: Promise<void> | undefined;
    const every = Math.max(10, Math.round(cycles / 50));
    session.on('cycle-end', (e) => {
      if (e.cycle >= warmCycle && e.cycle % every === 0) handleSeries.push({ cycle: e.cycle, ...resources() });
      // The last sample one cycle before the end: the last cycle runs into the session's end,
      // which waits on the open orders (a listener until they settle), unlike any other cycle.
      if (e.cycle === warmCycle || e.cycle === midCycle || e.cycle === cycles - 1) {
        pending = new Promise<void>((r) => setImmediate(() => (samples.push(sample(e.cycle, broker, session)), r())));
      }
    });
    const result = await session.run();
    await pending;
    status = `${result.status}: ${result.reason}`;
    offEvents();
    offOrders();
    offPositions();
    offStore();
    coalescer.dispose();
  } finally {
    await broker.dispose();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const wallS = (Date.now() - t0) / 1000;
  const [a, m, b] = [samples[0], samples[1], samples[samples.length - 1]];
  if (!a || !m || !b || samples.length !== 3)
    throw new Error(`soak: expected samples at cycles ${warmCycle}, ${midCycle} and ${cycles - 1}, got ${samples.map((s) => s.cycle).join(', ')} (${status})`);
  const grew = (x: Record<string, number>, y: Record<string, number>) =>
    Object.keys({ ...x, ...y })
      .filter((k) => (y[k] ?? 0) > (x[k] ?? 0))
      .map((k) => `${k} ${x[k] ?? 0} -> ${y[k] ?? 0}`);
  const listenerGrowth = grew(a.listeners, b.listeners);
  // Timers and handles in flight vary from cycle to cycle: growth means the last quarter's
  // fewest is above the first quarter's most.
  const q = Math.max(1, Math.floor(handleSeries.length / 4));
  const kinds = [...new Set(handleSeries.flatMap((h) => Object.keys(h)))].filter((k) => k !== 'cycle');
  const range = (rows: Array<Record<string, number>>, k: string) => rows.map((r) => r[k] ?? 0);
  const resourceGrowth = kinds
    .filter((k) => Math.min(...range(handleSeries.slice(-q), k)) > Math.max(...range(handleSeries.slice(0, q), k)))
    .map((k) => `${k} ${Math.max(...range(handleSeries.slice(0, q), k))} -> ${Math.min(...range(handleSeries.slice(-q), k))}`);
  const handleRanges = Object.fromEntries(kinds.map((k) => [k, `${Math.min(...range(handleSeries, k))}..${Math.max(...range(handleSeries, k))}`]));
  const heap = round(b.heapMB - a.heapMB, 2);
  const rss = round(b.rssMB - a.rssMB, 1);
  const firstHalf = round(m.heapMB - a.heapMB, 2);
  const secondHalf = round(b.heapMB - m.heapMB, 2);
  return {
    figures: [
      { key: 'soakHeapGrowthMB', value: heap, unit: 'MB', goal: { op: '<=', value: 10 }, what: `heap after GC, cycle ${warmCycle} -> ${cycles - 1}` },
      { key: 'soakRssGrowthMB', value: rss, unit: 'MB', goal: { op: '<=', value: 10 }, what: `RSS, cycle ${warmCycle} -> ${cycles - 1}` },
      {
        key: 'soakHeapSecondHalfMB',
        value: secondHalf,
        unit: 'MB',
        what: `heap growth over the second half, cycle ${midCycle} -> ${cycles - 1} (first half ${firstHalf} MB): flat when near 0`,
      },
      {
        key: 'soakListenerGrowth',
        value: listenerGrowth.length,
        unit: 'emitters',
        goal: { op: '<=', value: 0 },
        what: 'broker emitters whose listener count grew',
      },
      {
        key: 'soakHandleGrowth',
        value: resourceGrowth.length,
        unit: 'kinds',
        goal: { op: '<=', value: 0 },
        what: 'kinds of active handles/timers whose count grew (last quarter of samples vs first)',
      },
    ],
    details: { cycles, warmCycle, status, decisions, orders, wallSeconds: round(wallS, 1), samples, handleSeries },
    notes: [
      `${cycles} cycles (5 s each, simulator in its own process at 250x, ticking every 10 ms) of the default model on NVDA, MSFT, AAPL in paper mode, ${decisions} decisions, ${orders} orders, ${round(wallS, 1)} s; session ${status}. Samples after two forced GCs at cycle ${warmCycle} (warm) and ${cycles - 1} (the last before the session's end).`,
      `Heap ${a.heapMB} -> ${m.heapMB} -> ${b.heapMB} MB, RSS ${a.rssMB} -> ${m.rssMB} -> ${b.rssMB} MB, external ${a.externalMB} -> ${m.externalMB} -> ${b.externalMB} MB, V8's reserved heap ${a.heapTotalMB} -> ${m.heapTotalMB} -> ${b.heapTotalMB} MB, RSS outside it and external ${a.otherMB} -> ${m.otherMB} -> ${b.otherMB} MB (cycles ${warmCycle}, ${midCycle}, ${cycles - 1}): the first half grew the heap ${firstHalf} MB, the second ${secondHalf} MB.`,
      `Listeners at the end: ${Object.entries(b.listeners)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}${listenerGrowth.length ? `; grew: ${listenerGrowth.join(', ')}` : '; none grew'}.`,
      `Active resources (process.getActiveResourcesInfo(), ${handleSeries.length} samples from cycle ${warmCycle} on, min..max): ${Object.entries(handleRanges)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}${resourceGrowth.length ? `; grew: ${resourceGrowth.join(', ')}` : '; none grew'}.`,
    ],
  };
};
