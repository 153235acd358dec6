// Why a connect attempt failed, in words that say what to do: the error codes that end an
// attempt at once, and the text for a failed or timed-out connect step.
import type { ResolvedBrokerConfig } from './config';
import { BrokerError, TimeoutError } from './errors';
import type { ConnectStep } from './types';

/** Codes that end a connect attempt at once. */
export const FATAL_DURING_CONNECT: ReadonlySet<number> = new Set([326, 502, 503, 506, 507]);

/** A connect step that failed with TWS's (or the socket's) code: what happened and the fix. */
export function connectError(config: ResolvedBrokerConfig, step: ConnectStep, code: number, message: string, clientId: number): BrokerError {
  const { host, port } = config;
  let text: string;
  if (code === 326) {
    text =
      `client id ${clientId} is already in use by another API connection to this TWS (error 326). ` +
      'Orders belong to the client id that placed them, so the client does not switch ids by itself: ' +
      (config.alternateClientIds.length
        ? 'no configured alternate id was free.'
        : 'close the other connection, or configure another client id (or alternateClientIds).');
  } else if (code === 502) {
    text = `could not open a TCP connection to ${host}:${port} (${message || 'refused'}). Is TWS or IB Gateway running, and is the API port right? (TWS paper 7497, live 7496; Gateway paper 4002, live 4001)`;
  } else if (code === 503 || code === 506 || code === 507) {
    text = `TWS at ${host}:${port} speaks a server version this client does not accept (${message}): update TWS / IB Gateway`;
  } else if (step === 'tcp') {
    text = `could not open a TCP connection to ${host}:${port}`;
  } else if (step === 'handshake') {
    text = `TWS at ${host}:${port} closed the connection during the API handshake`;
  } else if (step === 'api') {
    text = `TWS closed the connection before the API session started (client id ${clientId})`;
  } else {
    text = 'TWS closed the connection during the initial sync';
  }
  return new BrokerError({ code, message: text, step });
}

/** A connect step that did not finish in time: what it waited for and the likely cause. */
export function timeoutError(config: ResolvedBrokerConfig, step: ConnectStep, ms: number, clientId: number): BrokerError {
  const { host, port } = config;
  const text =
    step === 'tcp'
      ? `no TCP connection to ${host}:${port} within ${ms} ms (host unreachable or a firewall drops the packets)`
      : step === 'handshake'
        ? `TWS at ${host}:${port} accepted the TCP connection but did not answer the API handshake within ${ms} ms. In TWS enable "ActiveX and Socket Clients", add this machine to the Trusted IPs, and dismiss any dialog waiting in TWS`
        : `TWS did not start the API session (nextValidId and managedAccounts) within ${ms} ms for client id ${clientId}`;
  const e = new TimeoutError(step, ms, -1, step);
  return new BrokerError({ code: e.code, message: text, step });
}
