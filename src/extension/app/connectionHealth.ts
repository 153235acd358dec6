// The connection's health as the status bar, the tree and the panel show it, derived from
// the broker's connection state, the target and what the setup checks found: a pure
// function (the Trader calls it on every change), unit-testable without a broker.
import type { BrokerConnectionState } from '../broker/types';
import type { ResolvedTarget } from './configModel';
import type { ConnectionHealth, TargetInfo } from './statusView';

export function targetInfo(t: ResolvedTarget): TargetInfo {
  return { host: t.host, port: t.port, clientId: t.clientId, sources: t.sources };
}

export interface HealthInput {
  state: BrokerConnectionState;
  target: ResolvedTarget;
  /** what shows when nothing is connected (off, restricted, the simulator) */
  idle: ConnectionHealth;
  /** the setup checks' finding after a failed connect */
  cause?: { title: string; finding: string; fix: string } | undefined;
  /** the setup checks run to find that cause */
  diagnosing: boolean;
}

export function connectionHealth({ state: s, target: t, idle, cause, diagnosing }: HealthInput): ConnectionHealth {
  const info = targetInfo(t);
  switch (s.status) {
    case 'disconnected':
      return idle;
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
        ...(cause ? { cause } : {}),
        ...(diagnosing ? { checking: true } : {}),
      };
  }
}
