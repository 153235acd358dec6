// Check 3, TCP: connect to host:port and classify the outcome (connected, refused,
// timed out, unreachable, unknown host). When it fails, the four standard ports on
// the candidate hosts (loopback over IPv4 and IPv6, the Windows host from WSL) are
// probed concurrently to say which answer, and the configured port is polled for a
// bounded time: a port that opens during the checks was waiting for a login (or a
// daily restart). Only IPv6 loopback answering names the address to use.
import { connect, type Socket } from 'node:net';
import type { EnvironmentFacts } from './environmentCheck';
import { isWsl2Nat, loopbackVariants, remoteFix } from './environmentCheck';
import { describePort, fixFor, GATEWAY_API_SETTINGS, isLoopback, PORT_MEANINGS, STANDARD_PORTS, TWS_API_SETTINGS } from '../tws/fixes';
import { formatClock, RESTART_REOPEN_WINDOW_S, roundTimeBefore, type ClockTime } from './restartTime';
import { PRODUCT_NAMES, type Product } from '../tws/releases';
import { hostPort, makeCheck, since, type Check, type Evidence } from './types';

export type TcpOutcome =
  | { kind: 'connected'; ms: number; localAddress: string; localPort: number; remoteAddress: string; socket?: Socket }
  | { kind: 'refused' | 'timeout' | 'unreachable' | 'not-found' | 'error'; ms: number; code?: string; message: string };

/** Connects with a time bound. With `keepOpen` the connected socket is returned (the caller closes it). */
export function tcpConnect(host: string, port: number, timeoutMs: number, keepOpen = false): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    const socket = connect({ host, port, noDelay: true });
    const finish = (o: TcpOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('connect');
      if (o.kind !== 'connected' || !keepOpen) socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', ms: since(t0), message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => {
      const o: TcpOutcome = {
        kind: 'connected',
        ms: since(t0),
        localAddress: socket.localAddress ?? '',
        localPort: socket.localPort ?? 0,
        remoteAddress: socket.remoteAddress ?? host,
      };
      if (keepOpen) o.socket = socket;
      finish(o);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      const kind =
        code === 'ECONNREFUSED'
          ? 'refused'
          : code === 'ETIMEDOUT'
            ? 'timeout'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME'
              ? 'not-found'
              : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT'
                ? 'unreachable'
                : 'error';
      finish({ kind, ms: since(t0), code, message: err.message });
    });
  });
}

/** How long a refused port is polled for opening (a login or restart finishing) and how often. */
export const REOPEN_WAIT_MS = 1200;
export const REOPEN_STEP_MS = 150;

/**
 * Polls host:port until it connects (the socket is kept open for the caller), `stop()`
 * says to give up, or `boundMs` passed. `afterMs` counts from the call.
 */
export async function waitForPort(
  host: string,
  port: number,
  boundMs: number,
  stop: () => boolean = () => false,
): Promise<{ outcome: TcpOutcome; afterMs: number } | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < boundMs && !stop()) {
    await new Promise((r) => setTimeout(r, REOPEN_STEP_MS));
    if (stop()) return undefined;
    const o = await tcpConnect(host, port, 400, true);
    if (o.kind === 'connected') return { outcome: o, afterMs: since(t0) };
    if (o.kind !== 'refused') return undefined;
  }
  return undefined;
}

/** A port that opened during the checks: a login finishing; just after a quarter hour on TWS's clock possibly the daily restart ending. */
export function classifyReopened(r: { afterMs: number; outcome: TcpOutcome }, twsTime: ClockTime | undefined): NonNullable<TcpCheckInput['reopened']> {
  const round = twsTime ? roundTimeBefore(twsTime, RESTART_REOPEN_WINDOW_S) : undefined;
  return { ...r, ...(twsTime ? { twsTime: formatClock(twsTime) } : {}), ...(round ? { roundTime: formatClock(round) } : {}) };
}

export interface SweepResult {
  host: string;
  port: number;
  outcome: TcpOutcome;
}

/** Probes every host x port concurrently (connect, then close at once). */
export async function sweep(targets: ReadonlyArray<{ host: string; port: number }>, timeoutMs: number): Promise<SweepResult[]> {
  return Promise.all(targets.map(async (t) => ({ ...t, outcome: await tcpConnect(t.host, t.port, timeoutMs) })));
}

/** The hosts and ports to probe after the configured one failed. */
export function sweepTargets(host: string, port: number, env: EnvironmentFacts | undefined): Array<{ host: string; port: number }> {
  const hosts = [...loopbackVariants(host, env?.localhostAddresses ?? []), ...(env?.windowsHosts.map((c) => c.address) ?? [])];
  const ports = [port, ...STANDARD_PORTS];
  const out: Array<{ host: string; port: number }> = [];
  const seen = new Set<string>();
  for (const h of hosts) {
    for (const p of ports) {
      const key = hostPort(h, p);
      if ((h === host && p === port) || seen.has(key)) continue;
      seen.add(key);
      out.push({ host: h, port: p });
    }
  }
  return out;
}

