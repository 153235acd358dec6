// The AI session's configuration: one typed, validated object built from CLI options or
// VS Code settings. Every bad value is a ConfigError naming the option, the setting and
// what would be valid, raised before anything connects.
import { resolve } from 'node:path';
import { DEFAULT_CLIENT_ID, DEFAULT_HOST, DEFAULT_PORT } from '../config/connectionConfig';
import { strictNumber } from '../core/strictNumbers';
import { definedFields } from '../core/objects';
import { isLivePort, PORT_MEANINGS } from '../tws/fixes';
import { parseRiskOptions, RISK_FLAGS, type RiskLimits, type RiskOptionKey, type RiskOptionsInput } from '../trading/riskLimits';

export type SessionMode = 'shadow' | 'paper' | 'live';
export const SESSION_MODES: readonly SessionMode[] = ['shadow', 'paper', 'live'];

export interface SessionConfig {
  readonly host: string;
  readonly port: number;
  readonly clientId: number;
  readonly symbols: readonly string[];
  /** seconds of market time per cycle; the policy runs on bars of this size */
  readonly cycleSeconds: number;
  /** cycles the session runs (a duration is converted to cycles of market time) */
  readonly cycles: number;
  readonly mode: SessionMode;
  readonly modelDir: string;
  readonly journalDir: string;
  readonly allowLive: boolean;
  /** scripted live confirmation: the account id the user confirms */
  readonly confirmLive?: string;
  /** money the session sizes with, split equally between symbols (default: the model's initial cash, at most the account's net liquidation) */
  readonly capital?: number;
  /** parsed by the one risk-option parser the backtest uses too (trading/riskLimits.ts), plus the allowlist */
  readonly risk: RiskLimits;
  /** flatten the session's positions when the daily loss limit is reached or the kill switch stops it */
  readonly flattenOnStop: boolean;
  /** take the positions TWS holds in the session's symbols into the book at the start (default: they are external, left alone) */
  readonly adoptPositions: boolean;
  /** gross notional may exceed the capital (up to maxLeverage x capital, and never beyond TWS's BuyingPower) */
  readonly allowLeverage: boolean;
  /** gross notional / capital allowed: 1 without allowLeverage; undefined with it means only BuyingPower bounds it */
  readonly maxLeverage?: number;
  /** trade on delayed (15-20 minutes old) bars when TWS refuses live market data; otherwise such a refusal stops the session */
  readonly allowDelayedData: boolean;
}

/** Raw values as they come from the command line (strings) or settings (typed). */
export interface SessionConfigInput extends RiskOptionsInput {
  host?: unknown;
  port?: unknown;
  clientId?: unknown;
  symbols?: unknown;
  cycleSeconds?: unknown;
  minutes?: unknown;
  cycles?: unknown;
  mode?: unknown;
  modelDir?: unknown;
  journalDir?: unknown;
  allowLive?: unknown;
  confirmLive?: unknown;
  capital?: unknown;
  allowSymbols?: unknown;
  flattenOnStop?: unknown;
  adoptPositions?: unknown;
  allowLeverage?: unknown;
  maxLeverage?: unknown;
  allowDelayedData?: unknown;
}

export type ConfigKey = keyof SessionConfigInput;

/** The CLI option and the VS Code setting of a configuration value. */
interface ConfigNames {
  readonly option: string;
  readonly setting: string;
}

/** The names of a section's values: setting <section>.<key>, option as `option` says. */
function sectionNames<K extends string>(section: string, keys: readonly K[], option: (key: K) => string): Record<K, ConfigNames> {
  return Object.fromEntries(keys.map((key) => [key, { option: option(key), setting: `${section}.${key}` }])) as Record<K, ConfigNames>;
}

