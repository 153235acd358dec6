// Owns the embedded TWS simulator inside the extension host: at most one at a time, on a
// free loopback port. No `vscode` here, so it is tested under plain node. The simulator
// module is imported only on first start, keeping activation cheap.
import type { TwsSimulator } from '../sim/server/twsSimulator';

export interface RunningSimulator {
  host: string;
  port: number;
  account: string;
  serverVersion: number;
}

export interface SimulatorHostOptions {
  log: (line: string) => void;
  /** Called after every start and stop with the running simulator, or undefined. */
  onChange: (running: RunningSimulator | undefined) => void;
  /**
   * Called before a stop on purpose, while the simulator still runs: a connection to it closes
   * first, so the stop is not taken for a lost connection (the Trader's simulatorStopping).
   */
  beforeStop?: (running: RunningSimulator) => Promise<void>;
  /** Settings read at each start (the clock speed: simulated seconds per wall second). */
  settings?: () => { speed?: number };
}

export class SimulatorHost {
  private sim: TwsSimulator | undefined;
  /** The start in flight, so two quick clicks share one simulator. */
  private starting: Promise<RunningSimulator> | undefined;

  constructor(private readonly options: SimulatorHostOptions) {}

  get running(): RunningSimulator | undefined {
    return this.sim ? describe(this.sim) : undefined;
  }

  start(): Promise<RunningSimulator> {
    if (this.sim) return Promise.resolve(describe(this.sim));
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<RunningSimulator> {
    const [{ startSimulator }, { defaultSimOptions }] = await Promise.all([import('../sim/server/twsSimulator'), import('../sim/simOptions')]);
    // Loopback only, port 0: never collide with a real TWS on 7496/7497.
    const speed = this.options.settings?.().speed;
    this.sim = await startSimulator(
      defaultSimOptions({ port: 0, host: '127.0.0.1', log: this.options.log, ...(speed !== undefined && speed > 0 ? { speed } : {}) }),
    );
    const running = describe(this.sim);
    this.options.log(
      `TWS simulator listening on ${running.host}:${running.port} (account ${running.account}, server version ${running.serverVersion}, clock ${this.sim.options.speed}x)`,
    );
    this.options.onChange(running);
    return running;
  }

  /** Stops the simulator (closing its client sockets); resolves false if none was running. */
  async stop(): Promise<boolean> {
    await this.starting?.catch(() => undefined);
    const sim = this.sim;
    if (!sim) return false;
    try {
      await this.options.beforeStop?.(describe(sim));
    } catch (err) {
      this.options.log(`before stopping the simulator: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.sim !== sim) return false; // a concurrent stop got there first
    this.sim = undefined;
    await sim.stop();
    this.options.log(`TWS simulator on port ${sim.port} stopped`);
    this.options.onChange(undefined);
    return true;
  }

  async dispose(): Promise<void> {
    await this.stop();
  }
}

function describe(sim: TwsSimulator): RunningSimulator {
  return { host: sim.options.host, port: sim.port, account: sim.account.id, serverVersion: sim.serverVersion };
}
