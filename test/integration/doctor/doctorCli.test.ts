// `npm run doctor -- --json` as a real process against the simulator (in this test
// process, on a free port) in each fault mode, a closed port and a healthy session.
// Asserts the verdict, the failing check, that the finding and fix name the cause,
// and the exit code. Wall times are reported as test diagnostics, not asserted.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Check, Report } from '../../../src/extension/doctor/types';
import { ENV_KEYS } from '../../../src/extension/config/connectionConfig';
import { startSim, type SimFixture } from '../../helpers/simHarness';

const ROOT = resolve(__dirname, '../../..');
const TMP = mkdtempSync(join(tmpdir(), 'ibkr-doctor-'));
const EMPTY_ENV = join(TMP, 'empty.env');
writeFileSync(EMPTY_ENV, '');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  report?: Report;
}

/** The process environment without any IBKR/TWS/IB setting of the developer's. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const keys of Object.values(ENV_KEYS)) for (const k of keys) delete env[k];
  return env;
}

/** Runs the CLI asynchronously (the simulator in this process must keep answering). */
function doctor(args: string[], t?: TestContext): Promise<Run> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'doctor', ...args], { cwd: ROOT, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const wallMs = Math.round(performance.now() - t0);
      let report: Report | undefined;
      try {
        report = JSON.parse(stdout) as Report;
      } catch {
        // text output or a usage error
      }
      t?.diagnostic(`wall time ${wallMs} ms (checks ${report ? Math.round(report.durationMs) : '?'} ms)`);
      done({ code, stdout, stderr, wallMs, report });
    });
  });
}

function json(port: number, extra: string[] = []): string[] {
  return ['--port', String(port), '--json', '--env-file', EMPTY_ENV, ...extra];
}

function check(r: Run, id: Check['id']): Check {
  const c = r.report?.checks.find((x) => x.id === id);
  assert.ok(c, `check ${id} in ${r.stdout.slice(0, 400)} ${r.stderr}`);
  return c;
}

function firstFailing(r: Run): Check | undefined {
  return r.report?.checks.find((c) => c.status === 'fail');
}

/** A simulator whose clock is this machine's (the default sim clock starts at 10:00 New York, which the clock check flags). */
function sim(faultSpecs: string[] = [], over: Parameters<typeof startSim>[0] = {}): Promise<SimFixture> {
  return startSim({ faultSpecs, startMs: Date.now(), ...over });
}

test('healthy simulator: verdict pass, exit 0, every check passes, nothing is placed', async (t) => {
  const fx = await sim();
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(
      r.report!.verdict,
      'pass',
      JSON.stringify(
        r.report!.checks.filter((c) => c.status !== 'pass'),
        null,
        1,
      ),
    );
    assert.deepEqual(
      r.report!.checks.map((c) => c.id),
      ['config', 'environment', 'tcp', 'handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'],
    );
    for (const c of r.report!.checks) assert.equal(c.status, 'pass', `${c.id}: ${c.finding}`);
    assert.match(check(r, 'handshake').finding, /Server version 176/);
    assert.match(check(r, 'account').finding, /Paper account DU1234567/);
    assert.equal(r.report!.server?.simulator, true, 'the simulator named itself');
    assert.equal(r.report!.server?.product, 'IBKR AI Trader embedded simulator');
    assert.equal(r.report!.server?.version, 176);
    const placed = fx.records().filter((l) => l.name === 'placeOrder');
    assert.equal(placed.length, 1, 'one what-if');
    assert.equal(placed[0]!.order?.whatIf, true);
    assert.equal(fx.sim.engine.orders.size, 0, 'the what-if left no order');
  } finally {
    await fx.stop();
  }
});