/** Session values named alike in both places: the setting after the key, the option its kebab case (adoptPositions: --adopt-positions). */
const SESSION_KEYS = ['symbols', 'minutes', 'cycles', 'mode', 'capital', 'adoptPositions', 'allowLeverage', 'maxLeverage', 'allowDelayedData'] as const;
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The CLI option and the VS Code setting behind each configuration value, by section: connection, session, risk. */
export const CONFIG_NAMES: Readonly<Record<ConfigKey, ConfigNames>> = {
  host: { option: '--host', setting: 'ibkrAi.host' },
  port: { option: '--port', setting: 'ibkrAi.port' },
  clientId: { option: '--client-id', setting: 'ibkrAi.clientId' },
  allowLive: { option: '--allow-live', setting: 'ibkrAi.allowLive' },
  confirmLive: { option: '--confirm-live', setting: '(asked per session)' },
  ...sectionNames('ibkrAi.session', SESSION_KEYS, (key) => `--${kebab(key)}`),
  cycleSeconds: { option: '--cycle', setting: 'ibkrAi.session.cycleSeconds' },
  modelDir: { option: '--model', setting: 'ibkrAi.session.model' },
  journalDir: { option: '--journal', setting: 'ibkrAi.session.journalDir' },
  ...sectionNames('ibkrAi.risk', Object.keys(RISK_FLAGS) as RiskOptionKey[], (key) => RISK_FLAGS[key]),
  allowSymbols: { option: '--allow-symbols', setting: 'ibkrAi.risk.symbolAllowlist' },
  flattenOnStop: { option: '--flatten-on-stop', setting: 'ibkrAi.risk.flattenOnStop' },
};

export interface ConfigProblem {
  readonly key: ConfigKey;
  readonly option: string;
  readonly setting: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    const [only] = problems;
    super(
      problems.length === 1 && only
        ? `${label(only)}: ${only.message}`
        : `invalid session configuration:\n${problems.map((p) => `  ${label(p)}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

function label(p: ConfigProblem): string {
  return `${p.option} (setting ${p.setting})`;
}

export const DEFAULTS = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  clientId: DEFAULT_CLIENT_ID,
  cycleSeconds: 60,
  minutes: 10,
  mode: 'paper' as SessionMode,
  journalDir: 'journal',
};

const MAX_SYMBOLS = 50;
export const SYMBOL = /^[A-Z][A-Z0-9.]{0,11}$/;

class Collector {
  readonly problems: ConfigProblem[] = [];

  fail(key: ConfigKey, message: string): undefined {
    this.problems.push({ key, ...CONFIG_NAMES[key], message });
    return undefined;
  }

  /** A string, or undefined when absent. */
  text(key: ConfigKey, v: unknown): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return this.fail(key, `${show(v)} is not text`);
    return v.trim();
  }

  number(key: ConfigKey, v: unknown, opts: { min: number; max: number; integer?: boolean; exclusiveMin?: boolean; what: string }): number | undefined {
    if (v === undefined || v === null || v === '') return undefined;
    const valid = `valid: ${opts.what}`;
    // Text is read strictly (no 0x10, 1e3, " 7", +7; see strictNumbers.ts).
    const parsed = strictNumber(v, opts.integer ? 'integer' : 'decimal');
    if (parsed.value === undefined) {
      return this.fail(key, `${show(v)} ${(parsed.error ?? '').replace(/ \(valid:.*$/, '')} (${valid})`);
    }
    const n = parsed.value;
    if ((opts.exclusiveMin ? n <= opts.min : n < opts.min) || n > opts.max) return this.fail(key, `${show(v)} is out of range (${valid})`);
    return n;
  }

  bool(key: ConfigKey, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return this.fail(key, `${show(v)} is not true or false`);
  }

