// The parent side of wireTapChild.ts: a timestamping relay in front of the simulator.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BarSent, OrderAnswer, OrderReceived } from './wireTapChild';

export class WireTap {
  private seq = 0;
  private readonly pending = new Map<number, (v: any) => void>();
  port = 0;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result: unknown }) => {
      this.pending.get(m.id)?.(m.result);
      this.pending.delete(m.id);
    });
  }

  /** Starts the relay in front of the simulator on `simPort`; clients connect to `port`. */
  static async start(simPort: number): Promise<WireTap> {
    const t = new WireTap(fork(join(__dirname, 'wireTapChild.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    t.port = (await t.call<{ port: number }>({ cmd: 'start', simPort })).port;
    return t;
  }

  private call<T>(req: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...req, id });
    });
  }

  /** What passed since the last call: bars sent to clients, orders from them, first answers. barSymbols keys are `connection:reqId`. */
  taps(): Promise<{ bars: BarSent[]; orders: OrderReceived[]; barSymbols: Record<string, string>; answers: OrderAnswer[] }> {
    return this.call({ cmd: 'taps' });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** When each symbol's bar left the simulator: `SYMBOL@barTime` (bar start, epoch s as on the wire) -> relay hrtime ns. */
export function barsSent(taps: { bars: BarSent[]; barSymbols: Record<string, string> }): Map<string, bigint> {
  const sent = new Map<string, bigint>();
  for (const b of taps.bars) {
    const symbol = taps.barSymbols[`${b.clientId}:${b.reqId}`];
    if (symbol) sent.set(`${symbol}@${b.time}`, BigInt(b.at));
  }
  return sent;
}
