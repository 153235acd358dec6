// Runs the setup checks in dependency order: configuration, then TCP, handshake,
// session, and on the open session the account, what-if, market data and clock
// probes concurrently. The environment is read concurrently from the start. A failed
// prerequisite turns the checks that depend on it into `skip` with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accountCheck, isPaperAccount } from './accountCheck';
import { parseEnvText, resolveConnectionConfig, type ConfigInput, type ResolvedConnectionConfig } from '../config/connectionConfig';
import { configCheck } from './configCheck';
import { analyzeEnvironment, environmentCheck, type EnvironmentFacts, type EnvironmentInputs } from './environmentCheck';
import { handshakeCheck, handshakeProbe } from './handshakeProbe';
import { productFor, type FixContext } from '../tws/fixes';
import { clockCheck, clockProbe, marketDataChecks, marketDataProbe, orderPermissionsCheck, PROBE_SYMBOL, whatIfProbe } from './permissionsProbe';
import { parseTwsTime } from './restartTime';
import { clientIdZero, droppedCheck, unresponsiveCheck, type TwsClock } from './apiHealth';
import { clientIdsToProbe, loadIb, probeApiStart, probeClientIds, apiCheck, type ClientIdProbe } from './apiProbe';
import { fromSimulator, serverInfo } from './serverInfo';
import { collectEnvironmentInputs } from './systemInputs';
import { classifyReopened, REOPEN_WAIT_MS, sweep, sweepTargets, tcpCheck, tcpConnect, waitForPort, type SweepResult, type TcpCheckInput } from './tcpProbe';
import { type Product } from '../tws/releases';
import { CHECK_IDS, hostPort, makeCheck, since, skipped, verdictOf, type Check, type CheckId, type Report, type ServerInfo } from './types';

/**
 * Bound for the API handshake (server version) and, plus 300 ms, for startApi -> nextValidId.
 * TWS answers a handshake it accepts within milliseconds, locally or across WSL / a LAN;
 * 1.2 s keeps a whole CLI run (node and tsx start-up included) under 3 s.
 */
export const DEFAULT_TIMEOUT_MS = 1200;
/** Market data is probed for at most this many symbols (one request each, concurrently). */
export const MAX_DATA_SYMBOLS = 8;

export interface DoctorOptions {
  /** Explicit values (the CLI's flags): highest precedence. */
  flags?: ConfigInput;
  /** How `flags` values are labelled as a source (default: the CLI option; the extension: "the embedded simulator"). */
  flagsSource?: string;
  /** The extension's settings (only values the user set). */
  settings?: ConfigInput;
  /** Environment variables (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `.env` path; default `<cwd>/.env` when it exists; null: read none. An explicit path must exist. */
  envFile?: string | null;
  cwd?: string;
  /** Bound for the API handshake; startApi -> nextValidId gets 300 ms more (default DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Connect the session as this id instead of the configured one (e.g. the extension holds the configured id). */
  probeClientId?: number;
  /** VS Code's `vscode.env.remoteName`, when the extension runs the checks. */
  remoteName?: string;
  /** Recorded environment inputs instead of reading this machine (tests). */
  environment?: EnvironmentInputs;
  /** TWS or IB Gateway, when known (else the standard port tells, or the fixes name both). */
  product?: Product;
  /** Symbols whose market data permissions are checked (the session's; default AAPL). At most MAX_DATA_SYMBOLS. */
  symbols?: string[];
  /** Called as each check completes (for a progress display). */
  onCheck?: (check: Check) => void;
}

function readDotenv(opts: DoctorOptions): { dotenv?: { path: string; text: string }; note: string } {
  if (opts.envFile === null) return { note: 'not read (disabled)' };
  const cwd = opts.cwd ?? process.cwd();
  if (opts.envFile !== undefined) {
    const path = resolve(cwd, opts.envFile);
    return { dotenv: { path, text: readFileSync(path, 'utf8') }, note: path };
  }
  const path = join(cwd, '.env');
  if (!existsSync(path)) return { note: `none at ${path}` };
  return { dotenv: { path, text: readFileSync(path, 'utf8') }, note: path };
}

