// Our encoders -> a real client: frames from the order codec are fed through
// @stoqey/ib 1.6.10's Socket and Decoder in-process (see twsClientHarness) and the
// events it emits are checked field by field. The Decoder reports any field it did not
// read as an "error" event, so `only` (no errors, one event) also proves the layouts
// line up to the last field.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import type { WireContract } from '../../../src/extension/sim/protocol/contractTypes';
import {
  encodeCommissionReport,
  encodeCompletedOrder,
  encodeCompletedOrdersEnd,
  encodeExecDetails,
  encodeExecDetailsEnd,
  encodeOpenOrder,
  encodeOpenOrderEnd,
  encodeOrderStatus,
} from '../../../src/extension/sim/protocol/orderCodec';
import { emptyOrder, emptyOrderState } from '../../../src/extension/sim/protocol/orderTypes';
import type { WireExecution, WireOrder, WireOrderState } from '../../../src/extension/sim/protocol/orderTypes';
import type { ClientEvent } from './twsClientHarness';
import { clientEvents } from './twsClientHarness';

type Rec = Record<string, unknown>;

/** The single event the client emitted for `frame`, with no decoder complaints. */
function only(sv: number, frame: string[], name: string): unknown[] {
  const events = clientEvents(sv, [frame]);
  const errors = events.filter((e: ClientEvent) => e.name === 'error');
  assert.deepEqual(errors, [], `client complained at ${sv}`);
  assert.deepEqual(
    events.map((e) => e.name),
    [name],
  );
  return (events[0] as ClientEvent).args;
}

const AAPL_OPT: WireContract = emptyContract({
  conId: 712345678,
  symbol: 'AAPL',
  secType: 'OPT',
  lastTradeDateOrContractMonth: '20250620',
  strike: 187.5,
  right: 'C',
  multiplier: '100',
  exchange: 'SMART',
  currency: 'USD',
  localSymbol: 'AAPL  250620C00187500',
  tradingClass: 'AAPL',
});

function richOrder(over: Partial<WireOrder> = {}): WireOrder {
  return emptyOrder({
    orderId: 41,
    clientId: 7,
    permId: 1234567890,
    action: 'BUY',
    totalQuantity: 3,
    orderType: 'LMT',
    lmtPrice: 4.15,
    tif: 'GTC',
    ocaGroup: 'oca-7',
    ocaType: 1,
    account: 'DU1234567',
    orderRef: 'policy-7',
    parentId: 40,
    outsideRth: true,
    goodTillDate: '',
    exemptCode: -1,
    percentOffset: 0.5,
    displaySize: 1,
    minQty: 2,
    trailStopPrice: 3.9,
    algoStrategy: 'Adaptive',
    algoParams: [{ tag: 'adaptivePriority', value: 'Urgent' }],
    clearingIntent: 'IB',
    conditions: [
      { type: 1, conjunction: 'a', isMore: true, value: '190.5', conId: 265598, exchange: 'SMART', triggerMethod: 2 },
      { type: 3, conjunction: 'o', isMore: false, value: '20250620 15:30:00 US/Eastern' },
    ],
    conditionsIgnoreRth: true,
    cashQty: 1500,
    dontUseAutoPriceForHedge: true,
    usePriceMgmtAlgo: true,
    duration: 120,
    autoCancelParent: true,
    ...over,
  });
}

const WHAT_IF_STATE: WireOrderState = emptyOrderState({
  status: 'PreSubmitted',
  initMarginBefore: 10000,
  maintMarginBefore: 8000,
  equityWithLoanBefore: 50000,
  initMarginChange: 1245.5,
  maintMarginChange: 996.4,
  equityWithLoanChange: -1.25,
  initMarginAfter: 11245.5,
  maintMarginAfter: 8996.4,
  equityWithLoanAfter: 49998.75,
  commission: 1.95,
  minCommission: 1.5,
  maxCommission: 2.25,
  commissionCurrency: 'USD',
  warningText: 'outside regular trading hours',
});

