// Account requests through @stoqey/ib over TCP: the starting cash from the `cash`
// option, reqAccountSummary (tags, $LEDGER), reqAccountUpdates (values, portfolio,
// download end), reqAccountUpdatesMulti, reqPositions, reqPnL and reqPnLSingle, all
// checked against one another and against the fills of MKT orders placed here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, OrderAction, OrderType, type Contract } from '@stoqey/ib';
import { collectUntil, once, startSim, TestClient, type SimFixture } from '../../helpers/simHarness';
import { listen, NVDA, NVDA_CON_ID, WED_10AM_NY } from '../../helpers/simData';

const CASH = 250_000;
const ACCOUNT = 'DU1234567';
let fx: SimFixture;
let client: TestClient;
let nextReqId = 1;

before(async () => {
  fx = await startSim({ startMs: WED_10AM_NY, cash: CASH, tickMs: 20 });
  client = await new TestClient(fx.sim.port, 51).connect();
});
after(async () => {
  client.disconnect();
  await fx.stop();
});

interface Fill {
  price: number;
  shares: number;
  commission: number;
}

async function marketOrder(action: OrderAction, qty: number, contract: Contract = NVDA): Promise<Fill> {
  const orderId = client.takeOrderId();
  const filled = once(client.ib, EventName.orderStatus, 3000, (id: number, status: string) => id === orderId && status === 'Filled');
  const execs: Array<{ execId: string; price: number; shares: number }> = [];
  const commissions = new Map<string, number>();
  const onExec = (_r: number, _c: unknown, e: { orderId: number; execId: string; price: number; shares: number }) => {
    if (e.orderId === orderId) execs.push(e);
  };
  const onCommission = (r: { execId: string; commission: number }) => commissions.set(r.execId, r.commission);
  const offExec = listen(client.ib, EventName.execDetails, onExec);
  const offCommission = listen(client.ib, EventName.commissionReport, onCommission);
  try {
    client.ib.placeOrder(orderId, contract, { action, totalQuantity: qty, orderType: OrderType.MKT, transmit: true });
    const [, , filledQty, , avgFillPrice] = await filled;
    assert.equal(filledQty, qty);
    const deadline = Date.now() + 3000;
    while (execs.some((e) => !commissions.has(e.execId)) || execs.reduce((s, e) => s + e.shares, 0) < qty) {
      if (Date.now() > deadline) throw new Error('executions / commission reports missing');
      await new Promise((r) => setTimeout(r, 10));
    }
    return { price: avgFillPrice, shares: qty, commission: execs.reduce((s, e) => s + (commissions.get(e.execId) ?? 0), 0) };
  } finally {
    offExec();
    offCommission();
  }
}

async function summary(tags: string): Promise<Map<string, { value: string; currency: string; account: string }>> {
  const reqId = nextReqId++;
  const rows = collectUntil(client.ib, EventName.accountSummary, EventName.accountSummaryEnd, 3000, (id: number) => id === reqId);
  client.ib.reqAccountSummary(reqId, 'All', tags);
  const out = new Map<string, { value: string; currency: string; account: string }>();
  for (const [id, account, tag, value, currency] of await rows) if (id === reqId) out.set(tag, { value, currency, account });
  client.ib.cancelAccountSummary(reqId);
  return out;
}

interface Portfolio {
  contract: Contract;
  position: number;
  marketPrice: number;
  marketValue: number;
  averageCost: number;
  unrealizedPNL: number;
  realizedPNL: number;
  accountName: string;
}

