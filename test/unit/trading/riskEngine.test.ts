import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RiskEngine, adverseMove, isRiskReducing } from '../../../src/extension/trading/riskEngine';
import type { AccountView, RiskConnectionState, PositionView } from '../../../src/extension/trading/riskEngine';
import type { RiskLimits } from '../../../src/extension/trading/riskLimits';

// 2024-03-05 is a Tuesday; New York is UTC-5 until 2024-03-10.
const TUE_1000_NY = Date.UTC(2024, 2, 5, 15, 0); // 10:00 EST
const TUE_0900_NY = Date.UTC(2024, 2, 5, 14, 0); // 09:00 EST
const TUE_1600_NY = Date.UTC(2024, 2, 5, 21, 0); // 16:00 EST
const SAT_1200_NY = Date.UTC(2024, 2, 9, 17, 0);
// 2024-07-02 (daylight time, UTC-4): 09:30 EDT = 13:30 UTC
const JUL_0930_NY = Date.UTC(2024, 6, 2, 13, 30);
const JUL_0929_NY = Date.UTC(2024, 6, 2, 13, 29);

function account(positions: Record<string, PositionView> = {}, equity = 100_000, connection: RiskConnectionState = 'connected'): AccountView {
  return { connection, equity, positions: new Map(Object.entries(positions)) };
}

function engine(limits: RiskLimits, start = TUE_1000_NY): { risk: RiskEngine; clock: { now: number } } {
  const clock = { now: start };
  return { risk: new RiskEngine(limits, () => clock.now), clock };
}

const buy = (quantity: number, symbol = 'SPY', price = 100) => ({ symbol, quantity, price });