test('api-disabled: fail at the handshake, naming Enable ActiveX and Socket Clients, Trusted IPs and the dialog', async (t) => {
  const fx = await sim(['api-disabled']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 1);
    assert.equal(r.report!.verdict, 'fail');
    const c = firstFailing(r)!;
    assert.equal(c.id, 'handshake');
    assert.equal(c.cause, 'handshake.no-answer');
    assert.match(c.finding, /TCP connects but the API handshake got no server version/);
    assert.match(c.fix, /File > Global Configuration > API > Settings.*"Enable ActiveX and Socket Clients"/);
    assert.match(c.fix, /add 127\.0\.0\.1 to Trusted IPs/);
    assert.match(c.fix, /Accept incoming connection/);
    assert.equal(check(r, 'tcp').status, 'pass');
    for (const id of ['session', 'account', 'order-permissions', 'market-data', 'clock'] as const) {
      assert.equal(check(r, id).status, 'skip');
      assert.match(check(r, id).finding, /handshake failed/);
    }
  } finally {
    await fx.stop();
  }
});

test('client-id-in-use for id 1: fail at the session with 326 and the free ids', async (t) => {
  const fx = await sim(['client-id-in-use:1']);
  try {
    const r = await doctor(json(fx.sim.port, ['--client-id', '1']), t);
    assert.equal(r.code, 1);
    const c = firstFailing(r)!;
    assert.equal(c.id, 'session');
    assert.equal(c.cause, 'session.client-id-in-use');
    assert.match(c.finding, /Error 326: client id 1 is already in use/);
    assert.match(c.finding, /Free client ids: 2, 3, 4, 11/);
    assert.match(c.fix, /IBKR_CLIENT_ID=2/);
    assert.equal(check(r, 'account').status, 'skip');
  } finally {
    await fx.stop();
  }
});

test('client-id-in-use for every id: fail, and the ids tried are named as refused', async (t) => {
  const fx = await sim(['client-id-in-use']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 1);
    const c = firstFailing(r)!;
    assert.equal(c.cause, 'session.client-id-in-use');
    assert.match(c.finding, /Ids 2, 3, 4, 11 are refused too/);
  } finally {
    await fx.stop();
  }
});

test('read-only: fail at order permissions (321) with the Read-Only API setting; nothing placed', async (t) => {
  const fx = await sim(['read-only']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 1);
    const c = firstFailing(r)!;
    assert.equal(c.id, 'order-permissions');
    assert.equal(c.cause, 'orders.read-only');
    assert.match(c.finding, /321.*Read-Only/);
    assert.match(c.fix, /uncheck "Read-Only API"/);
    assert.match(c.fix, /IB Gateway: Configure > Settings > API > Settings/);
    assert.equal(check(r, 'market-data').status, 'pass');
    const placed = fx.records().filter((l) => l.name === 'placeOrder');
    assert.ok(placed.length >= 1 && placed.every((l) => l.order?.whatIf === true), 'only what-if orders reached TWS');
    assert.equal(fx.sim.engine.orders.size, 0);
  } finally {
    await fx.stop();
  }
});

test('no-market-data: warn (exit 0) that delayed data will be used, with the subscription fix', async (t) => {
  const fx = await sim(['no-market-data']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 0);
    assert.equal(r.report!.verdict, 'warn');
    assert.equal(firstFailing(r), undefined);
    const c = check(r, 'market-data');
    assert.equal(c.status, 'warn');
    assert.equal(c.cause, 'market-data.not-subscribed');
    assert.match(c.finding, /10167/);
    assert.match(c.finding, /delayed data .* will be used/);
    assert.match(c.fix, /Market Data Subscriptions/);
    assert.deepEqual(
      r.report!.checks.filter((x) => x.status !== 'pass').map((x) => x.id),
      ['market-data'],
    );
  } finally {
    await fx.stop();
  }
});

test('competing-session: warn (exit 0) naming 10197 and the other session', async (t) => {
  const fx = await sim(['competing-session']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 0);
    assert.equal(r.report!.verdict, 'warn');
    const c = check(r, 'market-data');
    assert.equal(c.status, 'warn');
    assert.equal(c.cause, 'market-data.competing-session');
    assert.match(c.finding, /10197/);
    assert.match(c.fix, /Log out of the other session/);
  } finally {
    await fx.stop();
  }
});

