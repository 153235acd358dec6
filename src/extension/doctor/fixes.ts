// Exact fix texts shared by the checks: the menu paths of TWS and IB Gateway, the
// settings and `.env` keys. One place, so every check says the same thing.

/** TWS (Mosaic layout; the classic layout has the same dialog under Edit). */
export const TWS_API_SETTINGS = 'TWS: File > Global Configuration > API > Settings (classic layout: Edit > Global Configuration > API > Settings)';
export const GATEWAY_API_SETTINGS = 'IB Gateway: Configure > Settings > API > Settings';
export const TWS_API_PRECAUTIONS = 'TWS: File > Global Configuration > API > Precautions';
export const GATEWAY_API_PRECAUTIONS = 'IB Gateway: Configure > Settings > API > Precautions';

export const STANDARD_PORTS = [7497, 7496, 4002, 4001] as const;

export interface PortMeaning {
  app: 'TWS' | 'IB Gateway';
  mode: 'paper' | 'live';
}

export const PORT_MEANINGS: Readonly<Record<number, PortMeaning>> = {
  7497: { app: 'TWS', mode: 'paper' },
  7496: { app: 'TWS', mode: 'live' },
  4002: { app: 'IB Gateway', mode: 'paper' },
  4001: { app: 'IB Gateway', mode: 'live' },
};

/** "7497 (TWS paper)" or "7000 (non-standard: a custom Socket port set in TWS/IB Gateway)". */
export function describePort(port: number): string {
  const m = PORT_MEANINGS[port];
  return m ? `${port} (${m.app} ${m.mode})` : `${port} (non-standard: a custom Socket port set in TWS or IB Gateway)`;
}

export function isLivePort(port: number): boolean {
  return PORT_MEANINGS[port]?.mode === 'live';
}

export function isPaperPort(port: number): boolean {
  return PORT_MEANINGS[port]?.mode === 'paper';
}

/** Is this address a loopback one (127.0.0.0/8, ::1, localhost)? */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1';
}
