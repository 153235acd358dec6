// The pasteable report: account ids masked in every field, the Markdown shape (what ran
// where, then each check first problem first with status, finding, fix and evidence), and
// text that cannot break out of its block; plus what answered (serverInfo.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { formatMarkdown, type ReportOrigin } from '../../../src/extension/doctor/markdownReport';
import { redactAccounts, redactForSharing } from '../../../src/extension/doctor/redact';
import { describeProduct, describeServer, fromSimulator, serverInfo, SIMULATOR_PRODUCT } from '../../../src/extension/doctor/serverInfo';
import { makeCheck, skipped, type Report } from '../../../src/extension/doctor/types';
import { SIMULATOR_NOTICE } from '../../../src/extension/tws/simulatorMark';

const ORIGIN: ReportOrigin = { tool: 'IBKR AI Trader 9.9.9 (CLI)', os: 'linux 6.1.0 x64', node: 'node v20.20.2' };

test('redactAccounts: DU1234567 -> DU****567, for each IBKR account prefix, and nothing else', () => {
  assert.equal(redactAccounts('DU1234567'), 'DU****567');
  assert.equal(
    redactAccounts('Paper account DU1234567; accounts U7654321,DF123456 and F9876543210.'),
    'Paper account DU****567; accounts U****321,DF***456 and F*******210.',
  );
  assert.equal(redactAccounts('managed accounts DU1234567,DU7654321'), 'managed accounts DU****567,DU****321');
  // Not account ids: versions, ports, order ids, symbols, times, error codes, words.
  const plain = 'server version 176 (v100..193), port 7497, order id 1234567, AAPL, 2026-12-05T14:22:04Z, error 10167, US1234567, DUX1234567, XU1234567';
  assert.equal(redactAccounts(plain), plain);
});

function report(over: Partial<Report> = {}): Report {
  return {
    verdict: 'fail',
    startedAt: '2026-12-05T14:00:00.000Z',
    durationMs: 1234.5,
    target: { host: '127.0.0.1', port: 7496, clientId: 1 },
    server: { version: 176, connectionTime: '20261205 09:00:00 EST', product: 'TWS live (by its standard port 7496; the API does not name the product)' },
    checks: [
      makeCheck('config', 'pass', 'host 127.0.0.1 (default); IBKR_CLIENT_ID=1 from .env'),
      makeCheck('account', 'fail', 'Live account U7654321: live trading is not enabled.', {
        cause: 'account.live-not-allowed',
        fix: 'Log in to the paper account (DU...), or set IBKR_ALLOW_LIVE=true for U7654321.\nThen run `npm run doctor` again.',
        evidence: [{ step: 'managedAccounts', detail: 'U7654321,DU1234567', ms: 12.3 }],
      }),
      makeCheck('clock', 'warn', "TWS's clock is 3.0 h behind this machine: bar times ... will be off.", {
        cause: 'clock.skew',
        fix: 'Linux: sudo timedatectl set-ntp true.',
      }),
      skipped('order-permissions', 'Skipped: account DU1234567 is not the one asked for.'),
    ],
    ...over,
  };
}

test('markdown: a header table of what ran where, then the checks first problem first, each with status, finding, cause, fix and evidence', () => {
  const md = formatMarkdown(report(), { ...ORIGIN, host: 'Visual Studio Code 1.96.0, remote wsl' });
  const lines = md.split('\n');
  assert.equal(lines[0], '## IBKR setup checks: FAIL');
  for (const row of [
    '| Verdict | FAIL |',
    '| Tool | IBKR AI Trader 9.9.9 (CLI) |',
    '| OS / Node | linux 6.1.0 x64 / node v20.20.2 |',
    '| Host | Visual Studio Code 1.96.0, remote wsl |',
    '| Target | 127.0.0.1:7496, client id 1 |',
    '| TWS / IB Gateway | TWS live (by its standard port 7496; the API does not name the product), server version 176, connection time 20261205 09:00:00 EST |',
    '| Run | 2026-12-05T14:00:00.000Z, 1.23 s |',
  ]) {
    assert.ok(lines.includes(row), `row ${row} in\n${md}`);
  }
  assert.match(md, /Checks: 1 fail, 1 warn, 1 pass, 1 skip\. Account ids are masked\./);
  const headings = lines.filter((l) => l.startsWith('### '));
  assert.deepEqual(headings, [
    '### FAIL: Account (account)',
    '### PASS: Configuration (config)',
    '### WARN: Clock (clock)',
    '### SKIP: Order permissions (what-if) (order-permissions)',
  ]);
  const account = md.slice(md.indexOf('### FAIL'), md.indexOf('### PASS'));
  assert.match(account, /\n\nLive account U\\\*\\\*\\\*\\\*321: live trading is not enabled\.\n/);
  assert.match(account, /Cause: `account\.live-not-allowed`/);
  assert.match(
    account,
    /\*\*Fix:\*\*\n\n```text\nLog in to the paper account \(DU\.\.\.\), or set IBKR_ALLOW_LIVE=true for U\*\*\*\*321\.\nThen run `npm run doctor` again\.\n```/,
  );
  assert.match(account, /\*\*Evidence:\*\*\n\n```text\n- managedAccounts: U\*\*\*\*321,DU\*\*\*\*567 \(12\.3 ms\)\n```/);
  // Inline text is escaped so Markdown cannot turn it into emphasis or links.
  assert.match(md, /IBKR\\_CLIENT\\_ID=1 from \.env/);
  assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
});

