// Check 2, environment: WSL (1 or 2, NAT or mirrored networking) and the Windows host
// addresses to try from it, VS Code remote sessions and containers, and what
// `localhost` resolves to (TWS on macOS may listen on IPv6 only). The parsers are pure
// and take recorded inputs (`/proc/version`, `ip route`, `resolv.conf`, `.wslconfig`,
// environment variables); systemInputs.ts reads the real ones.
import { isIP } from 'node:net';
import { isLoopback } from '../tws/fixes';
import type { Product } from '../tws/releases';
import { makeCheck, type Check, type Evidence } from './types';

export interface ProcVersion {
  wsl: boolean;
  /** 1: the translation layer (kernel "4.4.0-xxxxx-Microsoft"); 2: a real kernel ("microsoft-standard"). */
  wslVersion?: 1 | 2;
  kernel?: string;
}

/** `/proc/version`: WSL1 kernels end in "-Microsoft", WSL2 kernels contain "microsoft-standard" (or "-WSL2"). */
export function parseProcVersion(text: string): ProcVersion {
  const kernel = /Linux version (\S+)/.exec(text)?.[1];
  const base = kernel ? { kernel } : {};
  if (/microsoft-standard|WSL2/i.test(text)) return { wsl: true, wslVersion: 2, ...base };
  if (/-Microsoft\b/.test(kernel ?? '') || /Microsoft@Microsoft\.com/.test(text)) return { wsl: true, wslVersion: 1, ...base };
  if (/microsoft/i.test(text)) return { wsl: true, wslVersion: 2, ...base };
  return { wsl: false, ...base };
}

export interface RouteInfo {
  defaultGateway?: string;
  defaultDev?: string;
  /** Source addresses of directly connected routes (`... scope link src A`). */
  sources: string[];
}

/** `ip route` (or `ip route show`) output. */
export function parseIpRoute(text: string): RouteInfo {
  const out: RouteInfo = { sources: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const words = line.split(/\s+/);
    const at = (k: string) => {
      const i = words.indexOf(k);
      return i >= 0 ? words[i + 1] : undefined;
    };
    if (words[0] === 'default' && out.defaultGateway === undefined) {
      const via = at('via');
      if (via && isIP(via)) out.defaultGateway = via;
      const dev = at('dev');
      if (dev) out.defaultDev = dev;
    }
    const src = at('src');
    if (src && isIP(src) && !out.sources.includes(src)) out.sources.push(src);
  }
  return out;
}

/** `/proc/net/route` (hex, little-endian addresses): the default route's gateway. */
export function parseProcNetRoute(text: string): RouteInfo {
  const out: RouteInfo = { sources: [] };
  for (const line of text.split('\n').slice(1)) {
    const [iface, dest, gw, , , , , mask] = line.trim().split(/\s+/);
    if (!iface || dest !== '00000000' || mask !== '00000000' || !gw || !/^[0-9A-Fa-f]{8}$/.test(gw)) continue;
    const n = parseInt(gw, 16);
    if (n === 0) continue;
    out.defaultGateway = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
    out.defaultDev = iface;
    break;
  }
  return out;
}

/** `resolv.conf`: the nameserver addresses, in order. */
export function parseResolvConf(text: string): { nameservers: string[] } {
  const nameservers: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (m && isIP(m[1]!.replace(/%.*$/, ''))) nameservers.push(m[1]!);
  }
  return { nameservers };
}

/** `.wslconfig` (INI): networkingMode in [wsl2] (or [experimental] in early releases). */
export function parseWslConfig(text: string): { networkingMode?: string } {
  let section = '';
  let mode: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim().toLowerCase();
      continue;
    }
    const kv = /^([^=]+)=(.*)$/.exec(line);
    if (!kv) continue;
    if ((section === 'wsl2' || section === 'experimental') && kv[1]!.trim().toLowerCase() === 'networkingmode') {
      const v = kv[2]!
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
      if (section === 'wsl2' || mode === undefined) mode = v;
    }
  }
  return mode ? { networkingMode: mode } : {};
}

/** The DNS-tunneling resolver WSL writes into resolv.conf: not the Windows host. */
export const WSL_DNS_TUNNEL = '10.255.255.254';

export type NetworkingMode = 'nat' | 'mirrored' | 'unknown';

export interface HostCandidate {
  address: string;
  /** Where the address came from, e.g. "default-route gateway (ip route)". */
  source: string;
}

export interface WslHostInputs {
  procVersion?: ProcVersion;
  route?: RouteInfo;
  resolv?: { nameservers: string[] };
  networkingMode?: NetworkingMode;
}

/**
 * The addresses at which Windows (where TWS usually runs) answers from inside WSL:
 * WSL1 and mirrored WSL2 share Windows' loopback; NAT WSL2 reaches Windows at the
 * default-route gateway and (without DNS tunneling) at the resolv.conf nameserver.
 */
