// The order ticket's daily loss limit counts the day's loss as TWS does (the account's daily
// P&L, reqPnL), through the Trader's connection and the real simulator over TCP: a loss taken
// before the desk was opened (the extension restarted, or the desk first used after the
// morning's trades) refuses new risk, with nothing sent, not even a what-if; an order that
// reduces a position still goes. Before, the desk counted from its own first check and let a
// fresh desk trade a day already past its limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../helpers/simHarness';
import { connectRig, placeFilled, placeOrders, previewOf, rig, type Rig } from '../../helpers/manualRig';
import type { ManualOrderDesk } from '../../../src/extension/session/manualOrders';

const settings = { 'ibkrAi.risk.dailyLossLimit': 1000 };

describe("the order ticket's daily loss limit is TWS's day", { timeout: 60_000 }, () => {
  let first: Rig;
  let second: Rig | undefined;
  before(async () => {
    first = await rig({ settings });
  });
  after(async () => {
    if (second) {
      second.manual.dispose();
      await second.trader.dispose();
    }
    await first?.close();
  });

  /** Waits until TWS (the simulator) reports the account's daily P&L at or below `atMost`. */
  async function tws(r: Rig, atMost: number): Promise<number> {
    const pnl = r.trader.brokerClient!.subscribePnl();
    try {
      const v = await pnl.value.when((x) => x !== undefined && x.daily <= atMost, 10_000);
      return v!.daily;
    } finally {
      pnl.close();
    }
  }

  it('a desk opened after the day lost 1,500 refuses new risk (nothing sent) and lets a reducing order go', async () => {
    const desk = (await first.manual.desk(first.config))!;
    await placeFilled(first, desk, await previewOf(desk, { symbol: 'NVDA', side: 'BUY', quantity: '3', orderType: 'MKT' }), 3);

    // Earlier today the account lost 1,500 (as restored from --state on the same day: the
    // day's starting value stays, the cash is 1,500 lower); the extension then restarts.
    const account = first.fx.sim.account;
    const snap = account.snapshot();
    assert.ok(snap.startNetLiq !== undefined, "the simulator has the day's starting value");
    account.restore({ ...snap, cash: snap.cash - 1500 }, true);
    first.manual.dispose();
    await first.trader.dispose();
    second = await connectRig(first.fx, first.journalDir, { settings });
    const daily = await tws(second, -1400);

    const fresh: ManualOrderDesk = (await second.manual.desk(second.config))!;
    const sentBefore = placeOrders(first.fx).length;
    const buy = await previewOf(fresh, { symbol: 'MSFT', side: 'BUY', quantity: '1', orderType: 'MKT' });
    assert.equal(buy.verdict.allowed, false, `TWS's daily P&L ${daily}: ${buy.verdict.reason}`);
    assert.equal(buy.verdict.rule, 'dailyLossLimit');
    assert.match(buy.verdict.reason, /daily loss limit of 1000 is reached today \(loss now 1[45]\d\d\.\d\d\)/);
    assert.equal((await fresh.place(buy)).sent, false);
    assert.equal(placeOrders(first.fx).length, sentBefore, 'nothing sent, not even a what-if');

    const sell = await previewOf(fresh, { symbol: 'NVDA', side: 'SELL', quantity: '3', orderType: 'MKT' });
    assert.equal(sell.verdict.allowed, true, sell.verdict.reason);
    assert.deepEqual(sell.warnings, []);
    await placeFilled(second, fresh, sell, 3);
    await waitFor(() => second!.store.positionRows().every((p) => p.symbol !== 'NVDA' || p.quantity === 0), 5000, 'NVDA closed');
  });
});
