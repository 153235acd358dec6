// Full trading sessions for the reliability suite: a TradingSession (the one the CLI and the
// extension run) against the in-process simulator over TCP, with the simulator's --record,
// the toggle policy (an order every cycle per symbol) on flat prices, a minute of market per
// wall second, short broker timeouts.
import { heartbeatBoundMs } from '../../../src/extension/broker/config';
import type { SessionEvent } from '../../../src/extension/session/sessionEvents';
import { FAST } from '../../helpers/brokerFixture';
import { flatReplay, runSession, tempDir, WED_10AM_NY, type RunResult } from '../../helpers/sessionFixture';

let replay: string | undefined;

/** A replay file with flat prices (fills and marks predictable). */
export function flatPrices(): string {
  replay ??= flatReplay(tempDir('reliability-replay-'));
  return replay;
}

export const HEARTBEAT_BOUND_MS = heartbeatBoundMs({ intervalMs: FAST.heartbeat!.intervalMs!, timeoutMs: FAST.heartbeat!.timeoutMs! });

export interface FaultSession {
  faults: string[];
  clientId: number;
  cycles?: number;
  symbols?: string;
  /** simulator log lines with their wall time */
  simLog?: Array<{ at: number; line: string }>;
}

/** Runs a toggle-policy session through `faults` (plus `pacing`: TWS would answer error 100 past 50 msg/s). */
export function faultSession(o: FaultSession): Promise<RunResult> {
  const log = o.simLog;
  return runSession({
    sim: {
      speed: 60,
      startMs: WED_10AM_NY,
      replayCsv: flatPrices(),
      faultSpecs: [...o.faults, 'pacing'],
      ...(log ? { log: (line: string) => log.push({ at: Date.now(), line }) } : {}),
    },
    model: 'toggle',
    config: { symbols: o.symbols ?? 'NVDA,MSFT', cycles: String(o.cycles ?? 12), capital: '20000', clientId: String(o.clientId) },
    session: { graceMs: 300 },
  });
}

export function notices(events: readonly SessionEvent[]): Array<{ at: number; level: string; message: string }> {
  return events.flatMap((e) => (e.type === 'notice' ? [{ at: e.at, level: e.level, message: e.message }] : []));
}

/** The notices that say the connection was lost (one per loss). */
export function losses(events: readonly SessionEvent[]): Array<{ at: number; message: string }> {
  return notices(events).filter((n) => n.message.startsWith('connection to TWS lost'));
}
