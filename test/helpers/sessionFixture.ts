// Shared set-up of the session integration tests: a real simulator over TCP with a record
// file (the harness's startSim), a TradingSession on it with short broker timeouts, and
// readers for the journal and the record. Nothing here fakes TWS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST } from './brokerFixture';
import { startSim, type SimFixture } from './simHarness';
import type { RecordedOrder } from '../../src/extension/sim/server/recorder';
import { Journal, type JournalLine } from '../../src/extension/session/journal';
import { parseSessionConfig, type SessionConfigInput } from '../../src/extension/session/sessionConfig';
import type { SessionEvent } from '../../src/extension/session/sessionEvents';
import { TradingSession, type SessionResult, type TradingSessionOptions } from '../../src/extension/session/tradingSession';
import { defaultModelDir } from '../../src/extension/policy/datasets';
import { writeTestModel, type TestPolicy } from './testModels';
import type { DecisionRecord } from '../../src/extension/session/decision';

export { startSim, type SimFixture };

/** Wednesday 2024-03-13 10:00 New York (EDT): inside regular hours. */
export const WED_10AM_NY = Date.UTC(2024, 2, 13, 14, 0, 0);
/** Wednesday 2024-03-13 17:00 New York: after the close, extended hours (bars, no RTH). */
export const WED_5PM_NY = Date.UTC(2024, 2, 13, 21, 0, 0);

export const ROOT = join(__dirname, '..', '..');

export function tempDir(prefix = 'session-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A replay file whose prices never move: every fill and mark is predictable (bid/ask = price -/+ a cent). */
export function flatReplay(dir: string): string {
  const path = join(dir, 'flat.csv');
  writeFileSync(path, 'open,high,low,close,volume\n100,100,100,100,1000\n100,100,100,100,1000\n');
  return path;
}

const modelDirs = new Map<string, string>();

/** A test policy's folder (written once per process); `head`: its action output, an int64 index or the logits. */
export function testModel(kind: TestPolicy, head: 'index' | 'logits' = 'index'): string {
  let dir = modelDirs.get(`${kind}/${head}`);
  if (!dir) {
    dir = writeTestModel(tempDir('session-model-'), kind, '1 min', head);
    modelDirs.set(`${kind}/${head}`, dir);
  }
  return dir;
}

export function defaultModel(): string {
  const d = defaultModelDir();
  if (!d) throw new Error('models/ppo-sp500 not found');
  return d;
}

export interface RunOptions {
  /** simulator options (startMs, speed, replayCsv, faultSpecs, live, ...) */
  sim?: Parameters<typeof startSim>[0];
  /** an already running simulator to use */
  fx?: SimFixture;
  config: SessionConfigInput;
  model?: TestPolicy | 'default';
  /** a test policy's action output (default: the int64 index) */
  modelHead?: 'index' | 'logits';
  session?: Partial<TradingSessionOptions>;
  /** called once the session exists (to kill it, watch events, ...) */
  onSession?: (s: TradingSession, fx: SimFixture) => void;
}

export interface RunResult {
  result: SessionResult;
  events: SessionEvent[];
  journal: JournalLine[];
  fx: SimFixture;
  session: TradingSession;
  /** orders that reached the simulator (its --record) */
  placed: RecordedOrder[];
  decisions: DecisionRecord[];
}

/** Runs one session to its end against a simulator (started here unless given; stopped here unless given). */
export async function runSession(o: RunOptions): Promise<RunResult> {
  const fx = o.fx ?? (await startSim({ speed: 60, startMs: WED_10AM_NY, ...o.sim }));
  try {
    const modelDir = o.model === undefined || o.model === 'default' ? defaultModel() : testModel(o.model, o.modelHead);
    const config = parseSessionConfig({ port: String(fx.sim.port), journalDir: join(tempDir('session-journal-'), 'journal'), modelDir, ...o.config });
    const session = new TradingSession({ config, brokerConfig: FAST, settleMs: 300, endSettleMs: 2000, ...o.session });
    const events: SessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    o.onSession?.(session, fx);
    const result = await session.run();
    const journal = result.journalPath ? Journal.read(result.journalPath) : [];
    return {
      result,
      events,
      journal,
      fx,
      session,
      placed: placedOrders(fx),
      decisions: events.flatMap((e) => (e.type === 'decision' ? [e.record] : [])),
    };
  } finally {
    if (!o.fx) await fx.stop();
  }
}

/** placeOrder messages the simulator received (what reached "TWS"), in order. */
export function placedOrders(fx: SimFixture): RecordedOrder[] {
  return fx.records().flatMap((l) => (l.dir === 'in' && l.name === 'placeOrder' && l.order && !l.order.whatIf ? [l.order] : []));
}

/** Journal lines of one type. */
export function linesOf(journal: readonly JournalLine[], type: string): Array<JournalLine & Record<string, any>> {
  return journal.filter((l) => l.type === type) as Array<JournalLine & Record<string, any>>;
}

/** The journal's orders that left for TWS: intents not closed as never sent / not transmitted (lost) / unknown to TWS. */
export function journaledSent(journal: readonly JournalLine[]): Array<{ orderRef: string; orderId: number; symbol: string; action: string; quantity: number }> {
  const unsent = new Set(
    journal
      .filter((l) => l.type === 'order-not-sent' || (l.type === 'order-status' && ((l as any).state === 'not-at-tws' || (l as any).state === 'lost')))
      .map((l) => String((l as any).orderRef)),
  );
  return linesOf(journal, 'intent')
    .filter((l) => !unsent.has(l.orderRef))
    .map((l) => ({ orderRef: l.orderRef, orderId: l.orderId, symbol: l.symbol, action: l.action, quantity: l.quantity }));
}

/** The record's orders in the same shape. */
export function recordedSent(placed: readonly RecordedOrder[]): Array<{ orderRef: string; orderId: number; symbol: string; action: string; quantity: number }> {
  return placed.map((o) => ({ orderRef: o.orderRef, orderId: o.orderId, symbol: o.symbol, action: o.action, quantity: o.totalQuantity }));
}

export function byRef<T extends { orderRef: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.orderRef < b.orderRef ? -1 : a.orderRef > b.orderRef ? 1 : 0));
}

/** Net shares per symbol from the simulator's own executions (its order engine). */
export function simNetShares(fx: SimFixture): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of fx.sim.engine.executions) {
    const s = e.contract.symbol;
    out[s] = (out[s] ?? 0) + (e.execution.side === 'BOT' ? 1 : -1) * e.execution.shares;
  }
  return out;
}

/** Positions of the simulated account by symbol. */
export function simPositions(fx: SimFixture): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of fx.sim.account.positions.values()) if (p.quantity !== 0) out[p.contract.symbol] = p.quantity;
  return out;
}
