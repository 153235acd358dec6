// The real setup checks against the simulator in each personality (TWS / IB Gateway,
// releases 10.19..10.50) and each setup fault: FIX mode, the accept dialog, an
// IPv6-only listener, a login pending, the daily auto-restart, a connection that
// drops or goes silent during the checks, a connectivity outage. Through the CLI
// (`npm run doctor -- --json`) where the fault does not depend on when the checks
// run, and in process (runChecks) where it does, so the fault lands during the
// checks every time. Wall times are not asserted.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runChecks, type Check, type Report } from '../../../src/extension/doctor';
import { ENV_KEYS } from '../../../src/extension/config/connectionConfig';
import type { EnvironmentInputs } from '../../../src/extension/doctor/environmentCheck';
import { PRODUCTS, releaseMaxVersion, SIM_RELEASES } from '../../../src/extension/tws/releases';
import { nyTimeToMs } from '../../../src/extension/sim/market/marketTime';
import { MAX_SIM_SERVER_VERSION } from '../../../src/extension/tws/serverVersions';
import { startSim, type SimFixture } from '../../helpers/simHarness';

const ROOT = resolve(__dirname, '../../..');
const EMPTY_ENV = join(mkdtempSync(join(tmpdir(), 'ibkr-doctor-')), 'empty.env');
writeFileSync(EMPTY_ENV, '');
const LOCAL: EnvironmentInputs = {
  platform: 'linux',
  env: {},
  procVersion: 'Linux version 6.8.0-45-generic (buildd@lcy02) #45-Ubuntu SMP\n',
  localhostAddresses: ['127.0.0.1'],
};
/** A weekday 10:07 New York: not near a quarter hour, so nothing looks like the daily restart. */
const MID_MORNING = nyTimeToMs(2026, 12, 4, 10, 7);

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const keys of Object.values(ENV_KEYS)) for (const k of keys) delete env[k];
  return env;
}

/** `npm run doctor -- --json ...` as a process (the simulator in this process keeps answering). */
function doctorCli(args: string[], t: TestContext): Promise<{ code: number | null; report: Report; out: string }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'doctor', '--json', '--env-file', EMPTY_ENV, ...args], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      t.diagnostic(`wall time ${Math.round(performance.now() - t0)} ms`);
      try {
        done({ code, report: JSON.parse(out) as Report, out });
      } catch {
        fail(new Error(`not JSON (exit ${code}): ${out.slice(0, 300)} ${err.slice(0, 300)}`));
      }
    });
  });
}

function inProcess(port: number, over: Parameters<typeof runChecks>[0] = {}): Promise<Report> {
  return runChecks({ flags: { port: String(port) }, envFile: null, environment: LOCAL, ...over });
}

function check(r: Report, id: Check['id']): Check {
  const c = r.checks.find((x) => x.id === id);
  assert.ok(c, `check ${id}`);
  return c;
}

function notPassing(r: Report): string {
  return JSON.stringify(r.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.cause, c.finding]));
}

async function withSim<T>(over: Parameters<typeof startSim>[0], fn: (fx: SimFixture) => Promise<T>): Promise<T> {
  const fx = await startSim({ startMs: Date.now(), ...over });
  try {
    return await fn(fx);
  } finally {
    await fx.stop();
  }
}

for (const product of PRODUCTS) {
  for (const release of SIM_RELEASES) {
    test(`personality ${product} ${release}: the handshake names the server version, release family and product; @stoqey/ib's session works`, () =>
      withSim({ product, release }, async (fx) => {
        const r = await inProcess(fx.sim.port, { product });
        assert.equal(r.verdict, 'pass', notPassing(r));
        const hs = check(r, 'handshake');
        const max = releaseMaxVersion(release);
        assert.match(hs.finding, new RegExp(`^Server version ${max}: release ${release.replace('.', '\\.')}`));
        assert.match(hs.finding, new RegExp(product === 'tws' ? 'TWS \\(by --product\\)' : 'IB Gateway \\(by --product\\)'));
        assert.match(hs.finding, max >= 201 ? /protocol buffers available/ : /text protocol only/);
        // The text client negotiates what the simulator speaks (its maximum, or the release's when lower).
        assert.match(check(r, 'session').finding, new RegExp(`server version ${Math.min(max, MAX_SIM_SERVER_VERSION)}\\)`));
      }));
  }
}

