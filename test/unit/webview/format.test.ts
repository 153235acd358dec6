// The panel's one number style: dollars with two decimals, a true minus sign (U+2212), no
// "−0.00", percentages from fractions, and every time labelled with its zone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt, MINUS, nyOffsetMs } from '../../../src/webview/format';

test('money, P&L, prices and percentages: a true minus, no negative zero, fixed decimals per kind', () => {
  assert.equal(MINUS, '\u2212');
  assert.equal(fmt.money(1234.5), '$1,234.50');
  assert.equal(fmt.money(-12), '\u2212$12.00');
  assert.equal(fmt.money(-0.004), '$0.00', 'rounds to zero: no minus');
  assert.equal(fmt.pnl(3.256), '+$3.26');
  assert.equal(fmt.pnl(-20.555), '\u2212$20.56');
  assert.equal(fmt.pnl(0), '$0.00');
  assert.equal(fmt.pnl(undefined), '—');
  assert.equal(fmt.price(127.3), '127.30');
  assert.equal(fmt.price(127.12345), '127.1235');
  assert.equal(fmt.price(-1.5), '\u22121.50');
  assert.equal(fmt.pct(0.0123), '+1.23%');
  assert.equal(fmt.pct(-0.5, 0), '\u221250%');
  assert.equal(fmt.pct(-0.00001), '0.00%');
  assert.equal(fmt.qty(-1500), '\u22121,500');
  assert.equal(fmt.num(-0.004, 2), '0.00');
  for (const s of [fmt.money(-1), fmt.pnl(-1), fmt.price(-1), fmt.pct(-1), fmt.qty(-1), fmt.num(-1)]) assert.ok(!s.includes('-'), `${s}: no hyphen-minus`);
});

test('times are New York time labelled with the zone, winter and summer', () => {
  const winter = Date.UTC(2026, 0, 5, 15, 4, 5); // 10:04:05 EST
  const summer = Date.UTC(2026, 6, 6, 14, 30, 0); // 10:30:00 EDT
  assert.equal(fmt.ny(winter), '10:04:05 EST');
  assert.equal(fmt.ny(summer), '10:30:00 EDT');
  assert.equal(fmt.nyDateTime(winter), '2026-01-05 10:04 EST');
  assert.equal(fmt.ny(Date.UTC(2026, 0, 5, 5, 0, 0)), '00:00:00 EST', 'midnight is 00, not 24');
  assert.equal(fmt.nyTick(summer, 'minutes'), '10:30');
  assert.equal(fmt.nyTick(summer + 15_000, 'seconds'), '10:30:15');
  assert.equal(fmt.nyTick(summer, 'date'), 'Jul 6');
  assert.equal(nyOffsetMs(winter), -5 * 3600_000);
  assert.equal(nyOffsetMs(summer), -4 * 3600_000);
});
