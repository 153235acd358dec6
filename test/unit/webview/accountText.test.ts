// The panel's one money style (currency, two decimals, thousands separators, a true minus
// sign U+2212, a plus on signed figures, no "-0.00") and the account strip's, positions' and
// watchlist's texts built on it: pure functions of the protocol's views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt } from '../../../src/webview/format';
import { accountFigures, changeText, dataText, ownerText, typedSymbol, watchlistSource } from '../../../src/webview/accountText';

const MINUS = '\u2212';

test('money: the currency, two decimals, thousands separators, a true minus, no negative zero', () => {
  assert.equal(fmt.money(1_234_567.891, 'USD'), '$1,234,567.89');
  assert.equal(fmt.money(-12, 'USD'), `${MINUS}$12.00`);
  assert.equal(fmt.money(-0.004, 'USD'), '$0.00');
  assert.equal(fmt.money(0.005, 'USD'), '$0.01');
  assert.equal(fmt.money(5, 'EUR'), '€5.00');
  assert.match(fmt.money(-1234.5, 'CHF'), new RegExp(`^${MINUS}CHF\\s1,234\\.50$`));
  assert.equal(fmt.money(5, 'X1'), 'X1 5.00', 'not an ISO code: written as it came');
  assert.equal(fmt.money(5), '$5.00', "no currency given: dollars, the panel's default");
  assert.equal(fmt.money(undefined, 'USD'), '—');
  assert.ok(!fmt.money(-5, 'USD').includes('-'), 'never a hyphen-minus');
});

test('signed money and percentages: a plus when up, a true minus when down, nothing on zero', () => {
  assert.equal(fmt.signedMoney(1234.5, 'USD'), '+$1,234.50');
  assert.equal(fmt.signedMoney(-1234.5, 'USD'), `${MINUS}$1,234.50`);
  assert.equal(fmt.signedMoney(-0.001, 'USD'), '$0.00');
  assert.equal(fmt.sharePct(12.3456), '12.35%');
  assert.equal(fmt.signedPct(-0.4), `${MINUS}0.40%`);
  assert.equal(fmt.signedPct(-0.004), '0.00%');
  assert.equal(fmt.change(1.5), '+1.50');
  assert.equal(fmt.change(-0.001), '0.00');
});

test("the account strip's figures: money in the account's currency, P&L signed and classed", () => {
  const figures = accountFigures({
    currency: 'USD',
    netLiquidation: 1_000_000,
    cash: 912_345.678,
    buyingPower: 3_649_382.71,
    dailyPnl: -1250.5,
    realizedPnl: 0,
  });
  const by = Object.fromEntries(figures.map((f) => [f.key, f]));
  assert.deepEqual(
    figures.map((f) => f.label),
    ['Net Liq', 'Cash', 'Buying Power', 'Day P&L', 'Realized', 'Unrealized'],
  );
  assert.equal(by.netLiquidation!.text, '$1,000,000.00');
  assert.equal(by.cash!.text, '$912,345.68');
  assert.equal(by.buyingPower!.text, '$3,649,382.71');
  assert.equal(by.dailyPnl!.text, `${MINUS}$1,250.50`);
  assert.equal(by.dailyPnl!.cls, 'down');
  assert.equal(by.netLiquidation!.cls, '', 'balances are not coloured');
  assert.equal(by.realizedPnl!.text, '$0.00');
  assert.equal(by.unrealizedPnl!.text, '—', 'not known yet');
  assert.equal(by.unrealizedPnl!.value, undefined);
});

test('owner, watchlist source, change and data texts', () => {
  assert.equal(ownerText({ owner: 'session', quantity: 100 }), 'AI session');
  assert.equal(ownerText({ owner: 'external', quantity: 100 }), 'external');
  assert.equal(ownerText({ owner: 'shared', quantity: 1500, bookQuantity: 100 }), 'session 100 · external 1,400');
  assert.equal(ownerText({ quantity: 1 }), '—');
  assert.equal(watchlistSource({ inSession: true, inUserList: true }), 'session · yours');
  assert.equal(watchlistSource({ inSession: false, inUserList: true }), 'yours');
  assert.equal(changeText({ change: -1.5, changePct: -0.75 }), `${MINUS}1.50 (${MINUS}0.75%)`);
  assert.equal(changeText({}), '—');
  assert.equal(dataText({ delayed: true, last: 1 }), 'delayed');
  assert.equal(dataText({ delayed: false, bid: 1 }), 'live');
  assert.equal(dataText({ delayed: false }), '—');
  assert.equal(dataText({ delayed: false, error: 'x' }), 'no quotes');
  assert.equal(typedSymbol('  brk.b '), 'BRK.B');
});