export function wslHostCandidates(inp: WslHostInputs): HostCandidate[] {
  if (!inp.procVersion?.wsl) return [];
  if (inp.procVersion.wslVersion === 1) return [{ address: '127.0.0.1', source: 'WSL1 shares the Windows loopback' }];
  if (inp.networkingMode === 'mirrored') return [{ address: '127.0.0.1', source: 'mirrored networking shares the Windows loopback' }];
  const out: HostCandidate[] = [];
  const add = (address: string | undefined, source: string) => {
    if (!address || !isPrivateIPv4(address) || address === WSL_DNS_TUNNEL || out.some((c) => c.address === address)) return;
    out.push({ address, source });
  };
  add(inp.route?.defaultGateway, 'default-route gateway (ip route)');
  for (const ns of inp.resolv?.nameservers ?? []) add(ns, 'nameserver in /etc/resolv.conf');
  return out;
}

/** RFC 1918 addresses: where a Windows host can be (a public resolver such as 8.8.8.8 cannot). */
export function isPrivateIPv4(a: string): boolean {
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(a);
  if (!m) return false;
  const [x, y] = [Number(m[1]), Number(m[2])];
  return x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168);
}

export type RemoteKind = 'ssh' | 'dev-container' | 'codespaces' | 'wsl' | 'tunnel' | 'container' | 'other';

export interface RemoteInfo {
  remote: boolean;
  kind?: RemoteKind;
  /** The variables or files that gave it away. */
  evidence: string[];
}

/**
 * Is this process running away from the desktop where TWS runs (VS Code Remote-SSH,
 * Dev Containers, Codespaces, a tunnel, a container)? `remoteName` is VS Code's
 * `vscode.env.remoteName` when the extension knows it.
 */
export function isRemote(env: Readonly<Record<string, string | undefined>>, extra: { dockerEnv?: boolean; remoteName?: string } = {}): RemoteInfo {
  const ev: string[] = [];
  const set = (k: string) => env[k] !== undefined && env[k] !== '';
  let kind: RemoteKind | undefined;
  const byName: Record<string, RemoteKind> = {
    'ssh-remote': 'ssh',
    'dev-container': 'dev-container',
    'attached-container': 'dev-container',
    codespaces: 'codespaces',
    wsl: 'wsl',
    tunnel: 'tunnel',
  };
  if (extra.remoteName) {
    kind = byName[extra.remoteName] ?? 'other';
    ev.push(`vscode.env.remoteName=${extra.remoteName}`);
  }
  if (env.CODESPACES === 'true') {
    kind ??= 'codespaces';
    ev.push('CODESPACES=true');
  }
  for (const k of ['REMOTE_CONTAINERS', 'REMOTE_CONTAINERS_IPC', 'VSCODE_REMOTE_CONTAINERS_SESSION']) {
    if (set(k)) {
      kind ??= 'dev-container';
      ev.push(`${k} is set`);
    }
  }
  for (const k of ['SSH_CONNECTION', 'SSH_CLIENT']) {
    if (set(k)) {
      kind ??= 'ssh';
      ev.push(`${k}=${env[k]}`);
    }
  }
  if (set('VSCODE_REMOTE')) {
    kind ??= 'other';
    ev.push('VSCODE_REMOTE is set');
  }
  if (set('WSL_DISTRO_NAME') && (set('VSCODE_IPC_HOOK_CLI') || set('VSCODE_AGENT_FOLDER'))) {
    kind ??= 'wsl';
    ev.push(`WSL_DISTRO_NAME=${env.WSL_DISTRO_NAME} with a VS Code server`);
  }
  if (extra.dockerEnv) {
    kind ??= 'container';
    ev.push('/.dockerenv exists');
  }
  return kind ? { remote: true, kind, evidence: ev } : { remote: false, evidence: ev };
}

/** Recorded inputs for the environment check; every field optional (missing = not available). */
export interface EnvironmentInputs {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  procVersion?: string;
  ipRoute?: string;
  procNetRoute?: string;
  resolvConf?: string;
  wslConfig?: { path: string; text: string };
  /** Output of `wslinfo --networking-mode` ("nat" / "mirrored"). */
  wslInfoNetworking?: string;
  dockerEnv?: boolean;
  remoteName?: string;
  /** Addresses `localhost` resolves to, in resolver order. */
  localhostAddresses?: string[];
  /** Command lines of this machine's processes (`ps -A -o args=`, `tasklist`); undefined: not read. */
  processes?: string[];
  /** How the inputs were read (timings), shown as evidence. */
  evidence?: Evidence[];
}

