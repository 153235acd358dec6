// Bad input, each refused with an error naming what is wrong, and no order sent: settings and
// .env values of the wrong type or range, an unknown symbol, a corrupted or mismatched model,
// a journal directory that is not writable, and a disk that fills up while the session
// journals (trading stops; the journal written so far stays whole and readable).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, type JournalLine } from '../../src/extension/session/journal';
import { ConfigError, parseSessionConfig } from '../../src/extension/session/sessionConfig';
import type { JournalSink } from '../../src/extension/session/tradingSession';
import { resolveTarget, sessionInput } from '../../src/extension/app/configModel';
import { PanelStore } from '../../src/extension/app/panelStore';
import { Trader } from '../../src/extension/app/trader';
import { FAST } from '../helpers/brokerFixture';
import { byRef, journaledSent, linesOf, recordedSent, runSession, startSim, tempDir, testModel, WED_10AM_NY, type SimFixture } from '../helpers/sessionFixture';
import { Figures } from './support/figures';
import { flatPrices } from './support/sessions';

const figures = new Figures(__filename);

/** Nothing at all reached the simulator: no TCP connection was even made. */
function untouched(fx: SimFixture): void {
  assert.deepEqual(fx.records(), [], 'nothing reached TWS');
  assert.equal(fx.sim.connections.size, 0);
}

test('settings of the wrong type or range: each names the setting and what is valid; nothing connects', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
  const SIM = { host: '127.0.0.1', port: fx.sim.port, account: 'DU1234567', serverVersion: 176 };
  try {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'ibkrAi.session.symbols': [1, 2] }, /--symbols \(setting ibkrAi\.session\.symbols\): \[1,2\] is not a list of symbols/],
      [{ 'ibkrAi.session.symbols': ['NV DA'] }, /setting ibkrAi\.session\.symbols\): "NV DA" is not a symbol/],
      [{ 'ibkrAi.session.cycleSeconds': 7 }, /setting ibkrAi\.session\.cycleSeconds\): 7 is not a multiple of 5/],
      [{ 'ibkrAi.session.cycleSeconds': 'soon' }, /setting ibkrAi\.session\.cycleSeconds\): "soon" is not a number/],
      [{ 'ibkrAi.session.minutes': -5 }, /setting ibkrAi\.session\.minutes\): -5 is out of range/],
      [{ 'ibkrAi.session.mode': 'yolo' }, /setting ibkrAi\.session\.mode\): "yolo" is not a mode \(valid: shadow, paper, live\)/],
      [{ 'ibkrAi.risk.maxOrderQuantity': 0 }, /setting ibkrAi\.risk\.maxOrderQuantity\): 0 is out of range \(valid: a whole number of shares from 1\)/],
      [{ 'ibkrAi.risk.maxOrderQuantity': 2.5 }, /setting ibkrAi\.risk\.maxOrderQuantity\): 2\.5 is not a whole number/],
      [{ 'ibkrAi.risk.stopLossPct': 150 }, /setting ibkrAi\.risk\.stopLossPct\): 150 is out of range/],
      [{ 'ibkrAi.risk.dailyLossLimit': true }, /setting ibkrAi\.risk\.dailyLossLimit\): true is not a number/],
      [{ 'ibkrAi.risk.anyHours': 'yes' }, /setting ibkrAi\.risk\.anyHours\): "yes" is not true or false/],
      [{ 'ibkrAi.session.capital': -1 }, /setting ibkrAi\.session\.capital\): -1 is out of range/],
    ];
    const target = resolveTarget({ settings: {}, simulator: SIM });
    for (const [settings, re] of cases) {
      const s = { 'ibkrAi.session.symbols': ['NVDA'], 'ibkrAi.session.mode': 'paper', ...settings };
      assert.throws(
        () => parseSessionConfig(sessionInput(s, target, { modelDir: '/m' }), { cwd: '/w' }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
        String(re),
      );
      figures.badInput(`setting ${Object.keys(settings)[0]} = ${JSON.stringify(Object.values(settings)[0])}`);
    }
    // Connection settings: the target has problems and the Trader does not connect.
    const trader = new Trader({ store: new PanelStore(), simulator: () => undefined, brokerConfig: FAST, log: () => {} });
    const conn: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'ibkrAi.port': 'abc' }, /^port "abc" from setting ibkrAi\.port is not a port number/],
      [{ 'ibkrAi.port': 70000 }, /^port "70000" from setting ibkrAi\.port is out of range/],
      [{ 'ibkrAi.clientId': -1 }, /^client id "?-1"? from setting ibkrAi\.clientId/],
      [{ 'ibkrAi.host': `127.0.0.1:${fx.sim.port}` }, /^host "127\.0\.0\.1:\d+" from setting ibkrAi\.host contains a port/],
    ];
    for (const [settings, re] of conn) {
      const t = resolveTarget({ settings: { 'ibkrAi.port': fx.sim.port, ...settings } });
      assert.ok(
        t.problems.some((p) => re.test(p)),
        `${t.problems.join('; ')} ~ ${re}`,
      );
      assert.equal(await trader.connect(t), false);
      figures.badInput(`setting ${Object.keys(settings)[0]} = ${JSON.stringify(Object.values(settings)[0])}`);
    }
    await trader.dispose();
    untouched(fx);
  } finally {
    await fx.stop();
  }
});