function outcomeText(o: TcpOutcome): string {
  switch (o.kind) {
    case 'connected':
      return `connected from ${hostPort(o.localAddress, o.localPort)}`;
    case 'refused':
      return 'refused (nothing listening)';
    case 'timeout':
      return o.message;
    default:
      return `${o.kind}${o.code ? ` (${o.code})` : ''}: ${o.message}`;
  }
}

export interface TcpCheckInput {
  host: string;
  port: number;
  primary: TcpOutcome;
  swept: SweepResult[];
  env?: EnvironmentFacts;
  product?: Product;
  /** The configured port refused at first and opened during the checks. */
  reopened?: { afterMs: number; outcome: TcpOutcome; twsTime?: string; roundTime?: string };
}

export function tcpCheck(inp: TcpCheckInput): Check {
  const { host, port, primary } = inp;
  const target = hostPort(host, port);
  const evidence: Evidence[] = [{ step: `connect ${target}`, detail: outcomeText(primary), ms: primary.ms }];
  for (const s of inp.swept) evidence.push({ step: `probe ${hostPort(s.host, s.port)}`, detail: outcomeText(s.outcome), ms: s.outcome.ms });
  const re = inp.reopened;
  if (re) {
    evidence.push({
      step: `poll ${target} every ${REOPEN_STEP_MS} ms`,
      detail: `${outcomeText(re.outcome)} after ${(re.afterMs / 1000).toFixed(2)} s${re.twsTime ? ` (TWS time ${re.twsTime})` : ''}`,
      ms: re.afterMs,
    });
    const who = inp.product ? PRODUCT_NAMES[inp.product] : 'TWS/IB Gateway';
    const ctx = { port, ...(inp.product ? { product: inp.product } : {}) };
    const restart = re.roundTime
      ? ` It opened at ${re.twsTime} on ${who}'s clock, just after ${re.roundTime}: if that is its auto-restart time, this was the daily restart ending.`
      : '';
    const finding = `Port ${describePort(port)} refused connections and opened ${(re.afterMs / 1000).toFixed(1)} s into the checks: ${who} was still logging in (login or two-factor prompt pending).${restart}`;
    return makeCheck('tcp', 'warn', finding, {
      evidence,
      cause: 'tcp.login-pending',
      fix: [fixFor('tcp.login-pending', ctx), ...(restart ? [fixFor('daily-restart', ctx)] : [])].join('\n'),
    });
  }
  if (primary.kind === 'connected') {
    return makeCheck('tcp', 'pass', `Connected to ${target} in ${primary.ms} ms (from ${hostPort(primary.localAddress, primary.localPort)}).`, { evidence });
  }
  const answering = inp.swept.filter((s) => s.outcome.kind === 'connected');
  const answerText = answering.length
    ? ` Answering instead: ${answering.map((s) => `${hostPort(s.host, s.port)}${PORT_MEANINGS[s.port] ? ` (${PORT_MEANINGS[s.port]!.app} ${PORT_MEANINGS[s.port]!.mode})` : ''}`).join(', ')}.`
    : inp.swept.length
      ? ` None of the standard ports (7497, 7496, 4002, 4001) answers on ${[...new Set(inp.swept.map((s) => s.host))].join(', ')}.`
      : '';
  const fix = tcpFix(inp, answering);
  const v6 = answering.find((s) => s.host === '::1' && s.port === port);
  if (primary.kind === 'refused' && v6 && host !== '::1' && isLoopback(host)) {
    return makeCheck(
      'tcp',
      'fail',
      `Connection refused at ${target}: ${inp.product ? PRODUCT_NAMES[inp.product] : 'TWS'} listens on IPv6 loopback only, use ::1.${answerText}`,
      {
        evidence,
        cause: 'tcp.ipv6-only',
        fix: fixFor('tcp.ipv6-only', { port, ...(inp.product ? { product: inp.product } : {}) }),
      },
    );
  }
  // TWS / IB Gateway runs on this machine but its standard port refuses: the login (or two-factor prompt) is not finished.
  const running = inp.env?.twsProcesses?.find((p) => !inp.product || p.product === inp.product);
  if (primary.kind === 'refused' && running && isLoopback(host) && !answering.length) {
    const who = PRODUCT_NAMES[running.product];
    evidence.push({ step: 'process list', detail: `${who} is running: ${running.line}`, ms: 0 });
    return makeCheck(
      'tcp',
      'fail',
      `${who} is running on this machine, but port ${describePort(port)} refuses connections: its login (or two-factor prompt) is not finished, or its API port is another one.`,
      {
        evidence,
        cause: 'tcp.login-pending',
        fix: [
          fixFor('tcp.login-pending', { port, product: running.product }),
          ...tcpFix(inp, answering)
            .split('\n')
            .filter((l) => l.startsWith('Check the Socket port')),
        ].join('\n'),
      },
    );
  }
  switch (primary.kind) {
    case 'refused':
      return makeCheck(
        'tcp',
        'fail',
        `Connection refused at ${target}: nothing listens there (TWS/IB Gateway not running, not logged in, or on another port).${answerText}`,
        { evidence, fix, cause: 'tcp.refused' },
      );
    case 'timeout':
      return makeCheck(
        'tcp',
        'fail',
        `No answer from ${target} within ${Math.round(primary.ms)} ms: a firewall drops the connection or the host is wrong.${answerText}`,
        { evidence, fix, cause: 'tcp.timeout' },
      );
    case 'not-found':
      return makeCheck('tcp', 'fail', `Host name "${host}" does not resolve (${primary.code}).${answerText}`, { evidence, fix, cause: 'tcp.host-not-found' });
    case 'unreachable':
      return makeCheck('tcp', 'fail', `No route to ${target} (${primary.code}).${answerText}`, { evidence, fix, cause: 'tcp.unreachable' });
    default:
      return makeCheck('tcp', 'fail', `Could not connect to ${target}: ${primary.message}.${answerText}`, { evidence, fix, cause: 'tcp.error' });
  }
}

