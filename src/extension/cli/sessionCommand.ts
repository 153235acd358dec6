// `npm run session -- --symbols NVDA,MSFT [options]`: the AI trading session headless.
// One progress line per cycle; exit 0 after a clean finish, non-zero with the reason otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import {
  configProblems,
  describeSources,
  resolveConnectionConfig,
  type ConfigKey as ConnectionKey,
  type ResolvedConnectionConfig,
} from '../config/connectionConfig';
import { defaultModelDir } from '../policy/datasets';
import { US_REGULAR_HOURS, zonedTime } from '../core/marketHours';
import { RISK_HELP } from '../trading/riskLimits';
import { ConfigError, DEFAULTS, parseSessionConfig, type SessionConfig, type SessionConfigInput } from '../session/sessionConfig';
import type { DecisionRecord } from '../session/decision';
import type { OrderUpdate } from '../session/orderManager';
import type { CycleEndEvent, SessionEvent } from '../session/sessionEvents';
import type { FillRecord } from '../session/sessionLedger';
import { formatSummary } from '../session/summary';
import { EXIT_CODES, TradingSession, type SessionResult, type TradingSessionOptions } from '../session/tradingSession';
import { booleanOptions, CliError, CONNECTION_OPTIONS, HELP_OPTION, parseOptions, stringOptions } from './args';
import { RISK_OPTION_SPEC, riskInput } from './riskOptions';

const SPEC = {
  ...CONNECTION_OPTIONS,
  ...stringOptions('symbols', 'cycle', 'minutes', 'cycles', 'mode', 'model', 'journal', 'capital'),
  ...RISK_OPTION_SPEC,
  ...stringOptions('allow-symbols'),
  ...booleanOptions('flatten-on-stop', 'adopt-positions', 'allow-leverage'),
  ...stringOptions('max-leverage'),
  ...booleanOptions('allow-live', 'allow-delayed-data'),
  ...stringOptions('confirm-live'),
  verbose: { type: 'boolean', short: 'v' },
  ...booleanOptions('json'),
  ...HELP_OPTION,
} as const;

const HELP = `usage: npm run session -- --symbols NVDA,MSFT [options]

Runs the AI policy against TWS / IB Gateway: each cycle, per symbol, the latest completed
bar -> features -> policy -> target position -> risk checks -> order or none, everything
journaled. Cycles follow the market clock (completed bars from TWS).

  --host H                 TWS host (default: IBKR_HOST from .env or the environment, else ${DEFAULTS.host})
  --port P                 API port (default: IBKR_PORT, else ${DEFAULTS.port}: TWS paper)
  --client-id N            API client id (default: IBKR_CLIENT_ID, else ${DEFAULTS.clientId}); resume a session with the same one
  --env-file PATH          read this .env instead of ./.env (IBKR_HOST, IBKR_PORT, IBKR_CLIENT_ID, IBKR_MODE, IBKR_ALLOW_LIVE)
  --symbols A,B            symbols to trade (required)
  --cycle SECONDS          cycle length, a multiple of 5 (default ${DEFAULTS.cycleSeconds}); the policy runs on bars of this size
  --minutes M | --cycles N duration in market minutes (default ${DEFAULTS.minutes}) or in cycles
  --mode shadow|paper|live shadow: no orders; paper (default; or IBKR_MODE): paper accounts only; live: needs --allow-live
                           and a confirmation (typed, or --confirm-live ACCOUNT)
  --model DIR              model folder (default models/ppo-sp500)
  --journal DIR            journal folder (default ./${DEFAULTS.journalDir}); an unfinished session there is resumed;
                           one session at a time per folder (a second is refused)
  --capital USD            money the session sizes with, split between symbols (default: the model's
                           initial cash, at most the account's net liquidation)
${RISK_HELP}
  --allow-symbols A,B      risk: only these symbols may be traded
  --flatten-on-stop        close the book's positions when the daily loss limit is reached or Ctrl-C stops it
  --adopt-positions        take what TWS holds in the symbols into the book (default: positions the
                           book did not open are left alone: never sold, shorted or flattened)
  --allow-leverage         let gross notional exceed the capital (never beyond TWS's BuyingPower)
  --max-leverage X         with --allow-leverage: gross notional at most X times the capital
  --allow-live             allow --mode live (or IBKR_ALLOW_LIVE=true)
  --allow-delayed-data     when TWS refuses live market data for the bars (420/354/10167, common on
                           paper accounts), trade on delayed bars (15-20 minutes old) instead of stopping
  --confirm-live ACCOUNT   confirm live trading of ACCOUNT without the prompt (scripted use)
  -v, --verbose            print every decision, order and fill
  --json                   print every event as one JSON line instead

Connection values: flags > .env > environment (IBKR_*) > defaults; whole numbers in plain
decimal digits (0x10, 1e3, 1.0, +7 or " 7" are refused).

Ctrl-C is the kill switch: the session's working orders are cancelled (and positions
flattened with --flatten-on-stop); a second Ctrl-C exits at once.
Exit codes: 0 finished (every cycle ran, connected, no fault), 2 bad options or model,
3 refused (safety), 4 stopped early (kill switch), 5 connection or journal
failure, 6 faulted (TWS refused market data or orders - e.g. no market data permissions,
Read-Only API, repeated rejections - or the policy failed on every decision: the reason
names the fix), 7 ended disconnected from TWS, 8 degraded (most cycles without every
symbol's bar), 1 internal error.`;

