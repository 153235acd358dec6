// The connection follows the embedded simulator, through the real SimulatorHost, Trader and
// @stoqey/ib over TCP: stopping the simulator on purpose closes the connection quietly (no
// "connection lost" warning, no retries of the dead port), and when it starts again on a new
// port the connection goes there. A simulator that dies without the stop hook is, in
// contrast, a lost connection: the same trader warns and retries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FAST } from '../../helpers/brokerFixture';
import { waitFor } from '../../helpers/simHarness';
import { resolveTarget } from '../../../src/extension/app/configModel';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { SimulatorHost } from '../../../src/extension/app/simulatorHost';
import { Trader, type TraderEvent } from '../../../src/extension/app/trader';
import { noticeFor } from '../../../src/extension/app/notifyPolicy';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../helpers/simHarness';
import { WED_10AM_NY } from '../../helpers/sessionFixture';
import { defaultModelDir } from '../../../src/extension/policy/datasets';
import { parseSessionConfig } from '../../../src/extension/session/sessionConfig';
import { sessionInput } from '../../../src/extension/app/configModel';

/** The extension's wiring (extension.ts): the trader hears of each start, and of a stop before it happens. */
function wire(opts: { stopHook: boolean }) {
  const store = new PanelStore();
  const events: TraderEvent[] = [];
  const logs: string[] = [];
  const trader = new Trader({ store, simulator: () => simulator.running, brokerConfig: FAST, log: (c, l, m) => logs.push(`[${c}] ${l} ${m}`) });
  trader.onEvent((e) => events.push(e));
  // Read lazily by the trader, as in extension.ts.
  const simulator: SimulatorHost = new SimulatorHost({
    log: (line) => logs.push(`[sim] ${line}`),
    onChange: (running) => {
      store.setSimulator(running);
      trader.refreshHealth();
      if (running) void trader.simulatorStarted(running);
    },
    ...(opts.stopHook ? { beforeStop: () => trader.simulatorStopping() } : {}),
  });
  const connect = () => trader.connect(resolveTarget({ settings: {}, simulator: simulator.running }));
  const dispose = async () => {
    await trader.dispose();
    await simulator.dispose();
  };
  /** read afresh (an assertion on store.health narrows its type for the rest of a test) */
  const health = () => store.health;
  return { store, events, logs, trader, simulator, connect, dispose, health };
}

const warnings = (events: TraderEvent[]) => events.map((e) => noticeFor(e)).filter((n) => n && n.severity !== 'info');

