// Runs the setup checks in dependency order: configuration, then TCP, handshake,
// session, and on the open session the account, what-if, market data and clock
// probes concurrently. The environment is read concurrently from the start. A failed
// prerequisite turns the checks that depend on it into `skip` with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accountCheck, isPaperAccount } from './accountCheck';
import { parseEnvText, resolveConfig, type ConfigInput, type ResolvedConfig } from './config';
import { configCheck } from './configCheck';
import { analyzeEnvironment, environmentCheck, type EnvironmentFacts, type EnvironmentInputs } from './environmentCheck';
import { handshakeCheck, handshakeProbe } from './handshakeProbe';
import { clockCheck, clockProbe, marketDataCheck, marketDataProbe, orderPermissionsCheck, whatIfProbe } from './permissionsProbe';
import { clientIdsToProbe, loadIb, openSession, probeClientIds, sessionCheck, type ClientIdProbe } from './sessionProbe';
import { fromSimulator, serverInfo } from './serverInfo';
import { collectEnvironmentInputs } from './systemInputs';
import { sweep, sweepTargets, tcpCheck, tcpConnect, type SweepResult } from './tcpProbe';
import { CHECK_IDS, hostPort, makeCheck, since, skipped, verdictOf, type Check, type CheckId, type Report, type ServerInfo } from './types';

/**
 * Bound for the API handshake (server version) and, plus 300 ms, for startApi -> nextValidId.
 * TWS answers a handshake it accepts within milliseconds, locally or across WSL / a LAN;
 * 1.2 s keeps a whole CLI run (node and tsx start-up included) under 3 s.
 */
export const DEFAULT_TIMEOUT_MS = 1200;

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
  const cfg: ResolvedConfig = resolveConfig({ flags: opts.flags, flagsSource: opts.flagsSource, settings: opts.settings, env, dotenv });
  const config = configCheck(cfg);
  config.evidence.unshift({ step: '.env file', detail: dotenv ? `${note} (${Object.keys(parseEnvText(dotenv.text)).length} keys)` : note, ms: 0 });
  put(config);

  // 2. Environment: read concurrently; judged once the TCP outcome is known.
  const envInputs: Promise<EnvironmentInputs> = opts.environment ? Promise.resolve(opts.environment) : collectEnvironmentInputs({ env, remoteName: opts.remoteName });
  const envFacts: Promise<EnvironmentFacts> = envInputs.then(analyzeEnvironment);

  const host = cfg.host.value;
  const port = cfg.port.value;
  const clientId = opts.probeClientId ?? cfg.clientId.value;
  let tcpReached: boolean | undefined;
  let server: ServerInfo | undefined;

  if (host === undefined || port === undefined) {
    skipRest(['tcp', 'handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'], `Skipped: the configured ${host === undefined ? 'host' : 'port'} is invalid (see Configuration).`);
  } else {
    const target = hostPort(host, port);
    // 3. TCP
    const primary = await tcpConnect(host, port, Math.min(1000, timeoutMs), true);
    tcpReached = primary.kind === 'connected';
    let swept: SweepResult[] = [];
    let facts: EnvironmentFacts | undefined;
    if (primary.kind !== 'connected') {
      facts = await envFacts;
      swept = await sweep(sweepTargets(host, port, facts), 400);
    }
    const tcp = tcpCheck({ host, port, primary, swept, env: facts });
    put(tcp);
    if (primary.kind !== 'connected') {
      skipRest(['handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'], `Skipped: no TCP connection to ${target} (${tcp.cause}).`);
    } else {
      // 4. Handshake (on the socket the TCP check opened)
      const hs = await handshakeProbe({ host, port, socket: primary.socket, timeoutMs });
      facts = await envFacts;
      const handshake = handshakeCheck({ host, port, outcome: hs, timeoutMs, env: facts });
      put(handshake);
      if (hs.kind === 'answered') server = serverInfo(port, hs, false);
      if (handshake.status === 'fail') {
        skipRest(['session', 'account', 'order-permissions', 'market-data', 'clock'], `Skipped: the API handshake failed (${handshake.cause}).`);
      } else if (clientId === undefined) {
        skipRest(['session', 'account', 'order-permissions', 'market-data', 'clock'], 'Skipped: the configured client id is invalid (see Configuration).');
      } else {
        try {
          const simulator = await runSession(host, port, clientId, cfg, timeoutMs, facts.wsl.wsl, put, skipRest);
          if (simulator && hs.kind === 'answered') server = serverInfo(port, hs, true);
        } catch (err) {
          // A probe that throws (a client library bug, an unexpected message) must not hide the other results.
          const message = err instanceof Error ? err.message : String(err);
          const stage = checks.has('session') ? 'permissions' : 'session';
          if (stage === 'session') put(makeCheck('session', 'fail', `The session probe failed unexpectedly: ${message}.`, { cause: 'session.probe-error', fix: 'Run the checks again; if it repeats, report this message.' }));
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

async function runSession(
  host: string,
  port: number,
  clientId: number,
  cfg: ResolvedConfig,
  timeoutMs: number,
  wsl: boolean,
  put: (c: Check) => void,
  skipRest: (ids: CheckId[], reason: string) => void,
): Promise<boolean> {
  // 5. Session (the client library is loaded only now: loading blocks the event loop, which would distort the handshake's timing)
  await loadIb();
  const session = await openSession({ host, port, clientId, timeoutMs: timeoutMs + 300 });
  let probes: ClientIdProbe[] | undefined;
  if (session.kind === 'client-id-in-use') probes = await probeClientIds(host, port, clientIdsToProbe(clientId), Math.min(1000, timeoutMs));
  const sc = sessionCheck({ host, port, session, probes });
  put(sc);
  const api = session.api;
  if (session.kind !== 'ready' || !api) {
    skipRest(['account', 'order-permissions', 'market-data', 'clock'], `Skipped: the API session did not start (${sc.cause}).`);
    return fromSimulator(session.messages);
  }
  try {
    // 6. Account
    const allowLive = cfg.allowLive.value === true;
    put(accountCheck({ accounts: session.accounts, port, mode: cfg.mode.value, allowLive, ms: session.readyMs }));
    const live = session.accounts.some((a) => !isPaperAccount(a));
    // 7. Permissions, concurrently on the one session.
    const probeMs = Math.max(500, Math.min(1200, timeoutMs));
    const orderId = session.nextValidId ?? 1;
    const whatIf =
      live && !allowLive
        ? Promise.resolve(put(skipped('order-permissions', 'Skipped: the account is live and live trading is not enabled, so no order message (not even a what-if) is sent.')))
        : whatIfProbe(api, orderId, session.accounts[0], probeMs).then((o) => put(orderPermissionsCheck(o)));
    const md = marketDataProbe(api, orderId + 1, probeMs).then((o) => put(marketDataCheck(o)));
    // The simulator's notice follows nextValidId on the same socket, so it is decoded before the clock's answer.
    const clock = clockProbe(api, probeMs).then((o) => put(clockCheck(o, { wsl, simulator: fromSimulator(session.messages) })));
    await Promise.all([whatIf, md, clock]);
    return fromSimulator(session.messages);
  } finally {
    api.disconnect();
  }
}
