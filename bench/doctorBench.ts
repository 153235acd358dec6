// Wall time of `npm run doctor -- --json` per simulator fault mode (and a closed port):
// the CLI as a real process (node --import tsx, as `npm run doctor` runs it, minus
// npm's own start-up), and runChecks in process. Prints JSON.
//   npx tsx bench/doctorBench.ts [--runs N] [--via node|npm]
// `npm run bench` runs the same measurement through bench/doctor.ts (doctorMaxSeconds).
// --via npm spawns `npm run -s doctor -- ...` (npm's start-up included) instead of node.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runChecks } from '../src/extension/doctor';
import { ENV_KEYS } from '../src/extension/config/connectionConfig';
import type { Report } from '../src/extension/doctor/types';
import { parseFaults } from '../src/extension/sim/server/faults';
import { startSimulator } from '../src/extension/sim/server/twsSimulator';
import { defaultSimOptions, type SimOptions } from '../src/extension/sim/simOptions';

const ROOT = resolve(__dirname, '..');
const MODES = [
  'healthy',
  'api-disabled',
  'client-id-in-use',
  'read-only',
  'no-market-data',
  'competing-session',
  'old-server',
  'accept-dialog:0.4',
  'fix-mode',
  'closed-port',
] as const;
/** Modes that need another personality than the default (TWS 10.19-like). */
const PERSONALITY: Partial<Record<(typeof MODES)[number], Partial<SimOptions>>> = { 'fix-mode': { product: 'gateway', release: '10.41' } };

function cliRun(port: number, envFile: string, via: 'node' | 'npm'): Promise<{ wallMs: number; code: number | null; report?: Report }> {
  return new Promise((done) => {
    const env = { ...process.env };
    for (const keys of Object.values(ENV_KEYS)) for (const k of keys) delete env[k];
    const t0 = performance.now();
    const args = ['--port', String(port), '--json', '--env-file', envFile];
    const child =
      via === 'npm'
        ? spawn('npm', ['run', '-s', 'doctor', '--', ...args], { cwd: ROOT, env, shell: process.platform === 'win32' })
        : spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'doctor', ...args], { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const wallMs = Math.round(performance.now() - t0);
      let report: Report | undefined;
      try {
        report = JSON.parse(out) as Report;
      } catch {
        // leave undefined
      }
      done({ wallMs, code, report });
    });
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface DoctorModeResult {
  mode: (typeof MODES)[number];
  verdict: string;
  exitCode: number | null;
  failingCheck: string | null;
  firstWarning: string | null;
  cliWallMs: { median: number; max: number; runs: number[] };
  inProcessMs: { median: number; max: number; runs: number[] };
}

/** Every mode `runs` times: the CLI as a process, then runChecks in process. */
export async function measureDoctor(runs: number, via: 'node' | 'npm' = 'node'): Promise<DoctorModeResult[]> {
  const envFile = join(mkdtempSync(join(tmpdir(), 'doctor-bench-')), 'empty.env');
  writeFileSync(envFile, '');
  const results: DoctorModeResult[] = [];
  for (const mode of MODES) {
    const cli: number[] = [];
    const inProcess: number[] = [];
    let verdict = '';
    let failing = '';
    let warning = '';
    let exitCode: number | null = null;
    for (let r = 0; r < runs; r++) {
      const sim =
        mode === 'closed-port'
          ? undefined
          : await startSimulator(
              defaultSimOptions({ port: 0, startMs: Date.now(), ...PERSONALITY[mode], faults: parseFaults(mode === 'healthy' ? [] : [mode]) }),
            );
      const port = sim ? sim.port : await freePort();
      try {
        const c = await cliRun(port, envFile, via);
        cli.push(c.wallMs);
        exitCode = c.code;
        verdict = c.report?.verdict ?? 'no report';
        failing = c.report?.checks.find((x) => x.status === 'fail')?.id ?? '';
        warning = c.report?.checks.find((x) => x.status === 'warn')?.id ?? '';
        const rep = await runChecks({ flags: { port: String(port) }, envFile: null });
        inProcess.push(Math.round(rep.durationMs));
      } finally {
        await sim?.stop();
      }
    }
    results.push({
      mode,
      verdict,
      exitCode,
      failingCheck: failing || null,
      firstWarning: warning || null,
      cliWallMs: { median: median(cli), max: Math.max(...cli), runs: cli },
      inProcessMs: { median: median(inProcess), max: Math.max(...inProcess), runs: inProcess },
    });
  }
  return results;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Math.max(1, Number(process.argv[i + 1]) || 3) : 3;
  const via = process.argv.includes('npm') ? 'npm' : 'node';
  const results = await measureDoctor(runs, via);
  const os = await import('node:os');
  console.log(
    JSON.stringify(
      { node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), via, runsPerMode: runs, results },
      null,
      2,
    ),
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
