// The journal folder and the session's configuration as money-safety boundaries, through
// `npm run session` as real child processes against the simulator (its --record is what
// reached "TWS"): a second session on a folder in use is refused and sends nothing; a lock
// left by a SIGKILLed session is taken over, and the torn line the crash left is cut and
// journaled before the restart appends; a short write stops trading with the journal whole;
// numbers given as 0x10, 1.0, 1e3, " 7" or +7 (flags or .env) are refused with exit 2 and
// nothing sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Journal, type JournalLine } from '../../src/extension/session/journal';
import { LOCK_FILE } from '../../src/extension/session/journalLock';
import { waitFor } from '../helpers/simHarness';
import { linesOf, placedOrders, ROOT, runSession, startSim, tempDir, testModel, WED_10AM_NY } from '../integration/session/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { flatPrices } from './support/sessions';

const figures = new Figures(__filename);

interface Child {
  proc: ChildProcess;
  out: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function session(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/extension/cli/main.ts'), 'session', ...args], {
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const out: string[] = [];
  proc.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  void exit.then(() => clearTimeout(timer));
  return { proc, out, exit };
}

function journalFile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const f = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  return f.length ? join(dir, f[0]!) : undefined;
}

function journalLines(dir: string): JournalLine[] {
  const f = journalFile(dir);
  return f ? Journal.read(f) : [];
}

function sessionArgs(port: number, clientId: number, dir: string, cycles: number): string[] {
  return ['--host', '127.0.0.1', '--port', String(port), '--client-id', String(clientId), '--symbols', 'NVDA,MSFT', '--cycle', '60', '--cycles', String(cycles), '--mode', 'paper', '--model', testModel('toggle'), '--journal', dir, '--capital', '20000'];
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
    assert.deepEqual(fx.records().filter((l) => l.clientId === 412), [], 'the refused session sent nothing');
    assert.equal(fx.sim.client(412), undefined);
    assert.ok(placedOrders(fx).every((o) => String(o.orderRef).includes(String(start.sessionId))), 'every order is the first session\'s');
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.jsonl')).length, 1, 'the refused session wrote no journal');
    assert.equal((JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>).pid, first.proc.pid, 'the lock is still the first session\'s');

    first.proc.kill('SIGINT'); // the kill switch: the first session ends and releases the folder
    const f = await first.exit;
    assert.equal(f.code, 4, first.out.join(''));
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'released at the end');
    figures.safe('concurrent-writer-refused');
  } finally {
    await fx.stop();
  }
});

test('a SIGKILLed session\'s lock is taken over and its torn journal tail cut (and journaled) before the restart appends: resumed, nothing sent twice', async () => {
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
    assert.equal(stale.pid, first.proc.pid, 'the dead session\'s lock is still there');
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
    assert.deepEqual(repair.map((l) => [l.cutBytes, l.reason, l.cut]), [[Buffer.byteLength(fragment), 'no-newline', fragment]]);
    const resumeAt = journal.findIndex((l) => l.type === 'session-resume');
    assert.ok(journal.indexOf(repair[0]!) < resumeAt, 'the repair is journaled before anything else is appended');
    const takeover = linesOf(journal, 'notice').find((l) => /took over the journal folder's lock/.test(String(l.message)));
    assert.ok(takeover, 'the takeover is journaled');
    assert.ok(String(takeover.message).includes(`pid ${first.proc.pid}`) && String(takeover.message).includes(String(stale.sessionId)), String(takeover.message));
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
              if (shortAt === undefined && writes > 20 && Buffer.from(buffer).toString('utf8', offset, offset + length).includes('"type":"intent"')) {
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
  assert.deepEqual(r.placed.filter((o) => !intents.has(o.orderRef)).map((o) => o.orderRef), [], 'every order sent has its whole intent line');
  assert.ok(readFileSync(r.result.journalPath!, 'utf8').endsWith('\n'), 'the partial line was cut back');
  figures.safe('short-write-stops-trading');
});
