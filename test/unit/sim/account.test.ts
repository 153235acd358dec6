// The simulated account's bookkeeping against hand-computed IB conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Account } from '../../../src/extension/sim/account/account';
import { comboCommission, comboFillCommissions, executionCommission, legCharges, orderCommission } from '../../../src/extension/sim/account/commissions';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';

const X = emptyContract({ conId: 1, symbol: 'X', secType: 'STK' });
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

test('fixed-tier commissions: $0.005/share, $1 minimum, 1% cap; options $0.65/contract', () => {
  close(orderCommission('STK', 100, 50, 1), 1); // 0.50 -> minimum 1.00
  close(orderCommission('STK', 1000, 50, 1), 5); // 1000 x 0.005
  close(orderCommission('STK', 1000, 0.5, 1), 5); // 1% of $500 = 5.00, equal to per-share
  close(orderCommission('STK', 1000, 0.2, 1), 2); // 1% of $200 caps 5.00 at 2.00
  close(orderCommission('OPT', 1, 2.5, 100), 1); // 0.65 -> minimum 1.00
  close(orderCommission('OPT', 10, 2.5, 100), 6.5);
  // Per-order minimum: the first of three partial fills pays it, the rest pay the increase.
  close(executionCommission('STK', 0, 0, 100, 50, 1), 1);
  close(executionCommission('STK', 100, 50, 200, 50, 1), 0);
  close(executionCommission('STK', 200, 50, 400, 50, 1), 1);
});

test('combos: per contract across the legs, one $1 minimum per order, split over the legs', () => {
  const opt = (quantity: number, price: number) => ({ secType: 'OPT', quantity, price, multiplier: 100 });
  // A one-lot call spread: 2 contracts x $0.65 = $1.30 (IBKR's "2 Contract @ USD 5 Premium = USD 1.30").
  assert.deepEqual(comboFillCommissions(0, [opt(1, 5), opt(1, 2.5)]), { charged: 1.3, perLeg: [0.65, 0.65] });
  // Cheap legs: 2 x $0.25 = $0.50 -> the order's $1 minimum, split by the legs' charges.
  assert.deepEqual(comboFillCommissions(0, [opt(1, 0.04), opt(1, 0.03)]).perLeg, [0.5, 0.5]);
  // Ratio 1:2 (the quantities carry the ratio): 3 contracts x $0.65.
  const fly = comboFillCommissions(0, [opt(1, 4), opt(2, 2)]);
  close(fly.perLeg[0]! + fly.perLeg[1]!, 1.95);
  close(fly.perLeg[1]!, 1.3);
  // Partial fills: the first pays up to the minimum, later ones the increase of the order's total.
  const first = comboFillCommissions(0, [opt(1, 0.5)]); // 0.65 -> minimum 1.00
  close(first.perLeg[0]!, 1);
  const second = comboFillCommissions(first.charged, [opt(1, 0.5)]); // total 1.30
  close(second.perLeg[0]!, 0.3);
  close(comboCommission(second.charged), 1.3);
  assert.equal(comboCommission(0), 0);
  // Stock legs: $0.005 a share (1% of value at most).
  close(legCharges([{ secType: 'STK', quantity: 100, price: 50, multiplier: 1 }])[0]!, 0.5);
  // Shares always add up to the order's commission exactly.
  const odd = comboFillCommissions(0, [opt(1, 1), opt(1, 1), opt(1, 0.07)]);
  close(
    odd.perLeg.reduce((a, b) => a + b, 0),
    1.8,
  );
});

test('a long: average cost includes commissions; selling part realizes P&L net of commission', () => {
  const a = new Account('DU1', 10_000);
  a.applyFill(X, 100, 10, 1, 1); // cost 1000 + 1
  const p = a.positions.get(1)!;
  close(p.avgCost, 10.01);
  close(a.cash, 10_000 - 1001);
  const r = a.applyFill(X, -40, 12, 1, 1);
  close(r.realizedPnl!, (12 - 10.01) * 40 - 1);
  assert.equal(p.quantity, 60);
  close(p.avgCost, 10.01);
  close(a.cash, 10_000 - 1001 + 480 - 1);
});

test('a short: commissions lower the average; covering realizes both commissions', () => {
  const a = new Account('DU1', 10_000);
  a.applyFill(X, -300, 20, 1, 1.5);
  const p = a.positions.get(1)!;
  close(p.avgCost, 20 - 1.5 / 300);
  const r = a.applyFill(X, 300, 19, 1, 1.5);
  close(r.realizedPnl!, (20 - 19) * 300 - 3);
  assert.equal(p.quantity, 0);
});

test('crossing through zero realizes the closed part and opens the rest at the fill price', () => {
  const a = new Account('DU1', 10_000);
  a.applyFill(X, 10, 10, 1, 1);
  const r = a.applyFill(X, -30, 11, 1, 3); // closes 10 (commission share 1), opens 20 short (commission 2)
  close(r.realizedPnl!, (11 - 10.1) * 10 - 1);
  const p = a.positions.get(1)!;
  assert.equal(p.quantity, -20);
  close(p.avgCost, 11 - 2 / 20);
});

test('summary: NetLiquidation = cash + market value; margin 25% of gross; buying power 4x available', () => {
  const a = new Account('DU1', 100_000);
  a.applyFill(X, 100, 50, 1, 1);
  const s = a.summary(() => 55);
  close(s.TotalCashValue, 100_000 - 5001);
  close(s.NetLiquidation, 100_000 - 5001 + 5500);
  close(s.GrossPositionValue, 5500);
  close(s.InitMarginReq, 1375);
  close(s.BuyingPower, (s.NetLiquidation - 1375) * 4);
  close(s.UnrealizedPnL, 5500 - 5001);
  assert.equal(a.isPaper, true);
  assert.equal(new Account('U1', 0).isPaper, false);
});
