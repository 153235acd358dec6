// Trades and fills as CSV per RFC 4180: CRLF line ends, fields with a comma, a quote, CR or
// LF quoted with their quotes doubled; a field a spreadsheet would run as a formula defused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvRows, TRADE_CSV_HEADER, tradesCsv } from '../../../src/extension/app/tradesCsv';

/** An RFC 4180 reader (the test's own, to check that what is written reads back the same). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'the text ends with CRLF');
  return rows;
}

test('fields: quoted only when they must be, quotes doubled, formulas defused', () => {
  assert.equal(csvField('NVDA'), 'NVDA');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rhere'), '"cr\rhere"');
  assert.equal(csvField(-1.5), '-1.5', 'numbers stay numbers');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(NaN), '');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('-2+3'), "'-2+3");
  const rows = [
    ['a', 'b,c', 'd"e'],
    ['line\r\nbreak', '', 'x'],
  ];
  const text = csvRows(rows);
  assert.ok(text.endsWith('\r\n'));
  assert.deepEqual(parseCsv(text), rows, 'reads back the same');
});

test("a session's trades: one header, one line per fill oldest first, times in UTC and New York with the zone", () => {
  const text = tradesCsv('20260105T150405678Z-9f3a61c2', [
    {
      execId: 'e2',
      at: Date.UTC(2026, 0, 5, 15, 10, 0),
      orderRef: 'ibkrai:20260105T150405678Z-9f3a61c2:2:NVDA',
      orderId: 12,
      symbol: 'NVDA',
      side: 'SELL',
      shares: 10,
      price: 99.5,
      commission: 1,
      decisionPrice: 99.6,
      slippage: 0.1,
    },
    { execId: 'e1', at: Date.UTC(2026, 0, 5, 15, 5, 0), orderRef: 'ibkrai:x:1:NVDA', orderId: 11, symbol: 'NVDA', side: 'BUY', shares: 10, price: 100 },
  ]);
  const rows = parseCsv(text);
  assert.deepEqual(rows[0], [...TRADE_CSV_HEADER]);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[1]!.slice(0, 8), [
    '20260105T150405678Z-9f3a61c2',
    '2026-01-05T15:05:00.000Z',
    '2026-01-05 10:05:00 EST',
    'NVDA',
    'BUY',
    '10',
    '100',
    '',
  ]);
  assert.deepEqual(rows[2]!.slice(4, 10), ['SELL', '10', '99.5', '1', '99.6', '0.1']);
});
