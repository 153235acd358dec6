// Where the extension's connection and session settings come from: the values the user set
// (settings, highest first), then `.env`, then the environment (IBKR_HOST / IBKR_PORT /
// IBKR_CLIENT_ID and the other names, through the one resolver in config/), then defaults; each value keeps
// its source. While the embedded simulator runs, connections go to it. No vscode: the UI
// passes the user-set settings in.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { configProblems, resolveConnectionConfig, type ConfigInput, type ConnectionMode } from '../config/connectionConfig';
import { isLivePort, PORT_MEANINGS } from '../tws/fixes';
import { CONFIG_NAMES, type ConfigKey, type SessionConfigInput } from '../session/sessionConfig';
import type { RunningSimulator } from './simulatorHost';

/** Values the user set (not schema defaults), by full setting name, e.g. `ibkrAi.port`. */
export type UserSettings = Readonly<Record<string, unknown>>;

export const ENV_FILE_SETTING = 'ibkrAi.envFile';
export const DEFAULT_ENV_FILE = '.env';

export interface DotenvFile {
  path: string;
  text: string;
}

export interface EnvFileResult {
  dotenv?: DotenvFile;
  /** what happened, for the log and the panel: the path, "none at ...", "not read (Restricted Mode)" */
  note: string;
}

/** Reads the `.env` file the settings name (relative to the workspace folder); never in an untrusted workspace. */
export function readEnvFile(opts: { trusted: boolean; folder: string | undefined; envFile: string | undefined }): EnvFileResult {
  if (!opts.trusted) return { note: 'not read (Restricted Mode)' };
  const name = (opts.envFile ?? DEFAULT_ENV_FILE).trim();
  if (name === '') return { note: 'not read (ibkrAi.envFile is empty)' };
  if (!isAbsolute(name) && !opts.folder) return { note: `not read (no workspace folder for ${name})` };
  const path = isAbsolute(name) ? name : join(opts.folder!, name);
  if (!existsSync(path)) return { note: `none at ${path}` };
  try {
    return { dotenv: { path, text: readFileSync(path, 'utf8') }, note: path };
  } catch (err) {
    return { note: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export interface ResolvedTarget {
  host: string;
  port: number;
  clientId: number;
  sources: { host: string; port: string; clientId: string };
  /** the embedded simulator is the target */
  simulator: boolean;
  allowLive: boolean;
  allowLiveSource: string;
  /** shadow, paper or live from settings / .env / the environment, when configured */
  mode?: ConnectionMode;
  modeSource?: string;
  /** invalid values, each naming its source; nothing connects while there are any */
  problems: string[];
}

const SESSION_MODE = CONFIG_NAMES.mode.setting;

/** The doctor's view of the user's settings (its resolver takes only these five). */
export function doctorSettings(s: UserSettings): ConfigInput {
  const pick = (name: string): unknown => s[name];
  const out: ConfigInput = {};
  const host = pick('ibkrAi.host');
  const port = pick('ibkrAi.port');
  const clientId = pick('ibkrAi.clientId');
  const allowLive = pick('ibkrAi.allowLive');
  const mode = pick(SESSION_MODE);
  if (typeof host === 'string') out.host = host;
  if (typeof port === 'number' || typeof port === 'string') out.port = port;
  if (typeof clientId === 'number' || typeof clientId === 'string') out.clientId = clientId;
  if (typeof allowLive === 'boolean') out.allowLive = allowLive;
  // The checks know paper and live; shadow sends no orders, so it implies nothing about the port.
  if (mode === 'paper' || mode === 'live') out.mode = mode;
  return out;
}

export function resolveTarget(opts: {
  settings: UserSettings;
  dotenv?: DotenvFile;
  env?: Readonly<Record<string, string | undefined>>;
  simulator?: RunningSimulator;
}): ResolvedTarget {
  const r = resolveConnectionConfig({ settings: doctorSettings(opts.settings), env: opts.env, dotenv: opts.dotenv });
  const sim = opts.simulator;
  // The embedded simulator's host and port replace the configured ones: their errors do not count.
  const problems = configProblems(r, sim ? ['host', 'port'] : []);
  // A live port without live trading enabled: nothing connects (the setup checks say the same).
  const port = r.port.value;
  if (!sim && port !== undefined && isLivePort(port) && r.allowLive.value !== true) {
    const app = PORT_MEANINGS[port]!.app;
    problems.push(
      `port ${port} from ${r.port.source} is the ${app} live-trading port, but live trading is not enabled (${r.allowLive.source}): use the paper port ${app === 'TWS' ? 7497 : 4002}, or enable ibkrAi.allowLive to trade live on purpose`,
    );
  }
  return {
    host: sim ? sim.host : (r.host.value ?? ''),
    port: sim ? sim.port : (r.port.value ?? 0),
    clientId: r.clientId.value ?? 0,
    sources: {
      host: sim ? 'the embedded simulator' : r.host.source,
      port: sim ? 'the embedded simulator' : r.port.source,
      clientId: r.clientId.source,
    },
    simulator: Boolean(sim),
    allowLive: r.allowLive.value === true,
    allowLiveSource: r.allowLive.source,
    ...(r.mode.value ? { mode: r.mode.value, modeSource: r.mode.source } : {}),
    problems,
  };
}

/** Answers to the Start AI Session questions. */
export interface SessionPicks {
  symbols?: readonly string[];
  modelDir?: string;
  mode?: 'shadow' | 'paper' | 'live';
}

export type Question = 'symbols' | 'model' | 'mode';

const isSet = (v: unknown): boolean => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '') && !(Array.isArray(v) && v.length === 0);

/** What Start AI Session has to ask: only what neither the settings nor `.env` configure. */
export function questions(settings: UserSettings, target: Pick<ResolvedTarget, 'mode'>): Question[] {
  const out: Question[] = [];
  if (!isSet(settings[CONFIG_NAMES.symbols.setting])) out.push('symbols');
  if (!isSet(settings[CONFIG_NAMES.modelDir.setting])) out.push('model');
  if (!isSet(settings[SESSION_MODE]) && !target.mode) out.push('mode');
  return out;
}

/**
 * The session's configuration input: the target's host, port and client id, the user's
 * settings by their CONFIG_NAMES, and the answers to the questions. parseSessionConfig
 * validates it (every problem names its setting).
 */
export function sessionInput(settings: UserSettings, target: ResolvedTarget, picks: SessionPicks = {}): SessionConfigInput {
  const input: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(CONFIG_NAMES) as Array<[ConfigKey, { setting: string }]>) {
    const v = settings[names.setting];
    if (isSet(v)) input[key] = v;
  }
  input.host = target.host;
  input.port = target.port;
  input.clientId = target.clientId;
  input.allowLive = target.allowLive;
  if (!isSet(input.mode) && target.mode) input.mode = target.mode;
  if (picks.symbols && !isSet(input.symbols)) input.symbols = [...picks.symbols];
  if (picks.modelDir && !isSet(input.modelDir)) input.modelDir = picks.modelDir;
  if (picks.mode && !isSet(input.mode)) input.mode = picks.mode;
  // Settings give minutes or cycles; a user who set cycles means cycles.
  if (isSet(input.cycles) && isSet(input.minutes)) delete input.minutes;
  delete input.confirmLive;
  return input as SessionConfigInput;
}
