// Test harness: a real simulator on a free loopback port and real @stoqey/ib clients
// connected to it over TCP. Nothing here fakes TWS; helpers only wait for events.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventName, IBApi } from '@stoqey/ib';
import { startSimulator, type TwsSimulator } from '../../src/extension/sim/server/twsSimulator';
import { defaultSimOptions, type SimOptions } from '../../src/extension/sim/simOptions';
import { parseFaults } from '../../src/extension/sim/server/faults';
import type { RecordLine } from '../../src/extension/sim/server/recorder';

export interface SimFixture {
  sim: TwsSimulator;
  recordPath: string;
  /** Parsed `--record` lines written so far. */
  records(): RecordLine[];
  stop(): Promise<void>;
}

/** Starts a simulator on port 0 with a record file; `faults` as on the command line. */
export async function startSim(over: Partial<SimOptions> & { faultSpecs?: string[] } = {}): Promise<SimFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-sim-'));
  const recordPath = join(dir, 'record.jsonl');
  const { faultSpecs, ...rest } = over;
  const sim = await startSimulator(defaultSimOptions({ port: 0, recordPath, faults: parseFaults(faultSpecs ?? []), ...rest }));
  return {
    sim,
    recordPath,
    records: () =>
      readFileSync(recordPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as RecordLine),
    stop: () => sim.stop(),
  };
}

export interface ClientError {
  code: number;
  reqId: number;
  message: string;
}

/** A connected @stoqey/ib IBApi with every error collected. */
export class TestClient {
  readonly ib: IBApi;
  readonly errors: ClientError[] = [];
  nextOrderId = 0;
  accounts = '';

  constructor(port: number, clientId = 1) {
    this.ib = new IBApi({ host: '127.0.0.1', port, clientId });
    this.ib.on(EventName.error, (err: Error, code: number, reqId: number) => this.errors.push({ code, reqId, message: err?.message ?? String(err) }));
    this.ib.on(EventName.info, (message: string, code: number) => this.errors.push({ code, reqId: -1, message }));
  }

  /** Connects and resolves at nextValidId (the session is usable only then). */
  async connect(timeoutMs = 3000): Promise<this> {
    const accounts = once(this.ib, EventName.managedAccounts, timeoutMs);
    const ready = once(this.ib, EventName.nextValidId, timeoutMs);
    this.ib.connect();
    const [acct, id] = await Promise.all([accounts, ready]);
    this.accounts = String(acct[0]);
    this.nextOrderId = Number(id[0]);
    return this;
  }

  disconnect(): void {
    this.ib.disconnect();
  }

  takeOrderId(): number {
    return this.nextOrderId++;
  }

  /** Waits for the first error with this code (already received ones count). */
  async error(code: number, timeoutMs = 3000): Promise<ClientError> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.errors.find((x) => x.code === code);
      if (e) return e;
      if (Date.now() > deadline) throw new Error(`no error ${code} within ${timeoutMs} ms; got ${JSON.stringify(this.errors.map((x) => x.code))}`);
      await sleep(10);
    }
  }
}

/** Resolves with the arguments of the next `event` (optionally the first matching `filter`). */
export function once(ib: IBApi, event: EventName | string, timeoutMs = 3000, filter?: (...args: any[]) => boolean): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const emitter = ib as unknown as NodeJS.EventEmitter;
    const handler = (...args: any[]) => {
      if (filter && !filter(...args)) return;
      clearTimeout(timer);
      emitter.off(event, handler);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}`));
    }, timeoutMs);
    emitter.on(event, handler);
  });
}

/** Collects every `event` until `endEvent` fires (matching `endFilter`), e.g. position until positionEnd. */
export function collectUntil(
  ib: IBApi,
  event: EventName | string,
  endEvent: EventName | string,
  timeoutMs = 3000,
  endFilter?: (...args: any[]) => boolean,
): Promise<any[][]> {
  const items: any[][] = [];
  const emitter = ib as unknown as NodeJS.EventEmitter;
  const handler = (...args: any[]) => items.push(args);
  emitter.on(event, handler);
  return once(ib, endEvent, timeoutMs, endFilter).then(
    () => {
      emitter.off(event, handler);
      return items;
    },
    (err) => {
      emitter.off(event, handler);
      throw err;
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `predicate` until true or throws after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
