// The one resolver of the connection settings - host, port, client id, allow-live and mode -
// for the session CLI, the setup checks and the extension. Highest first: explicit values
// (CLI flags), the extension's settings, a `.env` file (parsed with dotenv.parse: process.env
// is never touched, see /work/shared/notes/offline-machine.md), the process environment
// (IBKR_* and the other names in ENV_KEYS), then defaults. The project's `.env` beats the
// environment: it is the file the user edits for this project, while the environment of an
// editor host is shared by every folder it opens. Each value records where it came from;
// invalid values are kept raw and reported; numbers are read strictly (strictNumbers.ts).
import { isIP } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { stripBom } from '../core/textFile';
import { parseStrictNumber } from '../core/strictNumbers';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7497;
export const DEFAULT_CLIENT_ID = 1;
export const MAX_CLIENT_ID = 2147483647;

export type ConfigKey = 'host' | 'port' | 'clientId' | 'allowLive' | 'mode';

/** The session's modes (shadow sends no orders, so the setup checks judge the port alone then). */
export type ConnectionMode = 'shadow' | 'paper' | 'live';

/** Values as given by one source (strings from env/flags, typed values from settings). */
export interface ConfigInput {
  host?: string;
  port?: string | number;
  clientId?: string | number;
  allowLive?: string | boolean;
  mode?: string;
}

/** Environment keys accepted per value, in precedence order (the first set one wins). */
export const ENV_KEYS: Record<ConfigKey, readonly string[]> = {
  host: ['IBKR_HOST', 'TWS_HOST', 'IB_HOST', 'IB_GATEWAY_HOST'],
  port: ['IBKR_PORT', 'TWS_PORT', 'IB_PORT', 'IB_GATEWAY_PORT'],
  clientId: ['IBKR_CLIENT_ID', 'IBKR_CLIENTID', 'TWS_CLIENT_ID', 'IB_CLIENT_ID', 'IB_CLIENTID'],
  allowLive: ['IBKR_ALLOW_LIVE'],
  mode: ['IBKR_MODE', 'IBKR_TRADING_MODE', 'TRADING_MODE'],
};

export interface ConfigSources {
  /** Highest precedence: explicit values (the CLI's flags). */
  flags?: ConfigInput;
  /** How `flags` values are labelled as a source (default: the CLI option, e.g. `--port`). */
  flagsSource?: string;
  /** The extension's settings (pass only values the user set, not the schema defaults). */
  settings?: ConfigInput;
  /** A `.env` file: its path (for the source label) and text; beats the environment. */
  dotenv?: { path: string; text: string };
  /** The process environment (default: none; the CLI passes process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Resolved<T> {
  /** The parsed value; undefined when the raw value is invalid. */
  value: T | undefined;
  /** The value as given (for messages). */
  raw: string;
  /** Where it came from: `--port`, `setting ibkrAi.port`, `environment IBKR_PORT`, `.env IBKR_PORT (/x/.env)`, `default`. */
  source: string;
  /** Why the raw value is invalid. */
  error?: string;
  /** Other sources that also set this value and were overridden. */
  shadowed: string[];
}

export interface ResolvedConnectionConfig {
  host: Resolved<string>;
  port: Resolved<number>;
  clientId: Resolved<number>;
  allowLive: Resolved<boolean>;
  /** shadow, paper or live when configured; undefined value with source 'default' when not. */
  mode: Resolved<ConnectionMode>;
  /** True when every value parsed. */
  valid: boolean;
}

const SETTING_NAMES: Record<ConfigKey, string> = {
  host: 'ibkrAi.host',
  port: 'ibkrAi.port',
  clientId: 'ibkrAi.clientId',
  allowLive: 'ibkrAi.allowLive',
  mode: 'ibkrAi.session.mode',
};

const FLAG_NAMES: Record<ConfigKey, string> = { host: '--host', port: '--port', clientId: '--client-id', allowLive: '--allow-live', mode: '--mode' };

interface Candidate {
  raw: string;
  source: string;
}

function candidates(key: ConfigKey, s: ConfigSources, dotenvVars: Record<string, string> | undefined): Candidate[] {
  const out: Candidate[] = [];
  const put = (v: unknown, source: string) => {
    if (v === undefined || v === null) return;
    out.push({ raw: String(v), source });
  };
  put(s.flags?.[key], s.flagsSource ?? FLAG_NAMES[key]);
  put(s.settings?.[key], `setting ${SETTING_NAMES[key]}`);
  if (dotenvVars && s.dotenv) {
    for (const k of ENV_KEYS[key]) {
      const v = dotenvVars[k];
      if (v !== undefined && v !== '') put(v, `.env ${k} (${s.dotenv.path})`);
    }
  }
  for (const k of ENV_KEYS[key]) {
    const v = s.env?.[k];
    if (v !== undefined && v !== '') put(v, `environment ${k}`);
  }
  return out;
}

function resolveOne<T>(
  key: ConfigKey,
  s: ConfigSources,
  vars: Record<string, string> | undefined,
  fallback: T | undefined,
  parse: (raw: string) => { value?: T; error?: string },
): Resolved<T> {
  const all = candidates(key, s, vars);
  const first = all[0];
  if (!first) return { value: fallback, raw: fallback === undefined ? '' : String(fallback), source: 'default', shadowed: [] };
  const shadowed = all
    .slice(1)
    .filter((c) => c.raw.trim() !== first.raw.trim())
    .map((c) => `${c.source}=${c.raw}`);
  const parsed = parse(first.raw);
  return { value: parsed.value, raw: first.raw, source: first.source, shadowed, ...(parsed.error ? { error: parsed.error } : {}) };
}