export interface EnvironmentFacts {
  platform: NodeJS.Platform;
  wsl: ProcVersion;
  networkingMode?: NetworkingMode;
  networkingModeSource?: string;
  route?: RouteInfo;
  nameservers: string[];
  windowsHosts: HostCandidate[];
  remote: RemoteInfo;
  localhostAddresses: string[];
  /** TWS / IB Gateway processes running on this machine (undefined: the process list was not read). */
  twsProcesses?: Array<{ product: Product; line: string }>;
}

/** TWS / IB Gateway among process command lines (java with jts/ibgateway, the macOS apps, the Windows executables). */
export function findTwsProcesses(lines: readonly string[]): Array<{ product: Product; line: string }> {
  const out: Array<{ product: Product; line: string }> = [];
  for (const line of lines) {
    if (/ibgateway|IB Gateway|ibgw/i.test(line)) out.push({ product: 'gateway', line: line.slice(0, 160) });
    // `/tws` only as the launcher itself (~/Jts/1041/tws), not a folder named tws in some path.
    else if (/\bjts\b|Trader Workstation|\btws\.exe\b|\/tws(?=\s|$)|\btws\.vmoptions\b/i.test(line)) out.push({ product: 'tws', line: line.slice(0, 160) });
  }
  return out;
}

export function analyzeEnvironment(inp: EnvironmentInputs): EnvironmentFacts {
  let wsl: ProcVersion = inp.procVersion !== undefined ? parseProcVersion(inp.procVersion) : { wsl: false };
  if (!wsl.wsl && inp.platform === 'linux' && (inp.env.WSL_DISTRO_NAME || inp.env.WSL_INTEROP)) {
    // WSL's own variables with a kernel that does not say Microsoft: a custom kernel, which only WSL2 can run.
    wsl = { wsl: true, wslVersion: 2, ...(wsl.kernel ? { kernel: wsl.kernel } : {}) };
  }
  const route = inp.ipRoute !== undefined ? parseIpRoute(inp.ipRoute) : inp.procNetRoute !== undefined ? parseProcNetRoute(inp.procNetRoute) : undefined;
  const nameservers = inp.resolvConf !== undefined ? parseResolvConf(inp.resolvConf).nameservers : [];
  let networkingMode: NetworkingMode | undefined;
  let networkingModeSource: string | undefined;
  if (wsl.wsl && wsl.wslVersion === 2) {
    const info = inp.wslInfoNetworking?.trim().toLowerCase();
    const cfg = inp.wslConfig ? parseWslConfig(inp.wslConfig.text).networkingMode : undefined;
    if (info === 'nat' || info === 'mirrored') {
      networkingMode = info;
      networkingModeSource = 'wslinfo --networking-mode';
    } else if (cfg === 'mirrored' || cfg === 'nat') {
      networkingMode = cfg;
      networkingModeSource = `networkingMode=${cfg} in ${inp.wslConfig!.path}`;
    } else if (inp.wslConfig) {
      networkingMode = 'nat';
      networkingModeSource = `${inp.wslConfig.path} sets no networkingMode (NAT is the default)`;
    } else {
      networkingMode = 'nat';
      networkingModeSource = 'no .wslconfig found (NAT is the default)';
    }
  }
  const windowsHosts = wslHostCandidates({ procVersion: wsl, route, resolv: { nameservers }, networkingMode });
  const remote = isRemote(inp.env, { dockerEnv: inp.dockerEnv, remoteName: inp.remoteName });
  return {
    platform: inp.platform,
    wsl,
    ...(networkingMode ? { networkingMode, networkingModeSource } : {}),
    ...(route ? { route } : {}),
    nameservers,
    windowsHosts,
    remote,
    localhostAddresses: inp.localhostAddresses ?? [],
    ...(inp.processes ? { twsProcesses: findTwsProcesses(inp.processes) } : {}),
  };
}

/** Loopback addresses worth trying when the configured host is a loopback one. */
export function loopbackVariants(host: string, localhostAddresses: readonly string[]): string[] {
  const out = [host, '127.0.0.1', '::1', ...localhostAddresses];
  return [...new Set(out.map((h) => h.replace(/^\[|\]$/g, '')))];
}

/** Is this a NAT-mode WSL2, where Windows' 127.0.0.1 cannot be reached? */
export function isWsl2Nat(f: EnvironmentFacts): boolean {
  return f.wsl.wsl && f.wsl.wslVersion === 2 && f.networkingMode !== 'mirrored';
}

export interface EnvironmentContext {
  host: string | undefined;
  port: number | undefined;
  /** Did TCP reach the configured host:port? undefined when not tried. */
  tcpReached?: boolean;
}

