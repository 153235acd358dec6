// `npm run demo` as a user runs it: a real process that starts the embedded simulator and
// runs a short multi-symbol session of the default model on it, end to end over TCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Journal } from '../../../src/extension/session/journal';
import { ROOT } from '../../helpers/sessionFixture';

test('the demo exits 0 after printing decisions, orders, fills and the summary', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'demo'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a hung demo fails the test instead of hanging the suite
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  assert.equal(status, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /^IBKR AI Trader demo: embedded TWS simulator on 127\.0\.0\.1:\d+ \(paper account DU1234567/);
  assert.match(stdout, /model ppo-sp500 was trained on 1 day bars; this session runs it on 60-second bars/);
  const cycles = stdout.split('\n').filter((l) => /^cycle +\d+\/10 /.test(l));
  assert.equal(cycles.length, 10, 'one line per cycle');
  assert.equal(stdout.split('\n').filter((l) => l.startsWith('  decision ')).length, 30, '3 symbols x 10 cycles');
  const orders = stdout.split('\n').filter((l) => /^ {2}order +\w+ +#\d+ (BUY|SELL) \d+ MKT ibkrai:/.test(l));
  const fills = stdout.split('\n').filter((l) => /^ {2}fill +\w+ +#\d+ (bought|sold) \d+ @ [\d.]+/.test(l));
  assert.ok(orders.length >= 2 && fills.length >= 1, `orders and fills printed:\n${stdout}`);
  assert.match(stdout, /^symbol +orders +fills +bought +sold +position +mark +realized +unrealized +commissions +net$/m);
  assert.match(stdout, /^total +\d+ +\d+ /m);
  // The demo's own check, and the journal it names.
  const m = /simulator record: (\d+) order\(s\) received, (\d+) journaled; each orderRef once; record and journal agree/.exec(stdout);
  assert.ok(m, stdout);
  assert.equal(m[1], m[2]);
  const journalPath = /^journal (\S+\.jsonl);/m.exec(stdout)![1]!;
  const journal = Journal.read(journalPath);
  assert.equal(journal.filter((l) => l.type === 'intent').length, Number(m[1]));
  assert.equal(journal.filter((l) => l.type === 'session-end').length, 1);
  assert.match(stdout, /demo finished in [\d.]+ s wall/);
});