describe('openOrder through @stoqey/ib', () => {
  for (const sv of [151, 176, 178]) {
    test(`option LMT with algo, conditions and a what-if preview at ${sv}`, () => {
      const order = richOrder({ whatIf: true });
      const [orderId, contract, o, state] = only(sv, encodeOpenOrder(sv, AAPL_OPT, order, WHAT_IF_STATE), 'openOrder') as [number, Rec, Rec, Rec];
      assert.equal(orderId, 41);
      assert.equal(contract.conId, 712345678);
      assert.equal(contract.symbol, 'AAPL');
      assert.equal(contract.secType, 'OPT');
      assert.equal(contract.lastTradeDateOrContractMonth, '20250620');
      assert.equal(contract.strike, 187.5);
      assert.equal(contract.right, 'C');
      assert.equal(contract.multiplier, 100);
      assert.equal(contract.exchange, 'SMART');
      assert.equal(contract.currency, 'USD');
      assert.equal(contract.localSymbol, 'AAPL  250620C00187500');
      assert.equal(contract.tradingClass, 'AAPL');

      assert.equal(o.orderId, 41);
      assert.equal(o.clientId, 7);
      assert.equal(o.permId, 1234567890);
      assert.equal(o.action, 'BUY');
      assert.equal(o.totalQuantity, 3);
      assert.equal(o.orderType, 'LMT');
      assert.equal(o.lmtPrice, 4.15);
      assert.equal(o.auxPrice, 0);
      assert.equal(o.tif, 'GTC');
      assert.equal(o.ocaGroup, 'oca-7');
      assert.equal(o.ocaType, 1);
      assert.equal(o.account, 'DU1234567');
      assert.equal(o.orderRef, 'policy-7');
      assert.equal(o.parentId, 40);
      assert.equal(o.outsideRth, true);
      assert.equal(o.exemptCode, -1);
      assert.equal(o.percentOffset, 0.5);
      assert.equal(o.displaySize, 1);
      assert.equal(o.minQty, 2);
      assert.equal(o.trailStopPrice, 3.9); // the later (adjusted-order) slot wins
      assert.equal(o.algoStrategy, 'Adaptive');
      assert.deepEqual(o.algoParams, [{ tag: 'adaptivePriority', value: 'Urgent' }]);
      assert.equal(o.clearingIntent, 'IB');
      assert.equal(o.whatIf, true);
      assert.equal(o.cashQty, 1500);
      assert.equal(o.dontUseAutoPriceForHedge, true);
      assert.equal(o.usePriceMgmtAlgo, true);
      assert.equal(o.duration, sv >= 158 ? 120 : undefined);
      assert.equal(o.autoCancelParent, sv >= 162 ? true : undefined);
      assert.equal(o.conditionsIgnoreRth, true);
      const conds = o.conditions as Rec[];
      assert.equal(conds.length, 2);
      assert.deepEqual(
        [conds[0]?.type, conds[0]?.price, conds[0]?.triggerMethod, conds[0]?.conId, conds[0]?.exchange, conds[0]?.isMore, conds[0]?.conjunctionConnection],
        [1, 190.5, 2, 265598, 'SMART', true, 'a'],
      );
      assert.deepEqual([conds[1]?.type, conds[1]?.time, conds[1]?.isMore, conds[1]?.conjunctionConnection], [3, '20250620 15:30:00 US/Eastern', false, 'o']);

      assert.deepEqual(state, {
        status: 'PreSubmitted',
        initMarginBefore: 10000,
        maintMarginBefore: 8000,
        equityWithLoanBefore: 50000,
        initMarginChange: 1245.5,
        maintMarginChange: 996.4,
        equityWithLoanChange: -1.25,
        initMarginAfter: 11245.5,
        maintMarginAfter: 8996.4,
        equityWithLoanAfter: 49998.75,
        commission: 1.95,
        minCommission: 1.5,
        maxCommission: 2.25,
        commissionCurrency: 'USD',
        warningText: 'outside regular trading hours',
      });
    });
  }

  test('a live order without a preview: margins and commission arrive unset', () => {
    const [, , o, state] = only(176, encodeOpenOrder(176, AAPL_OPT, richOrder(), emptyOrderState({ status: 'Submitted' })), 'openOrder') as [
      number,
      Rec,
      Rec,
      Rec,
    ];
    assert.equal(o.whatIf, false);
    assert.equal(state.status, 'Submitted');
    for (const k of ['initMarginBefore', 'maintMarginChange', 'equityWithLoanAfter', 'commission', 'minCommission', 'maxCommission']) {
      assert.equal(state[k], undefined, k);
    }
  });

  test('MKT with nothing optional set: lmt/aux 0, optional fields unset', () => {
    const order = emptyOrder({ orderId: 5, action: 'SELL', totalQuantity: 10, orderType: 'MKT', permId: 77 });
    const stock = emptyContract({
      conId: 265598,
      symbol: 'AAPL',
      secType: 'STK',
      exchange: 'SMART',
      currency: 'USD',
      localSymbol: 'AAPL',
      tradingClass: 'NMS',
    });
    const [, , o] = only(176, encodeOpenOrder(176, stock, order, emptyOrderState({ status: 'Submitted' })), 'openOrder') as [number, Rec, Rec];
    assert.deepEqual([o.lmtPrice, o.auxPrice, o.cashQty], [0, 0, 0]);
    for (const k of ['percentOffset', 'displaySize', 'minQty', 'trailStopPrice', 'triggerPrice', 'scaleInitLevelSize', 'volatility', 'postToAts']) {
      assert.equal(o[k], undefined, k);
    }
  });

  test('BAG with legs, per-leg prices and smart-routing params at 176', () => {
    const bag = emptyContract({
      conId: 28812380,
      symbol: 'AAPL',
      secType: 'BAG',
      exchange: 'SMART',
      currency: 'USD',
      comboLegsDescrip: '712345678|1,712345679|-1',
      comboLegs: [
        { conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
        { conId: 712345679, ratio: 1, action: 'SELL', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
      ],
    });
    const order = richOrder({
      conditions: [],
      algoStrategy: '',
      algoParams: [],
      orderComboLegs: [{ price: 4.1 }, {}],
      smartComboRoutingParams: [{ tag: 'NonGuaranteed', value: '1' }],
    });
    const [, contract, o] = only(176, encodeOpenOrder(176, bag, order, emptyOrderState({ status: 'Submitted' })), 'openOrder') as [number, Rec, Rec];
    assert.equal(contract.comboLegsDescription, '712345678|1,712345679|-1');
    assert.deepEqual(contract.comboLegs, [
      { conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
      { conId: 712345679, ratio: 1, action: 'SELL', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
    ]);
    assert.deepEqual(o.orderComboLegs, [{ price: 4.1 }, { price: undefined }]);
    assert.deepEqual(o.smartComboRoutingParams, [{ tag: 'NonGuaranteed', value: '1' }]);
  });

  test('pegged-to-benchmark, delta-neutral, hedge and scale blocks at 178', () => {
    const order = richOrder({
      orderType: 'PEG BENCH',
      conditions: [],
      referenceContractId: 756733,
      isPeggedChangeAmountDecrease: true,
      peggedChangeAmount: 0.5,
      referenceChangeAmount: 1.5,
      referenceExchangeId: 'ARCA',
      deltaNeutralOrderType: 'LMT',
      deltaNeutralAuxPrice: 1.5,
      deltaNeutralConId: 265598,
      deltaNeutralClearingIntent: 'IB',
      deltaNeutralOpenClose: 'O',
      hedgeType: 'D',
      hedgeParam: '0.5',
      scaleInitLevelSize: 100,
      scaleSubsLevelSize: 50,
      scalePriceIncrement: 0.05,
      scaleProfitOffset: 0.1,
      minCompeteSize: 20,
      competeAgainstBestOffset: Infinity,
      midOffsetAtWhole: 0.01,
    });
    const contract = emptyContract({ ...AAPL_OPT, deltaNeutralContract: { conId: 265598, delta: 0.45, price: 187.5 } });
    const [, c, o] = only(178, encodeOpenOrder(178, contract, order, emptyOrderState({ status: 'Submitted' })), 'openOrder') as [number, Rec, Rec];
    assert.deepEqual(c.deltaNeutralContract, { conId: 265598, delta: 0.45, price: 187.5 });
    assert.deepEqual(
      [o.referenceContractId, o.isPeggedChangeAmountDecrease, o.peggedChangeAmount, o.referenceChangeAmount, o.referenceExchangeId],
      [756733, true, 0.5, 1.5, 'ARCA'],
    );
    assert.deepEqual(
      [o.deltaNeutralOrderType, o.deltaNeutralAuxPrice, o.deltaNeutralConId, o.deltaNeutralClearingIntent, o.deltaNeutralOpenClose],
      ['LMT', 1.5, 265598, 'IB', 'O'],
    );
    assert.deepEqual([o.hedgeType, o.hedgeParam], ['D', '0.5']);
    assert.deepEqual([o.scaleInitLevelSize, o.scaleSubsLevelSize, o.scalePriceIncrement, o.scaleProfitOffset], [100, 50, 0.05, 0.1]);
    // @stoqey/ib keeps "Infinity" as Infinity via parseFloat.
    assert.deepEqual([o.minCompeteSize, o.competeAgainstBestOffset, o.midOffsetAtWhole, o.midOffsetAtHalf], [20, Infinity, 0.01, undefined]);
  });
});

describe('orderStatus through @stoqey/ib', () => {
  const status = {
    orderId: 41,
    status: 'Filled',
    filled: 3,
    remaining: 0,
    avgFillPrice: 4.125,
    permId: 1234567890,
    parentId: 40,
    lastFillPrice: 4.1,
    clientId: 7,
    whyHeld: '',
    mktCapPrice: 4.2,
  };
  test('at 176: all eleven arguments', () => {
    assert.deepEqual(only(176, encodeOrderStatus(176, status), 'orderStatus'), [41, 'Filled', 3, 0, 4.125, 1234567890, 40, 4.1, 7, '', 4.2]);
  });
  test('at 130 (version field, no mktCapPrice)', () => {
    assert.deepEqual(only(130, encodeOrderStatus(130, status), 'orderStatus'), [41, 'Filled', 3, 0, 4.125, 1234567890, 40, 4.1, 7, '', undefined]);
  });
  test('a locate hold', () => {
    const held = { ...status, status: 'PreSubmitted', filled: 0, remaining: 3, avgFillPrice: 0, lastFillPrice: 0, whyHeld: 'locate', mktCapPrice: 0 };
    assert.deepEqual(only(178, encodeOrderStatus(178, held), 'orderStatus'), [41, 'PreSubmitted', 0, 3, 0, 1234567890, 40, 0, 7, 'locate', 0]);
  });
});

describe('execDetails and commissionReport through @stoqey/ib', () => {
  const fill: WireExecution = {
    orderId: 41,
    execId: '0000e0d5.64305db8.01.01',
    time: '20250102  10:15:01',
    acctNumber: 'DU1234567',
    exchange: 'CBOE',
    side: 'BOT',
    shares: 3,
    price: 4.125,
    permId: 1234567890,
    clientId: 7,
    liquidation: 0,
    cumQty: 3,
    avgPrice: 4.125,
    orderRef: 'policy-7',
    evRule: 'aussieBond:YearsToExpiration=3',
    evMultiplier: 1.5,
    modelCode: 'MODEL1',
    lastLiquidity: 1,
    pendingPriceRevision: true,
  };
  const expected = {
    orderId: 41,
    execId: '0000e0d5.64305db8.01.01',
    time: '20250102  10:15:01',
    acctNumber: 'DU1234567',
    exchange: 'CBOE',
    side: 'BOT',
    shares: 3,
    price: 4.125,
    permId: 1234567890,
    clientId: 7,
    liquidation: 0,
    cumQty: 3,
    avgPrice: 4.125,
    orderRef: 'policy-7',
    evRule: 'aussieBond:YearsToExpiration=3',
    evMultiplier: 1.5,
    modelCode: 'MODEL1',
  };

  for (const sv of [130, 176, 178]) {
    test(`execDetails at ${sv}`, () => {
      const [reqId, contract, exec] = only(sv, encodeExecDetails(sv, 9001, AAPL_OPT, fill), 'execDetails') as [number, Rec, Rec];
      assert.equal(reqId, 9001);
      assert.deepEqual(contract, {
        conId: 712345678,
        symbol: 'AAPL',
        secType: 'OPT',
        lastTradeDateOrContractMonth: '20250620',
        strike: 187.5,
        right: 'C',
        multiplier: 100,
        exchange: 'SMART',
        currency: 'USD',
        localSymbol: 'AAPL  250620C00187500',
        tradingClass: 'AAPL',
      });
      const extra: Rec = {};
      if (sv >= 136) extra.lastLiquidity = 1;
      if (sv >= 178) extra.pendingPriceRevision = true;
      assert.deepEqual(exec, { ...expected, ...extra });
    });
  }

  test('commissionReport: unset P&L and yield arrive as undefined', () => {
    const [report] = only(176, encodeCommissionReport(176, { execId: 'e1', commission: 1.95, currency: 'USD' }), 'commissionReport') as [Rec];
    assert.deepEqual(report, { execId: 'e1', commission: 1.95, currency: 'USD', realizedPNL: undefined, yield: undefined, yieldRedemptionDate: 0 });
  });

  test('commissionReport with realized P&L', () => {
    const r = { execId: 'e2', commission: 2.25, currency: 'USD', realizedPNL: 118.5, yield: 4.5, yieldRedemptionDate: 20301215 };
    assert.deepEqual(only(130, encodeCommissionReport(130, r), 'commissionReport'), [r]);
  });

  test('end markers', () => {
    const events = clientEvents(176, [encodeOpenOrderEnd(), encodeExecDetailsEnd(9001), encodeCompletedOrdersEnd()]);
    assert.deepEqual(
      events.map((e) => [e.name, ...e.args]),
      [['openOrderEnd'], ['execDetailsEnd', 9001], ['completedOrdersEnd']],
    );
  });
});

describe('completedOrder through @stoqey/ib', () => {
  const order = richOrder({
    conditions: [],
    algoStrategy: '',
    algoParams: [],
    autoCancelDate: '20250103',
    filledQuantity: 3,
    refFuturesConId: 0,
    shareholder: 'Not an insider or substantial shareholder',
    parentPermId: 1234567000,
  });
  const state = emptyOrderState({ status: 'Filled', completedTime: '20250102 10:15:01 America/New_York', completedStatus: 'Filled' });

  for (const sv of [177, 178]) {
    test(`at ${sv}`, () => {
      const [contract, o, s] = only(sv, encodeCompletedOrder(sv, AAPL_OPT, order, state), 'completedOrder') as [Rec, Rec, Rec];
      assert.equal(contract.conId, 712345678);
      assert.equal(contract.localSymbol, 'AAPL  250620C00187500');
      assert.equal(o.orderId, undefined); // completedOrder carries no order id
      assert.equal(o.permId, 1234567890);
      assert.equal(o.action, 'BUY');
      assert.equal(o.totalQuantity, 3);
      assert.equal(o.lmtPrice, 4.15);
      assert.equal(o.account, 'DU1234567');
      assert.equal(o.orderRef, 'policy-7');
      assert.equal(o.trailStopPrice, 3.9);
      assert.equal(o.cashQty, 1500);
      assert.equal(o.autoCancelDate, '20250103');
      assert.equal(o.filledQuantity, 3);
      assert.equal(o.refFuturesConId, 0);
      assert.equal(o.autoCancelParent, true);
      assert.equal(o.shareholder, 'Not an insider or substantial shareholder');
      assert.equal(o.parentPermId, 1234567000);
      assert.deepEqual(s, { status: 'Filled', completedTime: '20250102 10:15:01 America/New_York', completedStatus: 'Filled' });
    });
  }

  test('known @stoqey/ib 1.6.10 bug: below 177 it skips faProfile and drops a real TWS completedOrder', () => {
    // The IB Gateway capture that orderCodecFrames checks our 176 encoding against: the
    // official decoders read faProfile while serverVersion < FA_PROFILE_DESUPPORT, @stoqey/ib
    // gates it on the completedOrder "version" (Number.MAX_VALUE) and never reads it.
    const capture =
      '101|637533641|ES|FUT|20250919|0|?|50|CME|USD|ESU5|ES|BUY|1|LMT|5800.0|0.0|DAY||DU1236109||0||2126726143|0|0|0|||||||||||0||-1||||||2147483647|0|0||3|0||0|None||0|0|0||0|0||||0|0|0|2147483647|2147483647||||IB|0|0||0|Cancelled|0|0|0|5801.0|1.7976931348623157E308|0|1|0||0|2147483647|0|Not an insider or substantial shareholder|0|0|9223372036854775807|20250708 02:34:46 America/New_York|Cancelled by Trader||||||'
        .split('|')
        .slice(0, -1);
    const events = clientEvents(176, [capture]);
    assert.equal(
      events.some((e) => e.name === 'completedOrder'),
      false,
    );
    assert.equal(
      events.some((e) => e.name === 'error'),
      true,
    );
  });
});
