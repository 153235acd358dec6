// Safety: a live account in paper mode refuses; a live port with live trading disabled
// refuses before connecting (nothing reaches the port); an untrusted workspace connects to
// nothing; the webview's CSP allows no remote or inline script; a TWS host that is not this
// machine is confirmed once per host. (Webview messages and orders: webviewFuzz.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ConfigError, parseSessionConfig } from '../../src/extension/session/sessionConfig';
import { readEnvFile, resolveTarget } from '../../src/extension/app/configModel';
import { buildCsp, makeNonce, panelHtml } from '../../src/extension/app/csp';
import { PanelStore } from '../../src/extension/app/panelStore';
import { CONFIRMED_HOSTS_KEY, remoteHostDecision, withConfirmedHost } from '../../src/extension/app/remoteHost';
import { Trader } from '../../src/extension/app/trader';
import { FAST } from '../helpers/brokerFixture';
import { ROOT, runSession, tempDir } from '../helpers/sessionFixture';
import { Figures } from './support/figures';
import { flatPrices } from './support/sessions';

const figures = new Figures(__filename);

test('a live account in paper mode: the session refuses, says why, and sends nothing', async () => {
  const r = await runSession({
    sim: { speed: 60, live: true, replayCsv: flatPrices() },
    model: 'toggle',
    config: { symbols: 'NVDA', cycles: '2', clientId: '601', mode: 'paper' },
  });
  assert.equal(r.result.status, 'refused');
  assert.equal(r.result.exitCode, 3);
  assert.match(r.result.reason, /U1234567 is a live account/);
  const sent = r.fx.records().filter((l) => l.dir === 'in' && (l.name === 'placeOrder' || l.name === 'reqRealTimeBars' || l.name === 'reqMktData'));
  assert.deepEqual(sent, [], 'no order, no subscription');
  figures.safe('live account in paper mode refuses');
});

/** A TCP listener on a fixed port that counts connections (undefined if the port is taken). */
async function listener(port: number): Promise<{ server: Server; accepted: () => number } | undefined> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.destroy();
  });
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  return ok ? { server, accepted: () => n } : undefined;
}

