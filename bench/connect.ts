// connectReadyMs: BrokerClient.connect() from nothing to `ready`, the initial sync included
// (TCP, API handshake, startApi, nextValidId and managedAccounts, then reconciliation:
// positions, open orders, today's executions, completed orders, account values), against
// the simulator in its own process. Then the same with 1,000 open orders and 1,000
// positions for the client to sync.
import { BrokerClient } from '../src/extension/broker/brokerClient';
import { round, summary, type Bench, type BenchResult } from './lib';
import { SimProcess } from './simProcess';

const CLIENT_ID = 7;

async function connectTimes(port: number, runs: number): Promise<{ ms: number[]; cpuMs: number[]; orders: number; positions: number; sent: number[] }> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const sent: number[] = [];
  let orders = 0;
  let positions = 0;
  for (let i = 0; i < runs; i++) {
    const broker = new BrokerClient({ host: '127.0.0.1', port, clientId: CLIENT_ID, reconnect: { enabled: false } });
    try {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await broker.connect();
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const cpu = process.cpuUsage(cpu0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      orders = broker.orders().length;
      positions = broker.positionList().length;
      sent.push(broker.metrics.value.sentMessages);
    } finally {
      await broker.dispose();
    }
  }
  return { ms, cpuMs, orders, positions, sent };
}

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  const runs = smoke ? 2 : quick ? 5 : 20;
  const big = smoke ? 200 : 1000;
  const symbols = ['NVDA', 'MSFT', 'AAPL', 'AMZN', 'GOOGL', 'META', 'TSLA', 'AMD'];
  const plain = await SimProcess.start({});
  let empty;
  try {
    await connectTimes(plain.port, 2); // warm-up: module loading, JIT
    empty = await connectTimes(plain.port, runs);
  } finally {
    await plain.stop();
  }
  const loaded = await SimProcess.start({});
  let full;
  try {
    await loaded.call({ cmd: 'seed', clientId: CLIENT_ID, openOrders: big, positions: big, symbols });
    await connectTimes(loaded.port, 1);
    full = await connectTimes(loaded.port, Math.max(2, Math.round(runs / 2)));
  } finally {
    await loaded.stop();
  }
  const e = summary(empty.ms);
  const f = summary(full.ms);
  const fc = summary(full.cpuMs);
  return {
    figures: [
      {
        key: 'connectReadyMs',
        value: round(e.p50, 1),
        unit: 'ms',
        goal: { op: '<=', value: 100 },
        what: `connect to ready incl. initial sync, empty account (median of ${runs})`,
      },
      {
        key: 'connectReady1000Ms',
        value: round(f.p50, 1),
        unit: 'ms',
        goal: { op: '<=', value: 100 },
        what: `the same with ${big} open orders and ${big} positions to sync (median of ${full.ms.length})`,
      },
      {
        key: 'connectReady1000P90Ms',
        value: round(f.p90, 1),
        unit: 'ms',
        goal: { op: '<=', value: 100 },
        what: `the same, 90th percentile of ${full.ms.length}: the wait a user sees on a bad day`,
      },
      {
        key: 'connectReady1000CpuMs',
        value: round(fc.p50, 1),
        unit: 'ms',
        what: `this process's CPU time per such connect (median): the client's own share, whatever the machine's load (the rest is the simulator and the wire)`,
      },
    ],
    details: {
      empty: { ms: mapRound(e), messagesSent: empty.sent[0] },
      loaded: { ms: mapRound(f), cpuMs: mapRound(fc), openOrdersSynced: full.orders, positionsSynced: full.positions, messagesSent: full.sent[0] },
    },
    notes: [
      `A fresh BrokerClient per run (reconnect off), connect() timed until it resolves in state ready; the simulator runs in its own process (as TWS does). ${runs} runs after 2 warm-up connects.`,
      `Empty account: median ${round(e.p50, 1)} ms, p90 ${round(e.p90, 1)}, max ${round(e.max, 1)}; ${empty.sent[0]} messages sent through the pacer.`,
      `${big} open orders (client ${CLIENT_ID}, GTC limits far from the market, on 8 stocks) and ${big} positions (option contracts of those stocks): median ${round(f.p50, 1)} ms, p90 ${round(f.p90, 1)}, max ${round(f.max, 1)} (this process's CPU: median ${round(fc.p50, 1)} ms, p90 ${round(fc.p90, 1)}); the client ended with ${full.orders} orders and ${full.positions} positions.`,
    ],
  };
};

function mapRound(s: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 1)]));
}
