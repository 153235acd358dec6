// The connection health the status bar, the panel and the menu show, derived from the
// broker's connection state and the target it goes to. Pure: no vscode, no broker instance.
import type { BrokerConnectionState } from '../broker/types';
import type { ResolvedTarget } from './configModel';
import type { ConnectionHealth, TargetInfo } from './statusView';

export function targetInfo(t: ResolvedTarget): TargetInfo {
  return { host: t.host, port: t.port, clientId: t.clientId, sources: t.sources };
}

/** The same TWS endpoint and client id: a connection to one is a connection to the other. */
export function sameTarget(a: ResolvedTarget, b: ResolvedTarget): boolean {
  return a.host === b.host && a.port === b.port && a.clientId === b.clientId;
}

export interface HealthExtras {
  /** the setup checks' first finding after a failed connect */
  cause: { title: string; finding: string; fix: string } | undefined;
  /** the setup checks are running to find the cause */
  diagnosing: boolean;
  /** what shows when nothing is connected (off, the simulator, Restricted Mode) */
  idle: () => ConnectionHealth;
}

export function connectionHealth(s: BrokerConnectionState, t: ResolvedTarget, x: HealthExtras): ConnectionHealth {
  const info = targetInfo(t);
  switch (s.status) {
    case 'disconnected':
      return x.idle();
    case 'connecting':
    case 'syncing':
      return { kind: 'connecting', ...info, ...(s.step ? { step: s.step } : {}) };
    case 'ready':
      return {
        kind: 'ready',
        ...info,
        account: s.accountId ?? '?',
        badge: t.simulator ? 'SIM' : s.isPaper === false ? 'LIVE' : 'PAPER',
        ...(s.serverVersion ? { serverVersion: s.serverVersion } : {}),
      };
    case 'reconnecting':
      return {
        kind: 'reconnecting',
        ...info,
        ...(s.accountId ? { account: s.accountId } : {}),
        ...(s.attempt ? { attempt: s.attempt } : {}),
        ...(s.reason ? { reason: s.reason } : {}),
      };
    case 'failed':
      return {
        kind: 'failed',
        ...info,
        reason: s.reason ?? s.lastError?.message ?? 'not connected',
        ...(x.cause ? { cause: x.cause } : {}),
        ...(x.diagnosing ? { checking: true } : {}),
      };
  }
}