test('old-server: fail at the handshake with the version and upgrade advice', async (t) => {
  const fx = await sim(['old-server']);
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 1);
    const c = firstFailing(r)!;
    assert.equal(c.id, 'handshake');
    assert.equal(c.cause, 'handshake.server-too-old');
    assert.match(c.finding, /server version 99, below the 100\.\.193/);
    assert.match(c.fix, /Upgrade TWS or IB Gateway/);
  } finally {
    await fx.stop();
  }
});

test('closed port: fail at TCP (refused), and the standard ports were probed', async (t) => {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const r = await doctor(json(port), t);
  assert.equal(r.code, 1);
  const c = firstFailing(r)!;
  assert.equal(c.id, 'tcp');
  assert.equal(c.cause, 'tcp.refused');
  assert.match(c.finding, /Connection refused at 127\.0\.0\.1:\d+: nothing listens there/);
  assert.match(c.fix, /Socket port/);
  const probed = c.evidence.map((e) => e.step);
  for (const p of [7497, 7496, 4002, 4001]) assert.ok(probed.includes(`probe 127.0.0.1:${p}`), `probed ${p}`);
  assert.ok(probed.includes(`probe [::1]:${port}`), 'tried IPv6 loopback too');
  assert.equal(check(r, 'handshake').status, 'skip');
});

test('a live account without live trading enabled fails at the account, and no order message is sent', async (t) => {
  const fx = await sim([], { live: true });
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 1);
    const c = firstFailing(r)!;
    assert.equal(c.id, 'account');
    assert.equal(c.cause, 'account.live-not-allowed');
    assert.match(c.finding, /Live account U1234567/);
    assert.equal(check(r, 'order-permissions').status, 'skip');
    assert.equal(fx.records().filter((l) => l.name === 'placeOrder').length, 0);

    const allowed = await doctor(json(fx.sim.port, ['--allow-live']), t);
    assert.equal(allowed.code, 0, allowed.stdout);
    assert.match(check(allowed, 'account').finding, /LIVE account U1234567/);
    assert.equal(check(allowed, 'order-permissions').status, 'pass');
    assert.equal(fx.sim.engine.orders.size, 0);
  } finally {
    await fx.stop();
  }
});

test('a real TWS (the simulator without its mark) with a clock hours off warns at the clock check', async (t) => {
  const fx = await sim([], { startMs: Date.now() - 3 * 3600_000, identify: false });
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 0);
    const c = check(r, 'clock');
    assert.equal(c.status, 'warn');
    assert.equal(c.cause, 'clock.skew');
    assert.match(c.finding, /3\.0 h behind this machine/);
    assert.match(c.fix, /timedatectl set-ntp true/);
    assert.equal(r.report!.server?.simulator, undefined, 'not taken for the simulator');
    assert.equal(r.report!.server?.product, undefined, 'a non-standard port names no product (the API does not say)');
    assert.equal(r.report!.server?.version, 176);
  } finally {
    await fx.stop();
  }
});