/** CLI options -> the session's configuration input. */
export function configInput(o: Record<string, string | boolean | undefined>): SessionConfigInput {
  return {
    host: o.host,
    port: o.port,
    clientId: o['client-id'],
    symbols: o.symbols,
    cycleSeconds: o.cycle,
    minutes: o.minutes,
    cycles: o.cycles,
    mode: o.mode,
    modelDir: o.model,
    journalDir: o.journal,
    capital: o.capital,
    ...riskInput(o),
    allowSymbols: o['allow-symbols'],
    flattenOnStop: o['flatten-on-stop'],
    adoptPositions: o['adopt-positions'],
    allowLeverage: o['allow-leverage'],
    maxLeverage: o['max-leverage'],
    allowDelayedData: o['allow-delayed-data'],
    allowLive: o['allow-live'],
    confirmLive: o['confirm-live'],
  };
}

/** The connection flags as the resolver takes them (strings as typed; --allow-live only when given). */
function connectionFlags(o: Record<string, string | boolean | undefined>) {
  const text = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  return { host: text(o.host), port: text(o.port), clientId: text(o['client-id']), mode: text(o.mode), ...(o['allow-live'] ? { allowLive: true } : {}) };
}

/**
 * Reads `--env-file` or ./.env (absent is fine); never loads it into process.env. (Node 20/22
 * also look at a script's `--env-file` argument and exit 9 "not found" for a missing file
 * before this runs - nodejs/node#54232; an existing file is left to us.)
 */
