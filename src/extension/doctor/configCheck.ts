// Check 1, configuration: host, port and client id with the source of each, what the
// port means, and a live port or live mode while live trading is not enabled, all
// before anything connects.
import { configProblems, ENV_KEYS, type ResolvedConnectionConfig, type Resolved } from '../config/connectionConfig';
import { describePort, isLivePort, isPaperPort, PORT_MEANINGS } from '../tws/fixes';
import { makeCheck, type Check, type Evidence } from './types';

const KEY_LABEL = { host: 'host', port: 'port', clientId: 'client id', allowLive: 'allow live', mode: 'mode' } as const;
const EXAMPLE = { host: '127.0.0.1', port: '7497', clientId: '1', allowLive: 'false', mode: 'paper' } as const;

type Key = keyof typeof KEY_LABEL;

/** The trading mode the configuration implies: explicit, else from a standard port (shadow sends no orders: the port decides). */
export function effectiveMode(cfg: ResolvedConnectionConfig): 'paper' | 'live' | undefined {
  if (cfg.mode.value && cfg.mode.value !== 'shadow') return cfg.mode.value;
  const port = cfg.port.value;
  return port !== undefined ? PORT_MEANINGS[port]?.mode : undefined;
}

export function configCheck(cfg: ResolvedConnectionConfig): Check {
  const evidence: Evidence[] = [];
  const line = (key: Key, r: Resolved<unknown>) => {
    const shown = r.raw === '' ? '(not set)' : JSON.stringify(r.raw);
    const extra = r.shadowed.length ? `; overrides ${r.shadowed.join(', ')}` : '';
    evidence.push({ step: `${KEY_LABEL[key]}`, detail: `${shown} from ${r.source}${r.error ? ` — invalid: ${r.error}` : ''}${extra}`, ms: 0 });
  };
  line('host', cfg.host);
  line('port', cfg.port);
  line('clientId', cfg.clientId);
  line('allowLive', cfg.allowLive);
  line('mode', cfg.mode);

  const invalid = (['host', 'port', 'clientId', 'allowLive', 'mode'] as const).filter((k) => cfg[k].error !== undefined);
  if (invalid.length) {
    // The resolver's own words for each invalid value (the session CLI says the same).
    const parts = configProblems(cfg);
    const fixes = invalid.map((k) => fixFor(k, cfg[k]));
    return makeCheck('config', 'fail', `Invalid configuration: ${parts.join('; ')}.`, {
      evidence,
      fix: fixes.join('\n'),
      cause: `config.invalid-${invalid[0]}`,
    });
  }

  const host = cfg.host.value as string;
  const port = cfg.port.value as number;
  const clientId = cfg.clientId.value as number;
  const allowLive = cfg.allowLive.value === true;
  const mode = effectiveMode(cfg);
  const summary = `host ${host} (${cfg.host.source}), port ${describePort(port)} (${cfg.port.source}), client id ${clientId} (${cfg.clientId.source})`;
  evidence.push({ step: 'port meaning', detail: describePort(port), ms: 0 });

  if (isLivePort(port) && !allowLive) {
    const m = PORT_MEANINGS[port]!;
    const paper = m.app === 'TWS' ? 7497 : 4002;
    return makeCheck('config', 'fail', `Port ${describePort(port)} is a live-trading port, but live trading is not enabled.`, {
      evidence,
      cause: 'config.live-port-not-allowed',
      fix: [
        `For paper trading: set IBKR_PORT=${paper} in .env (or the VS Code setting ibkrAi.port, or --port ${paper}) and log in to ${m.app} with the paper account.`,
        'To trade live on purpose: set IBKR_ALLOW_LIVE=true in .env (or the VS Code setting ibkrAi.allowLive, or --allow-live); each live session still asks for confirmation.',
      ].join('\n'),
    });
  }
  if (cfg.mode.value === 'live' && !allowLive) {
    return makeCheck('config', 'fail', `Mode is live (${cfg.mode.source}), but live trading is not enabled.`, {
      evidence,
      cause: 'config.live-mode-not-allowed',
      fix: 'Set IBKR_MODE=paper for paper trading, or set IBKR_ALLOW_LIVE=true (VS Code setting ibkrAi.allowLive, or --allow-live) to trade live on purpose.',
    });
  }
  if (cfg.mode.value === 'paper' && isLivePort(port)) {
    return makeCheck('config', 'warn', `Mode is paper but port ${describePort(port)} is the default live port of ${PORT_MEANINGS[port]!.app}.`, {
      evidence,
      cause: 'config.mode-port-mismatch',
      fix: `Use the paper port: set IBKR_PORT=${PORT_MEANINGS[port]!.app === 'TWS' ? 7497 : 4002} (or ibkrAi.port), unless your paper login really listens on ${port}.`,
    });
  }
  if (cfg.mode.value === 'live' && isPaperPort(port)) {
    return makeCheck('config', 'warn', `Mode is live but port ${describePort(port)} is the default paper port of ${PORT_MEANINGS[port]!.app}.`, {
      evidence,
      cause: 'config.mode-port-mismatch',
      fix: `Use the live port: set IBKR_PORT=${PORT_MEANINGS[port]!.app === 'TWS' ? 7496 : 4001} (or ibkrAi.port), unless your live login really listens on ${port}.`,
    });
  }
  const modeText = mode ? `${mode}${cfg.mode.value === mode ? '' : ' (from the port)'}` : 'unknown (non-standard port; the account decides)';
  return makeCheck('config', 'pass', `${summary}; mode ${modeText}${allowLive ? '; live trading enabled' : ''}.`, { evidence });
}

function fixFor(key: Key, r: Resolved<unknown>): string {
  const where = r.source.startsWith('.env ')
    ? `Edit ${r.source.replace(/^\.env (\S+) \((.*)\)$/, '$1 in $2')}`
    : r.source.startsWith('environment ')
      ? `Change or unset the environment variable ${r.source.slice('environment '.length)}`
      : r.source.startsWith('setting ')
        ? `Change the VS Code setting ${r.source.slice('setting '.length)}`
        : `Change ${r.source}`;
  const keys = ENV_KEYS[key].join(', ');
  return `${where}: e.g. ${ENV_KEYS[key][0]}=${EXAMPLE[key]} (accepted keys: ${keys}).`;
}
