// The account strip and the watchlist under plain node against the real simulator over TCP:
// the strip's net liquidation, cash and buying power equal what the simulator's account says
// to a second TWS API client (reqAccountSummary); a position bought by that other client is
// shown external with its market value, share of net liquidation and day P&L; a watchlist
// symbol's quote updates, and without a market data subscription it is marked delayed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { FAST } from '../../helpers/brokerFixture';
import { flatReplay, tempDir, WED_10AM_NY } from '../../helpers/sessionFixture';
import { collectUntil, startSim, TestClient, waitFor, type SimFixture } from '../../helpers/simHarness';
import { resolveTarget } from '../../../src/extension/app/configModel';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { Trader } from '../../../src/extension/app/trader';
import { isHostToWebview } from '../../../src/webview/validate';

function connectTrader(fx: SimFixture, store: PanelStore): Promise<Trader> {
  const running = { host: '127.0.0.1', port: fx.sim.port, account: fx.sim.account.id, serverVersion: fx.sim.serverVersion };
  const trader = new Trader({ store, simulator: () => running, brokerConfig: FAST, log: () => {} });
  return trader.connect(resolveTarget({ settings: {}, simulator: running })).then((ok) => {
    assert.equal(ok, true, 'connected');
    return trader;
  });
}

/** The simulator's account figures, asked by another TWS API client (reqAccountSummary). */
async function simSummary(client: TestClient, reqId: number): Promise<Record<string, { value: number; currency: string }>> {
  const rows = collectUntil(client.ib, EventName.accountSummary, EventName.accountSummaryEnd, 5000);
  client.ib.reqAccountSummary(reqId, 'All', 'NetLiquidation,TotalCashValue,BuyingPower');
  const out: Record<string, { value: number; currency: string }> = {};
  for (const r of await rows) out[r[2] as string] = { value: Number(r[3]), currency: r[4] as string };
  client.ib.cancelAccountSummary(reqId);
  return out;
}

