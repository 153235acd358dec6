// Modes and refusals against the simulator: shadow mode decides but sends nothing; a live
// account never trades in paper mode (the session refuses to start and says why); live
// mode needs --allow-live and a per-session confirmation; bad options fail before anything
// connects. The simulator's record is the proof of what was (not) sent.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linesOf, ROOT, runSession, startSim, tempDir, testModel, WED_10AM_NY, type SimFixture } from '../../helpers/sessionFixture';

/** `session` as a process (async: the simulator runs in this process and must keep answering). */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'session', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a hung child fails the test instead of hanging the suite
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

/** Requests the simulator received from client `clientId`, by name. */
function requests(fx: SimFixture, clientId: number): string[] {
  return fx
    .records()
    .filter((l) => l.dir === 'in' && l.clientId === clientId)
    .map((l) => l.name);
}

describe('session modes and refusals', () => {
  test('shadow mode: decisions and risk verdicts, and not one order sent', async () => {
    const r = await runSession({ model: 'toggle', config: { symbols: 'NVDA,MSFT', cycles: '3', mode: 'shadow', capital: '20000', clientId: '51' } });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const shadow = r.decisions.filter((d) => d.outcome === 'shadow');
    assert.equal(shadow.length, 6, 'every decision would have ordered (toggle policy, flat)');
    for (const d of shadow) {
      assert.equal(d.verdict?.allowed, true);
      assert.match(d.reason, /shadow mode sends nothing/);
    }
    assert.equal(r.placed.length, 0, 'the record has no placeOrder');
    assert.ok(!requests(r.fx, 51).includes('placeOrder'));
    assert.equal(linesOf(r.journal, 'intent').length, 0);
    assert.equal(r.result.summary!.orders.total, 0);
  });

  test('a live account in paper mode: the session refuses to start, says why, and sends nothing', async () => {
    const fx = await startSim({ live: true, speed: 60, startMs: WED_10AM_NY });
    const journal = join(tempDir('session-live-'), 'journal');
    try {
      const r = await cli(['--port', String(fx.sim.port), '--client-id', '52', '--symbols', 'NVDA', '--cycles', '2', '--mode', 'paper', '--journal', journal]);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /account U1234567 is a live account and the session is in paper mode: paper mode never trades a live account/);
      const sent = requests(fx, 52);
      assert.ok(sent.length > 0, 'it did connect (that is how it knows the account)');
      for (const name of ['placeOrder', 'reqRealTimeBars', 'reqHistoricalData', 'reqMktData']) assert.ok(!sent.includes(name), `no ${name}`);
      assert.ok(!existsSync(journal) || readdirSync(journal).length === 0, 'no journal for a session that never started');
    } finally {
      await fx.stop();
    }
  });

  test('live mode needs --allow-live (before connecting) and a confirmation of the account (nothing sent without)', async () => {
    const fx = await startSim({ live: true, speed: 60, startMs: WED_10AM_NY });
    const journal = join(tempDir('session-live-'), 'journal');
    const base = [
      '--port',
      String(fx.sim.port),
      '--symbols',
      'NVDA',
      '--cycles',
      '2',
      '--journal',
      journal,
      '--model',
      testModel('always-buy'),
      '--capital',
      '10000',
    ];
    try {
      const noAllow = await cli([...base, '--client-id', '53', '--mode', 'live']);
      assert.equal(noAllow.status, 2);
      assert.match(noAllow.stderr, /--allow-live \(setting ibkrAi\.allowLive\): mode live trades real money and needs --allow-live/);
      assert.deepEqual(requests(fx, 53), [], 'refused before connecting');

      const noConfirm = await cli([...base, '--client-id', '54', '--mode', 'live', '--allow-live']);
      assert.equal(noConfirm.status, 3);
      assert.match(
        noConfirm.stderr,
        /live mode needs a confirmation for this session: type the account id U1234567 when asked, or pass --confirm-live U1234567/,
      );
      const wrong = await cli([...base, '--client-id', '55', '--mode', 'live', '--allow-live', '--confirm-live', 'U7654321']);
      assert.equal(wrong.status, 3);
      assert.match(wrong.stderr, /the confirmation "U7654321" does not match the live account U1234567/);
      assert.equal(fx.records().filter((l) => l.name === 'placeOrder').length, 0, 'nothing sent by the refused sessions');

      const confirmed = await cli([...base, '--client-id', '56', '--mode', 'live', '--allow-live', '--confirm-live', 'U1234567']);
      assert.equal(confirmed.status, 0, confirmed.stderr);
      assert.match(confirmed.stderr, /LIVE trading on U1234567, confirmed for this session/);
      const placed = fx.records().filter((l) => l.name === 'placeOrder' && l.order);
      assert.equal(placed.length, 1, 'the confirmed live session trades');
      assert.equal(placed[0]!.order!.account, 'U1234567');
      assert.equal(placed[0]!.clientId, 56);
    } finally {
      await fx.stop();
    }
  });

  test('a paper account in live mode is refused too', async () => {
    const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
    try {
      const r = await cli([
        '--port',
        String(fx.sim.port),
        '--client-id',
        '57',
        '--symbols',
        'NVDA',
        '--cycles',
        '1',
        '--mode',
        'live',
        '--allow-live',
        '--confirm-live',
        'DU1234567',
        '--journal',
        join(tempDir('session-live-'), 'j'),
      ]);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /account DU1234567 is a paper account; use --mode paper/);
      assert.ok(!requests(fx, 57).includes('placeOrder'));
    } finally {
      await fx.stop();
    }
  });

  test('an unwritable journal directory fails before connecting', async () => {
    const fx = await startSim({ speed: 60, startMs: WED_10AM_NY });
    try {
      // A folder inside a regular file cannot exist (ENOTDIR), whoever runs the test.
      const file = join(tempDir('session-journal-'), 'a-file');
      writeFileSync(file, 'not a folder');
      const r = await cli(['--port', String(fx.sim.port), '--client-id', '58', '--symbols', 'NVDA', '--cycles', '1', '--journal', join(file, 'journal')]);
      assert.equal(r.status, 5);
      assert.match(r.stderr, /journal directory \S+a-file\/journal is not writable \(ENOTDIR\); choose another with --journal/);
      assert.deepEqual(requests(fx, 58), [], 'nothing connected');
    } finally {
      await fx.stop();
    }
  });

  test('bad options are errors naming the option, the setting and what is valid, before anything connects', async () => {
    const r = await cli(['--port', '1', '--symbols', 'NVDA,nv da', '--cycle', '7', '--minutes', '5', '--cycles', '3', '--mode', 'yolo', '--max-order-qty=-4']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    for (const re of [
      /--symbols \(setting ibkrAi\.session\.symbols\): "NV DA" is not a symbol/,
      /--cycle \(setting ibkrAi\.session\.cycleSeconds\): 7 is not a multiple of 5/,
      /--cycles \(setting ibkrAi\.session\.cycles\): give either --minutes or --cycles, not both/,
      /--mode \(setting ibkrAi\.session\.mode\): "yolo" is not a mode \(valid: shadow, paper, live\)/,
      /--max-order-qty \(setting ibkrAi\.risk\.maxOrderQuantity\): "-4" is out of range \(valid: a whole number of shares from 1\)/,
    ]) {
      assert.match(r.stderr, re);
    }
    assert.doesNotMatch(r.stderr, /connect/i, 'nothing tried to connect');
  });
});