export async function runChecks(opts: DoctorOptions = {}): Promise<Report> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const checks = new Map<CheckId, Check>();
  const put = (c: Check) => {
    checks.set(c.id, c);
    opts.onCheck?.(c);
  };
  const skipRest = (ids: CheckId[], reason: string) => {
    for (const id of ids) if (!checks.has(id)) put(skipped(id, reason));
  };

  // 1. Configuration (nothing connects before it is judged).
  const { dotenv, note } = readDotenv(opts);
  const cfg: ResolvedConnectionConfig = resolveConnectionConfig({ flags: opts.flags, flagsSource: opts.flagsSource, settings: opts.settings, env, dotenv });
  const config = configCheck(cfg);
  config.evidence.unshift({ step: '.env file', detail: dotenv ? `${note} (${Object.keys(parseEnvText(dotenv.text)).length} keys)` : note, ms: 0 });
  put(config);

  // 2. Environment: read concurrently; judged once the TCP outcome is known.
  const envInputs: Promise<EnvironmentInputs> = opts.environment
    ? Promise.resolve(opts.environment)
    : collectEnvironmentInputs({ env, remoteName: opts.remoteName });
  const envFacts: Promise<EnvironmentFacts> = envInputs.then(analyzeEnvironment);

  const host = cfg.host.value;
  const port = cfg.port.value;
  const clientId = opts.probeClientId ?? cfg.clientId.value;
  let tcpReached: boolean | undefined;
  let server: ServerInfo | undefined;

  if (host === undefined || port === undefined) {
    skipRest(
      ['tcp', 'handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'],
      `Skipped: the configured ${host === undefined ? 'host' : 'port'} is invalid (see Configuration).`,
    );
  } else {
    const target = hostPort(host, port);
    const product = productFor(opts.product, port);
    const productSource = opts.product ? '--product' : `port ${port}`;
    const configured = product ? { product, source: productSource } : undefined;
    // 3. TCP; a refused port is polled while the others are swept: it may open during the checks (login, restart).
    let primary = await tcpConnect(host, port, Math.min(1000, timeoutMs), true);
    let swept: SweepResult[] = [];
    let facts: EnvironmentFacts | undefined;
    let reopened: Awaited<ReturnType<typeof waitForPort>>;
    if (primary.kind !== 'connected') {
      facts = await envFacts;
      let sweepDone = false;
      const polling =
        primary.kind === 'refused'
          ? waitForPort(host, port, REOPEN_WAIT_MS, () => sweepDone && swept.some((s) => s.outcome.kind === 'connected'))
          : Promise.resolve(undefined);
      swept = await sweep(sweepTargets(host, port, facts), 400);
      sweepDone = true;
      reopened = await polling;
    }
    const tcpInput: TcpCheckInput = { host, port, primary, swept, env: facts, ...(product ? { product } : {}) };
    if (reopened) primary = reopened.outcome;
    tcpReached = primary.kind === 'connected';
    const tcp = tcpCheck(tcpInput);
    if (!reopened) put(tcp);
    if (primary.kind !== 'connected') {
      skipRest(['handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'], `Skipped: no TCP connection to ${target} (${tcp.cause}).`);
    } else {
      // 4. Handshake (on the socket the TCP check opened)
      const hs = await handshakeProbe({ host, port, socket: primary.socket, timeoutMs });
      const twsClock = hs.kind === 'answered' ? { time: parseTwsTime(hs.connectionTime), at: performance.now() } : undefined;
      facts = await envFacts;
      if (reopened) put(tcpCheck({ ...tcpInput, reopened: classifyReopened(reopened, twsClock?.time) }));
      const handshake = handshakeCheck({ host, port, outcome: hs, timeoutMs, env: facts, ...(product ? { product, productSource } : {}) });
      put(handshake);
      if (hs.kind === 'answered') server = serverInfo(port, hs, false, configured);
      if (handshake.status === 'fail') {
        skipRest(['session', 'account', 'order-permissions', 'market-data', 'clock'], `Skipped: the API handshake failed (${handshake.cause}).`);
      } else if (clientId === undefined) {
        skipRest(['session', 'account', 'order-permissions', 'market-data', 'clock'], 'Skipped: the configured client id is invalid (see Configuration).');
      } else {
        try {
          const symbols = (opts.symbols?.length ? opts.symbols : [PROBE_SYMBOL]).slice(0, MAX_DATA_SYMBOLS);
          const simulator = await runApiChecks(
            { host, port, clientId, cfg, timeoutMs, wsl: facts.wsl.wsl, fix: { port, ...(product ? { product } : {}) }, symbols, twsClock },
            put,
            skipRest,
          );
          if (simulator && hs.kind === 'answered') server = serverInfo(port, hs, true, configured);
        } catch (err) {
          // A probe that throws (a client library bug, an unexpected message) must not hide the other results.
          const message = err instanceof Error ? err.message : String(err);
          const stage = checks.has('session') ? 'permissions' : 'session';
          if (stage === 'session')
            put(
              makeCheck('session', 'fail', `The session probe failed unexpectedly: ${message}.`, {
                cause: 'session.probe-error',
                fix: 'Run the checks again; if it repeats, report this message.',
              }),
            );
          skipRest(['account', 'order-permissions', 'market-data', 'clock'], `Skipped: a probe failed unexpectedly (${message}).`);
        }
      }
    }
  }

  const facts = await envFacts;
  const inputs = await envInputs;
  put(environmentCheck(facts, { host, port, tcpReached }, inputs.evidence ?? []));

  const ordered = CHECK_IDS.map((id) => checks.get(id)).filter((c): c is Check => c !== undefined);
  return {
    verdict: verdictOf(ordered),
    checks: ordered,
    startedAt,
    durationMs: since(t0),
    target: { host, port, clientId: cfg.clientId.value },
    ...(server ? { server } : {}),
  };
}

