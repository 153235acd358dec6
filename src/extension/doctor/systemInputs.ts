// Reads the real inputs of the environment check (files, `wslinfo`, DNS), each
// bounded in time and allowed to be missing. Parsing lives in environmentCheck.ts.
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentInputs } from './environmentCheck';
import { parseProcVersion } from './environmentCheck';
import { since, type Evidence } from './types';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile(cmd, args, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => resolve(err ? undefined : String(stdout)));
    } catch {
      resolve(undefined);
    }
  });
}

/** `.wslconfig` lives in the Windows profile: /mnt/c/Users/<name>/.wslconfig. */
function findWslConfig(env: Readonly<Record<string, string | undefined>>): { path: string; text: string } | undefined {
  const dirs: string[] = [];
  const profile = env.USERPROFILE;
  if (profile && /^[A-Za-z]:\\/.test(profile)) dirs.push(`/mnt/${profile[0]!.toLowerCase()}/${profile.slice(3).replace(/\\/g, '/')}`);
  try {
    for (const name of readdirSync('/mnt/c/Users')) {
      if (!['Public', 'Default', 'Default User', 'All Users', 'desktop.ini'].includes(name)) dirs.push(join('/mnt/c/Users', name));
    }
  } catch {
    // no Windows drive mounted
  }
  for (const d of dirs) {
    const path = join(d, '.wslconfig');
    const text = readText(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

export interface CollectOptions {
  env?: Readonly<Record<string, string | undefined>>;
  remoteName?: string;
  /** Bound for `wslinfo` and the DNS look-up (default 400 ms). */
  timeoutMs?: number;
}

export async function collectEnvironmentInputs(opts: CollectOptions = {}): Promise<EnvironmentInputs> {
  const env = opts.env ?? process.env;
  const bound = opts.timeoutMs ?? 400;
  const evidence: Evidence[] = [];
  const t0 = performance.now();
  const inputs: EnvironmentInputs = { platform: process.platform, env, evidence, ...(opts.remoteName ? { remoteName: opts.remoteName } : {}) };

  const dns = (async () => {
    const t = performance.now();
    try {
      const all = await Promise.race([
        lookup('localhost', { all: true }),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no answer in ${bound} ms`)), bound).unref()),
      ]);
      inputs.localhostAddresses = all.map((a) => a.address);
      evidence.push({ step: 'resolve localhost', detail: inputs.localhostAddresses.join(', ') || '(no addresses)', ms: since(t) });
    } catch (err) {
      evidence.push({ step: 'resolve localhost', detail: `failed: ${err instanceof Error ? err.message : String(err)}`, ms: since(t) });
    }
  })();

  if (process.platform === 'linux') {
    inputs.procVersion = readText('/proc/version');
    inputs.procNetRoute = readText('/proc/net/route');
    inputs.resolvConf = readText('/etc/resolv.conf');
    inputs.dockerEnv = existsSync('/.dockerenv');
    evidence.push({
      step: 'read /proc/version, /proc/net/route, /etc/resolv.conf',
      detail: inputs.procVersion ? inputs.procVersion.trim().slice(0, 120) : '/proc/version unreadable',
      ms: since(t0),
    });
    const wsl = inputs.procVersion ? parseProcVersion(inputs.procVersion) : { wsl: Boolean(env.WSL_DISTRO_NAME) };
    if (wsl.wsl) {
      const t = performance.now();
      const [route, info] = await Promise.all([run('ip', ['route', 'show'], bound), run('wslinfo', ['--networking-mode'], bound)]);
      if (route !== undefined) inputs.ipRoute = route;
      if (info !== undefined) inputs.wslInfoNetworking = info.trim();
      const cfg = findWslConfig(env);
      if (cfg) inputs.wslConfig = cfg;
      evidence.push({
        step: 'ip route; wslinfo --networking-mode; .wslconfig',
        detail: `${route !== undefined ? 'ip route read' : 'ip route unavailable'}; wslinfo ${info?.trim() || 'unavailable'}; ${cfg ? cfg.path : 'no .wslconfig'}`,
        ms: since(t),
      });
    }
  } else if (process.platform === 'darwin') {
    evidence.push({ step: 'platform', detail: 'macOS: TWS may listen on IPv6 (::1) only', ms: 0 });
  }
  // The process list: is TWS / IB Gateway running here (a refused port then means a pending login)?
  const t = performance.now();
  const ps = process.platform === 'win32' ? await run('tasklist', ['/fo', 'csv', '/nh'], bound) : await run('ps', ['-A', '-o', 'args='], bound);
  if (ps !== undefined) inputs.processes = ps.split(/\r?\n/).filter(Boolean);
  evidence.push({
    step: process.platform === 'win32' ? 'tasklist' : 'ps -A -o args=',
    detail: ps === undefined ? 'unavailable' : `${inputs.processes!.length} processes read`,
    ms: since(t),
  });
  await dns;
  return inputs;
}
