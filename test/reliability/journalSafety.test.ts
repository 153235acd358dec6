// The journal folder and the session's configuration as money-safety boundaries, through
// `npm run session` as real child processes against the simulator (its --record is what
// reached "TWS"): a second session on a folder in use is refused and sends nothing; a lock
// left by a SIGKILLed session is taken over, and the torn line the crash left is cut and
// journaled before the restart appends; a short write stops trading with the journal whole;
// numbers given as 0x10, 1.0, 1e3, " 7" or +7 (flags or .env) are refused with exit 2 and
// nothing sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/extension/session/journal';
import { LOCK_FILE } from '../../src/extension/session/journalLock';
import { waitFor } from '../helpers/simHarness';
import { journalFile, journalLines, spawnSession as session } from '../helpers/sessionProcess';
import { linesOf, placedOrders, runSession, startSim, tempDir, testModel, WED_10AM_NY } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { flatPrices } from './support/sessions';

const figures = new Figures(__filename);

function sessionArgs(port: number, clientId: number, dir: string, cycles: number): string[] {
  return [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--client-id',
    String(clientId),
    '--symbols',
    'NVDA,MSFT',
    '--cycle',
    '60',
    '--cycles',
    String(cycles),
    '--mode',
    'paper',
    '--model',
    testModel('toggle'),
    '--journal',
    dir,
    '--capital',
    '20000',
  ];
}

test('a second session on a journal folder in use is refused naming the first (pid, host, start, session id), exits non-zero and sends nothing', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices(), tickMs: 150 });
  const dir = join(tempDir('journal-safety-lock-'), 'journal');
  try {
    const first = session(sessionArgs(fx.sim.port, 411, dir, 200));
    await waitFor(() => linesOf(journalLines(dir), 'session-start').length > 0, 60_000, 'the first session started');
    const start = linesOf(journalLines(dir), 'session-start')[0]!;
    const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([lock.pid, lock.sessionId], [first.proc.pid, start.sessionId], 'the lock names the first session');

    const second = session(sessionArgs(fx.sim.port, 412, dir, 2));
    const e = await second.exit;
    const text = second.out.join('');
    assert.equal(e.code, 3, text);
    assert.match(text, /session refused: the journal folder .* is in use by session /);
    assert.ok(text.includes(`session ${String(start.sessionId)} (pid ${first.proc.pid} on ${String(lock.host)}, started ${String(lock.startedAt)})`), text);
    // Nothing of the second session reached TWS: no connection, no message, no order.
    assert.deepEqual(
      fx.records().filter((l) => l.clientId === 412),
      [],
      'the refused session sent nothing',
    );
    assert.equal(fx.sim.client(412), undefined);
    assert.ok(
      placedOrders(fx).every((o) => String(o.orderRef).includes(String(start.sessionId))),
      "every order is the first session's",
    );
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.jsonl')).length, 1, 'the refused session wrote no journal');
    assert.equal(
      (JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>).pid,
      first.proc.pid,
      "the lock is still the first session's",
    );

    first.proc.kill('SIGINT'); // the kill switch: the first session ends and releases the folder
    const f = await first.exit;
    assert.equal(f.code, 4, first.out.join(''));
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'released at the end');
    figures.safe('concurrent-writer-refused');
  } finally {
    await fx.stop();
  }
});

