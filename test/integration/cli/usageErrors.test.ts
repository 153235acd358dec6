// Bad usage of every CLI command, as a real process: a bad flag value, an unknown flag, a
// missing value, a file that is not there. Each exits 2 with one line on stderr naming the
// flag and what would be valid, prints nothing on stdout and starts nothing (a simulator
// that started would print its listening line; a doctor run would print a report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ENV_KEYS } from '../../../src/extension/config/connectionConfig';

const ROOT = resolve(__dirname, '../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const env = { ...process.env };
  for (const keys of Object.values(ENV_KEYS)) for (const k of keys) delete env[k];
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/extension/cli/main.ts', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    // A command that wrongly accepted its options would run (a simulator forever): stop it, and the assertions below fail.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

const CASES: Array<{ args: string[]; says: RegExp }> = [
  // doctor: flags are checked like the same values in settings or .env, but are usage errors.
  { args: ['doctor', '--port', 'abc'], says: /--port "abc" is not a port number: use a whole number 1\.\.65535/ },
  { args: ['doctor', '--port', '70000'], says: /--port "70000" is out of range: ports are 1\.\.65535/ },
  { args: ['doctor', '--client-id=-1'], says: /--client-id "-1" is out of range: client ids are 0\.\.2147483647/ },
  { args: ['doctor', '--client-id', '-1'], says: /doctor: Option '--client-id' argument is ambiguous\. .*use '--client-id=-XYZ'; valid options: / },
  { args: ['doctor', '--host', '127.0.0.1:7497'], says: /--host "127\.0\.0\.1:7497" contains a port: put the port in its own setting/ },
  { args: ['doctor', '--mode', 'demo'], says: /--mode "demo" is not a trading mode: use paper or live/ },
  { args: ['doctor', '--timeout-ms', '5'], says: /--timeout-ms 5 is out of range \(valid: 100\.\.60000\)/ },
  { args: ['doctor', '--json', '--markdown'], says: /--json and --markdown exclude each other/ },
  { args: ['doctor', '--frobnicate'], says: /doctor: Unknown option '--frobnicate'; valid options: --host <value>, --port <value>, .*--markdown/ },
  { args: ['doctor', '--port'], says: /doctor: Option '--port <value>' argument missing; valid options: / },
  { args: ['doctor', 'extra'], says: /doctor: Unexpected argument 'extra'.*; valid options: / },
  // sim
  { args: ['sim', '--port', 'abc'], says: /--port "abc" is not a whole number \(valid: 0\.\.65535\)/ },
  { args: ['sim', '--symbols', 'NVDA,1X,@'], says: /--symbols: "1X", "@" are not symbols \(valid: a letter then up to 11 letters, digits or dots/ },
  { args: ['sim', '--replay', 'no-such-file.csv'], says: /--replay no-such-file\.csv: no such file \(valid: the path of an existing file\)/ },
  { args: ['sim', '--replay', 'package.json'], says: /--replay package\.json: no "close" or "price" column .*\(valid: a CSV with a close or price column\)/ },
  { args: ['sim', '--record', 'no-such-dir/x.jsonl', '--port', '0'], says: /--record no-such-dir\/x\.jsonl: the folder .*no-such-dir does not exist/ },
  { args: ['sim', '--host', 'not a host', '--port', '0'], says: /--host "not a host" is not an IP address or host name/ },
  { args: ['sim', '--fault', 'nope'], says: /unknown fault "nope"; valid faults: api-disabled/ },
  { args: ['sim', '--live=yes'], says: /sim: Option '--live' does not take an argument; valid options: / },
  // session, demo, backtest
  { args: ['session', '--symbols', 'NVDA', '--port', 'abc'], says: /--port .*"abc" is not a number \(valid: 1\.\.65535/ },
  { args: ['session', '--symbols', 'NVDA', '--cycle', '7'], says: /--cycle .*7 is not a multiple of 5/ },
  { args: ['session', '--bogus'], says: /session: Unknown option '--bogus'; valid options: .*--symbols <value>/ },
  { args: ['demo', '--cycles', '0'], says: /--cycles 0 is out of range \(valid: 1\.\.1000\)/ },
  { args: ['demo', '--symbols', '@@'], says: /--symbols .*"@@" is not a symbol \(valid: / },
  { args: ['backtest', '--from', 'yesterday'], says: /--from "yesterday" is not a date \(valid: YYYY-MM-DD/ },
  { args: ['backtest', '--commission', 'cheap'], says: /--commission "cheap" is not known \(valid: / },
  { args: ['backtest', '--slippage-bps', 'x'], says: /--slippage-bps "x" is not a number \(valid: / },
  {
    args: ['backtest', '--out', 'package.json/report'],
    says: /--out package\.json\/report: cannot create or use this folder \(ENOTDIR; valid: a folder path you can write\)/,
  },
  // the command itself
  { args: ['frobnicate'], says: /unknown command "frobnicate"; valid commands: sim, backtest, doctor, session, demo/ },
];

for (const c of CASES) {
  test(`${c.args.join(' ')}: exit 2, the flag and what is valid on stderr, nothing run`, async () => {
    const r = await cli(c.args);
    assert.equal(r.code, 2, `exit code; stdout ${r.stdout.slice(0, 300)} stderr ${r.stderr.slice(0, 300)}`);
    assert.match(r.stderr, c.says);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack trace: ${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing ran');
  });
}
