// The connection follows the embedded simulator: stopping the simulator on purpose closes a
// connection to it quietly (it is not a lost connection, and a dead port is not retried), and
// when the simulator starts again, on whatever free port it gets, the connection goes there.
// Pure bookkeeping; the Trader acts on what it decides (integration-tested with the simulator).
import type { ResolvedTarget } from './configModel';
import type { RunningSimulator } from './simulatorHost';

export class SimulatorFollow {
  /** the connection closed because its simulator stopped: followed at the next start */
  private released: ResolvedTarget | undefined;

  /**
   * The simulator is about to stop. True when the connection goes to it (`open`: connecting,
   * ready, reconnecting or failed): the caller closes it quietly, and it is remembered.
   */
  stopping(target: ResolvedTarget | undefined, open: boolean): boolean {
    if (!target?.simulator || !open) return false;
    this.released = target;
    return true;
  }

  /** The simulator started: the target to connect to (the old one on the new port), once; undefined when nothing follows. */
  started(sim: RunningSimulator): ResolvedTarget | undefined {
    const t = this.released;
    this.released = undefined;
    if (!t) return undefined;
    return { ...t, host: sim.host, port: sim.port };
  }

  /** The user connected or disconnected on purpose: nothing to follow any more. */
  forget(): void {
    this.released = undefined;
  }

  get following(): boolean {
    return this.released !== undefined;
  }
}
