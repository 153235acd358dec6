import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeDerivative,
  legDirection,
  nearestStrikes,
  netPriceProblem,
  validateComboTicket,
  validateOptionTicket,
  type ComboTicketInput,
  type OptionTicketInput,
} from '../../../src/extension/trading/optionTicket';

const CHAIN = { expirations: ['20261211', '20261218', '20270115'], strikes: [140, 145, 150, 155, 160, 165] };

function optionProblems(input: OptionTicketInput, chain = CHAIN): string[] {
  const r = validateOptionTicket(input, chain);
  return r.ok ? [] : r.problems.map((p) => p.message);
}

function comboProblems(input: ComboTicketInput, chain = CHAIN): string[] {
  const r = validateComboTicket(input, chain);
  return r.ok ? [] : r.problems.map((p) => p.message);
}

const call = (strike: number, action = 'BUY', ratio: unknown = 1) => ({ expiry: '20261218', strike, right: 'C', action, ratio });

describe('option ticket', () => {
  it('reads typed and text fields alike; DAY by default; CALL/PUT read as C/P', () => {
    const text = validateOptionTicket(
      { symbol: ' nvda ', expiry: '20261218', strike: '150', right: 'call', side: 'buy', quantity: '2', orderType: 'lmt', limitPrice: '5.20' },
      CHAIN,
    );
    assert.deepEqual(text, {
      ok: true,
      ticket: {
        kind: 'option',
        option: { expiry: '20261218', strike: 150, right: 'C' },
        symbol: 'NVDA',
        side: 'BUY',
        quantity: 2,
        orderType: 'LMT',
        limitPrice: 5.2,
        tif: 'DAY',
      },
    });
    assert.ok(text.ok);
    assert.equal(describeDerivative(text.ticket), 'BUY 2 NVDA 20261218 150C LMT 5.20 DAY');
    const typed = validateOptionTicket(
      { symbol: 'NVDA', expiry: 20261218, strike: 150, right: 'C', side: 'BUY', quantity: 2, orderType: 'LMT', limitPrice: 5.2, tif: '' },
      CHAIN,
    );
    assert.deepEqual(typed, text);
  });

  it('the expiry and the strike must be in the chain; the message lists what is', () => {
    assert.deepEqual(optionProblems({ symbol: 'NVDA', expiry: '20261219', strike: 152.5, right: 'P', side: 'SELL', quantity: 1, orderType: 'MKT' }), [
      "expiry: 20261219 is not an expiry of NVDA's chain (valid: 20261211, 20261218, 20270115)",
      "strike: 152.5 is not a strike of NVDA's chain (valid: one of its strikes, e.g. 140, 145, 150, 155, 160, 165)",
    ]);
    assert.deepEqual(nearestStrikes([100, 105, 110, 115, 120, 125, 130, 135], 121, 3), [115, 120, 125]);
  });

  it('every bad field is named with what is valid, all at once', () => {
    assert.deepEqual(
      optionProblems({ symbol: 'NVDA', expiry: '2026-12-18', strike: '-5', right: 'X', side: 'HOLD', quantity: '1.5', orderType: 'STP', tif: 'FOK' }),
      [
        'side: "HOLD" is not a side (valid: BUY or SELL)',
        'quantity: "1.5" is not a whole number (valid: a whole number in decimal digits, e.g. 7)',
        'orderType: "STP" is not an order type here (valid: MKT or LMT)',
        'tif: "FOK" is not a time in force (valid: DAY or GTC; empty means DAY)',
        'expiry: "2026-12-18" is not a date as yyyyMMdd (valid: e.g. 20261218)',
        'strike: "-5" is out of range (valid: a strike above 0)',
        'right: "X" is not an option right (valid: C (call) or P (put))',
      ],
    );
    assert.deepEqual(optionProblems({}), [
      'symbol: is missing (valid: the underlying stock symbol, e.g. NVDA)',
      'side: is missing (valid: BUY or SELL)',
      'quantity: is missing (valid: a whole number of contracts from 1 to 10000)',
      'orderType: is missing (valid: MKT or LMT)',
      'expiry: is missing (valid: an expiry of the chain as yyyyMMdd: 20261211, 20261218, 20270115)',
      'strike: is missing (valid: a strike of the chain)',
      'right: is missing (valid: C (call) or P (put))',
    ]);
  });

  it('a LMT needs its premium above 0; a MKT takes none; contracts are whole', () => {
    const base = { symbol: 'NVDA', expiry: '20261218', strike: 150, right: 'C', side: 'BUY' };
    assert.deepEqual(optionProblems({ ...base, quantity: 1, orderType: 'LMT' }), [
      'limitPrice: a LMT order needs a limit price (valid: a premium above 0, e.g. 2.35)',
    ]);
    assert.deepEqual(optionProblems({ ...base, quantity: 1, orderType: 'LMT', limitPrice: '-1' }), [
      'limitPrice: "-1" is out of range (valid: a price above 0 and at most 1000000)',
    ]);
    assert.deepEqual(optionProblems({ ...base, quantity: 1, orderType: 'MKT', limitPrice: 2 }), [
      'limitPrice: a MKT order takes no limit price (valid: leave it empty, or choose LMT)',
    ]);
    assert.deepEqual(optionProblems({ ...base, quantity: 0, orderType: 'MKT' }), [
      'quantity: 0 is out of range (valid: a whole number of contracts from 1 to 10000)',
    ]);
  });

  it('without the chain, only the form of expiry and strike is checked (the desk checks the chain next)', () => {
    const r = validateOptionTicket({ symbol: 'NVDA', expiry: '20261219', strike: 152.5, right: 'P', side: 'SELL', quantity: 1, orderType: 'MKT' });
    assert.equal(r.ok, true);
    assert.equal(validateOptionTicket({ symbol: 'NVDA', expiry: '20260231', strike: 150, right: 'P', side: 'SELL', quantity: 1, orderType: 'MKT' }).ok, false);
  });
});