export function readSessionDotenv(envFile: string | undefined, cwd = process.cwd()): { path: string; text: string } | undefined {
  const path = resolve(cwd, envFile ?? '.env');
  if (envFile === undefined && !existsSync(path)) return undefined;
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new CliError(`--env-file ${envFile ?? path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Host, port, client id, mode and allow-live through the one resolver (flags > .env > environment > defaults). */
export function resolveConnection(
  o: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): ResolvedConnectionConfig {
  const dotenv = readSessionDotenv(typeof o['env-file'] === 'string' ? o['env-file'] : undefined, cwd);
  return resolveConnectionConfig({ flags: connectionFlags(o), env, ...(dotenv ? { dotenv } : {}) });
}

/**
 * The session input's connection values: a flag's text goes to parseSessionConfig as typed
 * (its messages name the flag); a value from .env or the environment is taken parsed, and an
 * invalid one is a usage error naming the key and the file.
 */
export function connectionInput(r: ResolvedConnectionConfig): SessionConfigInput {
  const problems = configProblems(r).filter((p) => / from (\.env|environment) /.test(p));
  if (problems.length) throw new CliError(problems.length === 1 ? problems[0]! : `invalid connection settings:\n  ${problems.join('\n  ')}`);
  const out: Record<string, unknown> = {};
  for (const key of ['host', 'port', 'clientId', 'mode', 'allowLive'] as const satisfies readonly ConnectionKey[]) {
    const v = r[key];
    if (v.source === 'default') continue;
    out[key] = v.source.startsWith('--') ? (key === 'allowLive' ? true : v.raw) : v.value;
  }
  return out as SessionConfigInput;
}

export function buildConfig(input: SessionConfigInput): SessionConfig {
  try {
    return parseSessionConfig(input, { modelDir: defaultModelDir() });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message);
    throw err;
  }
}

// ---------------------------------------------------------------- rendering

const num = (x: number, d = 2): string => x.toFixed(d);

export function marketClock(ms: number): string {
  const z = zonedTime(ms, US_REGULAR_HOURS.timeZone);
  const s = Math.floor((ms / 1000) % 60);
  return `${String(Math.floor(z.minuteOfDay / 60)).padStart(2, '0')}:${String(z.minuteOfDay % 60).padStart(2, '0')}:${String(s).padStart(2, '0')} NY`;
}

function orderText(o: OrderUpdate | undefined): string {
  if (!o) return '';
  if (o.state === 'filled') return ` filled ${o.filled} @ ${num(o.avgFillPrice)}`;
  if (o.filled > 0) return ` ${o.state} ${o.filled}/${o.quantity} @ ${num(o.avgFillPrice)}`;
  return ` ${o.state}${o.note ? ` (${o.note})` : ''}`;
}

/** A decision in a few words, for the cycle line. */
export function shortDecision(d: DecisionRecord, order?: OrderUpdate): string {
  const p = d.proposal;
  switch (d.outcome) {
    case 'order':
      return `${d.symbol} ${p!.action} ${p!.quantity}${p!.kind !== 'policy' ? ` (${p!.kind})` : ''} ->${orderText(order)}`;
    case 'shadow':
      return `${d.symbol} would ${p!.action} ${p!.quantity} (shadow)`;
    case 'blocked':
      return `${d.symbol} ${p!.action} ${p!.quantity} BLOCKED by ${d.verdict?.rule}`;
    case 'no-order':
      return `${d.symbol} ${d.output?.label ?? (d.output?.target === null ? 'keep' : `target ${d.output?.target}`)}, holds ${d.position}`;
    default:
      return `${d.symbol} skipped (${d.reason.split(':')[0]})`;
  }
}

export function cycleLine(e: CycleEndEvent): string {
  const byRef = new Map(e.orders.map((o) => [o.orderRef, o]));
  const parts = e.decisions.map((d) => shortDecision(d, d.proposal ? byRef.get(d.proposal.orderRef) : undefined));
  const head = `cycle ${String(e.cycle).padStart(String(e.cycles).length)}/${e.cycles} ${marketClock(e.marketTime)}${e.stalled ? ' [no new bars]' : ''}`;
  return `${head} | ${parts.join(' | ') || 'no decisions'} | P&L ${num(e.pnl.net)}${e.missing ? ` | ${missingText(e.missing)}` : ''}`;
}

/** Why bars are missing, grouped by reason: "no bars: NVDA,MSFT held-back: ... ; AAPL disconnected: ...". */
export function missingText(missing: Readonly<Record<string, string>>): string {
  const byWhy = new Map<string, string[]>();
  for (const [symbol, why] of Object.entries(missing)) byWhy.set(why, [...(byWhy.get(why) ?? []), symbol]);
  return `no bars: ${[...byWhy].map(([why, symbols]) => `${symbols.length > 6 ? `${symbols.slice(0, 6).join(',')}+${symbols.length - 6}` : symbols.join(',')} ${why}`).join('; ')}`;
}

/** What the model said beyond its action: "p 0.57" for the action taken (the others in brackets when the model gives them all), or its raw value before the clip. */
export function modelDetailText(o: NonNullable<DecisionRecord['output']>): string {
  const ps = o.probabilities;
  if (ps?.length) {
    const taken = ps.find((p) => p.chosen);
    const others = ps.filter((p) => !p.chosen).map((p) => `${p.label} ${p.p.toFixed(2)}`);
    return [taken ? `p ${taken.p.toFixed(2)}` : '', others.length ? `[${others.join(' ')}]` : ''].filter(Boolean).join(' ');
  }
  return o.raw !== undefined ? `raw ${Number(o.raw.toPrecision(4))}` : '';
}

export function decisionLine(d: DecisionRecord): string {
  const out = d.output
    ? ['model', d.output.label, modelDetailText(d.output), `(target ${d.output.target === null ? 'keep' : d.output.target})`].filter(Boolean).join(' ')
    : '';
  const verdict = d.verdict ? (d.verdict.allowed ? 'risk ok' : `BLOCKED ${d.verdict.rule}: ${d.verdict.reason}`) : '';
  const want = d.proposal ? `${d.proposal.action} ${d.proposal.quantity}` : 'no order';
  const close = d.close !== undefined ? `close ${num(d.close)}` : '';
  const feats = d.features
    ? Object.entries(d.features)
        .slice(0, 3)
        .map(([k, v]) => `${k}=${Number(v.toPrecision(3))}`)
        .join(' ')
    : '';
  return `  decision ${d.symbol.padEnd(5)} ${[close, feats, out, `pos ${d.position}`, `-> ${want}`, verdict].filter(Boolean).join('  ')}${d.outcome === 'skipped' || d.outcome === 'no-order' ? `  (${d.reason})` : ''}`;
}

export function orderLine(o: OrderUpdate): string {
  return `  order    ${o.symbol.padEnd(5)} #${o.orderId ?? '-'} ${o.action} ${o.quantity} MKT ${o.orderRef}:${orderText(o) || ` ${o.state}`}`;
}

export function fillLine(f: FillRecord): string {
  return `  fill     ${f.symbol.padEnd(5)} #${f.orderId} ${f.side === 'BUY' ? 'bought' : 'sold'} ${f.shares} @ ${num(f.price)} (${f.time}, exec ${f.execId})`;
}

export interface Printer {
  out(line: string): void;
  err(line: string): void;
}

const CONSOLE: Printer = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Prints a session's events: one line per cycle, notices, and (verbose) every decision, order and fill. */
export function attachPrinter(
  session: TradingSession,
  mode: { verbose: boolean; json: boolean },
  p: Printer = CONSOLE,
  filter: { orderStates?: (state: OrderUpdate['state']) => boolean } = {},
): () => void {
  return session.onEvent((e: SessionEvent) => {
    if (mode.json) {
      p.out(JSON.stringify(e));
      return;
    }
    switch (e.type) {
      case 'notice':
        (e.level === 'warn' ? p.err : p.out)(`${e.level === 'warn' ? 'warning: ' : ''}${e.message}`);
        break;
      case 'decision':
        if (mode.verbose) p.out(decisionLine(e.record));
        break;
      case 'order':
        if (mode.verbose && (filter.orderStates?.(e.order.state) ?? true)) p.out(orderLine(e.order));
        break;
      case 'fill':
        if (mode.verbose) p.out(fillLine(e.fill));
        break;
      case 'cycle-end':
        p.out(cycleLine(e));
        break;
      case 'risk-stop':
        p.err(`STOP (${e.rule}): ${e.reason}${e.flatten ? " - flattening the session's positions" : ''}`);
        break;
      case 'summary':
        p.out(formatSummary(e.summary));
        break;
      default:
        break;
    }
  });
}

/** Asks for the live account id on the terminal; undefined without a terminal. */
export function promptLiveConfirmation(accountId: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return Promise.resolve(undefined);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.question(`LIVE account ${accountId}: type the account id to trade it for real in this session: `, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
    rl.on('close', () => resolve(undefined));
  });
}

