// The parent side of simChild.ts: start the simulator in its own process and call it.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FloodResult } from '../src/extension/sim/feeds/quoteFlood';
import type { ChildRequest } from './simChild';

type Body<T> = T extends { id: number } ? Omit<T, 'id'> : never;

export class SimProcess {
  private readonly child: ChildProcess;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  port = 0;
  account = '';

  private constructor() {
    this.child = fork(join(__dirname, 'simChild.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`simulator process: ${m.error}`));
    });
    this.child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`simulator process exited (${code})`));
      this.pending.clear();
    });
  }

  /** The simulator's process id (e.g. to pin it to a core). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: Extract<ChildRequest, { cmd: 'start' }>['options']): Promise<SimProcess> {
    const s = new SimProcess();
    const r = await s.call<{ port: number; account: string }>({ cmd: 'start', options });
    s.port = r.port;
    s.account = r.account;
    return s;
  }

  call<T>(req: Body<ChildRequest>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...req, id });
    });
  }

  flood(opts: { clientId?: number; messages: number; maxMs: number; endMark?: string }): Promise<FloodResult> {
    return this.call<FloodResult>({ cmd: 'flood', ...opts });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    await this.call({ cmd: 'stop' }).catch(() => {});
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    if (this.child.exitCode === null) this.child.kill();
  }
}