test('CLI: IB Gateway 10.41 on a non-standard port with --product gateway; the default sim is TWS 10.19-like (176)', (t) =>
  withSim({ product: 'gateway', release: '10.41' }, async (fx) => {
    const r = await doctorCli(['--port', String(fx.sim.port), '--product', 'gateway'], t);
    assert.equal(r.code, 0, r.out);
    assert.match(check(r.report, 'handshake').finding, /Server version 217: release 10\.41 family .*IB Gateway \(by --product\)/);
    const server = r.report.server!;
    assert.deepEqual(
      { productKey: server.productKey, productSource: server.productSource, version: server.version, release: server.release, simulator: server.simulator },
      {
        productKey: 'gateway',
        productSource: '--product',
        version: 217,
        release: 'release 10.41 family (its API maximum is 217; protocol buffers available)',
        simulator: true,
      },
    );
    const plain = await doctorCli(['--port', String(fx.sim.port)], t);
    assert.match(check(plain.report, 'handshake').finding, /TWS or IB Gateway \(port \d+ is not a standard one/);
  }));

test('fix-mode (IB Gateway logged in as FIX CTCI): fail at the handshake naming FIX and the IB API login choice', (t) =>
  withSim({ product: 'gateway', release: '10.50', faultSpecs: ['fix-mode'] }, async (fx) => {
    const r = await doctorCli(['--port', String(fx.sim.port), '--product', 'gateway'], t);
    assert.equal(r.code, 1);
    const hs = check(r.report, 'handshake');
    assert.equal(hs.status, 'fail');
    assert.equal(hs.cause, 'handshake.fix-mode');
    assert.match(hs.finding, /answers FIX .*FIX CTCI instead of IB API/);
    assert.match(hs.fix, /choose "IB API" \(not "FIX CTCI"\)/);
    assert.match(hs.evidence[0]!.detail, /8=FIX\.4\.2\|/);
    assert.equal(check(r.report, 'session').status, 'skip');
  }));

test('accept-dialog: the handshake answered late is a warning that reports the delay; the session then works', (t) =>
  withSim({ faultSpecs: ['accept-dialog:0.6'] }, async (fx) => {
    const r = await doctorCli(['--port', String(fx.sim.port), '--product', 'tws'], t);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.report.verdict, 'warn', notPassing(r.report));
    const hs = check(r.report, 'handshake');
    assert.equal(hs.cause, 'handshake.accept-dialog');
    const delay = Number(/answered only after (\d+\.\d\d) s/.exec(hs.finding)?.[1]);
    assert.ok(delay >= 0.55, `the reported delay ${delay} s is the dialog's`);
    assert.match(hs.fix, /TWS: File > Global Configuration > API > Settings.*: add 127\.0\.0\.1 to Trusted IPs/);
    assert.equal(check(r.report, 'session').status, 'pass');
  }));

test('accept-dialog longer than the bound: no answer, with the dialog, Trusted IPs and (for IB Gateway 10.41+) no API checkbox to tick', (t) =>
  withSim({ product: 'gateway', release: '10.41', faultSpecs: ['accept-dialog:30'] }, async (fx) => {
    const r = await doctorCli(['--port', String(fx.sim.port), '--product', 'gateway'], t);
    assert.equal(r.code, 1);
    const hs = check(r.report, 'handshake');
    assert.equal(hs.cause, 'handshake.no-answer');
    assert.match(hs.finding, /IB Gateway from 10\.41 has the API always on/);
    assert.match(hs.fix, /Accept incoming connection/);
    assert.match(hs.fix, /IB Gateway: Configure > Settings > API > Settings: add 127\.0\.0\.1 to Trusted IPs/);
    assert.match(hs.fix, /"FIX CTCI" instead of "IB API"/);
    assert.doesNotMatch(hs.fix, /TWS: File > Global Configuration/);
  }));

test('ipv6-only: 127.0.0.1 refuses and ::1 answers -> fail naming ::1; with --host ::1 the checks pass', (t) =>
  withSim({ faultSpecs: ['ipv6-only'] }, async (fx) => {
    const r = await doctorCli(['--host', '127.0.0.1', '--port', String(fx.sim.port)], t);
    assert.equal(r.code, 1);
    const tcp = check(r.report, 'tcp');
    assert.equal(tcp.cause, 'tcp.ipv6-only');
    assert.match(tcp.finding, /listens on IPv6 loopback only, use ::1/);
    assert.match(tcp.fix, /IBKR_HOST=::1/);
    assert.match(tcp.fix, /add ::1 to Trusted IPs/);
    const v6 = await doctorCli(['--host', '::1', '--port', String(fx.sim.port)], t);
    assert.equal(v6.report.verdict, 'pass', notPassing(v6.report));
  }));

test('login-pending: refused at first, the port opens during the checks -> login pending named, and the checks go on', () =>
  withSim({ faultSpecs: ['login-pending:0.7'], startMs: MID_MORNING, product: 'gateway', release: '10.41' }, async (fx) => {
    const r = await inProcess(fx.sim.port, { product: 'gateway' });
    const tcp = check(r, 'tcp');
    assert.equal(tcp.status, 'warn', tcp.finding);
    assert.equal(tcp.cause, 'tcp.login-pending');
    assert.match(tcp.finding, /refused connections and opened \d+\.\d s into the checks: IB Gateway was still logging in/);
    assert.match(tcp.fix, /two-factor/);
    assert.equal(check(r, 'handshake').status, 'pass');
    assert.equal(check(r, 'session').status, 'pass');
  }));

