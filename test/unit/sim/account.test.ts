// The simulated account's bookkeeping against hand-computed IB conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Account } from '../../../src/extension/sim/account/account';
import { executionCommission, orderCommission } from '../../../src/extension/sim/account/commissions';
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