interface ApiPlan {
  host: string;
  port: number;
  clientId: number;
  cfg: ResolvedConnectionConfig;
  timeoutMs: number;
  wsl: boolean;
  fix: FixContext;
  symbols: string[];
  twsClock?: TwsClock;
}

/** Starts the API (check 5, 'session') and runs the probes on it; true when the embedded simulator named itself. */
async function runApiChecks(plan: ApiPlan, put: (c: Check) => void, skipRest: (ids: CheckId[], reason: string) => void): Promise<boolean> {
  const { host, port, clientId, cfg, timeoutMs, wsl } = plan;
  // 5. Session (the client library is loaded only now: loading blocks the event loop, which would distort the handshake's timing)
  await loadIb();
  const started = await probeApiStart({ host, port, clientId, timeoutMs: timeoutMs + 300 });
  let probes: ClientIdProbe[] | undefined;
  if (started.kind === 'client-id-in-use') probes = await probeClientIds(host, port, clientIdsToProbe(clientId), Math.min(1000, timeoutMs));
  let sc = clientIdZero(apiCheck({ host, port, started, probes }), clientId, plan.fix);
  // 502 right after a good handshake: the port closed in between (a restart or exit), not a wrong address.
  if (started.kind === 'error')
    sc = droppedCheck(sc, {
      droppedAt: started.t0 + started.ms,
      apiT0: started.t0,
      fix: plan.fix,
      portClosed: true,
      ...(plan.twsClock ? { twsClock: plan.twsClock } : {}),
    });
  put(sc);
  const api = started.api;
  if (started.kind !== 'ready' || !api) {
    skipRest(['account', 'order-permissions', 'market-data', 'clock'], `Skipped: the API session did not start (${sc.cause}).`);
    return fromSimulator(started.messages);
  }
  // A drop while the probes run is named (with TWS's clock time), never a pass or a bare timeout.
  const { EventName } = await loadIb();
  let droppedAt: number | undefined;
  let closing = false;
  const onDrop = () => {
    if (!closing && droppedAt === undefined) droppedAt = performance.now();
  };
  api.on(EventName.disconnected, onDrop);
  const putProbe = (c: Check) =>
    put(droppedAt !== undefined && c.status !== 'pass' ? skipped(c.id, 'Skipped: the connection dropped while this was checked (see API session).') : c);
  try {
    // 6. Account
    const allowLive = cfg.allowLive.value === true;
    putProbe(
      accountCheck({ accounts: started.accounts, port, mode: cfg.mode.value === 'shadow' ? undefined : cfg.mode.value, allowLive, ms: started.readyMs }),
    );
    const live = started.accounts.some((a) => !isPaperAccount(a));
    // 7. Permissions, concurrently on the one API connection.
    const probeMs = Math.max(500, Math.min(1200, timeoutMs));
    const orderId = started.nextValidId ?? 1;
    const whatIf =
      live && !allowLive
        ? Promise.resolve(
            put(
              skipped('order-permissions', 'Skipped: the account is live and live trading is not enabled, so no order message (not even a what-if) is sent.'),
            ),
          )
        : whatIfProbe(api, orderId, started.accounts[0], probeMs).then((o) => (putProbe(orderPermissionsCheck(o, plan.fix)), o.kind));
    const md = Promise.all(plan.symbols.map((sym, i) => marketDataProbe(api, orderId + 1 + i, probeMs, sym))).then(
      (os) => (putProbe(marketDataChecks(os)), os.map((o) => o.kind)),
    );
    // The simulator's notice follows nextValidId on the same socket, so it is decoded before the clock's answer.
    const clock = clockProbe(api, probeMs).then((o) => (putProbe(clockCheck(o, { wsl, simulator: fromSimulator(started.messages) })), o.kind));
    const [w, m, c] = await Promise.all([whatIf, md, clock]);
    // TWS sends its farm notices right behind nextValidId, but they may arrive in a later TCP
    // read than it; the probes' answers come behind them, so the API start is judged again now.
    const again = clientIdZero(apiCheck({ host, port, started, probes }), clientId, plan.fix);
    if (droppedAt !== undefined)
      put(droppedCheck(again, { droppedAt, apiT0: started.t0, fix: plan.fix, ...(plan.twsClock ? { twsClock: plan.twsClock } : {}) }));
    else if (c === 'timeout' && m.every((k) => k === 'timeout') && (w === undefined || w === 'timeout')) put(unresponsiveCheck(again, probeMs, plan.fix));
    else if (again.status !== sc.status || again.cause !== sc.cause) put(again);
    return fromSimulator(started.messages);
  } finally {
    closing = true;
    api.off(EventName.disconnected, onDrop);
    api.disconnect();
  }
}