test("auto-restart during the checks: the drop at 23:45 on TWS's clock is named the daily auto-restart, with its menu path", async () => {
  const restartAt = nyTimeToMs(2026, 12, 4, 23, 45);
  await withSim({ faultSpecs: ['auto-restart:23:45,0.6'], startMs: restartAt - 1500, product: 'tws' }, async (fx) => {
    const r = await inProcess(fx.sim.port, {
      product: 'tws',
      onCheck: (c) => {
        // Hold the session here until the simulated clock reaches the restart: the probes then meet it.
        if (c.id === 'session' && c.status === 'pass') while (fx.sim.clock.now() < restartAt + 20);
      },
    });
    const s = check(r, 'session');
    assert.equal(s.cause, 'session.auto-restart', s.finding);
    assert.match(s.finding, /at 23:45:\d\d on TWS's clock, just after 23:45: the daily auto-restart/);
    assert.match(s.fix, /TWS: File > Global Configuration > Lock and Exit > "Auto restart"/);
  });
});

test('a port reopening just after a quarter hour (the restart ending, or a login then) is a pending login with the restart named as the alternative', async () => {
  const restartAt = nyTimeToMs(2026, 12, 4, 23, 45);
  await withSim({ faultSpecs: ['auto-restart:23:45,0.6'], startMs: restartAt - 50, product: 'tws' }, async (fx) => {
    await new Promise((r) => setTimeout(r, 250)); // the restart (one tick after 23:45) has closed the port
    const r = await inProcess(fx.sim.port, { product: 'tws' });
    const tcp = check(r, 'tcp');
    assert.equal(tcp.cause, 'tcp.login-pending', tcp.finding);
    assert.match(tcp.finding, /opened at 23:45:\d\d on TWS's clock, just after 23:45: if that is its auto-restart time, this was the daily restart ending/);
    assert.match(tcp.fix, /two-factor/);
    assert.match(tcp.fix, /Lock and Exit > "Auto restart"/);
    assert.equal(check(r, 'session').status, 'pass');
  });
});

test("a connection dropped during the checks is named (not a pass), with TWS's clock time; at a quarter hour it is the restart", async () => {
  for (const [startMs, cause] of [
    [MID_MORNING, 'session.dropped'],
    [nyTimeToMs(2026, 12, 4, 9, 30), 'session.auto-restart'],
  ] as const) {
    await withSim({ startMs }, async (fx) => {
      const r = await inProcess(fx.sim.port, {
        onCheck: (c) => {
          if (c.id === 'session' && c.status === 'pass') fx.sim.dropAll(0);
        },
      });
      const s = check(r, 'session');
      assert.equal(s.status, 'fail', s.finding);
      assert.equal(s.cause, cause);
      assert.match(s.finding, /dropped during the checks at \d\d:\d\d:\d\d on TWS\/IB Gateway's clock/);
      assert.equal(r.verdict, 'fail');
    });
  }
});

test('half-open (TWS hung): a new connection gets no handshake answer; a session that goes silent is named unresponsive', async (t) => {
  await withSim({ faultSpecs: ['half-open:0.01'] }, async (fx) => {
    await new Promise((r) => setTimeout(r, 50));
    const r = await doctorCli(['--port', String(fx.sim.port)], t);
    assert.equal(check(r.report, 'handshake').cause, 'handshake.no-answer');
  });
  await withSim({}, async (fx) => {
    const r = await inProcess(fx.sim.port, {
      onCheck: (c) => {
        // Stop answering once the session is up: the probes meet silence.
        if (c.id === 'session' && c.status === 'pass') (fx.sim as unknown as { hung: boolean }).hung = true;
      },
    });
    const s = check(r, 'session');
    assert.equal(s.cause, 'session.unresponsive', s.finding);
    assert.match(s.fix, /hung or a modal dialog blocks it/);
  });
});

test('connectivity-loss during an outage: the new session hears the farms broken and warns', (t) =>
  withSim({ faultSpecs: ['connectivity-loss:0.01,1102,60'] }, async (fx) => {
    await new Promise((r) => setTimeout(r, 50));
    const r = await doctorCli(['--port', String(fx.sim.port)], t);
    assert.equal(r.code, 0);
    const s = check(r.report, 'session');
    assert.equal(s.status, 'warn');
    assert.equal(s.cause, 'session.farm-broken');
    assert.match(s.finding, /2103 Market data farm connection is broken/);
  }));

test('drop-after with the port down: refused, with login and auto-restart named among the causes', (t) =>
  withSim({ faultSpecs: ['drop-after:0.01,60'] }, async (fx) => {
    await new Promise((r) => setTimeout(r, 50));
    const r = await doctorCli(['--port', String(fx.sim.port), '--product', 'tws'], t);
    assert.equal(r.code, 1);
    const tcp = check(r.report, 'tcp');
    assert.equal(tcp.cause, 'tcp.refused');
    assert.match(tcp.fix, /Start TWS and log in: the API port opens only after login .*daily auto-restart/);
  }));

test('market data is checked for every configured symbol', () =>
  withSim({ faultSpecs: ['no-market-data'] }, async (fx) => {
    const r = await inProcess(fx.sim.port, { symbols: ['AAPL', 'MSFT'] });
    const md = check(r, 'market-data');
    assert.equal(md.status, 'warn');
    assert.match(md.finding, /2 of 2 symbols: .*AAPL.*MSFT/);
    assert.equal(md.evidence.filter((e) => /^reqMarketDataType\(3\) \+ reqMktData (AAPL|MSFT) STK SMART$/.test(e.step)).length, 2);
  }));

test('client id 0 warns that it also sees (and can bind) manual TWS orders, naming the Master API client ID setting', () =>
  withSim({}, async (fx) => {
    const r = await inProcess(fx.sim.port, { flags: { port: String(fx.sim.port), clientId: '0' }, product: 'tws' });
    const s = check(r, 'session');
    assert.equal(s.status, 'warn', s.finding);
    assert.equal(s.cause, 'session.client-id-zero');
    assert.match(s.fix, /client id of 1 or more/);
    assert.match(s.fix, /"Master API client ID" \(TWS: File > Global Configuration > API > Settings/);
  }));

test("existing faults on the IB Gateway personality: named as before, with IB Gateway's menu paths only", async () => {
  await withSim({ product: 'gateway', release: '10.50', faultSpecs: ['read-only'] }, async (fx) => {
    const r = await inProcess(fx.sim.port, { product: 'gateway' });
    const o = check(r, 'order-permissions');
    assert.equal(o.cause, 'orders.read-only');
    assert.match(o.fix, /^IB Gateway: Configure > Settings > API > Settings: uncheck "Read-Only API"/);
    assert.doesNotMatch(o.fix, /File > Global Configuration/);
  });
  await withSim({ product: 'gateway', release: '10.30', faultSpecs: ['api-disabled'] }, async (fx) => {
    const r = await inProcess(fx.sim.port, { product: 'gateway' });
    const hs = check(r, 'handshake');
    assert.equal(hs.cause, 'handshake.no-answer');
    assert.match(hs.fix, /IB Gateway before 10\.41 only: IB Gateway: Configure > Settings > API > Settings: check "Enable ActiveX and Socket Clients"/);
    assert.doesNotMatch(hs.fix, /TWS: File > Global Configuration/);
  });
  await withSim({ product: 'tws', release: '10.50', faultSpecs: ['api-disabled'] }, async (fx) => {
    const r = await inProcess(fx.sim.port, { product: 'tws' });
    const hs = check(r, 'handshake');
    assert.equal(hs.cause, 'handshake.no-answer');
    assert.match(hs.fix, /^Enable the API: TWS: File > Global Configuration > API > Settings.*check "Enable ActiveX and Socket Clients"/);
    assert.doesNotMatch(hs.fix, /IB Gateway: Configure|FIX CTCI/);
  });
  await withSim({ product: 'gateway', release: '10.41', faultSpecs: ['client-id-in-use:1', 'competing-session'] }, async (fx) => {
    const r = await inProcess(fx.sim.port, { product: 'gateway' });
    assert.equal(check(r, 'session').cause, 'session.client-id-in-use');
    const free = await inProcess(fx.sim.port, { product: 'gateway', flags: { port: String(fx.sim.port), clientId: '7' } });
    assert.equal(check(free, 'market-data').cause, 'market-data.competing-session');
  });
});

test('the port closing between the handshake and the session (a restart) is a drop, not a wrong address', () =>
  withSim({ startMs: MID_MORNING }, async (fx) => {
    const r = await inProcess(fx.sim.port, {
      onCheck: (c) => {
        if (c.id === 'handshake' && c.status === 'pass') fx.sim.dropAll(5);
      },
    });
    const s = check(r, 'session');
    assert.equal(s.cause, 'session.dropped', s.finding);
    assert.match(s.finding, /The API port closed between the handshake and the session at 10:07:\d\d/);
    assert.ok(
      s.evidence.some((e) => e.step === 'message 502'),
      'the 502 stays in the evidence',
    );
  }));