/** Runs a session with Ctrl-C as its kill switch; returns its result. */
export async function runWithSignals(session: TradingSession, p: Printer = CONSOLE): Promise<SessionResult> {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      p.err(`${signal} again: exiting now; the journal holds everything so far (the next start on it reconciles)`);
      process.exit(130);
    }
    p.err(
      `${signal}: kill switch - cancelling the session's working orders${session.config.flattenOnStop ? ' and flattening its positions' : ''} (again to exit at once)`,
    );
    void session.kill({ reason: signal, flatten: session.config.flattenOnStop });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await session.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPEC, 'session');
  const opts = o as Record<string, string | boolean | undefined>;
  if (o.help) {
    let now: string;
    try {
      const c = resolveConnection(opts);
      const problems = configProblems(c);
      now = `${describeSources(c)}${problems.length ? `\n  invalid: ${problems.join('; ')}` : ''}`;
    } catch (err) {
      now = err instanceof Error ? err.message : String(err);
    }
    console.log(`${HELP}\n\nConnection values now: ${now}`);
    return 0;
  }
  const connection = resolveConnection(opts);
  let config: SessionConfig;
  try {
    config = buildConfig({ ...configInput(opts), ...connectionInput(connection) });
  } catch (err) {
    // A connection value refused: say where each came from (a .env or environment value is otherwise labelled by its flag).
    if (err instanceof CliError && /--(host|port|client-id|mode|allow-live) /.test(err.message))
      throw new CliError(`${err.message} (where the values came from: ${describeSources(connection)})`);
    throw err;
  }
  if (!o.json) console.log(`connection: ${describeSources(connection)}`);
  const options: TradingSessionOptions = {
    config,
    confirmLive: promptLiveConfirmation,
    log: (level, message) => {
      if (o.verbose && (level === 'warn' || level === 'error')) console.error(`[broker] ${message}`);
    },
  };
  const session = new TradingSession(options);
  attachPrinter(session, { verbose: Boolean(o.verbose), json: Boolean(o.json) });
  const result = await runWithSignals(session);
  if (result.exitCode !== EXIT_CODES.finished) console.error(`session ${result.status}: ${result.reason}`);
  else if (!o.json) console.log(`session finished: ${result.reason}${result.journalPath ? ` (journal ${result.journalPath})` : ''}`);
  return result.exitCode;
}
