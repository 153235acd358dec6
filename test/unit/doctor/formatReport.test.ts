// Report rendering: the first failing check first in text, the JSON shape, the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayOrder, formatJson, formatText } from '../../../src/extension/doctor/formatReport';
import { makeCheck, skipped, verdictOf, type Report } from '../../../src/extension/doctor/types';

const checks = [
  makeCheck('config', 'pass', 'host 127.0.0.1 (default)'),
  makeCheck('environment', 'warn', 'remote: ssh', { fix: 'forward the port', cause: 'environment.remote-ssh' }),
  makeCheck('tcp', 'fail', 'Connection refused at 127.0.0.1:7497', {
    fix: 'Start TWS\nCheck the Socket port',
    cause: 'tcp.refused',
    evidence: [{ step: 'connect 127.0.0.1:7497', detail: 'refused', ms: 0.4 }],
  }),
  skipped('handshake', 'Skipped: no TCP connection'),
];

test('verdict: fail beats warn beats pass; skips do not count', () => {
  assert.equal(verdictOf(checks), 'fail');
  assert.equal(verdictOf(checks.filter((c) => c.status !== 'fail')), 'warn');
  assert.equal(verdictOf([checks[0]!, checks[3]!]), 'pass');
});

test('text: the first failing check comes first, with its fix and what was tried; then the rest in order', () => {
  const report: Report = {
    verdict: 'fail',
    checks,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 12.3,
    target: { host: '127.0.0.1', port: 7497, clientId: 1 },
  };
  assert.deepEqual(
    displayOrder(checks).map((c) => c.id),
    ['tcp', 'config', 'environment', 'handshake'],
  );
  const text = formatText(report);
  const lines = text.split('\n');
  assert.match(lines[0]!, /127\.0\.0\.1:7497, client id 1: FAIL in 12\.3 ms/);
  assert.equal(lines[2], '[FAIL] TCP connection (tcp)');
  assert.ok(text.indexOf('[FAIL]') < text.indexOf('[PASS]'));
  assert.match(text, /Fix:\n {9}Start TWS\n {9}Check the Socket port/);
  assert.match(text, /- connect 127\.0\.0\.1:7497: refused \(0\.4 ms\)/);
  assert.match(text, /\[SKIP\] API handshake \(handshake\)\n {7}Skipped: no TCP connection/);
});

test('text: without a failure the first warning leads', () => {
  const noFail = checks.filter((c) => c.status !== 'fail');
  assert.equal(displayOrder(noFail)[0]!.id, 'environment');
});

test('JSON: {verdict, checks: [{id, title, status, finding, evidence, fix, cause}], ...}', () => {
  const report: Report = {
    verdict: 'fail',
    checks,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 12.3,
    target: { host: '127.0.0.1', port: 7497, clientId: 1 },
  };
  const back = JSON.parse(formatJson(report));
  assert.equal(back.verdict, 'fail');
  assert.deepEqual(Object.keys(back.checks[2]).sort(), ['cause', 'evidence', 'finding', 'fix', 'id', 'status', 'title']);
  assert.deepEqual(back.checks[2].evidence[0], { step: 'connect 127.0.0.1:7497', detail: 'refused', ms: 0.4 });
  assert.equal(back.checks[0].fix, '');
});