describe('account strip on the simulator (flat prices, so the figures hold still)', { timeout: 60_000 }, () => {
  let fx: SimFixture;
  let trader: Trader;
  let client: TestClient;
  const store = new PanelStore();

  before(async () => {
    fx = await startSim({ speed: 60, startMs: WED_10AM_NY, replayCsv: flatReplay(tempDir('strip-replay-')) });
    trader = await connectTrader(fx, store);
    client = await new TestClient(fx.sim.port, 77).connect(5000);
  });
  after(async () => {
    client?.disconnect();
    await trader?.dispose();
    await fx?.stop();
  });

  it("shows the simulator's net liquidation, cash and buying power in its currency", async () => {
    const sim = await simSummary(client, 9001);
    assert.equal(sim.NetLiquidation!.value, 1_000_000, 'a fresh paper account');
    await waitFor(() => store.account.view().netLiquidation !== undefined, 5000, 'the account values');
    const v = store.account.view();
    assert.equal(v.account, 'DU1234567');
    assert.equal(v.currency, sim.NetLiquidation!.currency);
    assert.equal(v.currency, 'USD');
    assert.equal(v.netLiquidation, sim.NetLiquidation!.value);
    assert.equal(v.cash, sim.TotalCashValue!.value);
    assert.equal(v.buyingPower, sim.BuyingPower!.value);
    await waitFor(() => store.account.view().dailyPnl !== undefined, 5000, "reqPnL's day P&L");
    assert.equal(store.account.view().dailyPnl, 0, 'nothing traded yet');
    assert.ok(isHostToWebview(store.message('account')), 'the message passes the webview guard');
  });

  it('after another client buys 100 NVDA: the strip follows the simulator; the position is external, with value, share and day P&L', async () => {
    const orderId = client.takeOrderId();
    client.ib.placeOrder(
      orderId,
      { symbol: 'NVDA', secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
      { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 100, transmit: true },
    );
    await waitFor(() => store.positionRows().some((r) => r.symbol === 'NVDA' && r.quantity === 100), 10_000, 'NVDA in the positions');
    const sim = await simSummary(client, 9002);
    assert.ok(sim.TotalCashValue!.value < 1_000_000 - 9000, `the purchase took cash: ${sim.TotalCashValue!.value}`);
    // The strip is TWS's pushed account values: it must reach exactly the simulator's figures.
    await waitFor(
      () => {
        const v = store.account.view();
        return v.cash === sim.TotalCashValue!.value && v.netLiquidation === sim.NetLiquidation!.value && v.buyingPower === sim.BuyingPower!.value;
      },
      10_000,
      `the strip equal to the simulator's ${JSON.stringify(sim)}; last ${JSON.stringify(store.account.view())}`,
    );

    await waitFor(() => store.positionRows()[0]?.dayChange !== undefined && store.positionRows()[0]?.marketValue !== undefined, 10_000, 'the position figures');
    const row = store.positionRows().find((r) => r.symbol === 'NVDA')!;
    assert.equal(row.owner, 'external', 'no session bought it');
    assert.equal(row.bookQuantity, undefined, 'no session book');
    assert.equal(row.marketValue, row.last! * 100);
    const nlv = store.account.view().netLiquidation!;
    assert.ok(Math.abs(row.pctOfNetLiq! - (100 * row.marketValue!) / nlv) < 1e-9, `${row.pctOfNetLiq}% of ${nlv}`);
    // The day P&L is the simulator's reqPnLSingle for the position, asked by the other client too.
    const conId = fx.sim.account.positions.values().next().value!.contract.conId;
    const single = new Promise<number>((resolve) => client.ib.once(EventName.pnlSingle, (_id: number, _pos: number, daily: number) => resolve(daily)));
    client.ib.reqPnLSingle(9003, 'DU1234567', '', conId);
    const simDaily = await single;
    client.ib.cancelPnLSingle(9003);
    await waitFor(() => store.positionRows()[0]?.dayChange === simDaily, 5000, `day P&L ${simDaily} (shown ${store.positionRows()[0]?.dayChange})`);
    assert.ok(isHostToWebview(store.message('positions')));
  });

  it('disconnecting empties the strip', async () => {
    await trader.disconnect();
    assert.deepEqual(store.account.view(), {});
  });
});

describe('watchlist on the simulator', { timeout: 60_000 }, () => {
  it("the user's symbol streams: bid, ask and last update, with the change from the previous close", async () => {
    const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, seed: 7 });
    const store = new PanelStore();
    store.watchlist.setUser(['AMD']);
    const trader = await connectTrader(fx, store);
    try {
      await waitFor(() => store.watchlist.view().rows[0]?.last !== undefined, 10_000, 'a first AMD quote');
      const first = store.watchlist.view().rows[0]!;
      assert.equal(first.symbol, 'AMD');
      assert.equal(first.inUserList, true);
      assert.equal(first.inSession, false);
      assert.equal(first.delayed, false, 'the simulator grants live data');
      assert.ok(first.bid! > 0 && first.ask! >= first.bid!, JSON.stringify(first));
      assert.ok(first.change !== undefined && first.changePct !== undefined, 'the previous close is known');
      await waitFor(() => store.watchlist.view().rows[0]!.last !== first.last, 10_000, 'the AMD quote moves');
      const later = store.watchlist.view().rows[0]!;
      assert.ok(Math.abs(later.change! - (later.last! - (first.last! - first.change!))) < 1e-6, 'the change is from the same previous close');
      // Adding a symbol while connected streams it too; removing one closes its stream.
      store.watchlist.setUser(['AMD', 'SPY']);
      await waitFor(() => store.watchlist.view().rows[1]?.last !== undefined, 10_000, 'SPY quotes');
      const lines = fx.sim.feeds.marketData.size;
      store.watchlist.setUser(['SPY']);
      await waitFor(() => fx.sim.feeds.marketData.size === lines - 1, 5000, 'the AMD stream cancelled at the simulator');
      assert.deepEqual(
        store.watchlist.view().rows.map((r) => r.symbol),
        ['SPY'],
      );
      assert.ok(isHostToWebview(store.message('watchlist')));
    } finally {
      await trader.dispose();
      await fx.stop();
    }
  });

  it('without a market data subscription the quotes are delayed and marked so; an unknown symbol says why', async () => {
    const fx = await startSim({ speed: 60, startMs: WED_10AM_NY, faultSpecs: ['no-market-data'] });
    const store = new PanelStore();
    store.watchlist.setUser(['MSFT', 'ZZZZ']);
    const trader = await connectTrader(fx, store);
    try {
      await waitFor(() => store.watchlist.view().rows[0]?.last !== undefined, 15_000, 'a delayed MSFT quote');
      assert.equal(store.watchlist.view().rows[0]!.delayed, true);
      await waitFor(() => store.watchlist.view().rows[1]?.error !== undefined, 15_000, 'ZZZZ refused');
      assert.match(store.watchlist.view().rows[1]!.error!, /ZZZZ|security definition|contract/i);
    } finally {
      await trader.dispose();
      await fx.stop();
    }
  });
});
