// The manual desk's day loss (session/manualAccount.ts DayLoss): subscribed only with a daily
// loss limit; anchors the risk engine's day on TWS's daily P&L; says so in the preview when
// TWS sent none (the limit then counts from the desk's first check). The integration suite
// (test/integration/app/manualDailyLoss.test.ts) runs it against the simulator.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Observable } from '../../../src/extension/core/observable';
import type { AccountPnl } from '../../../src/extension/broker/types';
import { DayLoss } from '../../../src/extension/session/manualAccount';
import type { ManualBroker } from '../../../src/extension/session/manualBroker';
import { RiskEngine } from '../../../src/extension/trading/riskEngine';

/** An observable that counts the waits for a value (`when`). */
class Counted<T> extends Observable<T> {
  waits = 0;
  override when(predicate: (value: T) => boolean, timeoutMs?: number): Promise<T> {
    this.waits++;
    return super.when(predicate, timeoutMs);
  }
}

function feed() {
  const value = new Counted<AccountPnl | undefined>(undefined);
  const state = { subscribed: 0, closed: 0 };
  const broker = {
    subscribePnl: () => {
      state.subscribed++;
      return { value, close: () => void state.closed++ };
    },
  } as unknown as ManualBroker;
  return { value, state, broker };
}

const TUE_1000_NY = Date.UTC(2024, 2, 5, 15, 0);
const long = { connection: 'connected' as const, equity: 98_500, positions: new Map([['SPY', { quantity: 10, avgCost: 100, marketPrice: 90 }]]) };

describe('DayLoss', () => {
  it('without a daily loss limit nothing is subscribed and nothing is said', async () => {
    const f = feed();
    const d = new DayLoss(f.broker, undefined);
    await d.ready();
    assert.deepEqual(d.warnings(), []);
    d.close();
    assert.deepEqual(f.state, { subscribed: 0, closed: 0 });
  });

  it("TWS's daily P&L anchors the engine's day; the subscription closes with the desk", async () => {
    const f = feed();
    const d = new DayLoss(f.broker, 1000);
    setTimeout(() => f.value.set({ account: 'DU1', daily: -1500, at: 0 }), 20);
    await d.ready();
    assert.deepEqual(d.warnings(), []);
    const engine = new RiskEngine({ dailyLossLimit: 1000 }, () => TUE_1000_NY);
    d.anchor(engine, long.equity);
    assert.equal(engine.check({ symbol: 'SPY', quantity: 1, price: 90 }, long).rule, 'dailyLossLimit');
    d.close();
    assert.deepEqual(f.state, { subscribed: 1, closed: 1 });
  });

  it('no daily P&L from TWS within 2 s: the engine is left alone and the preview says where the loss counts from', async () => {
    const f = feed();
    const d = new DayLoss(f.broker, 1000);
    await d.ready();
    await d.ready();
    assert.equal(f.value.waits, 1, 'the next ticket does not wait again');
    const engine = new RiskEngine({ dailyLossLimit: 1000 }, () => TUE_1000_NY);
    d.anchor(engine, long.equity);
    assert.equal(engine.check({ symbol: 'SPY', quantity: 1, price: 90 }, long).allowed, true, 'counted from this first check');
    assert.deepEqual(d.warnings(), [
      "dailyLossLimit 1000: TWS sent no daily P&L for the account, so the loss counts from this desk's first check, not from the start of the trading day",
    ]);
  });
});