test('.env values of the wrong type or range: each names the file, the key and the value; nothing connects', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
  try {
    const trader = new Trader({ store: new PanelStore(), simulator: () => undefined, brokerConfig: FAST, log: () => {} });
    const cases: Array<[string, RegExp]> = [
      ['IBKR_PORT=99999', /^port "99999" from \.env IBKR_PORT \(\/w\/\.env\) is out of range/],
      ['IBKR_PORT=7497x', /^port "7497x" from \.env IBKR_PORT \(\/w\/\.env\) is not a port number/],
      ['IBKR_CLIENT_ID=abc', /^client id "abc" from \.env IBKR_CLIENT_ID \(\/w\/\.env\)/],
      ['TWS_HOST=127.0.0.1:7497', /^host "127\.0\.0\.1:7497" from \.env TWS_HOST \(\/w\/\.env\) contains a port/],
      ['IBKR_ALLOW_LIVE=maybe', /^allow live "maybe" from \.env IBKR_ALLOW_LIVE \(\/w\/\.env\)/],
      ['IBKR_MODE=yolo', /^mode "yolo" from \.env IBKR_MODE \(\/w\/\.env\)/],
    ];
    for (const [line, re] of cases) {
      const text = line.startsWith('IBKR_PORT') ? `${line}\n` : `IBKR_PORT=${fx.sim.port}\n${line}\n`;
      const t = resolveTarget({ settings: {}, dotenv: { path: '/w/.env', text } });
      assert.ok(
        t.problems.some((p) => re.test(p)),
        `${t.problems.join('; ')} ~ ${re}`,
      );
      assert.equal(await trader.connect(t), false);
      figures.badInput(`.env ${line}`);
    }
    await trader.dispose();
    untouched(fx);
  } finally {
    await fx.stop();
  }
});

test('an unknown symbol: the session fails naming it (contract not found, 200) and sends no order', async () => {
  const r = await runSession({ sim: { speed: 60, replayCsv: flatPrices() }, model: 'toggle', config: { symbols: 'NVDA,ZZZZ', cycles: '2', clientId: '501' } });
  assert.equal(r.result.status, 'failed');
  assert.equal(r.result.exitCode, 2);
  assert.match(r.result.reason, /^symbol ZZZZ: .*(200|No security definition)/);
  assert.deepEqual(r.placed, []);
  assert.equal(
    r.fx.records().filter((l) => l.dir === 'in' && (l.name === 'placeOrder' || l.name === 'reqRealTimeBars')).length,
    0,
    'no order, not even a subscription',
  );
  figures.badInput('unknown symbol');
});

function modelCopy(kind: 'corrupt' | 'shape' | 'feature' | 'json'): string {
  const src = testModel('toggle');
  const dir = join(tempDir('reliability-model-'), kind);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(src, 'policy.onnx'), join(dir, 'policy.onnx'));
  const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8'));
  if (kind === 'corrupt') {
    const bytes = readFileSync(join(dir, 'policy.onnx'));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(join(dir, 'policy.onnx'), bytes);
  }
  if (kind === 'shape') manifest.input.shape = ['batch', 3];
  if (kind === 'feature') manifest.features[1] = { id: 'sentiment' };
  writeFileSync(join(dir, 'manifest.json'), kind === 'json' ? '{"schemaVersion": 1,' : JSON.stringify(manifest));
  return dir;
}

