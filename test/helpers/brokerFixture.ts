// Shared set-up of the broker integration tests: a real simulator over TCP (the harness's
// startSim) and a BrokerClient with short timeouts, heartbeat and backoff so the suite
// stays fast. Nothing here fakes TWS.
import { BrokerClient } from '../../src/extension/broker/brokerClient';
import type { BrokerConfig } from '../../src/extension/broker/config';
import type { BrokerConnectionState } from '../../src/extension/broker/types';
import { startSim, type SimFixture } from './simHarness';

export { startSim, type SimFixture };

export interface LogLine {
  level: string;
  message: string;
}

export const FAST: Omit<BrokerConfig, 'host' | 'port' | 'clientId'> = {
  timeouts: {
    tcpMs: 1500,
    handshakeMs: 800,
    apiStartMs: 1500,
    syncStepMs: 4000,
    requestMs: 4000,
    historicalMs: 8000,
    orderAckMs: 4000,
    cancelMs: 4000,
    modifyMs: 4000,
    whatIfMs: 4000,
    firstTickMs: 4000,
  },
  heartbeat: { intervalMs: 400, timeoutMs: 300 },
  reconnect: { initialDelayMs: 100, maxDelayMs: 400, multiplier: 2, jitter: 0 },
};

export function makeClient(port: number, over: Partial<BrokerConfig> = {}): { client: BrokerClient; logs: LogLine[]; states: BrokerConnectionState[] } {
  const logs: LogLine[] = [];
  const states: BrokerConnectionState[] = [];
  const client = new BrokerClient({
    host: '127.0.0.1',
    port,
    clientId: 1,
    ...FAST,
    ...over,
    log: (level, message) => logs.push({ level, message }),
  });
  client.state.subscribe((s) => states.push(s));
  return { client, logs, states };
}

/** A connected client on a fresh simulator; `close()` disposes both. */
export async function connected(simOver: Parameters<typeof startSim>[0] = {}, clientOver: Partial<BrokerConfig> = {}) {
  const fx = await startSim(simOver);
  const made = makeClient(fx.sim.port, clientOver);
  try {
    await made.client.connect();
  } catch (err) {
    await made.client.dispose();
    await fx.stop();
    throw err;
  }
  return {
    fx,
    ...made,
    close: async () => {
      await made.client.dispose();
      await fx.stop();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** placeOrder lines the simulator received, per order id. */
export function placedCounts(fx: SimFixture): Map<number, number> {
  const m = new Map<number, number>();
  for (const l of fx.records()) {
    if (l.dir !== 'in' || l.name !== 'placeOrder' || !l.order) continue;
    m.set(l.order.orderId, (m.get(l.order.orderId) ?? 0) + 1);
  }
  return m;
}