export function parseHost(raw: string): { value?: string; error?: string } {
  const h = raw.trim().replace(/^\[(.*)\]$/, '$1');
  if (h === '') return { error: 'is empty: use an address or host name, e.g. 127.0.0.1' };
  if (isIP(h)) return { value: h };
  if (/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/.test(h)) return { value: h };
  if (/:\d+$/.test(h)) return { error: 'contains a port: put the port in its own setting (IBKR_PORT), e.g. IBKR_HOST=127.0.0.1 IBKR_PORT=7497' };
  return { error: 'is not an IP address or host name, e.g. 127.0.0.1' };
}

/** The strict parser's reason, when it says more than "not a number": ` (it has a + sign)`. */
function why(error: string | undefined): string {
  const reason = (error ?? '').replace(/ \(valid:.*$/, '');
  return reason === '' || reason === 'is not a number' || reason === 'is not a whole number' ? '' : ` (it ${reason})`;
}

export function parsePort(raw: string): { value?: number; error?: string } {
  const parsed = parseStrictNumber(raw, 'integer');
  if (parsed.value === undefined)
    return {
      error: `is not a port number${why(parsed.error)}: use a whole number 1..65535 in decimal digits (7497 TWS paper, 7496 TWS live, 4002 IB Gateway paper, 4001 IB Gateway live)`,
    };
  const n = parsed.value;
  if (n < 1 || n > 65535) return { error: 'is out of range: ports are 1..65535 (7497 TWS paper, 7496 TWS live, 4002 IB Gateway paper, 4001 IB Gateway live)' };
  return { value: n };
}

export function parseClientId(raw: string): { value?: number; error?: string } {
  const parsed = parseStrictNumber(raw, 'integer');
  if (parsed.value === undefined) return { error: `is not a whole number${why(parsed.error)}: client ids are 0..${MAX_CLIENT_ID} in decimal digits, e.g. 1` };
  const n = parsed.value;
  if (n < 0 || n > MAX_CLIENT_ID) return { error: `is out of range: client ids are 0..${MAX_CLIENT_ID}, e.g. 1` };
  return { value: n };
}

export function parseBool(raw: string): { value?: boolean; error?: string } {
  const t = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return { value: true };
  if (['0', 'false', 'no', 'off', ''].includes(t)) return { value: false };
  return { error: 'is not a boolean: use true or false' };
}

export function parseMode(raw: string): { value?: ConnectionMode; error?: string } {
  const t = raw.trim().toLowerCase();
  if (t === 'shadow' || t === 'paper' || t === 'live') return { value: t };
  return { error: 'is not a trading mode: use paper or live (or shadow: no orders)' };
}

/** Parses `.env` text without touching process.env (a byte-order mark would otherwise hide the first key). */
export function parseEnvText(text: string): Record<string, string> {
  return parseDotenv(stripBom(text));
}

const LABELS: Record<ConfigKey, string> = { host: 'host', port: 'port', clientId: 'client id', allowLive: 'live trading', mode: 'mode' };

/** Each value and where it came from, e.g. `host 127.0.0.1 (default), port 4002 (.env IBKR_PORT (/w/.env)), ...`. */
export function describeSources(c: ResolvedConnectionConfig): string {
  const shown = (k: ConfigKey, r: Resolved<unknown>): string => {
    const v =
      k === 'allowLive' ? (r.value === true ? 'on' : 'off') : r.value === undefined ? (r.raw === '' ? 'not set' : JSON.stringify(r.raw)) : String(r.value);
    return `${LABELS[k]} ${v} (${r.source})`;
  };
  return (['host', 'port', 'clientId', 'mode', 'allowLive'] as const).map((k) => shown(k, c[k])).join(', ');
}

/** Every invalid value as `port "abc" from .env IBKR_PORT (/w/.env) is not a port number ...`; `ignore`: values not used (the simulator's host and port). */
export function configProblems(c: ResolvedConnectionConfig, ignore: readonly ConfigKey[] = []): string[] {
  return (['host', 'port', 'clientId', 'allowLive', 'mode'] as const).flatMap((k) =>
    c[k].error && !ignore.includes(k)
      ? [`${LABELS[k] === 'live trading' ? 'allow live' : LABELS[k]} ${JSON.stringify(c[k].raw)} from ${c[k].source} ${c[k].error}`]
      : [],
  );
}

export function resolveConnectionConfig(sources: ConfigSources): ResolvedConnectionConfig {
  const vars = sources.dotenv ? parseEnvText(sources.dotenv.text) : undefined;
  const host = resolveOne('host', sources, vars, DEFAULT_HOST, parseHost);
  const port = resolveOne('port', sources, vars, DEFAULT_PORT, parsePort);
  const clientId = resolveOne('clientId', sources, vars, DEFAULT_CLIENT_ID, parseClientId);
  const allowLive = resolveOne('allowLive', sources, vars, false, parseBool);
  const mode = resolveOne<ConnectionMode>('mode', sources, vars, undefined, parseMode);
  const valid = [host, port, clientId, allowLive, mode].every((r) => r.error === undefined);
  return { host, port, clientId, allowLive, mode, valid };
}