test('a corrupted or mismatched model: refused naming the file and the reason, before anything connects', async () => {
  const cases: Array<[Parameters<typeof modelCopy>[0], RegExp]> = [
    ['corrupt', /policy\.onnx.*sha256/i],
    ['shape', /input\.shape \["batch",3\] has 3 features but the manifest lists 2/],
    ['feature', /"sentiment" is not a known feature/],
    ['json', /manifest\.json.* is not valid JSON/],
  ];
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
  try {
    for (const [kind, re] of cases) {
      const r = await runSession({ fx, model: 'toggle', config: { symbols: 'NVDA', cycles: '2', clientId: '502', modelDir: modelCopy(kind) } });
      assert.equal(r.result.status, 'failed', kind);
      assert.equal(r.result.exitCode, 2, kind);
      assert.match(r.result.reason, re);
      figures.badInput(`model: ${kind}`);
    }
    untouched(fx);
  } finally {
    await fx.stop();
  }
});

test('a journal directory that is not writable: refused naming it, before anything connects', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
  try {
    const file = join(tempDir('reliability-journal-'), 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await runSession({ fx, model: 'toggle', config: { symbols: 'NVDA', cycles: '2', clientId: '503', journalDir: join(file, 'journal') } });
    assert.equal(r.result.status, 'failed');
    assert.match(
      r.result.reason,
      /journal directory \S+a-file\/journal is not writable \(ENOTDIR\); choose another with --journal or ibkrAi\.session\.journalDir/,
    );
    untouched(fx);
    figures.badInput('journal directory not writable');
  } finally {
    await fx.stop();
  }
});

test(
  'the disk fills up mid-session (writes get ENOSPC from /dev/full): trading stops at once, every order that left has its intent on disk, the journal stays readable',
  { skip: process.platform !== 'linux' },
  async () => {
    let failedAt = 0;
    let lines = 0;
    const openJournal = (dir: string, id: string): JournalSink => {
      const j = Journal.open(dir, id);
      return {
        path: j.path,
        append(type, data) {
          // From the 40th line on, the file system is full: the journal's own writeSync/fsync hit ENOSPC.
          if (++lines === 40) (j as unknown as { fd: number }).fd = openSync('/dev/full', 'a');
          try {
            return j.append(type, data);
          } catch (err) {
            failedAt ||= Date.now();
            throw err;
          }
        },
        appendDurable(type, data) {
          if (++lines === 40) (j as unknown as { fd: number }).fd = openSync('/dev/full', 'a');
          try {
            return j.appendDurable(type, data);
          } catch (err) {
            failedAt ||= Date.now();
            throw err;
          }
        },
        close: () => j.close(),
      };
    };
    const r = await runSession({
      sim: { speed: 60, replayCsv: flatPrices() },
      model: 'toggle',
      config: { symbols: 'NVDA,MSFT', cycles: '10', capital: '20000', clientId: '504' },
      session: { openJournal },
    });
    assert.equal(r.result.status, 'failed');
    assert.equal(r.result.exitCode, 5);
    assert.match(r.result.reason, /^journal: disk full while writing journal \S+: trading stopped, the journal so far is intact; trading stopped$/);
    assert.ok(r.events.some((e) => e.type === 'risk-stop' && e.rule === 'journal'));
    const journal: JournalLine[] = Journal.read(r.result.journalPath!);
    assert.equal(journal.length, 39, 'every line before the disk filled, each whole');
    assert.ok(r.placed.length >= 1, 'it had traded');
    assert.deepEqual(byRef(journaledSent(journal)), byRef(recordedSent(r.placed)), 'no order left without its intent on disk');
    const after = r.fx.records().filter((l) => l.dir === 'in' && l.name === 'placeOrder' && l.t > failedAt);
    assert.deepEqual(after, [], 'nothing sent after the disk filled');
    assert.equal(linesOf(journal, 'session-end').length, 0);
    figures.badInput('disk full while journaling');
  },
);