async function accountUpdates(): Promise<{ values: Map<string, { value: string; currency: string }>; portfolio: Portfolio[]; time: string }> {
  const values = new Map<string, { value: string; currency: string }>();
  const portfolio: Portfolio[] = [];
  let time = '';
  const onValue = (key: string, value: string, currency: string, account: string) => {
    assert.equal(account, ACCOUNT);
    if (key === 'CashBalance' && currency === 'BASE') return;
    values.set(key, { value, currency });
  };
  const onPortfolio = (
    contract: Contract,
    position: number,
    marketPrice: number,
    marketValue: number,
    averageCost: number,
    unrealizedPNL: number,
    realizedPNL: number,
    accountName: string,
  ) => portfolio.push({ contract, position, marketPrice, marketValue, averageCost, unrealizedPNL, realizedPNL, accountName });
  const onTime = (t: string) => (time = t);
  client.ib.on(EventName.updateAccountValue, onValue);
  const offPortfolio = listen(client.ib, EventName.updatePortfolio, onPortfolio);
  client.ib.on(EventName.updateAccountTime, onTime);
  try {
    const end = once(client.ib, EventName.accountDownloadEnd);
    client.ib.reqAccountUpdates(true, ACCOUNT);
    assert.deepEqual(await end, [ACCOUNT]);
    client.ib.reqAccountUpdates(false, ACCOUNT);
    return { values, portfolio, time };
  } finally {
    client.ib.off(EventName.updateAccountValue, onValue);
    offPortfolio();
    client.ib.off(EventName.updateAccountTime, onTime);
  }
}

const num = (m: Map<string, { value: string }>, k: string) => {
  const v = m.get(k);
  assert.ok(v, `${k} present`);
  return Number(v.value);
};
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

let cashBeforeFill = NaN;
let buy: Fill;

test('before any trade: cash is the `cash` option, NetLiquidation equals it, BuyingPower is 4x AvailableFunds', async () => {
  const s = await summary('NetLiquidation,TotalCashValue,AvailableFunds,BuyingPower,GrossPositionValue,AccountType');
  assert.deepEqual(
    [...s.keys()].sort(),
    ['AccountType', 'AvailableFunds', 'BuyingPower', 'GrossPositionValue', 'NetLiquidation', 'TotalCashValue'],
    'exactly the tags asked for',
  );
  for (const [tag, row] of s) {
    assert.equal(row.account, ACCOUNT);
    if (tag !== 'AccountType') assert.equal(row.currency, 'USD');
  }
  assert.equal(s.get('TotalCashValue')!.value, '250000.00');
  assert.equal(num(s, 'NetLiquidation'), CASH);
  assert.equal(num(s, 'GrossPositionValue'), 0);
  // IB: a margin account's buying power is 4 x available funds (intraday).
  assert.equal(num(s, 'BuyingPower'), 4 * num(s, 'AvailableFunds'));
  assert.equal(num(s, 'AvailableFunds'), CASH);
  cashBeforeFill = num(s, 'TotalCashValue');
});

test('$LEDGER: the cash ledger in the base currency', async () => {
  const s = await summary('$LEDGER');
  assert.equal(s.get('CashBalance')?.value, '250000.00');
  assert.equal(s.get('CashBalance')?.currency, 'USD');
  assert.equal(s.get('TotalCashBalance')?.value, '250000.00');
  assert.equal(num(s, 'NetLiquidationByCurrency'), CASH);
  assert.ok(!s.has('BuyingPower'), 'ledger tags only');
});

