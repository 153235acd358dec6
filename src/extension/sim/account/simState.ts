// `--state FILE`: the simulated account survives a simulator restart, as a TWS account
// survives a TWS restart (positions and cash live at IB; reqExecutions and
// reqCompletedOrders still return the day's executions and orders, with their orderRefs).
// The file is JSON, replaced atomically (write a temporary file, fsync, rename) so a crash
// leaves the old or the new state, never half of one.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { AccountSnapshot } from './account';
import type { ExecutionRecord, SimOrder } from './simOrder';

export const SIM_STATE_VERSION = 1;
const KIND = 'ibkr-ai-trader-sim-state';

export interface SimState {
  kind: typeof KIND;
  version: typeof SIM_STATE_VERSION;
  /** Simulated time of the save (epoch ms): a restarted simulator's clock does not go back before it. */
  simTime: number;
  account: AccountSnapshot;
  /** Working orders (any day) and the orders completed on the day of `simTime`. */
  orders: SimOrder[];
  /** The executions of the day of `simTime`, with their commission reports. */
  executions: ExecutionRecord[];
  /** The lowest order id not used yet (TWS's nextValidId floor). */
  nextOrderId: number;
  nextPermId: number;
  execSeq: number;
}

export class SimStateError extends Error {
  override readonly name = 'SimStateError';
}

const FRESH_HINT = 'move it away (or delete it) to start with a fresh account';

/** Reads a state file; undefined when it does not exist yet (a fresh account). */
export function readSimState(path: string): SimState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SimStateError(`simulator state ${path} cannot be read: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text, revive);
  } catch (err) {
    throw new SimStateError(`simulator state ${path} is not valid JSON (${(err as Error).message}); ${FRESH_HINT}`);
  }
  const problem = stateProblem(data);
  if (problem) throw new SimStateError(`simulator state ${path} ${problem}; ${FRESH_HINT}`);
  return data as SimState;
}

/** Writes the state atomically: a temporary file beside it, flushed, then renamed over it. */
export function writeSimState(path: string, state: SimState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state, replace) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the rename's error is the one to report
    }
    throw err;
  }
}

/** Keeps what TWS keeps over a restart on day `dateKey` (yyyymmdd, New York). */
export function dayScoped(state: SimState, dateKey: number, dateOf: (ms: number) => number): Pick<SimState, 'orders' | 'executions'> {
  const active = new Set(['ApiPending', 'PendingSubmit', 'PreSubmitted', 'Submitted', 'PendingCancel']);
  return {
    orders: state.orders.filter((o) => active.has(o.status) || completedDate(o, dateOf) === dateKey),
    executions: state.executions.filter((e) => dateOf(e.time) === dateKey),
  };
}

function completedDate(o: SimOrder, dateOf: (ms: number) => number): number {
  const m = /^(\d{8})/.exec(o.completedTime ?? '');
  return m ? Number(m[1]) : dateOf(o.submittedAt);
}

// Non-finite numbers (an order field may be Infinity) survive the JSON round trip.
function replace(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
}

function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number') return Number((value as { $number: string }).$number);
  }
  return value;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** What is wrong with a parsed state file, naming the field; undefined when it is usable. */
function stateProblem(d: unknown): string | undefined {
  if (!isObj(d) || d.kind !== KIND) return `is not a simulator state file (no "kind": "${KIND}")`;
  if (d.version !== SIM_STATE_VERSION) return `has version ${JSON.stringify(d.version)}; this simulator reads version ${SIM_STATE_VERSION}`;
  for (const f of ['simTime', 'nextOrderId', 'nextPermId', 'execSeq'] as const) if (!isNum(d[f])) return `has no valid "${f}" (a number)`;
  const a = d.account;
  if (!isObj(a) || typeof a.id !== 'string') return 'has no valid "account" (with "id")';
  for (const f of ['cash', 'realizedPnl', 'commissions'] as const) if (!isNum(a[f])) return `has no valid "account.${f}" (a number)`;
  if (!Array.isArray(a.positions)) return 'has no "account.positions" list';
  for (const [i, p] of a.positions.entries()) {
    if (
      !isObj(p) ||
      !isObj(p.contract) ||
      !isNum(p.contract.conId) ||
      !isNum(p.quantity) ||
      !isNum(p.avgCost) ||
      !isNum(p.multiplier) ||
      !isNum(p.realizedPnl)
    ) {
      return `has an invalid "account.positions[${i}]" (contract.conId, quantity, avgCost, multiplier, realizedPnl)`;
    }
  }
  if (!Array.isArray(d.orders)) return 'has no "orders" list';
  for (const [i, o] of d.orders.entries()) {
    if (
      !isObj(o) ||
      !isNum(o.orderId) ||
      !isNum(o.clientId) ||
      typeof o.status !== 'string' ||
      !isObj(o.contract) ||
      !isObj(o.order) ||
      !isNum(o.filled) ||
      !isNum(o.remaining)
    ) {
      return `has an invalid "orders[${i}]" (orderId, clientId, status, contract, order, filled, remaining)`;
    }
  }
  if (!Array.isArray(d.executions)) return 'has no "executions" list';
  for (const [i, e] of d.executions.entries()) {
    if (!isObj(e) || !isNum(e.time) || !isObj(e.contract) || !isObj(e.execution) || typeof e.execution.execId !== 'string' || !isObj(e.commission)) {
      return `has an invalid "executions[${i}]" (time, contract, execution.execId, commission)`;
    }
  }
  return undefined;
}