test('the embedded simulator on its own simulated clock (22 h off by default): verdict pass, no clock warning, a note that the clock is simulated', async (t) => {
  // startSim's default clock: 10:00 New York of the latest weekday, hours away from now.
  const fx = await startSim({ startMs: Date.now() - 22 * 3600_000 });
  try {
    const r = await doctor(json(fx.sim.port), t);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(
      r.report!.verdict,
      'pass',
      JSON.stringify(
        r.report!.checks.filter((c) => c.status !== 'pass'),
        null,
        1,
      ),
    );
    const c = check(r, 'clock');
    assert.equal(c.status, 'pass');
    assert.equal(c.cause, 'clock.simulated');
    assert.match(c.finding, /embedded simulator's market clock is simulated \(22\.0 h behind this machine\)/);
    assert.equal(r.report!.server?.simulator, true);

    const text = await doctor(['--port', String(fx.sim.port), '--env-file', EMPTY_ENV], t);
    assert.equal(text.code, 0);
    assert.match(
      text.stdout.split('\n')[0]!,
      /^IBKR setup checks: 127\.0\.0\.1:\d+, client id 1 \(IBKR AI Trader embedded simulator, server version 176, connection time .*\): PASS in /,
    );
    assert.doesNotMatch(text.stdout, /\[WARN\]/);
  } finally {
    await fx.stop();
  }
});

test('--markdown: the pasteable report of a run against the simulator, account ids masked everywhere', async (t) => {
  const fx = await sim();
  try {
    const r = await doctor(['--port', String(fx.sim.port), '--env-file', EMPTY_ENV, '--markdown', '--client-id', '7'], t);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    assert.match(md, /^## IBKR setup checks: PASS\n/);
    assert.match(md, /\n\| Tool \| IBKR AI Trader \d+\.\d+\.\d+ \(CLI\) \|\n/);
    assert.match(md, /\n\| OS \/ Node \| \S+ .* \/ node v\d+/);
    assert.match(md, /\n\| Target \| 127\.0\.0\.1:\d+, client id 7 \|\n/);
    assert.match(md, /\n\| TWS \/ IB Gateway \| IBKR AI Trader embedded simulator, server version 176, connection time /);
    for (const id of ['config', 'environment', 'tcp', 'handshake', 'session', 'account', 'order-permissions', 'market-data', 'clock'])
      assert.match(md, new RegExp(`\n### PASS: .* \\(${id}\\)\n`), id);
    assert.match(md, /Paper account DU\\\*\\\*\\\*\\\*567/, 'the account check names the masked id');
    assert.match(md, /managed accounts DU\*\*\*\*567/, 'and its evidence too');
    assert.doesNotMatch(md, /DU1234567/);
  } finally {
    await fx.stop();
  }
});

test('invalid values in .env fail the configuration check clearly (exit 1); a bad flag is bad usage (exit 2)', async (t) => {
  const abcFile = join(TMP, 'abc.env');
  writeFileSync(abcFile, 'IBKR_PORT=abc\n');
  const abc = await doctor(['--json', '--env-file', abcFile], t);
  assert.equal(abc.code, 1);
  const c = firstFailing(abc)!;
  assert.equal(c.id, 'config');
  assert.match(c.finding, /port "abc" from \.env IBKR_PORT .* is not a port number/);
  assert.equal(check(abc, 'tcp').status, 'skip');

  const flag = await doctor(['--port', 'abc', '--json', '--env-file', EMPTY_ENV], t);
  assert.equal(flag.code, 2);
  assert.equal(flag.stdout, '', 'no report: nothing was checked');
  assert.match(flag.stderr, /--port "abc" is not a port number: use a whole number 1\.\.65535/);

  const envFile = join(TMP, 'bad.env');
  writeFileSync(envFile, 'IBKR_CLIENT_ID=-1\n');
  const neg = await doctor(['--port', '1', '--json', '--env-file', envFile], t);
  assert.equal(neg.code, 1);
  assert.match(check(neg, 'config').finding, /client id "-1" from \.env IBKR_CLIENT_ID .* is out of range/);

  const live = await doctor(['--port', '7496', '--host', '127.0.0.1', '--json', '--env-file', EMPTY_ENV, '--timeout-ms', '300'], t);
  assert.equal(live.code, 1);
  assert.equal(check(live, 'config').cause, 'config.live-port-not-allowed');

  const mode = await doctor(['--mode', 'demo']);
  assert.equal(mode.code, 2);
  assert.match(mode.stderr, /--mode "demo" is not a trading mode/);
  const unknown = await doctor(['--frobnicate']);
  assert.equal(unknown.code, 2);
});

test('human output lists the first failing check first', async (t) => {
  const fx = await sim(['read-only']);
  try {
    const r = await doctor(['--port', String(fx.sim.port), '--env-file', EMPTY_ENV], t);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /FAIL/);
    assert.equal(lines[2], '[FAIL] Order permissions (what-if) (order-permissions)');
    assert.match(r.stdout, /Other checks:\n\[PASS\] Configuration \(config\)/);
  } finally {
    await fx.stop();
  }
});