  symbols(key: ConfigKey, v: unknown): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
    if (!list || list.some((s) => typeof s !== 'string')) return this.fail(key, `${show(v)} is not a list of symbols (valid: comma-separated, e.g. NVDA,MSFT)`);
    const out = (list as string[]).map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
    if (out.length === 0) return this.fail(key, 'no symbols given (valid: comma-separated, e.g. NVDA,MSFT)');
    const bad = out.filter((s) => !SYMBOL.test(s));
    if (bad.length)
      return this.fail(
        key,
        `${bad.map((s) => `"${s}"`).join(', ')} ${bad.length === 1 ? 'is not a symbol' : 'are not symbols'} (valid: a letter then up to 11 letters, digits or dots)`,
      );
    const dup = out.filter((s, i) => out.indexOf(s) !== i);
    if (dup.length) return this.fail(key, `${[...new Set(dup)].join(', ')} listed twice`);
    if (out.length > MAX_SYMBOLS) return this.fail(key, `${out.length} symbols; at most ${MAX_SYMBOLS} per session`);
    return out;
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

/**
 * Validates raw values and fills in defaults. `defaultModelDir` is used when no model is
 * given (the shipped demo model). Throws ConfigError listing every problem at once.
 */
export function parseSessionConfig(input: SessionConfigInput, defaults: { modelDir?: string; cwd?: string } = {}): SessionConfig {
  const c = new Collector();
  const cwd = defaults.cwd ?? process.cwd();

  const host = c.text('host', input.host) ?? DEFAULTS.host;
  if (host === '') c.fail('host', 'is empty (valid: a host name or IP address, e.g. 127.0.0.1)');
  const port =
    c.number('port', input.port, { min: 1, max: 65535, integer: true, what: '1..65535 (7497 TWS paper, 7496 TWS live, 4002/4001 Gateway)' }) ?? DEFAULTS.port;
  const clientId =
    c.number('clientId', input.clientId, { min: 0, max: 2147483647, integer: true, what: '0..2147483647; use the same id to resume a session' }) ??
    DEFAULTS.clientId;
  const symbols = c.symbols('symbols', input.symbols);
  if (input.symbols === undefined) c.fail('symbols', 'is required (valid: comma-separated symbols, e.g. NVDA,MSFT)');

  const cycleSeconds =
    c.number('cycleSeconds', input.cycleSeconds, {
      min: 5,
      max: 86_400,
      integer: true,
      what: 'whole seconds from 5 to 86400, a multiple of 5 (TWS real-time bars are 5 seconds)',
    }) ?? DEFAULTS.cycleSeconds;
  if (cycleSeconds % 5 !== 0) c.fail('cycleSeconds', `${cycleSeconds} is not a multiple of 5 (TWS real-time bars are 5 seconds; e.g. 5, 30, 60, 300)`);

  const minutes = c.number('minutes', input.minutes, {
    min: 0,
    max: 7 * 24 * 60,
    exclusiveMin: true,
    what: 'minutes of market time, more than 0 and at most 10080 (a week)',
  });
  const cyclesGiven = c.number('cycles', input.cycles, { min: 1, max: 1_000_000, integer: true, what: 'a whole number of cycles from 1 to 1000000' });
  if (minutes !== undefined && cyclesGiven !== undefined)
    c.fail('cycles', `give either --minutes or --cycles, not both (--minutes ${minutes} and --cycles ${cyclesGiven})`);
  const cycles = cyclesGiven ?? Math.max(1, Math.ceil(((minutes ?? DEFAULTS.minutes) * 60) / cycleSeconds));

  const modeText = c.text('mode', input.mode);
  let mode = DEFAULTS.mode;
  if (modeText !== undefined) {
    if ((SESSION_MODES as readonly string[]).includes(modeText)) mode = modeText as SessionMode;
    else c.fail('mode', `"${modeText}" is not a mode (valid: shadow, paper, live)`);
  }
  const allowLive = c.bool('allowLive', input.allowLive) ?? false;
  const confirmLive = c.text('confirmLive', input.confirmLive);
  if (confirmLive !== undefined && !/^[A-Z]{1,3}\d{1,10}$/.test(confirmLive)) c.fail('confirmLive', `"${confirmLive}" is not an IB account id (like U1234567)`);
  if (mode === 'live' && !allowLive) {
    c.fail(
      'allowLive',
      'mode live trades real money and needs --allow-live (or the setting ibkrAi.allowLive = true); each live session is then confirmed with the account id',
    );
  }
  // A live port is refused before anything connects, whatever the mode (the account check after connecting is the second line).
  if (isLivePort(port) && !allowLive) {
    const app = PORT_MEANINGS[port]?.app;
    c.fail(
      'port',
      `${port} is the ${app} live-trading port, but live trading is not enabled (valid: the paper port ${app === 'TWS' ? 7497 : 4002}, or --allow-live / ibkrAi.allowLive to trade live on purpose)`,
    );
  }
  if (confirmLive !== undefined && mode !== 'live') c.fail('confirmLive', `only applies to --mode live (the mode is ${mode})`);

  const modelText = c.text('modelDir', input.modelDir);
  const modelDir = modelText ? resolve(cwd, modelText) : defaults.modelDir;
  if (modelText === '') c.fail('modelDir', 'is empty (valid: a folder with manifest.json and the .onnx it names)');
  if (!modelDir)
    c.fail('modelDir', 'no model given and the default model models/ppo-sp500 was not found (valid: a folder with manifest.json and the .onnx it names)');
  const journalText = c.text('journalDir', input.journalDir);
  if (journalText === '') c.fail('journalDir', 'is empty (valid: a folder; it is created if needed)');
  const journalDir = resolve(cwd, journalText || DEFAULTS.journalDir);

  const capital = c.number('capital', input.capital, { min: 0, max: 1e12, exclusiveMin: true, what: 'an amount of account currency above 0' });
  const parsedRisk = parseRiskOptions(input);
  for (const p of parsedRisk.problems) c.fail(p.key, p.message);
  const symbolAllowlist = c.symbols('allowSymbols', input.allowSymbols);
  const flattenOnStop = c.bool('flattenOnStop', input.flattenOnStop) ?? false;
  const adoptPositions = c.bool('adoptPositions', input.adoptPositions) ?? false;
  const allowLeverage = c.bool('allowLeverage', input.allowLeverage) ?? false;
  const maxLeverage = c.number('maxLeverage', input.maxLeverage, { min: 1, max: 50, what: 'gross notional / capital, from 1 to 50' });
  if (maxLeverage !== undefined && maxLeverage > 1 && !allowLeverage)
    c.fail(
      'maxLeverage',
      `${maxLeverage} needs --allow-leverage (setting ibkrAi.session.allowLeverage): without it the session's gross notional never exceeds its capital`,
    );
  const allowDelayedData = c.bool('allowDelayedData', input.allowDelayedData) ?? false;

  // Missing symbols or model folder were failed above.
  if (c.problems.length || !symbols || !modelDir) throw new ConfigError(c.problems);
  const risk: RiskLimits = { ...parsedRisk.limits, ...definedFields({ symbolAllowlist }) };
  return {
    host,
    port,
    clientId,
    symbols,
    cycleSeconds,
    cycles,
    mode,
    modelDir,
    journalDir,
    allowLive,
    ...definedFields({ confirmLive, capital }),
    risk,
    flattenOnStop,
    adoptPositions,
    allowLeverage,
    ...(allowLeverage ? definedFields({ maxLeverage }) : { maxLeverage: 1 }),
    allowDelayedData,
  };
}

/** The start line's words for leverage. */
export function describeLeverage(cfg: Pick<SessionConfig, 'allowLeverage' | 'maxLeverage'>): string {
  if (!cfg.allowLeverage) return 'no leverage (gross notional <= capital)';
  return cfg.maxLeverage !== undefined ? `leverage allowed up to ${cfg.maxLeverage}x capital` : 'leverage allowed (bounded by BuyingPower)';
}

/**
 * Why a model's sizing asks for more gross notional than the session may hold, or undefined.
 * The capital is split equally between symbols and each symbol holds up to
 * maxPositionFraction of its share, so the gross is maxPositionFraction x capital.
 */
export function leverageProblem(
  manifestPath: string,
  maxPositionFraction: number,
  symbols: number,
  cfg: Pick<SessionConfig, 'allowLeverage' | 'maxLeverage'>,
): string | undefined {
  const limit = cfg.allowLeverage ? cfg.maxLeverage : 1;
  if (limit === undefined || maxPositionFraction <= limit + 1e-12) return undefined;
  const gross = `${maxPositionFraction}x the session's capital across its ${symbols} symbol(s)`;
  return cfg.allowLeverage
    ? `${manifestPath}: sizing.maxPositionFraction ${maxPositionFraction} would hold ${gross}, beyond --max-leverage ${limit} (setting ibkrAi.session.maxLeverage); lower the fraction or raise the limit`
    : `${manifestPath}: sizing.maxPositionFraction ${maxPositionFraction} would hold ${gross}; without leverage the limit is 1 (gross notional <= capital). Lower sizing.maxPositionFraction to at most 1, or allow it on purpose with --allow-leverage --max-leverage ${maxPositionFraction} (settings ibkrAi.session.allowLeverage, ibkrAi.session.maxLeverage)`;
}