describe('risk engine verdicts', () => {
  it('allows an order that passes every rule', () => {
    const { risk } = engine({ symbolAllowlist: ['SPY'], maxOrderQuantity: 100 });
    const v = risk.check(buy(10), account());
    assert.deepEqual(v, { allowed: true, rule: null, reason: 'passed all risk checks' });
  });

  it('connection: no orders while disconnected or reconciling', () => {
    const { risk } = engine({});
    for (const state of ['disconnected', 'reconciling', 'connecting'] as const) {
      const v = risk.check(buy(1), account({}, 100_000, state));
      assert.equal(v.allowed, false);
      assert.equal(v.rule, 'connection');
      assert.match(v.reason, new RegExp(state));
    }
  });

  it('symbolAllowlist: refuses symbols outside the list', () => {
    const { risk } = engine({ symbolAllowlist: ['SPY', 'QQQ'] });
    const v = risk.check(buy(1, 'TSLA'), account());
    assert.equal(v.rule, 'symbolAllowlist');
    assert.match(v.reason, /TSLA.*SPY, QQQ/);
    assert.equal(risk.check(buy(1, 'QQQ'), account()).allowed, true);
  });

  it('symbolAllowlist: an option is judged by its stock; its position keeps its own key', () => {
    const { risk } = engine({ symbolAllowlist: ['SPY'], maxPositionPerSymbol: 100 });
    const spyCall = { symbol: 'SPY 20240315 500C', underlying: 'SPY', quantity: 100, price: 2 };
    assert.equal(risk.check(spyCall, account({ SPY: { quantity: 100, avgCost: 500, marketPrice: 500 } })).allowed, true);
    const tslaCall = risk.check({ ...spyCall, symbol: 'TSLA 20240315 200C', underlying: 'TSLA' }, account());
    assert.deepEqual([tslaCall.rule, tslaCall.reason], ['symbolAllowlist', 'TSLA is not in the symbol allowlist (SPY)']);
    const more = risk.check(spyCall, account({ 'SPY 20240315 500C': { quantity: 100, avgCost: 2, marketPrice: 2 } }));
    assert.deepEqual([more.rule, more.reason], ['maxPosition', 'SPY 20240315 500C position would be 200 shares, beyond the maximum of 100']);
  });

  it('tradingHours: New York regular hours by default, across daylight saving', () => {
    const { risk, clock } = engine({});
    for (const [t, ok] of [
      [TUE_1000_NY, true],
      [TUE_0900_NY, false],
      [TUE_1600_NY, false], // the close is exclusive
      [SAT_1200_NY, false],
      [JUL_0930_NY, true],
      [JUL_0929_NY, false],
    ] as const) {
      clock.now = t;
      const v = risk.check(buy(1), account());
      assert.equal(v.allowed, ok, new Date(t).toISOString());
      if (!ok) assert.equal(v.rule, 'tradingHours');
    }
    clock.now = TUE_0900_NY;
    assert.match(risk.check(buy(1), account()).reason, /09:00 America\/New_York.*09:30-16:00/);
  });

  it('tradingHours follows the NYSE calendar: closed on holidays, 13:00 on early closes', () => {
    // Thanksgiving 2025 (Thu Nov 27) 11:00 EST: a weekday, but the market is closed.
    const holiday = engine({}, Date.UTC(2025, 10, 27, 16, 0)).risk.check(buy(1), account());
    assert.equal(holiday.rule, 'tradingHours');
    assert.match(holiday.reason, /11:00 America\/New_York \(weekday 4\) is outside trading hours.*closed that day \(holiday\)/);
    // The day after: open at 12:30, closed at 13:30 (the 13:00 early close).
    assert.equal(engine({}, Date.UTC(2025, 10, 28, 17, 30)).risk.check(buy(1), account()).allowed, true);
    const late = engine({}, Date.UTC(2025, 10, 28, 18, 30)).risk.check(buy(1), account());
    assert.equal(late.rule, 'tradingHours');
    assert.match(late.reason, /13:30 America\/New_York \(weekday 5\) is outside trading hours 09:30-13:00/);
  });

  it('tradingHours: null allows any time; another zone can be injected', () => {
    assert.equal(engine({ tradingHours: null }, SAT_1200_NY).risk.check(buy(1), account()).allowed, true);
    const london = { timeZone: 'Europe/London', openMinute: 8 * 60, closeMinute: 16 * 60 + 30, weekdays: [1, 2, 3, 4, 5] };
    // 2024-03-05 09:00 UTC is 09:00 in London (GMT)
    assert.equal(engine({ tradingHours: london }, Date.UTC(2024, 2, 5, 9, 0)).risk.check(buy(1), account()).allowed, true);
    assert.equal(engine({ tradingHours: london }, Date.UTC(2024, 2, 5, 17, 0)).risk.check(buy(1), account()).rule, 'tradingHours');
  });

  it('maxOrderQuantity: per order, either side; non-whole quantities refused', () => {
    const { risk } = engine({ maxOrderQuantity: 100 });
    assert.equal(risk.check(buy(100), account()).allowed, true);
    assert.equal(risk.check(buy(101), account()).rule, 'maxOrderQuantity');
    assert.equal(risk.check(buy(-101), account()).rule, 'maxOrderQuantity');
    assert.equal(risk.check(buy(1.5), account()).rule, 'maxOrderQuantity');
  });

  it('maxPosition: the position after the order, reductions always allowed', () => {
    const { risk } = engine({ maxPositionPerSymbol: 100 });
    const held = account({ SPY: { quantity: 80, avgCost: 100, marketPrice: 100 } });
    assert.equal(risk.check(buy(20), held).allowed, true);
    const v = risk.check(buy(21), held);
    assert.equal(v.rule, 'maxPosition');
    assert.match(v.reason, /101 shares.*100/);
    const over = account({ SPY: { quantity: 150, avgCost: 100, marketPrice: 100 } });
    assert.equal(risk.check(buy(-20), over).allowed, true, 'reducing an over-limit position');
    assert.equal(risk.check(buy(-251), over).rule, 'maxPosition', 'flipping to -101 is not a reduction');
  });

  it('maxGrossNotional: all positions at market plus the order at its price', () => {
    const { risk } = engine({ maxGrossNotional: 50_000 });
    const held = account({ QQQ: { quantity: -100, avgCost: 300, marketPrice: 300 } }); // 30,000 gross
    assert.equal(risk.check(buy(200, 'SPY', 100), held).allowed, true); // 50,000
    const v = risk.check(buy(201, 'SPY', 100), held);
    assert.equal(v.rule, 'maxGrossNotional');
    assert.match(v.reason, /50100\.00/);
    assert.equal(risk.check(buy(50, 'QQQ', 300), held).allowed, true, 'covering a short reduces');
  });

  it('maxOrdersPerMinute: a sliding minute of sent orders', () => {
    const { risk, clock } = engine({ maxOrdersPerMinute: 2 });
    risk.recordOrder();
    clock.now += 10_000;
    risk.recordOrder();
    clock.now += 10_000;
    const v = risk.check(buy(1), account());
    assert.equal(v.rule, 'maxOrdersPerMinute');
    clock.now = TUE_1000_NY + 60_001; // the first order left the window
    assert.equal(risk.check(buy(1), account()).allowed, true);
  });

  it('dailyLossLimit: from the equity the trading day started with; reducing orders still go', () => {
    const { risk, clock } = engine({ dailyLossLimit: 1000 });
    clock.now = Date.UTC(2024, 2, 4, 20, 0); // Monday 15:00 NY
    risk.observeEquity(100_000);
    clock.now = TUE_1000_NY;
    risk.observeEquity(99_500);
    const long = { SPY: { quantity: 100, avgCost: 100, marketPrice: 90 } };
    assert.equal(risk.check(buy(1), account(long, 99_500)).allowed, true, 'down 500');
    const v = risk.check(buy(1), account(long, 99_000));
    assert.equal(v.rule, 'dailyLossLimit');
    assert.match(v.reason, /1000\.00/);
    assert.equal(risk.check(buy(-50), account(long, 99_000)).allowed, true);
    clock.now = TUE_1000_NY + 86_400_000; // Wednesday: a new day starts from the last equity seen
    assert.equal(risk.check(buy(1), account(long, 99_000)).allowed, true);
  });

  it("dailyLossLimit: anchored on the broker's day (equity less TWS's daily P&L), losses before the engine's first check count", () => {
    const { risk, clock } = engine({ dailyLossLimit: 1000 });
    const long = { SPY: { quantity: 100, avgCost: 100, marketPrice: 90 } };
    // Alone, the engine counts from the first equity it sees: a day already down 1,500 looks flat.
    const alone = engine({ dailyLossLimit: 1000 }).risk;
    assert.equal(alone.check(buy(1), account(long, 98_500)).allowed, true);
    // Anchored on TWS's daily P&L of -1,500 at 98,500: the day started at 100,000.
    risk.anchorDayStart(98_500 + 1500);
    const v = risk.check(buy(1), account(long, 98_500));
    assert.equal(v.rule, 'dailyLossLimit');
    assert.match(v.reason, /loss now 1500\.00/);
    assert.equal(risk.check(buy(-100), account(long, 98_500)).allowed, true, 'reducing still goes');
    // Re-anchored later the same day with a recovered P&L: reached today, it holds.
    clock.now = TUE_1000_NY + 3_600_000;
    risk.anchorDayStart(99_600 + 400);
    assert.equal(risk.check(buy(1), account(long, 99_600)).rule, 'dailyLossLimit');
    // The next trading day, anchored on that day's P&L: trading again.
    clock.now = TUE_1000_NY + 86_400_000;
    risk.anchorDayStart(99_600 + 100);
    assert.equal(risk.check(buy(1), account(long, 99_600)).allowed, true);
  });

  it('dailyLossLimit: once reached it holds for the rest of the trading day, even if the loss recovers', () => {
    const { risk, clock } = engine({ dailyLossLimit: 1000 });
    clock.now = Date.UTC(2024, 2, 4, 20, 0); // Monday 15:00 NY
    assert.equal(risk.observeEquity(100_000), false);
    clock.now = TUE_1000_NY;
    assert.equal(risk.observeEquity(99_500), false, 'down 500');
    assert.equal(risk.observeEquity(98_900), true, 'down 1100: reached, said once');
    assert.equal(risk.observeEquity(98_800), false, 'already reached today');
    clock.now = TUE_1000_NY + 3_600_000;
    const recovered = account({ SPY: { quantity: 100, avgCost: 100, marketPrice: 101 } }, 100_200);
    const v = risk.check(buy(1), recovered);
    assert.equal(v.rule, 'dailyLossLimit', 'up 200 on the day, but the limit was reached this morning');
    assert.match(
      v.reason,
      /the daily loss limit of 1000 is reached today \(loss now -200\.00\); only orders that reduce a position go until the next trading day/,
    );
    assert.equal(risk.check(buy(-100), recovered).allowed, true, 'closing the position goes');
    assert.equal(risk.check(buy(-150), recovered).rule, 'dailyLossLimit', 'flipping short is new risk');
    clock.now = TUE_1000_NY + 86_400_000; // Wednesday
    assert.equal(risk.check(buy(1), recovered).allowed, true, 'the next trading day starts afresh');
  });

  it('dailyLossLimit: reached by a check between two observations is reported by the next observation, once', () => {
    const { risk } = engine({ dailyLossLimit: 1000 });
    assert.equal(risk.observeEquity(100_000), false);
    assert.equal(risk.check(buy(1), account({}, 98_500)).rule, 'dailyLossLimit', 'an intra-cycle equity past the limit');
    assert.equal(risk.observeEquity(99_900), true, 'reported although the equity recovered');
    assert.equal(risk.observeEquity(99_900), false);
  });

  it('dailyLossLimit: reached earlier today by a session restarted since', () => {
    const { risk, clock } = engine({ dailyLossLimit: 1000 });
    risk.reachDailyLossLimit();
    assert.equal(risk.check(buy(1), account()).rule, 'dailyLossLimit');
    assert.equal(risk.observeEquity(100_000), false);
    clock.now = TUE_1000_NY + 86_400_000;
    assert.equal(risk.check(buy(1), account()).allowed, true);
  });

  it("dailyLoss: the loss the daily limit compares, from the day's starting equity", () => {
    const { risk, clock } = engine({ dailyLossLimit: 1000 });
    clock.now = Date.UTC(2024, 2, 4, 20, 0); // Monday 15:00 NY
    risk.observeEquity(100_000);
    clock.now = TUE_1000_NY;
    assert.equal(risk.dailyLoss(99_250), 750);
    assert.equal(risk.dailyLoss(100_400), -400, 'a gain is a negative loss');
    risk.observeEquity(99_000);
    clock.now = TUE_1000_NY + 86_400_000;
    assert.equal(risk.dailyLoss(98_900), 100, 'Wednesday counts from the last equity seen on Tuesday');
  });

  it('stopLoss: breaches produce closing orders; no adding and no re-entry that day', () => {
    const { risk, clock } = engine({ stopLossFraction: 0.1 });
    const losing = account({ SPY: { quantity: 100, avgCost: 100, marketPrice: 89 }, QQQ: { quantity: -10, avgCost: 100, marketPrice: 105 } });
    const breaches = risk.stopLossBreaches(losing);
    assert.equal(breaches.length, 1);
    assert.deepEqual(breaches[0]!.order, { symbol: 'SPY', quantity: -100, price: 89 });
    assert.ok(Math.abs(breaches[0]!.adverseMove - 0.11) < 1e-12);
    assert.equal(risk.check(buy(10), losing).rule, 'stopLoss', 'adding to a breached position');
    assert.equal(risk.check(breaches[0]!.order, losing).allowed, true, 'the exit itself goes');
    risk.recordStopOut('SPY');
    const v = risk.check(buy(10), account());
    assert.equal(v.rule, 'stopLoss');
    assert.match(v.reason, /stopped out today/);
    clock.now += 86_400_000;
    assert.equal(risk.check(buy(10), account()).allowed, true, 'next day');
  });

  it('checks rules in a fixed order: the first refusal names its rule', () => {
    const { risk } = engine({ symbolAllowlist: ['SPY'], maxOrderQuantity: 1 }, SAT_1200_NY);
    assert.equal(risk.check(buy(5, 'TSLA'), account({}, 1, 'disconnected')).rule, 'connection');
    assert.equal(risk.check(buy(5, 'TSLA'), account()).rule, 'symbolAllowlist');
    assert.equal(risk.check(buy(5), account()).rule, 'tradingHours');
  });

  it('rejects negative limits at construction', () => {
    assert.throws(() => new RiskEngine({ maxOrderQuantity: -1 }), /maxOrderQuantity/);
  });
});

describe('risk helpers', () => {
  it('isRiskReducing', () => {
    assert.equal(isRiskReducing(100, -40), true);
    assert.equal(isRiskReducing(100, -100), true);
    assert.equal(isRiskReducing(100, -150), false);
    assert.equal(isRiskReducing(-100, 30), true);
    assert.equal(isRiskReducing(0, 10), false);
    assert.equal(isRiskReducing(100, 10), false);
  });
  it('adverseMove is signed by side', () => {
    assert.ok(Math.abs(adverseMove({ quantity: 10, avgCost: 100, marketPrice: 90 }) - 0.1) < 1e-12);
    assert.ok(Math.abs(adverseMove({ quantity: -10, avgCost: 100, marketPrice: 90 }) + 0.1) < 1e-12);
    assert.equal(adverseMove({ quantity: 0, avgCost: 100, marketPrice: 90 }), 0);
  });
});
