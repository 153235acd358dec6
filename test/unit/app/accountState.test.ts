// The account strip's state: TWS's figures passed through as they came (reqPnL first, the
// account values' P&L until it arrives), each position's market value, share of net
// liquidation, day P&L and owner (the session's book or external), through the PanelStore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountSnapshot } from '../../../src/extension/broker/types';
import { accountView, positionOwner } from '../../../src/extension/app/accountState';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { isHostToWebview } from '../../../src/webview/validate';
import { pos } from '../../helpers/panelRecords';

const snap = (over: Partial<AccountSnapshot> = {}): AccountSnapshot => ({
  account: 'DU1',
  values: { NetLiquidation: '100000.00', TotalCashValue: '80000.00', BuyingPower: '320000.00', RealizedPnL: '12.50', UnrealizedPnL: '-40.25', Currency: 'USD' },
  netLiquidation: 100_000,
  totalCashValue: 80_000,
  buyingPower: 320_000,
  currency: 'USD',
  portfolio: [],
  updatedAt: 1000,
  ...over,
});

test('account view: TWS figures; reqPnL over the account values for P&L; nothing invented before data', () => {
  assert.deepEqual(accountView(undefined, undefined), {});
  assert.deepEqual(accountView(snap(), undefined), {
    account: 'DU1',
    currency: 'USD',
    netLiquidation: 100_000,
    cash: 80_000,
    buyingPower: 320_000,
    realizedPnl: 12.5,
    unrealizedPnl: -40.25,
    updatedAt: 1000,
  });
  const v = accountView(snap(), { account: 'DU1', daily: -7, realized: 3, unrealized: -10, at: 2 });
  assert.equal(v.dailyPnl, -7);
  assert.equal(v.realizedPnl, 3, "reqPnL's realized");
  assert.equal(v.unrealizedPnl, -10);
  // An empty or non-numeric account value is no figure.
  const odd = accountView(snap({ values: { RealizedPnL: '', UnrealizedPnL: 'n/a' } }), undefined);
  assert.equal(odd.realizedPnl, undefined);
  assert.equal(odd.unrealizedPnl, undefined);
  assert.equal(odd.updatedAt, 1000);
  assert.equal(accountView(snap({ values: {} }), undefined).updatedAt, undefined, 'no values yet: not "updated"');
});

test('position owner: the session book holds all (session), part (shared) or none / the other side (external)', () => {
  assert.equal(positionOwner(100, undefined), 'external');
  assert.equal(positionOwner(100, 0), 'external');
  assert.equal(positionOwner(100, 100), 'session');
  assert.equal(positionOwner(100, 40), 'shared');
  assert.equal(positionOwner(-50, -50), 'session');
  assert.equal(positionOwner(-50, -20), 'shared');
  assert.equal(positionOwner(100, -20), 'external', 'a book on the other side owns none of it');
});

test('positions: market value, % of net liquidation, day P&L and owner from the session book', () => {
  const store = new PanelStore();
  const topics: string[] = [];
  store.onChange((t) => topics.push(t));
  store.setPositions([pos('NVDA', 100, 12_000, 1), pos('MSFT', 10, 4000, 2)]);
  store.setQuote('DU1:1', 125);
  store.account.setSnapshot(snap());
  assert.ok(topics.includes('account') && topics.includes('positions'));
  let [msft, nvda] = store.positionRows();
  assert.equal(nvda!.marketValue, 12_500);
  assert.equal(nvda!.pctOfNetLiq, 12.5);
  assert.equal(nvda!.owner, 'external', 'no session: every position is external');
  assert.equal(nvda!.bookQuantity, undefined);
  assert.equal(msft!.marketValue, undefined, 'no price yet: no value and no share');
  assert.equal(msft!.pctOfNetLiq, undefined);

  store.account.setDayChange('DU1:1', -35.5);
  store.account.setBook('DU1', new Map([['NVDA', 40]]));
  [msft, nvda] = store.positionRows();
  assert.equal(nvda!.dayChange, -35.5);
  assert.equal(nvda!.owner, 'shared');
  assert.equal(nvda!.bookQuantity, 40);
  assert.equal(msft!.owner, 'external');
  assert.equal(msft!.bookQuantity, 0);
  // Another account's book owns nothing here.
  store.account.setBook('DU2', new Map([['NVDA', 100]]));
  assert.equal(store.positionRows()[1]!.owner, 'external');
  assert.equal(store.positionRows()[1]!.bookQuantity, undefined);
  assert.ok(isHostToWebview(store.message('positions')));
  assert.ok(isHostToWebview(store.message('account')));
  assert.ok(isHostToWebview({ type: 'snapshot', state: store.snapshot() }));

  // The day P&L of a position that is gone goes with it; a disconnect empties the strip.
  store.account.setDayChange('DU1:1', undefined);
  assert.equal(store.positionRows()[1]!.dayChange, undefined);
  store.clearBrokerData();
  assert.deepEqual(store.account.view(), {});
});

/** A running session whose cycle ended with `shares` NVDA in its book. */
function runningWithBook(store: PanelStore, shares: number): void {
  store.sessionEvent({ type: 'state', state: 'running', at: 1 });
  const pnl = { realized: 0, unrealized: 0, commissions: 0, net: 0 };
  store.sessionEvent({
    type: 'cycle-end',
    at: 2,
    cycle: 1,
    cycles: 4,
    marketTime: 0,
    stalled: false,
    decisions: [],
    orders: [],
    pnl: { ...pnl, perSymbol: { NVDA: { position: shares, mark: 120, ...pnl } } },
  });
}

test("the session's cycles set the book: positions the session bought are its own", () => {
  const store = new PanelStore();
  store.setPositions([pos('NVDA', 100, 12_000, 1)]);
  runningWithBook(store, 100);
  assert.equal(store.positionRows()[0]!.owner, 'session');
  assert.equal(store.positionRows()[0]!.bookQuantity, 100);
});

test("the session's summary sets the final book: after Flatten Book the shares left are external again", () => {
  const store = new PanelStore();
  store.setPositions([pos('NVDA', 107, 12_000, 1)]);
  runningWithBook(store, 100);
  assert.equal(store.positionRows()[0]!.owner, 'shared');
  // The book is flattened between cycles (no cycle-end follows): TWS now holds only the other program's 7.
  store.setPositions([pos('NVDA', 7, 840, 1)]);
  store.sessionEvent({
    type: 'summary',
    at: 3,
    summary: {
      sessionId: 's1',
      mode: 'paper',
      account: 'DU1',
      cycles: { done: 1, planned: 4 },
      restarts: 0,
      decisions: 1,
      orders: { total: 2, filled: 2, partiallyFilled: 0, cancelled: 0, rejected: 0, notSent: 0, notAtTws: 0, working: 0 },
      blocked: {},
      trades: 2,
      perSymbol: [
        { symbol: 'NVDA', orders: 2, fills: 2, bought: 100, sold: 100, startPosition: 0, position: 0, realized: 5, unrealized: 0, commissions: 2, net: 3 },
      ],
      totals: { realized: 5, unrealized: 0, commissions: 2, net: 3 },
    },
  });
  assert.equal(store.positionRows()[0]!.owner, 'external', 'the book holds none of the 7');
  assert.equal(store.positionRows()[0]!.bookQuantity, 0);
});