test('after BUY 10 NVDA: cash, NetLiquidation, portfolio and positions agree with the fill', async () => {
  buy = await marketOrder(OrderAction.BUY, 10);
  const { values, portfolio, time } = await accountUpdates();
  const cash = num(values, 'TotalCashValue');
  close(cash, cashBeforeFill - buy.price * 10 - buy.commission, 0.011, 'cash falls by price x qty + commission');
  assert.equal(values.get('CashBalance')?.value, values.get('TotalCashValue')?.value);
  assert.equal(values.get('AccountCode')?.value, ACCOUNT);
  assert.equal(values.get('NetLiquidation')?.currency, 'USD');

  assert.equal(portfolio.length, 1);
  const p = portfolio[0]!;
  assert.equal(p.contract.conId, NVDA_CON_ID);
  assert.equal(p.contract.symbol, 'NVDA');
  assert.equal(p.position, 10);
  assert.equal(p.accountName, ACCOUNT);
  close(p.marketValue, 10 * p.marketPrice, 0.011, 'marketValue = position x marketPrice');
  close(p.marketPrice, buy.price, buy.price * 0.01, 'marketPrice near the fill');
  // IB's average cost includes the commission.
  close(p.averageCost, (buy.price * 10 + buy.commission) / 10, 1e-4, 'averageCost');
  close(p.unrealizedPNL, p.marketValue - 10 * p.averageCost, 0.011, 'unrealizedPNL');
  assert.equal(p.realizedPNL, 0);

  // NetLiquidation = cash + market value of the positions; GrossPositionValue = |market value|.
  const netLiq = num(values, 'NetLiquidation');
  close(netLiq, cash + p.marketValue, 10 * 0.01 + 0.02, 'NetLiquidation = TotalCashValue + marketValue');
  close(num(values, 'GrossPositionValue'), Math.abs(p.marketValue), 0.11, 'GrossPositionValue');
  close(num(values, 'BuyingPower'), 4 * num(values, 'AvailableFunds'), 0.05, 'BuyingPower = 4 x AvailableFunds');
  assert.ok(num(values, 'AvailableFunds') < netLiq, 'a position uses margin');
  assert.match(time, /^\d{2}:\d{2}$/, `updateAccountTime ${time}`);

  const positions = collectUntil(client.ib, EventName.position, EventName.positionEnd);
  client.ib.reqPositions();
  const rows = await positions;
  client.ib.cancelPositions();
  assert.deepEqual(
    rows.map((r) => [r[0], r[1].conId, r[2]]),
    [[ACCOUNT, NVDA_CON_ID, 10]],
  );
  close(rows[0]![3], p.averageCost, 1e-4, 'position avgCost = portfolio averageCost');
});

test('reqAccountSummary after the fill matches reqAccountUpdates; reqAccountUpdatesMulti too', async () => {
  const s = await summary('TotalCashValue,NetLiquidation,GrossPositionValue');
  const { values } = await accountUpdates();
  assert.equal(s.get('TotalCashValue')!.value, values.get('TotalCashValue')!.value);
  close(num(s, 'NetLiquidation'), num(values, 'NetLiquidation'), 0.11, 'NetLiquidation (price may move a cent)');

  const reqId = nextReqId++;
  // (@stoqey/ib 1.6.10 reads accountUpdateMultiEnd's reqId as a string.)
  const rows = collectUntil(client.ib, EventName.accountUpdateMulti, EventName.accountUpdateMultiEnd, 3000, (id: unknown) => Number(id) === reqId);
  client.ib.reqAccountUpdatesMulti(reqId, ACCOUNT, '', false);
  const multi = new Map<string, string>();
  for (const [id, account, modelCode, key, value, currency] of await rows) {
    assert.equal(id, reqId);
    assert.equal(account, ACCOUNT);
    assert.equal(modelCode, '');
    if (!(key === 'CashBalance' && currency === 'BASE')) multi.set(key, value);
  }
  client.ib.cancelAccountUpdatesMulti(reqId);
  assert.equal(multi.get('TotalCashValue'), values.get('TotalCashValue')!.value);
  assert.equal(multi.get('CashBalance'), values.get('TotalCashValue')!.value);
  close(Number(multi.get('NetLiquidation')), num(values, 'NetLiquidation'), 0.11, 'multi NetLiquidation');
});