test("a SIGKILLed session's lock is taken over and its torn journal tail cut (and journaled) before the restart appends: resumed, nothing sent twice", async () => {
  const clientId = 413;
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices(), tickMs: 150 });
  const dir = join(tempDir('journal-safety-kill-'), 'journal');
  const args = sessionArgs(fx.sim.port, clientId, dir, 6);
  try {
    const first = session(args);
    await waitFor(() => linesOf(journalLines(dir), 'intent').length > 0, 60_000, 'an order of the first session');
    first.proc.kill('SIGKILL');
    assert.equal((await first.exit).signal, 'SIGKILL');
    await waitFor(() => fx.sim.client(clientId) === undefined, 5000, 'TWS noticed the dead socket');
    const stale = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    assert.equal(stale.pid, first.proc.pid, "the dead session's lock is still there");
    // The crash tore the line being written.
    const path = journalFile(dir)!;
    const fragment = '{"t":1,"type":"order-status","orderRef":"ibkrai:x';
    appendFileSync(path, fragment);

    const second = session(args);
    const e = await second.exit;
    const text = second.out.join('');
    assert.equal(e.code, 0, text);
    const journal = Journal.read(path); // throws if a line had landed on the fragment
    const repair = linesOf(journal, 'journal-repair');
    assert.deepEqual(
      repair.map((l) => [l.cutBytes, l.reason, l.cut]),
      [[Buffer.byteLength(fragment), 'no-newline', fragment]],
    );
    const resumeAt = journal.findIndex((l) => l.type === 'session-resume');
    assert.ok(journal.indexOf(repair[0]!) < resumeAt, 'the repair is journaled before anything else is appended');
    const takeover = linesOf(journal, 'notice').find((l) => /took over the journal folder's lock/.test(String(l.message)));
    assert.ok(takeover, 'the takeover is journaled');
    assert.ok(
      String(takeover.message).includes(`pid ${first.proc.pid}`) && String(takeover.message).includes(String(stale.sessionId)),
      String(takeover.message),
    );
    assert.ok(String(takeover.message).endsWith(`: pid ${first.proc.pid} is no longer running`), String(takeover.message));
    assert.match(String(stale.procStart), /^\d+$/, "the lock named its process's start tick");
    assert.match(text, /took over the journal folder's lock/);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'released at the end');
    assert.equal(linesOf(journal, 'session-resume').length, 1);
    const checked = checkNoLoss(fx, journal, clientId);
    figures.fault('SIGKILLed lock holder, restarted on a torn journal tail', { ...checked, recoveries: 1 });
    figures.safe('stale-lock-taken-over');
    figures.safe('torn-tail-repaired');
  } finally {
    await fx.stop();
  }
});

test('a short write to the journal stops trading: failed (exit 5), the journal stays whole, no order without its whole intent line', async () => {
  let writes = 0;
  let shortAt: number | undefined;
  const r = await runSession({
    sim: { replayCsv: flatPrices() },
    model: 'toggle',
    config: { symbols: 'NVDA,MSFT', cycles: '8', capital: '20000', clientId: '414' },
    session: {
      graceMs: 300,
      openJournal: (d, id) =>
        Journal.open(d, id, {
          io: {
            writeSync: (fd, buffer, offset, length) => {
              writes++;
              // The first intent written after the session is under way is cut short (the disk fills mid-line).
              if (
                shortAt === undefined &&
                writes > 20 &&
                Buffer.from(buffer)
                  .toString('utf8', offset, offset + length)
                  .includes('"type":"intent"')
              ) {
                shortAt = writes;
                return writeSync(fd, buffer, offset, Math.floor(length / 3));
              }
              return writeSync(fd, buffer, offset, length);
            },
          },
        }),
    },
  });
  assert.ok(shortAt !== undefined, 'the short write happened');
  assert.equal(r.result.status, 'failed');
  assert.equal(r.result.exitCode, 5);
  assert.match(r.result.reason, /short write to journal .*: \d+ of \d+ bytes written/);
  const intents = new Set(linesOf(r.journal, 'intent').map((l) => String(l.orderRef)));
  assert.deepEqual(
    r.placed.filter((o) => !intents.has(o.orderRef)).map((o) => o.orderRef),
    [],
    'every order sent has its whole intent line',
  );
  assert.ok(readFileSync(r.result.journalPath!, 'utf8').endsWith('\n'), 'the partial line was cut back');
  figures.safe('short-write-stops-trading');
});

