// A TWS host that is not this machine: the TWS API is plain, unauthenticated TCP, so the
// account's orders and positions would cross a network, and a wrong address would hand the
// session to whatever listens there. The first connection to each non-loopback host is
// confirmed by the user; the answer is kept per host (the extension's globalState, not the
// workspace, so a workspace cannot pre-approve its own host). No vscode: the decision and
// the stored list are pure, the prompt lives in commands.ts.
import { isLoopback } from '../tws/fixes';

/** globalState key: hosts the user confirmed, normalized. */
export const CONFIRMED_HOSTS_KEY = 'ibkrAi.confirmedRemoteHosts';

export type RemoteHostDecision =
  | { readonly kind: 'local' }
  | { readonly kind: 'confirmed'; readonly host: string }
  | { readonly kind: 'ask'; readonly host: string; readonly message: string; readonly detail: string };

/** Lowercase, trimmed, without IPv6 brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** Whether connecting to `host` needs the user's confirmation, given the hosts already confirmed (as stored). */
export function remoteHostDecision(host: string, confirmed: unknown): RemoteHostDecision {
  const h = normalizeHost(host);
  if (isLoopback(h)) return { kind: 'local' };
  const list = Array.isArray(confirmed) ? confirmed.filter((x): x is string => typeof x === 'string') : [];
  if (list.includes(h)) return { kind: 'confirmed', host: h };
  return {
    kind: 'ask',
    host: h,
    message: `Connect to TWS on ${h}? It is not this machine.`,
    detail:
      'The TWS API is unencrypted and unauthenticated TCP: your orders, positions and account data cross the network, and whatever answers at this address receives your orders. ' +
      'Continue only if you run TWS or IB Gateway there and its Trusted IPs include this machine. You are asked once per host.',
  };
}

/** The stored list with `host` added (normalized, once). */
export function withConfirmedHost(confirmed: unknown, host: string): string[] {
  const list = Array.isArray(confirmed) ? confirmed.filter((x): x is string => typeof x === 'string') : [];
  const h = normalizeHost(host);
  return list.includes(h) ? list : [...list, h];
}
