// `npm run session` as a real child process (for SIGKILL, lock and restart scenarios), and
// the journal it leaves in its folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, type JournalLine } from '../../src/extension/session/journal';

const ROOT = join(__dirname, '..', '..');

export interface SessionChild {
  proc: ChildProcess;
  /** stdout and stderr, interleaved as they arrived */
  out: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the session CLI; a child still running after `killAfterMs` is SIGKILLed so a hang fails the test instead of the suite. */
export function spawnSession(args: string[], opts: { cwd?: string; env?: Record<string, string>; killAfterMs?: number } = {}): SessionChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/extension/cli/main.ts'), 'session', ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const out: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.killAfterMs ?? 120_000);
  void exit.then(() => clearTimeout(timer));
  return { proc, out, exit };
}

/** The (first) session journal in a journal folder. */
export function journalFile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  return f.length ? join(dir, f[0]!) : undefined;
}

export function journalLines(dir: string): JournalLine[] {
  const f = journalFile(dir);
  return f ? Journal.read(f) : [];
}