describe('combo ticket', () => {
  const vertical: ComboTicketInput = { symbol: 'NVDA', side: 'BUY', quantity: 2, orderType: 'LMT', limitPrice: '1.85', legs: [call(150), call(155, 'SELL')] };

  it('a vertical: legs with their actions and ratios, a net debit limit', () => {
    const r = validateComboTicket(vertical, CHAIN);
    assert.ok(r.ok, r.ok ? '' : r.problems.map((p) => p.message).join('; '));
    assert.deepEqual(r.ticket.legs, [
      { expiry: '20261218', strike: 150, right: 'C', action: 'BUY', ratio: 1 },
      { expiry: '20261218', strike: 155, right: 'C', action: 'SELL', ratio: 1 },
    ]);
    assert.equal(describeDerivative(r.ticket), 'BUY 2 NVDA combo (+1 20261218 150C, -1 20261218 155C) LMT 1.85 DAY');
  });

  it('a credit is a negative net limit; zero is even; cents only', () => {
    const credit = validateComboTicket({ ...vertical, limitPrice: '-0.80' }, CHAIN);
    assert.ok(credit.ok);
    assert.equal(credit.ticket.limitPrice, -0.8);
    assert.equal(describeDerivative(credit.ticket), 'BUY 2 NVDA combo (+1 20261218 150C, -1 20261218 155C) LMT -0.80 credit DAY');
    assert.equal(validateComboTicket({ ...vertical, limitPrice: 0 }, CHAIN).ok, true);
    assert.deepEqual(netPriceProblem('1.255'), { problem: '"1.255" has more than 2 decimals (valid: whole cents, e.g. 1.25 or -0.80)' });
    assert.deepEqual(comboProblems({ ...vertical, limitPrice: undefined }), [
      'limitPrice: a LMT order needs a limit price (valid: the net per combo, negative for a credit, e.g. 1.25 or -0.80)',
    ]);
  });

  it('1 leg or more than 4 legs is not a combo; legs must be a list', () => {
    const legCount = '(valid: 2 to 4 legs, each an option of the chain with BUY or SELL and a ratio)';
    assert.deepEqual(comboProblems({ ...vertical, legs: [call(150)] }), [`legs: 1 leg is not a combo ${legCount}`]);
    assert.deepEqual(comboProblems({ ...vertical, legs: [call(140), call(145), call(150), call(155), call(160)] }), [
      `legs: 5 legs are not a combo ${legCount}`,
    ]);
    assert.deepEqual(comboProblems({ ...vertical, legs: undefined }), [`legs: are missing ${legCount}`]);
    assert.equal(validateComboTicket({ ...vertical, legs: [call(140), call(145, 'SELL'), call(150, 'SELL'), call(155)] }, CHAIN).ok, true, 'a condor: 4 legs');
  });

  it('each leg: ratio a whole number above 0, a side, an option of the chain, once', () => {
    assert.deepEqual(comboProblems({ ...vertical, legs: [call(150, 'BUY', 0), call(152.5, 'HOLD', '1.5')] }), [
      'legs[0].ratio: 0 is out of range (valid: a whole number of contracts per combo from 1 to 100)',
      "legs[1].strike: 152.5 is not a strike of NVDA's chain (valid: one of its strikes, e.g. 140, 145, 150, 155, 160, 165)",
      'legs[1].action: "HOLD" is not a side (valid: BUY or SELL)',
      'legs[1].ratio: "1.5" is not a whole number (valid: a whole number in decimal digits, e.g. 7)',
    ]);
    assert.deepEqual(comboProblems({ ...vertical, legs: [call(150), call(150, 'SELL', 2)] }), [
      'legs[1].strike: 20261218 150C is already legs[0] (valid: each option once; change its ratio instead)',
    ]);
    assert.deepEqual(comboProblems({ ...vertical, legs: [call(150, 'BUY', -1), call(155, 'SELL')] }), [
      'legs[0].ratio: -1 is out of range (valid: a whole number of contracts per combo from 1 to 100)',
    ]);
  });

  it('selling a combo sells its BUY legs and buys its SELL legs', () => {
    const r = validateComboTicket({ ...vertical, side: 'SELL' }, CHAIN);
    assert.ok(r.ok);
    assert.deepEqual(
      r.ticket.legs.map((l) => legDirection(r.ticket, l)),
      [-1, 1],
    );
    const b = validateComboTicket(vertical, CHAIN);
    assert.ok(b.ok);
    assert.deepEqual(
      b.ticket.legs.map((l) => legDirection(b.ticket, l)),
      [1, -1],
    );
  });
});