describe('the connection follows the embedded simulator', { timeout: 60_000 }, () => {
  it('a deliberate stop closes it quietly; the next start reconnects on the new port', async () => {
    const w = wire({ stopHook: true });
    try {
      const first = await w.simulator.start();
      assert.equal(await w.connect(), true);
      assert.equal(w.store.health.kind, 'ready');

      assert.equal(await w.simulator.stop(), true);
      assert.deepEqual(w.events, [], 'no "connection lost" (nor any) event for a stop on purpose');
      assert.deepEqual(warnings(w.events), []);
      assert.equal(w.store.health.kind, 'off', 'idle, not reconnecting');
      assert.equal(w.trader.connectionState, undefined, 'no client left retrying the dead port');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!w.logs.some((l) => /reconnecting/.test(l)), `no reconnect attempts: ${w.logs.filter((l) => /reconnect/.test(l)).join(' | ')}`);

      const second = await w.simulator.start();
      await waitFor(() => w.store.health.kind === 'ready', 15_000, 'the connection on the restarted simulator');
      const h = w.health();
      assert.ok(h.kind === 'ready' && h.port === second.port && h.badge === 'SIM' && h.account === 'DU1234567', JSON.stringify(h));
      assert.equal(w.trader.currentTarget?.port, second.port);
      assert.equal(w.trader.currentTarget?.simulator, true);
      assert.ok(w.logs.some((l) => l.includes(`following the TWS simulator to 127.0.0.1:${second.port}`)));
      assert.deepEqual(warnings(w.events), [], 'no warning through the whole stop and start');
      // Port 0 each time: normally a different port; the follow holds either way.
      w.logs.push(`ports ${first.port} -> ${second.port}`);
    } finally {
      await w.dispose();
    }
  });

  it('after a disconnect on purpose, a restart does not reconnect', async () => {
    const w = wire({ stopHook: true });
    try {
      await w.simulator.start();
      assert.equal(await w.connect(), true);
      await w.trader.disconnect();
      await w.simulator.stop();
      await w.simulator.start();
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(w.store.health.kind, 'simulator', 'the simulator runs; nothing connected to it');
      assert.equal(w.trader.connectionState, undefined);
    } finally {
      await w.dispose();
    }
  });

  it('without the stop hook (the simulator just dies) the same trader warns of a lost connection', async () => {
    const w = wire({ stopHook: false });
    try {
      await w.simulator.start();
      assert.equal(await w.connect(), true);
      await w.simulator.stop();
      await waitFor(() => w.events.some((e) => e.type === 'disconnected'), 10_000, 'the lost-connection event');
      assert.equal(noticeFor(w.events.find((e) => e.type === 'disconnected')!)?.severity, 'warning');
      assert.notEqual(w.trader.connectionState?.status, 'ready');
    } finally {
      await w.dispose();
    }
  });

  it('a session trading on the simulator is stopped first (its orders cancelled), then the connection closes quietly', async () => {
    // A simulator in market hours (the extension's own starts at the wall clock); the stop hook as extension.ts wires it.
    const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, seed: 7 });
    const store = new PanelStore();
    const events: TraderEvent[] = [];
    const running = { host: '127.0.0.1', port: fx.sim.port, account: fx.sim.account.id, serverVersion: fx.sim.serverVersion };
    let simRunning: typeof running | undefined = running;
    const trader = new Trader({ store, simulator: () => simRunning, brokerConfig: FAST, log: () => {} });
    trader.onEvent((e) => events.push(e));
    try {
      const target = resolveTarget({ settings: {}, simulator: running });
      const modelDir = defaultModelDir()!;
      const settings = {
        'ibkrAi.session.symbols': ['NVDA', 'MSFT'],
        'ibkrAi.session.mode': 'paper',
        'ibkrAi.session.cycles': 200,
        'ibkrAi.session.cycleSeconds': 60,
      };
      const config = parseSessionConfig(sessionInput(settings, target, { modelDir }), { modelDir, cwd: mkdtempSync(join(tmpdir(), 'follow-')) });
      assert.ok(await trader.startSession(config, target));
      await waitFor(() => (store.sessionBadge()?.cycle ?? 0) >= 1, 30_000, 'a cycle of the session');

      await trader.simulatorStopping();
      assert.equal(trader.sessionActive, false, 'the session ended before the simulator goes');
      const end = events.find((e) => e.type === 'session-end');
      assert.ok(end && end.type === 'session-end', 'the session ended');
      assert.equal(end.status, 'stopped');
      assert.equal(end.reason, 'the TWS simulator was stopped', 'the stop says why, not "kill switch"');
      assert.equal(trader.connectionState, undefined, 'the connection is closed');
      simRunning = undefined;
      await fx.stop();
      trader.refreshHealth();
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(
        events.filter((e) => e.type === 'disconnected' || e.type === 'risk-stop'),
        [{ type: 'risk-stop', rule: 'killSwitch', reason: 'the TWS simulator was stopped', flatten: false }],
        'no lost connection; the stop is the kill switch (told by the session-end notice, not a toast of its own)',
      );
      assert.equal(noticeFor(events.find((e) => e.type === 'risk-stop')!), undefined);
      assert.equal(store.health.kind, 'off');
      assert.equal(trader.followsSimulator, true, 'waits for the next start');
    } finally {
      await trader.dispose();
      await fx.stop().catch(() => undefined);
    }
  });
});