test('reqPnLSingle and reqPnL agree with the position', async () => {
  const positions = collectUntil(client.ib, EventName.position, EventName.positionEnd);
  client.ib.reqPositions();
  const avgCost = Number((await positions).find((r) => r[1].conId === NVDA_CON_ID)![3]);
  client.ib.cancelPositions();

  const singleId = nextReqId++;
  const single = once(client.ib, EventName.pnlSingle, 3000, (id: number) => id === singleId);
  client.ib.reqPnLSingle(singleId, ACCOUNT, '', NVDA_CON_ID);
  const [, pos, daily, unrealized, realized, value] = (await single) as number[];
  client.ib.cancelPnLSingle(singleId);
  assert.equal(pos, 10);
  close(unrealized!, value! - 10 * avgCost, 0.011, 'unrealized = value - position x avgCost');
  assert.equal(realized, 0);
  // Opened today: the day's P&L is all of it.
  close(daily!, unrealized! + realized!, 0.011, 'daily = unrealized + realized');
  close(value! / 10, buy.price, buy.price * 0.01, 'value is 10 x the current price');

  const pnlId = nextReqId++;
  const pnl = once(client.ib, EventName.pnl, 3000, (id: number) => id === pnlId);
  client.ib.reqPnL(pnlId, ACCOUNT, '');
  const [, accDaily, accUnrealized, accRealized] = (await pnl) as number[];
  client.ib.cancelPnL(pnlId);
  close(accUnrealized!, unrealized!, 0.11, 'account unrealized = the one position');
  assert.equal(accRealized, 0);
  // NetLiquidation moved only by this position since the start of the day.
  close(accDaily!, accUnrealized!, 0.11, 'account daily P&L = unrealized of the day trade');
});

test('after SELL 4: realized P&L = 4 x (sell price - average cost) - commission, everywhere', async () => {
  const positions = collectUntil(client.ib, EventName.position, EventName.positionEnd);
  client.ib.reqPositions();
  const avgCost = Number((await positions).find((r) => r[1].conId === NVDA_CON_ID)![3]);
  client.ib.cancelPositions();

  const sell = await marketOrder(OrderAction.SELL, 4);
  const expected = 4 * (sell.price - avgCost) - sell.commission;
  const { values, portfolio } = await accountUpdates();
  const p = portfolio.find((x) => x.contract.conId === NVDA_CON_ID)!;
  assert.equal(p.position, 6);
  close(p.realizedPNL, expected, 0.011, 'portfolio realizedPNL');
  close(p.averageCost, avgCost, 1e-4, 'closing part of a position keeps its average cost');
  close(num(values, 'RealizedPnL'), expected, 0.011, 'account RealizedPnL');

  const singleId = nextReqId++;
  const single = once(client.ib, EventName.pnlSingle, 3000, (id: number) => id === singleId);
  client.ib.reqPnLSingle(singleId, ACCOUNT, '', NVDA_CON_ID);
  const [, pos, , , realized] = (await single) as number[];
  client.ib.cancelPnLSingle(singleId);
  assert.equal(pos, 6);
  close(realized!, expected, 0.011, 'pnlSingle realized');
});

test('reqPnL daily P&L counts a trade made before anything asked for the account', async () => {
  const fresh = await startSim({ startMs: WED_10AM_NY, cash: CASH, tickMs: 20 });
  const other = await new TestClient(fresh.sim.port, 52).connect();
  try {
    const orderId = other.takeOrderId();
    const filled = once(other.ib, EventName.orderStatus, 3000, (id: number, status: string) => id === orderId && status === 'Filled');
    other.ib.placeOrder(orderId, NVDA, { action: OrderAction.BUY, totalQuantity: 10, orderType: OrderType.MKT, transmit: true });
    await filled;
    const pnl = once(other.ib, EventName.pnl, 3000, (id: number) => id === 1);
    other.ib.reqPnL(1, ACCOUNT, '');
    const [, daily, unrealized] = (await pnl) as number[];
    // Buying at the ask and paying commission costs money the moment it happens.
    assert.ok(unrealized! < 0, `unrealized ${unrealized}`);
    close(daily!, unrealized!, 0.11, 'daily P&L = unrealized (nothing else happened today)');
  } finally {
    other.disconnect();
    await fresh.stop();
  }
});