test('a live port with live trading disabled is refused before connecting: session CLI, session settings and Connect', async (t) => {
  for (const [port, paper] of [
    [7496, 7497],
    [4001, 4002],
  ] as const) {
    assert.throws(
      () => parseSessionConfig({ port: String(port), symbols: 'NVDA', modelDir: '/m' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        new RegExp(
          `--port \\(setting ibkrAi\\.port\\): ${port} is the (TWS|IB Gateway) live-trading port, but live trading is not enabled \\(valid: the paper port ${paper}`,
        ).test(e.message),
    );
    assert.throws(() => parseSessionConfig({ port: String(port), symbols: 'NVDA', modelDir: '/m', mode: 'shadow' }), ConfigError, 'whatever the mode');
    assert.equal(parseSessionConfig({ port: String(port), symbols: 'NVDA', modelDir: '/m', mode: 'live', allowLive: true }).port, port, 'allowed on purpose');
    const target = resolveTarget({ settings: { 'ibkrAi.port': port } });
    assert.ok(
      target.problems.some(
        (p) => p.startsWith(`port ${port} from setting ibkrAi.port is the `) && p.includes('live-trading port, but live trading is not enabled'),
      ),
      target.problems.join('; '),
    );
    assert.deepEqual(resolveTarget({ settings: { 'ibkrAi.port': port, 'ibkrAi.allowLive': true } }).problems, []);
  }
  // Nothing reaches the port: a listener on 7496 (and 4001) counts connections.
  const l7496 = await listener(7496);
  const l4001 = await listener(4001);
  if (!l7496 || !l4001) {
    await new Promise<void>((r) => (l7496 ?? l4001)?.server.close(() => r()) ?? r());
    t.skip('ports 7496/4001 are in use on this machine');
    return;
  }
  try {
    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/extension/cli/main.ts',
        'session',
        '--port',
        '7496',
        '--symbols',
        'NVDA',
        '--cycles',
        '1',
        '--journal',
        join(tempDir('reliability-live-'), 'j'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(cli.status, 2, cli.stderr);
    assert.match(cli.stderr, /--port \(setting ibkrAi\.port\): 7496 is the TWS live-trading port, but live trading is not enabled/);
    const trader = new Trader({ store: new PanelStore(), simulator: () => undefined, brokerConfig: FAST, log: () => {} });
    assert.equal(await trader.connect(resolveTarget({ settings: { 'ibkrAi.port': 4001 } })), false);
    assert.match(trader.store.health.kind === 'failed' ? trader.store.health.reason : '', /4001 from setting ibkrAi\.port is the IB Gateway live-trading port/);
    await trader.dispose();
    assert.equal(l7496.accepted(), 0, 'nothing connected to 7496');
    assert.equal(l4001.accepted(), 0, 'nothing connected to 4001');
  } finally {
    await new Promise<void>((r) => l7496.server.close(() => r()));
    await new Promise<void>((r) => l4001.server.close(() => r()));
  }
  figures.safe('live port without live trading refuses before connecting');
});

test('an untrusted workspace connects to nothing: .env unread, workspace settings ignored, every connecting command gated', () => {
  const dir = tempDir('reliability-trust-');
  assert.deepEqual(readEnvFile({ trusted: false, folder: dir, envFile: '.env' }), { note: 'not read (Restricted Mode)' });
  // The commands that open a socket or start something check trust first (the e2e test
  // test/e2e/trust.e2e.ts proves it in a real workbench: nothing reaches the configured port).
  const src = readFileSync(join(ROOT, 'src/extension/vscode/commands.ts'), 'utf8');
  for (const [fn, gate] of [
    ['connect', "requireTrust('connect to TWS')"],
    ['startSession', "requireTrust('start an AI session')"],
    ['startSimulator', "requireTrust('start the TWS simulator')"],
    ['backtest', "requireTrust('run a backtest')"],
    ['runChecks', 'vscode.workspace.isTrusted'],
  ] as const) {
    const body = src.slice(src.indexOf(`async function ${fn}(`));
    const first = body.slice(0, body.indexOf('\n}\n'));
    const gateAt = first.indexOf(gate);
    assert.ok(gateAt > 0, `${fn} checks trust`);
    for (const act of ['trader.', 'simulator.start', 'deps.trader', 'confirmRemoteHost']) {
      const at = first.indexOf(act);
      assert.ok(at < 0 || at > gateAt, `${fn}: trust is checked before ${act}`);
    }
  }
  const settings = readFileSync(join(ROOT, 'src/extension/vscode/settings.ts'), 'utf8');
  assert.match(
    settings,
    /\(trusted \? \(i\.workspaceFolderValue \?\? i\.workspaceValue\) : undefined\) \?\? i\.globalValue/,
    'workspace values of settings are ignored in Restricted Mode',
  );
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  for (const s of ['ibkrAi.host', 'ibkrAi.port', 'ibkrAi.allowLive', 'ibkrAi.envFile', 'ibkrAi.session.model', 'ibkrAi.session.journalDir'])
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(s), s);
  figures.safe('untrusted workspace connects to nothing');
});

test('the webview CSP allows no remote and no inline script', () => {
  const nonce = makeNonce();
  const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
  const csp = buildCsp(cspSource, nonce);
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k!, v]),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`], 'scripts by nonce only: no host, no scheme, no inline, no eval');
  assert.deepEqual(directives.get('connect-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-src'), ["'none'"]);
  for (const [k, v] of directives) {
    for (const src of v) {
      assert.doesNotMatch(src, /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe|^\*$|^https?:$/, `${k} ${src}`);
      if (k !== 'img-src') assert.notEqual(src, 'data:', `${k} ${src}`);
      if (src !== cspSource && k !== 'img-src') assert.ok(src.startsWith("'"), `${k} allows only keywords, the nonce and the extension's own files: ${src}`);
    }
  }
  const html = panelHtml({ cspSource, nonce, scriptUri: `${cspSource}/dist/webview.js`, styleUri: `${cspSource}/media/panel.css`, title: 'IBKR <Trading>' });
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0]![1], '', 'no inline script body');
  assert.match(
    scripts[0]![0],
    new RegExp(`nonce="${nonce.replace(/[+/]/g, (c) => `\\${c}`)}" src="${cspSource.replace(/[.+]/g, (c) => `\\${c}`)}/dist/webview\\.js"`),
  );
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.notEqual(makeNonce(), nonce, 'a fresh nonce per document');
  // The bundle itself (every module of src/webview): no eval, no Function constructor, no script elements made at runtime.
  const webview = readdirSync(join(ROOT, 'src/webview'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(webview.includes('main.ts'), 'the webview sources are found');
  for (const f of webview) assert.doesNotMatch(readFileSync(join(ROOT, 'src/webview', f), 'utf8'), /\beval\(|new Function\(|createElement\(['"]script/, f);
  figures.safe('webview CSP: no remote or inline script');
});

test('a TWS host that is not this machine is confirmed once per host; loopback never asks', () => {
  for (const h of ['127.0.0.1', 'localhost', 'LOCALHOST', '::1', '[::1]', '127.0.1.1']) assert.equal(remoteHostDecision(h, undefined).kind, 'local', h);
  let stored: unknown = undefined; // as globalState.get(CONFIRMED_HOSTS_KEY) returns it
  const first = remoteHostDecision('10.0.0.5', stored);
  assert.equal(first.kind, 'ask');
  assert.match(
    first.kind === 'ask' ? `${first.message} ${first.detail}` : '',
    /Connect to TWS on 10\.0\.0\.5\? It is not this machine\..*unencrypted.*once per host/,
  );
  stored = withConfirmedHost(stored, '10.0.0.5');
  assert.deepEqual(stored, ['10.0.0.5']);
  assert.deepEqual(remoteHostDecision('10.0.0.5', stored), { kind: 'confirmed', host: '10.0.0.5' });
  assert.deepEqual(remoteHostDecision(' 10.0.0.5 ', stored).kind, 'confirmed');
  assert.equal(remoteHostDecision('tws.example.com', stored).kind, 'ask', 'another host asks again');
  stored = withConfirmedHost(stored, 'TWS.example.com.');
  assert.deepEqual(stored, ['10.0.0.5', 'tws.example.com']);
  assert.deepEqual(withConfirmedHost(stored, 'tws.example.com'), stored, 'kept once');
  assert.equal(remoteHostDecision('10.0.0.5', 'not a list').kind, 'ask', 'a damaged stored value confirms nothing');
  assert.equal(remoteHostDecision('10.0.0.5', [42, null]).kind, 'ask');
  assert.equal(CONFIRMED_HOSTS_KEY, 'ibkrAi.confirmedRemoteHosts');
  // The prompt sits in front of every command that connects to the configured host.
  const src = readFileSync(join(ROOT, 'src/extension/vscode/commands.ts'), 'utf8');
  for (const fn of ['connect', 'startSession', 'runChecks']) {
    const body = src.slice(src.indexOf(`async function ${fn}(`));
    assert.ok(body.slice(0, body.indexOf('\n}\n')).includes('await confirmRemoteHost(deps, t)'), `${fn} confirms a remote host`);
  }
  assert.match(src, /state\.update\(CONFIRMED_HOSTS_KEY, withConfirmedHost/);
  assert.match(src, /const state = deps\.context\.globalState;/, 'kept in globalState, which a workspace cannot write');
  figures.safe('non-loopback TWS host confirmed once per host');
});