test('numbers written as 0x10, 1.0, 1e3, " 7" or +7 (flags, .env, environment) are refused with exit 2 naming the flag or key and what is valid; nothing reaches TWS', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  const dir = tempDir('journal-safety-numbers-');
  const port = String(fx.sim.port);
  // Every case would otherwise reach the simulator: its port is given (or is the one the bad value hides).
  const base = ['--symbols', 'NVDA', '--mode', 'paper', '--model', testModel('toggle'), '--journal', join(dir, 'journal')];
  const cases: Array<{ name: string; args: string[]; env?: Record<string, string>; dotenv?: string; error: RegExp }> = [
    {
      name: '--cycles 0x10',
      args: ['--port', port, '--cycles', '0x10'],
      error: /--cycles \(setting ibkrAi\.session\.cycles\): "0x10" is not written in decimal digits \(valid: a whole number of cycles from 1 to 1000000\)/,
    },
    {
      name: '--client-id 1.0',
      args: ['--port', port, '--cycles', '1', '--client-id', '1.0'],
      error: /--client-id \(setting ibkrAi\.clientId\): "1\.0" is not a whole number \(valid: 0\.\.2147483647/,
    },
    {
      name: '--max-order-qty 1e3',
      args: ['--port', port, '--cycles', '1', '--max-order-qty', '1e3'],
      error: /--max-order-qty \(setting ibkrAi\.risk\.maxOrderQuantity\): "1e3" uses an exponent \(valid: a whole number of shares from 1\)/,
    },
    { name: '--cycles " 7"', args: ['--port', port, '--cycles', ' 7'], error: /--cycles \(setting ibkrAi\.session\.cycles\): " 7" has spaces around it/ },
    {
      name: '--max-position +7',
      args: ['--port', port, '--cycles', '1', '--max-position', '+7'],
      error: /--max-position \(setting ibkrAi\.risk\.maxPosition\): "\+7" has a \+ sign/,
    },
    {
      name: '--port 0x...',
      args: ['--port', `0x${fx.sim.port.toString(16)}`, '--cycles', '1'],
      error: /--port \(setting ibkrAi\.port\): "0x[0-9a-f]+" is not written in decimal digits/,
    },
    {
      name: '.env IBKR_PORT=" <port>"',
      args: ['--cycles', '1'],
      dotenv: `IBKR_PORT=" ${port}"\n`,
      error: /port " \d+" from \.env IBKR_PORT \(\S+\.env\) is not a port number \(it has spaces around it\)/,
    },
    {
      name: '.env IBKR_CLIENT_ID=1e3',
      args: ['--port', port, '--cycles', '1'],
      dotenv: '\uFEFFIBKR_CLIENT_ID=1e3\n',
      error: /client id "1e3" from \.env IBKR_CLIENT_ID \(\S+\.env\) is not a whole number \(it uses an exponent\)/,
    },
    {
      name: 'environment IBKR_CLIENT_ID=+7',
      args: ['--port', port, '--cycles', '1'],
      env: { IBKR_CLIENT_ID: '+7' },
      error: /client id "\+7" from environment IBKR_CLIENT_ID is not a whole number \(it has a \+ sign\)/,
    },
  ];
  try {
    for (const [i, c] of cases.entries()) {
      const extra: string[] = [];
      if (c.dotenv !== undefined) {
        const file = join(dir, `case${i}.env`);
        writeFileSync(file, c.dotenv);
        extra.push('--env-file', file);
      }
      const run = session([...base, ...c.args, ...extra], { env: c.env ?? {} });
      const e = await run.exit;
      const text = run.out.join('');
      assert.equal(e.code, 2, `${c.name}: ${text}`);
      assert.match(text, c.error, c.name);
      assert.deepEqual(fx.records(), [], `${c.name}: nothing reached TWS`);
      assert.equal(fx.sim.connections.size, 0);
      figures.badInput(`session ${c.name}`);
    }
  } finally {
    await fx.stop();
  }
});

test('the session reads host, port and client id from .env (and IBKR_* from the environment), and says where each came from', async () => {
  const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatPrices() });
  const dir = tempDir('journal-safety-dotenv-');
  const file = join(dir, '.env');
  writeFileSync(file, `IBKR_PORT=${fx.sim.port}\nIBKR_CLIENT_ID=416\nIBKR_MODE=shadow\n`);
  try {
    // The environment's port is shadowed by the project's .env; its host is used.
    const run = session(['--symbols', 'NVDA', '--cycles', '1', '--model', testModel('toggle'), '--journal', join(dir, 'journal'), '--env-file', file], {
      env: { IBKR_PORT: '1', IBKR_HOST: '127.0.0.1' },
    });
    const e = await run.exit;
    const text = run.out.join('');
    assert.equal(e.code, 0, text);
    assert.ok(
      text.includes(
        `connection: host 127.0.0.1 (environment IBKR_HOST), port ${fx.sim.port} (.env IBKR_PORT (${file})), client id 416 (.env IBKR_CLIENT_ID (${file})), mode shadow (.env IBKR_MODE (${file}))`,
      ),
      text,
    );
    assert.ok(
      fx.records().some((l) => l.clientId === 416),
      'connected as the .env client id',
    );
    assert.deepEqual(placedOrders(fx), [], 'shadow mode from .env: no orders');
  } finally {
    await fx.stop();
  }
});
