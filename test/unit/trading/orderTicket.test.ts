import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bracketMarketProblem, describeTicket, fieldProblem, ticketReferencePrice, validateTicket } from '../../../src/extension/trading/orderTicket';

function problems(input: Parameters<typeof validateTicket>[0]): string[] {
  const r = validateTicket(input);
  return r.ok ? [] : r.problems.map((p) => p.message);
}

describe('manual order ticket', () => {
  it('reads typed and text fields alike, DAY by default', () => {
    const text = validateTicket({ symbol: ' nvda ', side: 'buy', quantity: '10', orderType: 'lmt', limitPrice: '120.55' });
    assert.deepEqual(text, { ok: true, ticket: { symbol: 'NVDA', side: 'BUY', quantity: 10, orderType: 'LMT', limitPrice: 120.55, tif: 'DAY' } });
    const typed = validateTicket({ symbol: 'NVDA', side: 'BUY', quantity: 10, orderType: 'LMT', limitPrice: 120.55, tif: '' });
    assert.deepEqual(typed, text);
  });

  it('each order type takes exactly its prices', () => {
    assert.equal(validateTicket({ symbol: 'MSFT', side: 'SELL', quantity: 5, orderType: 'MKT', tif: 'GTC' }).ok, true);
    const stp = validateTicket({ symbol: 'MSFT', side: 'SELL', quantity: 5, orderType: 'STP', stopPrice: '300' });
    assert.ok(stp.ok && stp.ticket.stopPrice === 300 && stp.ticket.limitPrice === undefined);
    const stpLmt = validateTicket({ symbol: 'MSFT', side: 'SELL', quantity: 5, orderType: 'STP LMT', stopPrice: 300, limitPrice: 299.5, tif: 'gtc' });
    assert.ok(stpLmt.ok);
    assert.equal(describeTicket(stpLmt.ticket), 'SELL 5 MSFT STP LMT stop 300.00 limit 299.50 GTC');
    assert.deepEqual(problems({ symbol: 'MSFT', side: 'SELL', quantity: 5, orderType: 'STP LMT', stopPrice: 300 }), [
      'limitPrice: a STP LMT order needs a limit price (valid: a price above 0, e.g. 120.55)',
    ]);
    assert.deepEqual(problems({ symbol: 'MSFT', side: 'BUY', quantity: 5, orderType: 'MKT', limitPrice: 10 }), [
      'limitPrice: a MKT order takes no limit price (valid: leave it empty, or choose LMT or STP LMT)',
    ]);
    assert.deepEqual(problems({ symbol: 'MSFT', side: 'BUY', quantity: 5, orderType: 'LMT', limitPrice: 10, stopPrice: 9 }), [
      'stopPrice: a LMT order takes no stop price (valid: leave it empty, or choose STP or STP LMT)',
    ]);
  });

  it('every bad field is named with what is valid, all at once', () => {
    assert.deepEqual(problems({ symbol: 'nv da', side: 'HOLD', quantity: '1e3', orderType: 'MOC', tif: 'IOC' }), [
      'symbol: "nv da" is not a stock symbol (valid: 1-12 letters, digits or dots starting with a letter, e.g. NVDA, BRK.B)',
      'side: "HOLD" is not a side (valid: BUY or SELL)',
      'quantity: "1e3" uses an exponent (valid: a whole number in decimal digits, e.g. 7)',
      'orderType: "MOC" is not an order type (valid: MKT, LMT, STP, STP LMT)',
      'tif: "IOC" is not a time in force (valid: DAY or GTC; empty means DAY)',
    ]);
    assert.deepEqual(problems({}), [
      'symbol: is missing (valid: a stock symbol like NVDA, 1-12 capital letters, digits or dots)',
      'side: is missing (valid: BUY or SELL)',
      'quantity: is missing (valid: a whole number of shares from 1 to 1000000)',
      'orderType: is missing (valid: MKT, LMT, STP, STP LMT)',
    ]);
  });

  it('quantities: whole shares from 1 to 1,000,000; no fractions, signs or zero', () => {
    const range = 'is out of range (valid: a whole number of shares from 1 to 1000000)';
    const digits = '(valid: a whole number in decimal digits, e.g. 7)';
    for (const [q, message] of [
      ['0', `"0" ${range}`],
      [0, `0 ${range}`],
      ['-5', `"-5" ${range}`],
      ['2.5', `"2.5" is not a whole number ${digits}`],
      [2.5, `2.5 is not a whole number ${digits}`],
      ['+5', `"+5" has a + sign ${digits}`],
      ['1000001', `"1000001" ${range}`],
      [Number.NaN, `NaN is not a finite number ${digits}`],
    ] as const) {
      assert.deepEqual(problems({ symbol: 'NVDA', side: 'BUY', quantity: q, orderType: 'MKT' }), [`quantity: ${message}`], String(q));
    }
  });

  it('prices: above 0, cents from $1, hundredths of a cent below', () => {
    const base = { symbol: 'NVDA', side: 'BUY', quantity: 1, orderType: 'LMT' } as const;
    assert.deepEqual(problems({ ...base, limitPrice: '0' }), ['limitPrice: "0" is out of range (valid: a price above 0 and at most 1000000)']);
    assert.deepEqual(problems({ ...base, limitPrice: '120.555' }), [
      'limitPrice: "120.555" has more than 2 decimals (valid: whole cents from $1, e.g. 120.55)',
    ]);
    assert.deepEqual(problems({ ...base, limitPrice: 'cheap' }), ['limitPrice: "cheap" is not a number (valid: a decimal number, e.g. 7 or 2.5)']);
    assert.equal(validateTicket({ ...base, limitPrice: '0.1234' }).ok, true);
    assert.deepEqual(problems({ ...base, limitPrice: '0.12345' }), ['limitPrice: "0.12345" has more than 4 decimals (valid: up to 4 decimals below $1)']);
  });

  it('one field at a time for an input box', () => {
    assert.equal(fieldProblem({ quantity: '10' }, 'quantity'), undefined);
    assert.match(fieldProblem({ quantity: 'ten' }, 'quantity') ?? '', /^quantity: "ten" is not a number/);
  });

  it('the risk checks value a ticket at its limit, its stop, else the market', () => {
    const lmt = validateTicket({ symbol: 'A', side: 'BUY', quantity: 1, orderType: 'STP LMT', stopPrice: 11, limitPrice: 12 });
    const mkt = validateTicket({ symbol: 'A', side: 'BUY', quantity: 1, orderType: 'MKT' });
    assert.ok(lmt.ok && mkt.ok);
    assert.equal(ticketReferencePrice(lmt.ticket, 50), 12);
    assert.equal(ticketReferencePrice(mkt.ticket, 50), 50);
    assert.equal(ticketReferencePrice(mkt.ticket, undefined), undefined);
  });

  it('a bracket: both exits, on a MKT or LMT entry, take-profit beyond the entry and stop-loss behind it', () => {
    const buy = validateTicket({ symbol: 'NVDA', side: 'BUY', quantity: 10, orderType: 'LMT', limitPrice: '100', takeProfitPrice: '110', stopLossPrice: '95' });
    assert.ok(buy.ok);
    assert.deepEqual(buy.ticket.bracket, { takeProfitPrice: 110, stopLossPrice: 95 });
    assert.equal(describeTicket(buy.ticket), 'BUY 10 NVDA LMT 100.00 DAY bracket TP 110.00 SL 95.00');
    const sell = validateTicket({ symbol: 'NVDA', side: 'SELL', quantity: 10, orderType: 'MKT', takeProfitPrice: 90, stopLossPrice: 105 });
    assert.ok(sell.ok);
    assert.equal(bracketMarketProblem(sell.ticket, 100), undefined);
    assert.equal(
      bracketMarketProblem(sell.ticket, 106),
      'takeProfitPrice: the market (106) must lie between the stop-loss 105 and the take-profit 90, or one exit fills at once',
    );
    const base = { symbol: 'NVDA', side: 'BUY', quantity: 10 } as const;
    assert.deepEqual(problems({ ...base, orderType: 'MKT', takeProfitPrice: 110 }), [
      'stopLossPrice: a bracket needs both exits (valid: a stop-loss price, or leave both empty)',
    ]);
    assert.deepEqual(problems({ ...base, orderType: 'MKT', takeProfitPrice: 90, stopLossPrice: 95 }), [
      'takeProfitPrice: 90 must be above the stop-loss 95 for a BUY bracket',
    ]);
    assert.deepEqual(problems({ ...base, orderType: 'LMT', limitPrice: 120, takeProfitPrice: 110, stopLossPrice: 95 }), [
      'takeProfitPrice: the entry limit 120 must lie between the stop-loss 95 and the take-profit 110',
    ]);
    assert.deepEqual(problems({ ...base, orderType: 'STP', stopPrice: 100, takeProfitPrice: 110, stopLossPrice: 95 }), [
      "takeProfitPrice: a bracket's entry is MKT or LMT, not STP (valid: choose MKT or LMT, or leave the exits empty)",
    ]);
    assert.deepEqual(problems({ ...base, orderType: 'MKT', takeProfitPrice: '110.001', stopLossPrice: 95 }), [
      'takeProfitPrice: "110.001" has more than 2 decimals (valid: whole cents from $1, e.g. 120.55)',
    ]);
  });
});
