// The manual desk's test rig, shared by the stock and the option/combo suites: a real
// simulator over TCP, the Trader connected to it, the desk's settings and journal folder, and
// readers of the simulator's record and the manual journal. Nothing here fakes TWS.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST } from './brokerFixture';
import { startSim, type SimFixture } from './simHarness';
import { WED_10AM_NY } from './sessionFixture';
import { resolveTarget } from '../../src/extension/app/configModel';
import { ManualOrders, manualDeskConfig, type ManualDeskConfig } from '../../src/extension/app/manualOrders';
import { PanelStore } from '../../src/extension/app/panelStore';
import { Trader } from '../../src/extension/app/trader';
import { Journal, type JournalLine } from '../../src/extension/session/journal';
import type { ManualOrderDesk, ManualPreview } from '../../src/extension/session/manualOrders';
import type { RecordLine } from '../../src/extension/sim/server/recorder';

export interface Rig {
  fx: SimFixture;
  store: PanelStore;
  trader: Trader;
  manual: ManualOrders;
  journalDir: string;
  config: ManualDeskConfig;
  close(): Promise<void>;
}

export async function rig(over: { live?: boolean; settings?: Record<string, unknown>; allowLive?: boolean; speed?: number } = {}): Promise<Rig> {
  const fx = await startSim({ speed: over.speed ?? 1, startMs: WED_10AM_NY, seed: 7, ...(over.live ? { live: true, account: 'U1234567' } : {}) });
  return connectRig(fx, mkdtempSync(join(tmpdir(), 'manual-')), over);
}

/** The extension's side (panel, trader, manual orders) on `fx`: a second one on the same simulator and journal is a restarted extension. */
export async function connectRig(fx: SimFixture, journalDir: string, over: { settings?: Record<string, unknown>; allowLive?: boolean } = {}): Promise<Rig> {
  const store = new PanelStore();
  const running = { host: '127.0.0.1', port: fx.sim.port, account: fx.sim.account.id, serverVersion: fx.sim.serverVersion };
  const trader = new Trader({ store, simulator: () => running, brokerConfig: FAST, log: () => {} });
  const parsed = manualDeskConfig(over.settings ?? {}, over.allowLive ?? false, journalDir);
  assert.deepEqual(parsed.problems, []);
  const target = resolveTarget({ settings: over.allowLive ? { 'ibkrAi.allowLive': true } : {}, simulator: running });
  assert.equal(await trader.connect(target), true);
  const manual = new ManualOrders(trader, () => {});
  return {
    fx,
    store,
    trader,
    manual,
    journalDir,
    config: parsed.config!,
    close: async () => {
      manual.dispose();
      await trader.dispose();
      await fx.stop();
    },
  };
}

export function placeOrders(fx: SimFixture): Array<RecordLine & { order: NonNullable<RecordLine['order']> }> {
  return fx.records().filter((l): l is RecordLine & { order: NonNullable<RecordLine['order']> } => l.dir === 'in' && l.name === 'placeOrder' && !!l.order);
}

export function journalLines(journalDir: string): JournalLine[] {
  const dir = join(journalDir, 'manual');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => Journal.read(join(dir, f)));
}

export async function previewOf(
  desk: ManualOrderDesk,
  input: Parameters<ManualOrderDesk['prepare']>[0],
  opts?: Parameters<ManualOrderDesk['prepare']>[1],
): Promise<ManualPreview> {
  const r = await desk.prepare(input, opts);
  assert.ok(r.ok, r.ok ? '' : r.problems.join('; '));
  return r.preview;
}

/**
 * Places a confirmed preview and waits for it to fill `quantity` in full; returns the result and
 * what the simulator received under its orderRef (the what-if left out).
 */
export async function placeFilled(r: Rig, desk: ManualOrderDesk, preview: ManualPreview, quantity: number) {
  const placed = await desk.place(preview);
  assert.equal(placed.sent, true, placed.error);
  assert.match(placed.orderRef ?? '', /^manual:\d{8}T\d{9}Z-[0-9a-f]{8}$/);
  const done = await r.trader.brokerClient!.orderDone(placed.orderId!, 5000);
  assert.deepEqual([done.state, done.filled], ['filled', quantity]);
  return { placed, sent: placeOrders(r.fx).filter((l) => !l.order.whatIf && l.order.orderRef === placed.orderRef) };
}

/** A paper rig with its desk on the default settings. */
export async function deskRig(): Promise<Rig & { desk: ManualOrderDesk }> {
  const r = await rig();
  const desk = await r.manual.desk(r.config);
  assert.ok(desk, 'a desk on the connection');
  return { ...r, desk };
}