test('markdown: no account id survives in any field (finding, fix, evidence, skip reason)', () => {
  const md = formatMarkdown(report(), ORIGIN);
  assert.doesNotMatch(md, /DU1234567|U7654321/);
  assert.equal(redactAccounts(md.replace(/\\\*/g, '*')), md.replace(/\\\*/g, '*'), 'nothing left to mask');
});

test('markdown: a fix containing a code fence gets a longer fence; no server means not reached', () => {
  const r = report({ server: undefined, verdict: 'warn', checks: [makeCheck('tcp', 'warn', 'odd', { fix: 'type:\n```\nnpm run doctor\n```' })] });
  const md = formatMarkdown(r, ORIGIN);
  assert.match(md, /\n````text\ntype:\n```\nnpm run doctor\n```\n````/);
  assert.ok(md.includes('| TWS / IB Gateway | not reached (no API handshake answer) |'));
  const invalid = formatMarkdown(report({ target: {} }), ORIGIN);
  assert.ok(invalid.includes('| Target | invalid configuration |'));
});

test('serverInfo: the simulator is known by its notice only; otherwise the product comes from the standard port, or is unknown', () => {
  assert.equal(
    fromSimulator([
      { code: 2158, message: 'Sec-def data farm connection is OK:secdefil' },
      { code: 2104, message: 'Market data farm connection is OK:usfarm' },
    ]),
    false,
  );
  assert.equal(fromSimulator([{ code: SIMULATOR_NOTICE.code, message: SIMULATOR_NOTICE.message }]), true);
  assert.equal(fromSimulator([{ code: 300, message: 'x:ibkr-ai-trader-sim' }]), false, 'only a farm-status code carries the mark');
  assert.equal(describeProduct(7497, true), SIMULATOR_PRODUCT);
  assert.match(describeProduct(4002, false)!, /^IB Gateway paper \(by its standard port 4002/);
  assert.equal(describeProduct(7000, false), undefined);
  const s = serverInfo(7497, { serverVersion: 176, connectionTime: '20261204 10:00:00 EST' }, true);
  const release = 'release 10.19 family (its API maximum is 176; text protocol only)';
  assert.deepEqual(s, { version: 176, connectionTime: '20261204 10:00:00 EST', product: SIMULATOR_PRODUCT, simulator: true, release });
  assert.equal(describeServer(s), `IBKR AI Trader embedded simulator, server version 176, connection time 20261204 10:00:00 EST, ${release}`);
  assert.equal(describeServer({ version: 178 }), 'product unknown, server version 178');
});

test('redactForSharing: the home folder becomes ~ (not a longer folder name that starts like it); account ids masked too', () => {
  assert.equal(
    redactForSharing('.env file: none at /home/joe/work/.env; /home/joe; /home/joel/x; DU1234567', '/home/joe'),
    '.env file: none at ~/work/.env; ~; /home/joel/x; DU****567',
  );
  assert.equal(redactForSharing('C:\\Users\\joe\\bot\\.env', 'C:\\Users\\joe'), '~\\bot\\.env');
  const md = formatMarkdown(
    report({
      checks: [
        makeCheck('config', 'pass', `.env at ${homedir()}/x/.env`, { evidence: [{ step: '.env file', detail: `${homedir()}/x/.env (2 keys)`, ms: 0 }] }),
      ],
    }),
    ORIGIN,
  );
  assert.ok(!md.includes(homedir()), md);
  assert.match(md, /- \.env file: ~\/x\/\.env \(2 keys\)/);
});