function tcpFix(inp: TcpCheckInput, answering: SweepResult[]): string {
  const { host, port, env } = inp;
  const lines: string[] = [];
  const sameHostOtherPort = answering.find((s) => s.host === host && s.port !== port && PORT_MEANINGS[s.port]);
  const otherHostSamePort = answering.find((s) => s.host !== host && s.port === port);
  const anyStandard = answering.find((s) => PORT_MEANINGS[s.port]);
  if (otherHostSamePort) {
    const h = otherHostSamePort.host;
    const why = h === '::1' ? ' (TWS listens on IPv6 only, as on macOS)' : h === '127.0.0.1' && host === '::1' ? ' (TWS listens on IPv4 only)' : '';
    lines.push(`Set IBKR_HOST=${h} in .env (or the VS Code setting ibkrAi.host, or --host ${h})${why}.`);
  } else if (sameHostOtherPort) {
    lines.push(
      `Set IBKR_PORT=${sameHostOtherPort.port} in .env (or the VS Code setting ibkrAi.port, or --port ${sameHostOtherPort.port}): ${describePort(sameHostOtherPort.port)} answers on ${host}.`,
    );
  } else if (anyStandard) {
    lines.push(
      `Set IBKR_HOST=${anyStandard.host} and IBKR_PORT=${anyStandard.port} in .env (or ibkrAi.host / ibkrAi.port): ${describePort(anyStandard.port)} answers there.`,
    );
  }
  if (inp.primary.kind === 'refused' || inp.primary.kind === 'error') {
    if (!answering.length)
      lines.push(
        `Start ${inp.product ? PRODUCT_NAMES[inp.product] : 'TWS or IB Gateway'} and log in: the API port opens only after login (a login or two-factor prompt still open looks like this), and it is closed for a while at the daily auto-restart time.`,
      );
    lines.push(`Check the Socket port: ${TWS_API_SETTINGS} > Socket port; ${GATEWAY_API_SETTINGS} > Socket port. Set IBKR_PORT (or ibkrAi.port) to it.`);
  } else if (inp.primary.kind === 'timeout') {
    lines.push(
      `Check IBKR_HOST=${host} is the machine running TWS, and allow inbound TCP ${port} for TWS/IB Gateway in its firewall (Windows: Windows Defender Firewall > Allow an app through firewall).`,
    );
  } else if (inp.primary.kind === 'not-found') {
    lines.push(`Use the IP address of the machine running TWS: set IBKR_HOST=127.0.0.1 (same machine) or its LAN address in .env (or ibkrAi.host).`);
  } else if (inp.primary.kind === 'unreachable') {
    lines.push(`Check the network path to ${host} (VPN, Wi-Fi, interface down), or use IBKR_HOST=127.0.0.1 when TWS runs on this machine.`);
  }
  if (env && isLoopback(host)) {
    if (env.wsl.wsl && isWsl2Nat(env)) {
      const w = env.windowsHosts[0]?.address;
      lines.push(
        `From NAT-mode WSL2, Windows' ${host} is not reachable: set IBKR_HOST=${w ?? '<the default-route gateway of `ip route`>'}, in TWS uncheck "Allow connections from localhost only" and add this WSL address to Trusted IPs, and allow TCP ${port} in Windows Defender Firewall; or use mirrored networking ([wsl2] networkingMode=mirrored in %UserProfile%\\.wslconfig, then wsl --shutdown).`,
      );
    } else if (env.remote.remote && env.remote.kind !== 'wsl') {
      lines.push(remoteFix(env.remote.kind!, port));
    }
  }
  return lines.join('\n');
}