/** Builds the environment check from the facts and (when known) the TCP outcome. */
export function environmentCheck(f: EnvironmentFacts, ctx: EnvironmentContext, readEvidence: Evidence[] = []): Check {
  const ev: Evidence[] = [...readEvidence];
  const parts: string[] = [];
  if (f.wsl.wsl) {
    const mode = f.wsl.wslVersion === 2 ? `, ${f.networkingMode ?? 'nat'} networking` : '';
    parts.push(`WSL${f.wsl.wslVersion ?? ''}${mode}`);
    ev.push({
      step: 'WSL',
      detail: `WSL${f.wsl.wslVersion ?? '?'} (kernel ${f.wsl.kernel ?? 'unknown'})${f.networkingModeSource ? `; networking: ${f.networkingModeSource}` : ''}`,
      ms: 0,
    });
    ev.push({
      step: 'Windows host addresses',
      detail: f.windowsHosts.length ? f.windowsHosts.map((c) => `${c.address} (${c.source})`).join(', ') : 'none found',
      ms: 0,
    });
  } else {
    parts.push(`not WSL (${f.platform})`);
  }
  if (f.remote.remote) {
    parts.push(`remote: ${f.remote.kind}`);
    ev.push({ step: 'remote', detail: `${f.remote.kind} (${f.remote.evidence.join(', ')})`, ms: 0 });
  } else {
    parts.push('local session');
  }
  if (f.localhostAddresses.length) {
    parts.push(`localhost = ${f.localhostAddresses.join(', ')}`);
    ev.push({ step: 'localhost resolves to', detail: f.localhostAddresses.join(', '), ms: 0 });
  }
  const finding = parts.join('; ');
  const host = ctx.host;
  const port = ctx.port ?? 7497;
  const loopback = host !== undefined && isLoopback(host);
  if (loopback && ctx.tcpReached === false) {
    if (f.wsl.wsl && isWsl2Nat(f)) {
      const target = f.windowsHosts[0]?.address;
      return makeCheck('environment', 'warn', `${finding}: from NAT-mode WSL2, ${host} is this Linux VM, not Windows where TWS runs.`, {
        evidence: ev,
        cause: 'environment.wsl2-nat-loopback',
        fix: [
          target
            ? `Point at the Windows host: set IBKR_HOST=${target} in .env (or ibkrAi.host).`
            : 'Point IBKR_HOST at the Windows host (the default-route gateway of `ip route`).',
          'In TWS: File > Global Configuration > API > Settings (IB Gateway: Configure > Settings > API > Settings): uncheck "Allow connections from localhost only" and add the WSL address to Trusted IPs.',
          `Allow inbound TCP ${port} for TWS/IB Gateway in Windows Defender Firewall (vEthernet (WSL) interface).`,
          'Or switch WSL to mirrored networking: in %UserProfile%\\.wslconfig put [wsl2] networkingMode=mirrored, run `wsl --shutdown`, and keep IBKR_HOST=127.0.0.1.',
        ].join('\n'),
      });
    }
    if (f.remote.remote && f.remote.kind !== 'wsl') {
      return makeCheck(
        'environment',
        'warn',
        `${finding}: ${host} here is the ${f.remote.kind === 'ssh' ? 'remote machine' : 'container'}, not the desktop where TWS usually runs.`,
        {
          evidence: ev,
          cause: `environment.remote-${f.remote.kind}`,
          fix: remoteFix(f.remote.kind!, port),
        },
      );
    }
  }
  return makeCheck('environment', 'pass', finding + '.', { evidence: ev });
}

export function remoteFix(kind: RemoteKind, port: number): string {
  switch (kind) {
    case 'ssh':
      return [
        `Run TWS or IB Gateway on the remote machine, or forward the port back to your desktop: add "RemoteForward ${port} 127.0.0.1:${port}" to this host's entry in ~/.ssh/config (or ssh -R ${port}:127.0.0.1:${port} host) and reconnect.`,
      ].join('\n');
    case 'dev-container':
    case 'container':
      return [
        kind === 'dev-container'
          ? 'Set IBKR_HOST=host.docker.internal (Docker on Linux: add "--add-host=host.docker.internal:host-gateway" to runArgs in devcontainer.json).'
          : 'Set IBKR_HOST=host.docker.internal (Docker on Linux: start the container with --add-host=host.docker.internal:host-gateway), or run with --network host.',
        'In TWS: File > Global Configuration > API > Settings (IB Gateway: Configure > Settings > API > Settings): uncheck "Allow connections from localhost only" and add the container\'s address to Trusted IPs.',
      ].join('\n');
    case 'codespaces':
      return 'A Codespace cannot reach TWS on your desktop: run IB Gateway inside the Codespace, or open the project locally (or over Remote-SSH with a RemoteForward of the API port).';
    default:
      return `Make sure TWS or IB Gateway runs where this code runs, or forward port ${port} to it.`;
  }
}
