// `npm run sim` as a process: one "listening" line with the port, serves clients,
// stops cleanly on SIGINT/SIGTERM, and rejects bad options by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TestClient } from '../../helpers/simHarness';

const CLI = ['--import', 'tsx', 'src/extension/cli/main.ts', 'sim'];

function startCli(args: string[]) {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const listening = new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      if (l.includes('listening')) resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code} before listening`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, listening, exited };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`prints a listening line, serves two clients, stops on ${signal}`, { timeout: 20_000 }, async () => {
    const { child, listening, exited } = startCli(['--port', '0', '--quiet', '--account', 'DU7654321']);
    const line = await listening;
    const port = Number(/:(\d+)/.exec(line)?.[1]);
    assert.ok(port > 0, `port in "${line}"`);
    const a = await new TestClient(port, 1).connect();
    const b = await new TestClient(port, 2).connect();
    assert.equal(a.accounts, 'DU7654321');
    assert.equal(b.accounts, 'DU7654321');
    a.disconnect();
    b.disconnect();
    child.kill(signal);
    assert.equal(await exited, 0);
  });
}

test('bad options are rejected naming the option and what is valid', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port "abc" is not a whole number \(valid: 0\.\.65535\)/],
    [['--server-version', '90'], /--server-version 90 is out of range \(valid: 100\.\.\d+\)/],
    [['--fault', 'explode'], /unknown fault "explode"; valid faults: api-disabled/],
    [['--fault', 'drop-after'], /--fault drop-after: S \(seconds\) must be a number/],
    [['--nope'], /Unknown option '--nope'/],
  ];
  for (const [args, pattern] of cases) {
    const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.status, 2, `${args.join(' ')} exits 2`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stdout, /listening/);
  }
});
