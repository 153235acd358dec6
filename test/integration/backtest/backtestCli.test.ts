// `npm run backtest` as a user runs it: a real process, the shipped model, the S&P 500 file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function backtest(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', 'backtest', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fails(args: string[], message: RegExp): void {
  const r = backtest(...args);
  assert.notEqual(r.status, 0, `exit status for ${args.join(' ')}`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  assert.match(r.stderr, message);
}

const near = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: backtest ${a}, committed report ${b}`);

describe('backtest CLI', () => {
  it('with no arguments reproduces the committed training report (default model, S&P 500 test period)', () => {
    const out = join(tmp, 'default');
    const r = backtest('--json', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one JSON line');
    const got = JSON.parse(lines[0]!);
    for (const key of ['totalReturn', 'sharpe', 'maxDrawdown', 'trades', 'buyAndHoldReturn', 'bars', 'stepsPerSecond']) assert.ok(key in got, key);

    const committed = JSON.parse(readFileSync(join(ROOT, 'models/ppo-sp500/report.json'), 'utf8'));
    const oos = committed.outOfSample;
    assert.equal(got.from, oos.from);
    assert.equal(got.to, oos.to);
    assert.equal(got.bars, oos.bars);
    assert.equal(got.trades, oos.policy.trades);
    near(got.totalReturn, oos.policy.totalReturn, 'totalReturn');
    near(got.sharpe, oos.policy.sharpe, 'sharpe');
    near(got.maxDrawdown, oos.policy.maxDrawdown, 'maxDrawdown');
    near(got.buyAndHoldReturn, oos.buyAndHold.totalReturn, 'buyAndHoldReturn');
    near(got.buyAndHoldSharpe, oos.buyAndHold.sharpe, 'buyAndHoldSharpe');
    near(got.buyAndHoldMaxDrawdown, oos.buyAndHold.maxDrawdown, 'buyAndHoldMaxDrawdown');
    assert.equal(got.flatReturn, oos.flat.totalReturn);
    assert.equal(
      committed.sha256,
      JSON.parse(readFileSync(join(ROOT, 'models/ppo-sp500/manifest.json'), 'utf8')).model.sha256,
      'report and manifest describe the same file',
    );
    assert.ok(got.stepsPerSecond > 0);

    assert.ok(existsSync(got.reportJson) && existsSync(got.reportHtml));
    const report = JSON.parse(readFileSync(got.reportJson, 'utf8'));
    assert.equal(report.summary.policy.trades, oos.policy.trades);
    assert.equal(report.series.equity.length, oos.bars);
    assert.match(readFileSync(got.reportHtml, 'utf8'), /<svg class="chart"/);
  });

  it('prints a readable summary without --json', () => {
    const r = backtest('--from', '2019-01-01', '--to', '2019-12-31', '--out', join(tmp, 'text'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ppo-sp500 on SPX 2019-01-02\.\.2019-12-31: 252 bars, batched inference/);
    assert.match(r.stdout, /buy and hold/);
  });

  it('risk limits take effect and refusals are counted by rule', () => {
    const r = backtest('--json', '--max-order-qty', '10', '--out', join(tmp, 'risk'));
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.trades, 0, 'every order is ~50 shares');
    assert.ok(got.rejectionsByRule.maxOrderQuantity > 0);
  });

  it('--max-position caps the position as in a session: the policy trades up to 10 shares, nothing is refused', () => {
    const r = backtest('--json', '--max-position', '10', '--out', join(tmp, 'max-position'));
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.ok(got.trades > 0);
    assert.equal(got.rejected, 0);
    const report = JSON.parse(readFileSync(got.reportJson, 'utf8'));
    assert.equal(Math.max(...report.series.position), 10);
    assert.equal(report.assumptions.risk.maxPositionPerSymbol, 10);
  });

  it("risk flags are read by the session's parser: a bad value names the flag and what is valid", () => {
    fails(['--max-position', 'x'], /error: --max-position "x" is not a number \(valid: a whole number of shares from 0\)/);
    fails(['--daily-loss-limit', '0'], /error: --daily-loss-limit "0" is out of range \(valid: an amount of account currency above 0\)/);
  });

  it('missing model folder', () => {
    const dir = join(tmp, 'no-such-model');
    fails(['--model', dir, '--json'], new RegExp(`error: ${dir}/manifest\\.json: missing-file`));
  });

  it('corrupted model: hash mismatch, named', () => {
    const dir = join(tmp, 'corrupt');
    cpSync(join(ROOT, 'models/ppo-sp500'), dir, { recursive: true });
    const bytes = readFileSync(join(dir, 'policy.onnx'));
    bytes[100]! ^= 0x01;
    writeFileSync(join(dir, 'policy.onnx'), bytes);
    fails(['--model', dir], new RegExp(`error: ${dir}/policy\\.onnx: hash-mismatch: sha256 is [0-9a-f]{64} but manifest\\.json says`));
  });

  it('bad dates and options name the option and what is valid', () => {
    fails(['--from', '2015-13-45'], /--from "2015-13-45" is not a date \(valid: YYYY-MM-DD/);
    fails(['--to', 'yesterday'], /--to "yesterday" is not a date/);
    fails(['--from', '2016-01-01', '--to', '2015-01-01'], /--to 2015-01-01 must be after --from 2016-01-01/);
    fails(['--commission', 'tiered'], /--commission "tiered" is not known \(valid: ibkr-fixed, none\)/);
    fails(['--cash', 'lots'], /--cash "lots" is not a number/);
    fails(['--frobnicate'], /backtest: Unknown option '--frobnicate'/);
  });

  it('unknown column, unknown symbol, data the model cannot use', () => {
    fails(['--price-column', 'last'], /sp500-2000\.csv: unknown column "last" for the price; columns: date, open, high, low, close, adjclose, volume/);
    fails(['--symbol', 'XYZ'], /--symbol "XYZ" has no built-in data \(valid: SPX, MSFT, AMZN, IBM, GOOG, AAPL\)/);
    fails(['--symbol', 'MSFT'], /bars are about 31\.0 days apart but ppo-sp500 was trained on "1 day" bars/);
    const csv = join(tmp, 'prices.csv');
    writeFileSync(csv, 'date,price\n2020-01-02,1\n2020-01-03,2\n');
    fails(['--data', csv], /prices\.csv: the model's features .* read high, low, volume, which the file lacks \(it has close/);
    fails(['--data', join(tmp, 'absent.csv')], /absent\.csv: cannot read the data file \(ENOENT\)/);
    fails(['--from', '2030-01-01'], /holds fewer than two bars \(the data covers 2000-01-03\.\.2020-04-17\)/);
  });
});
