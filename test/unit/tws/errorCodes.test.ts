// The one table of TWS codes: which codes concern the connection, a data farm, one request
// or order, or are warnings; every code has a kind and a meaning; every code whose fix the
// setup checks or the session's error policy ask for has one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyCode, codeFix, failsRequest, farmName, TWS_CODES } from '../../../src/extension/tws/errorCodes';

const KINDS = new Set(['connection', 'dataFarm', 'request', 'order', 'orderEvent', 'pacing', 'warning']);

test('connection notices', () => {
  for (const code of [326, 502, 503, 504, 1100, 1101, 1102, 1300, 2110]) assert.equal(classifyCode(code).kind, 'connection', String(code));
  assert.match(classifyCode(1101).meaning, /resubmitted/);
  assert.match(classifyCode(1102).meaning, /maintained/);
});

test('data farm status', () => {
  for (const code of [2103, 2104, 2105, 2106, 2107, 2108, 2119, 2157, 2158]) assert.equal(classifyCode(code).kind, 'dataFarm', String(code));
  assert.equal(farmName('Market data farm connection is OK:usfarm'), 'usfarm');
  assert.equal(farmName('HMDS data farm connection is broken:ushmds'), 'ushmds');
  assert.equal(farmName('no farm here'), undefined);
});

test('request and order errors fail what they name; warnings and order events do not', () => {
  for (const code of [200, 162, 320, 321, 322, 354, 420, 10197]) assert.equal(failsRequest(code), true, String(code));
  for (const code of [201, 103, 104, 135, 161, 434]) {
    assert.equal(classifyCode(code).kind, 'order', String(code));
    assert.equal(failsRequest(code), true);
  }
  for (const code of [399, 2109, 10167, 10090, 2150, 165, 300]) {
    assert.equal(classifyCode(code).kind, 'warning', String(code));
    assert.equal(failsRequest(code), false);
  }
  assert.equal(classifyCode(202).kind, 'orderEvent');
  assert.equal(failsRequest(202), false);
  assert.equal(classifyCode(2199).kind, 'warning', 'unknown 21xx notices are warnings');
});

test('pacing: 100 always, 162 when its text says pacing violation', () => {
  assert.equal(classifyCode(100).kind, 'pacing');
  assert.equal(classifyCode(162, 'Historical Market Data Service error message:Historical data request pacing violation').kind, 'pacing');
  assert.equal(classifyCode(162, 'Historical Market Data Service error message:No market data permissions').kind, 'request');
});

test('every code in the table has a TWS kind and a meaning; a fix, when given, is a sentence', () => {
  const codes = Object.keys(TWS_CODES).map(Number);
  assert.ok(codes.length > 50);
  for (const code of codes) {
    const row = TWS_CODES[code]!;
    assert.ok(Number.isInteger(code) && code >= 0, `${code}: TWS codes are >= 0 (the client's own are in ClientCode)`);
    assert.ok(KINDS.has(row.kind), `${code}: kind ${row.kind}`);
    assert.ok(row.meaning.length > 5, `${code}: meaning`);
    assert.deepEqual(classifyCode(code), { kind: row.kind, meaning: row.meaning });
    if (row.fix !== undefined) assert.ok(row.fix.length > 20, `${code}: fix`);
  }
});

test('fix texts: every code the setup checks name, and every code the session stops on, has one', () => {
  // The codes the checks ask a fix for by number (codeFix(502) ...), read from their sources.
  const dir = join(__dirname, '../../../src/extension/doctor');
  const named = new Set<number>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/codeFix\((?:[^()]*\?\? )?(\d+)\)/g)) named.add(Number(m[1]));
  }
  assert.ok(named.size >= 4, `found ${[...named].join(', ')}`);
  for (const code of [...named, 321, 326, 354, 420, 502, 504, 1100, 10167, 10168, 10197, 201]) assert.ok(codeFix(code), `no fix for ${code}`);
  assert.equal(codeFix(2104), undefined, 'a farm that is OK needs no fix');
});
