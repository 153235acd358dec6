// Client -> our decoders: requests built in-process by @stoqey/ib 1.6.10's own Encoder
// (through its Socket's framing, see twsClientHarness) at several server versions,
// plus placeOrder frames written by a third implementation (rust-ibapi, captured in its
// tests). Each decode must reproduce what the client set and consume every field.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Contract } from '@stoqey/ib/dist/api/contract/contract';
import SecType from '@stoqey/ib/dist/api/data/enum/sec-type';
import { ExecutionCondition } from '@stoqey/ib/dist/api/order/condition/execution-condition';
import { MarginCondition } from '@stoqey/ib/dist/api/order/condition/margin-condition';
import { PercentChangeCondition } from '@stoqey/ib/dist/api/order/condition/percent-change-condition';
import { PriceCondition } from '@stoqey/ib/dist/api/order/condition/price-condition';
import { TimeCondition } from '@stoqey/ib/dist/api/order/condition/time-condition';
import { VolumeCondition } from '@stoqey/ib/dist/api/order/condition/volume-condition';
import ConjunctionConnection from '@stoqey/ib/dist/api/order/enum/conjunction-connection';
import OrderAction from '@stoqey/ib/dist/api/order/enum/order-action';
import OrderType from '@stoqey/ib/dist/api/order/enum/orderType';
import { TimeInForce } from '@stoqey/ib/dist/api/order/enum/tif';
import TriggerMethod from '@stoqey/ib/dist/api/order/enum/trigger-method';
import type { Order } from '@stoqey/ib/dist/api/order/order';
import type { Encoder } from '@stoqey/ib/dist/core/io/encoder';
import type { PlaceOrderRequest } from '../../../src/extension/sim/protocol/orderCodec';
import {
  decodeCancelOrder,
  decodePlaceOrder,
  decodeReqAllOpenOrders,
  decodeReqAutoOpenOrders,
  decodeReqCompletedOrders,
  decodeReqExecutions,
  decodeReqGlobalCancel,
  decodeReqOpenOrders,
} from '../../../src/extension/sim/protocol/orderCodec';
import { FieldReader, ProtocolError } from '../../../src/extension/tws/wire';
import { clientRequests } from './twsClientHarness';

const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

/** The one frame the client wrote, checked for its message id. */
function sent(sv: number, id: number, act: (enc: Encoder) => void): string[] {
  const frames = clientRequests(sv, act);
  assert.equal(frames.length, 1);
  const frame = frames[0] as string[];
  assert.equal(frame[0], String(id));
  return frame;
}

/** placeOrder through @stoqey/ib, decoded; asserts every field was consumed. */
function placed(sv: number, orderId: number, contract: Contract, order: Order): PlaceOrderRequest {
  const frame = sent(sv, 3, (e) => e.placeOrder(orderId, contract, order));
  const r = new FieldReader(frame.slice(1), 'placeOrder');
  const req = decodePlaceOrder(r, sv);
  assert.equal(r.remaining, 0, `placeOrder at ${sv}: ${r.remaining} fields left unread`);
  assert.equal(req.orderId, orderId);
  assert.equal(req.order.orderId, orderId);
  return req;
}

const VERSIONS = [130, 151, 176, 178] as const;

describe('placeOrder from @stoqey/ib', () => {
  for (const sv of VERSIONS) {
    describe(`server version ${sv}`, () => {
      test('MKT', () => {
        const { contract, order } = placed(sv, 11, AAPL, {
          action: OrderAction.BUY,
          orderType: OrderType.MKT,
          totalQuantity: 100,
          tif: TimeInForce.DAY,
          account: 'DU1234567',
          transmit: true,
        });
        assert.equal(contract.symbol, 'AAPL');
        assert.equal(contract.secType, 'STK');
        assert.equal(contract.exchange, 'SMART');
        assert.equal(contract.currency, 'USD');
        assert.equal(contract.conId, 0);
        assert.equal(contract.comboLegs, undefined);
        assert.equal(order.action, 'BUY');
        assert.equal(order.orderType, 'MKT');
        assert.equal(order.totalQuantity, 100);
        assert.equal(order.lmtPrice, undefined);
        assert.equal(order.auxPrice, undefined);
        assert.equal(order.tif, 'DAY');
        assert.equal(order.account, 'DU1234567');
        assert.equal(order.transmit, true);
        assert.equal(order.parentId, 0);
        assert.equal(order.whatIf, false);
        assert.equal(order.cashQty, undefined);
      });

      test('LMT with outsideRth, orderRef and good-till-date', () => {
        const { order } = placed(
          sv,
          12,
          { ...AAPL, conId: 265598, primaryExch: 'NASDAQ' },
          {
            action: OrderAction.SELL,
            orderType: OrderType.LMT,
            totalQuantity: 25,
            lmtPrice: 187.35,
            tif: TimeInForce.GTD,
            goodTillDate: '20250630 16:00:00 US/Eastern',
            outsideRth: true,
            orderRef: 'policy-7',
            transmit: true,
          },
        );
        assert.equal(order.action, 'SELL');
        assert.equal(order.orderType, 'LMT');
        assert.equal(order.totalQuantity, 25);
        assert.equal(order.lmtPrice, 187.35);
        assert.equal(order.auxPrice, undefined);
        assert.equal(order.tif, 'GTD');
        assert.equal(order.goodTillDate, '20250630 16:00:00 US/Eastern');
        assert.equal(order.outsideRth, true);
        assert.equal(order.orderRef, 'policy-7');
      });

      test('STP and STP LMT', () => {
        const stp = placed(sv, 13, AAPL, { action: OrderAction.SELL, orderType: OrderType.STP, totalQuantity: 10, auxPrice: 95.5, transmit: true });
        assert.equal(stp.order.orderType, 'STP');
        assert.equal(stp.order.auxPrice, 95.5);
        assert.equal(stp.order.lmtPrice, undefined);
        const stpLmt = placed(sv, 14, AAPL, {
          action: OrderAction.SELL,
          orderType: OrderType.STP_LMT,
          totalQuantity: 10,
          lmtPrice: 94.75,
          auxPrice: 95.5,
          transmit: true,
        });
        assert.equal(stpLmt.order.orderType, 'STP LMT');
        assert.equal(stpLmt.order.lmtPrice, 94.75);
        assert.equal(stpLmt.order.auxPrice, 95.5);
      });

      test('bracket: parent and take-profit held (transmit false), stop child transmits', () => {
        const parent = placed(sv, 20, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, totalQuantity: 50, lmtPrice: 100, transmit: false });
        const takeProfit = placed(sv, 21, AAPL, {
          action: OrderAction.SELL,
          orderType: OrderType.LMT,
          totalQuantity: 50,
          lmtPrice: 110,
          parentId: 20,
          transmit: false,
        });
        const stopLoss = placed(sv, 22, AAPL, {
          action: OrderAction.SELL,
          orderType: OrderType.STP,
          totalQuantity: 50,
          auxPrice: 95,
          parentId: 20,
          transmit: true,
        });
        assert.deepEqual(
          [parent, takeProfit, stopLoss].map((p) => [p.orderId, p.order.parentId, p.order.transmit, p.order.action]),
          [
            [20, 0, false, 'BUY'],
            [21, 20, false, 'SELL'],
            [22, 20, true, 'SELL'],
          ],
        );
      });

      test('OCA group', () => {
        const { order } = placed(sv, 30, AAPL, {
          action: OrderAction.SELL,
          orderType: OrderType.LMT,
          totalQuantity: 5,
          lmtPrice: 120,
          ocaGroup: 'exit-aapl-1',
          ocaType: 2,
          transmit: true,
        });
        assert.equal(order.ocaGroup, 'exit-aapl-1');
        assert.equal(order.ocaType, 2);
      });

      test('what-if', () => {
        const { order } = placed(sv, 31, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1000, whatIf: true, transmit: true });
        assert.equal(order.whatIf, true);
      });

      test('option (OPT)', () => {
        const { contract, order } = placed(
          sv,
          32,
          {
            symbol: 'AAPL',
            secType: SecType.OPT,
            lastTradeDateOrContractMonth: '20250620',
            strike: 200,
            right: 'C' as Contract['right'],
            multiplier: 100,
            exchange: 'SMART',
            currency: 'USD',
            tradingClass: 'AAPL',
          },
          { action: OrderAction.BUY, orderType: OrderType.LMT, totalQuantity: 2, lmtPrice: 3.45, transmit: true },
        );
        assert.equal(contract.secType, 'OPT');
        assert.equal(contract.lastTradeDateOrContractMonth, '20250620');
        assert.equal(contract.strike, 200);
        assert.equal(contract.right, 'C');
        assert.equal(contract.multiplier, '100');
        assert.equal(contract.tradingClass, 'AAPL');
        assert.equal(order.lmtPrice, 3.45);
      });

      test('BAG combo with legs, per-leg prices and smart-routing params', () => {
        const { contract, order } = placed(
          sv,
          33,
          {
            symbol: 'AAPL',
            secType: SecType.BAG,
            exchange: 'SMART',
            currency: 'USD',
            comboLegs: [
              { conId: 111, ratio: 1, action: OrderAction.BUY, exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
              { conId: 222, ratio: 2, action: OrderAction.SELL, exchange: 'CBOE', openClose: 1, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
            ],
          },
          {
            action: OrderAction.BUY,
            orderType: OrderType.LMT,
            totalQuantity: 3,
            lmtPrice: 1.25,
            orderComboLegs: [{ price: 2.5 }, { price: 1.25 }],
            smartComboRoutingParams: [{ tag: 'NonGuaranteed', value: '1' }],
            transmit: true,
          },
        );
        assert.deepEqual(contract.comboLegs, [
          { conId: 111, ratio: 1, action: 'BUY', exchange: 'SMART', openClose: 0, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
          { conId: 222, ratio: 2, action: 'SELL', exchange: 'CBOE', openClose: 1, shortSaleSlot: 0, designatedLocation: '', exemptCode: -1 },
        ]);
        assert.deepEqual(order.orderComboLegs, [{ price: 2.5 }, { price: 1.25 }]);
        assert.deepEqual(order.smartComboRoutingParams, [{ tag: 'NonGuaranteed', value: '1' }]);
        assert.equal(order.lmtPrice, 1.25);
      });

      test('algo with params, hedge, scale, volatility / delta-neutral', () => {
        const { contract, order } = placed(
          sv,
          34,
          { ...AAPL, deltaNeutralContract: { conId: 265598, delta: 0.45, price: 187.5 } },
          {
            action: OrderAction.BUY,
            orderType: OrderType.LMT,
            totalQuantity: 400,
            lmtPrice: 180,
            algoStrategy: 'Adaptive',
            algoParams: [{ tag: 'adaptivePriority', value: 'Normal' }],
            hedgeType: 'D',
            hedgeParam: '0.5',
            scaleInitLevelSize: 100,
            scaleSubsLevelSize: 50,
            scalePriceIncrement: 0.05,
            scaleAutoReset: true,
            scaleRandomPercent: true,
            volatility: 0.3,
            volatilityType: 2,
            deltaNeutralOrderType: 'LMT',
            deltaNeutralAuxPrice: 1.5,
            deltaNeutralConId: 265598,
            deltaNeutralShortSale: true,
            continuousUpdate: 1,
            referencePriceType: 1,
            transmit: true,
          },
        );
        assert.deepEqual(contract.deltaNeutralContract, { conId: 265598, delta: 0.45, price: 187.5 });
        assert.equal(order.algoStrategy, 'Adaptive');
        assert.deepEqual(order.algoParams, [{ tag: 'adaptivePriority', value: 'Normal' }]);
        assert.equal(order.hedgeType, 'D');
        assert.equal(order.hedgeParam, '0.5');
        assert.equal(order.scaleInitLevelSize, 100);
        assert.equal(order.scaleSubsLevelSize, 50);
        assert.equal(order.scalePriceIncrement, 0.05);
        assert.equal(order.scaleAutoReset, true);
        assert.equal(order.scaleRandomPercent, true);
        assert.equal(order.scalePriceAdjustValue, undefined);
        assert.equal(order.volatility, 0.3);
        assert.equal(order.volatilityType, 2);
        assert.equal(order.deltaNeutralOrderType, 'LMT');
        assert.equal(order.deltaNeutralAuxPrice, 1.5);
        assert.equal(order.deltaNeutralConId, 265598);
        assert.equal(order.deltaNeutralShortSale, true);
        assert.equal(order.continuousUpdate, true);
        assert.equal(order.referencePriceType, 1);
      });

      test('cash quantity, soft dollar tier, MiFID II and OMS container fields', () => {
        const ord: Order = {
          action: OrderAction.BUY,
          orderType: OrderType.MKT,
          totalQuantity: 0,
          cashQty: 2500,
          softDollarTier: { name: 'tier1', value: 'v1' },
          extOperator: 'op7',
          transmit: true,
        };
        const mifid = sv >= 139; // DECISION_MAKER 138, MIFID_EXECUTION 139
        if (mifid) Object.assign(ord, { mifid2DecisionMaker: 'dm', mifid2DecisionAlgo: 'da', mifid2ExecutionTrader: 'et', mifid2ExecutionAlgo: 'ea' });
        if (sv >= 141) ord.dontUseAutoPriceForHedge = true;
        if (sv >= 145) ord.isOmsContainer = true;
        if (sv >= 148) ord.discretionaryUpToLimitPrice = true;
        const { order } = placed(sv, 35, AAPL, ord);
        assert.equal(order.cashQty, 2500);
        assert.deepEqual(order.softDollarTier, { name: 'tier1', value: 'v1', displayName: '' });
        assert.equal(order.extOperator, 'op7');
        assert.deepEqual(
          [order.mifid2DecisionMaker, order.mifid2DecisionAlgo, order.mifid2ExecutionTrader, order.mifid2ExecutionAlgo],
          mifid ? ['dm', 'da', 'et', 'ea'] : ['', '', '', ''],
        );
        assert.equal(order.dontUseAutoPriceForHedge, sv >= 141);
        assert.equal(order.isOmsContainer, sv >= 145);
        assert.equal(order.discretionaryUpToLimitPrice, sv >= 148);
      });

      test('order conditions of every type', () => {
        const { order } = placed(sv, 36, AAPL, {
          action: OrderAction.BUY,
          orderType: OrderType.LMT,
          totalQuantity: 10,
          lmtPrice: 150,
          conditions: [
            new PriceCondition(150.25, TriggerMethod.Last, 265598, 'SMART', true, ConjunctionConnection.AND),
            new TimeCondition('20250620 15:30:00 US/Eastern', false, ConjunctionConnection.OR),
            new MarginCondition(30, true, ConjunctionConnection.AND),
            new ExecutionCondition('SMART', SecType.STK, 'MSFT', ConjunctionConnection.AND),
            new VolumeCondition(100000, 265598, 'SMART', true, ConjunctionConnection.OR),
            new PercentChangeCondition(2.5, 265598, 'SMART', false, ConjunctionConnection.AND),
          ],
          conditionsIgnoreRth: true,
          conditionsCancelOrder: true,
          transmit: true,
        });
        assert.deepEqual(order.conditions, [
          { type: 1, conjunction: 'a', isMore: true, value: '150.25', conId: 265598, exchange: 'SMART', triggerMethod: 2 },
          { type: 3, conjunction: 'o', isMore: false, value: '20250620 15:30:00 US/Eastern' },
          { type: 4, conjunction: 'a', isMore: true, value: '30' },
          { type: 5, conjunction: 'a', secType: 'STK', exchange: 'SMART', symbol: 'MSFT' },
          { type: 6, conjunction: 'o', isMore: true, value: '100000', conId: 265598, exchange: 'SMART' },
          { type: 7, conjunction: 'a', isMore: false, value: '2.5', conId: 265598, exchange: 'SMART' },
        ]);
        assert.equal(order.conditionsIgnoreRth, true);
        assert.equal(order.conditionsCancelOrder, true);
      });

      test('pegged to benchmark and adjusted (attached) stop', () => {
        const { order } = placed(sv, 37, AAPL, {
          action: OrderAction.BUY,
          orderType: OrderType.PEG_BENCH,
          totalQuantity: 10,
          startingPrice: 150,
          stockRangeLower: 140,
          stockRangeUpper: 160,
          referenceContractId: 756733,
          isPeggedChangeAmountDecrease: true,
          peggedChangeAmount: 0.5,
          referenceChangeAmount: 1.5,
          referenceExchangeId: 'ARCA',
          adjustedOrderType: OrderType.STP,
          triggerPrice: 149,
          adjustedStopPrice: 145,
          adjustableTrailingUnit: 1,
          transmit: true,
        });
        assert.equal(order.orderType, 'PEG BENCH');
        assert.equal(order.startingPrice, 150);
        assert.equal(order.stockRangeLower, 140);
        assert.equal(order.stockRangeUpper, 160);
        assert.equal(order.referenceContractId, 756733);
        assert.equal(order.isPeggedChangeAmountDecrease, true);
        assert.equal(order.peggedChangeAmount, 0.5);
        assert.equal(order.referenceChangeAmount, 1.5);
        assert.equal(order.referenceExchangeId, 'ARCA');
        assert.equal(order.adjustedOrderType, 'STP');
        assert.equal(order.triggerPrice, 149);
        assert.equal(order.adjustedStopPrice, 145);
        assert.equal(order.adjustedStopLimitPrice, undefined);
        assert.equal(order.adjustableTrailingUnit, 1);
      });
    });
  }

  test('fields of 151..178 only: price management algo, duration, post-to-ATS, auto-cancel parent, manual time', () => {
    for (const sv of [151, 162, 169, 176, 178]) {
      const ord: Order = { action: OrderAction.BUY, orderType: OrderType.LMT, totalQuantity: 10, lmtPrice: 50, usePriceMgmtAlgo: true, transmit: true };
      if (sv >= 158) ord.duration = 90;
      if (sv >= 160) ord.postToAts = 1;
      if (sv >= 162) ord.autoCancelParent = true;
      if (sv >= 166) ord.advancedErrorOverride = '8229';
      if (sv >= 169) ord.manualOrderTime = '20250102-15:30:00';
      const { order } = placed(sv, 40, AAPL, ord);
      assert.equal(order.usePriceMgmtAlgo, true, `sv ${sv}`);
      assert.equal(order.duration, sv >= 158 ? 90 : undefined, `sv ${sv}`);
      assert.equal(order.postToAts, sv >= 160 ? 1 : undefined, `sv ${sv}`);
      assert.equal(order.autoCancelParent, sv >= 162, `sv ${sv}`);
      assert.equal(order.advancedErrorOverride, sv >= 166 ? '8229' : '', `sv ${sv}`);
      assert.equal(order.manualOrderTime, sv >= 169 ? '20250102-15:30:00' : '', `sv ${sv}`);
    }
  });

  test('usePriceMgmtAlgo left unset travels as "" and stays unset', () => {
    const { order } = placed(176, 41, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1, transmit: true });
    assert.equal(order.usePriceMgmtAlgo, undefined);
  });

  test('PEG MID on IBKRATS at 178: minTradeQty and both mid offsets', () => {
    const { order } = placed(
      178,
      42,
      { ...AAPL, exchange: 'IBKRATS' },
      {
        action: OrderAction.BUY,
        orderType: OrderType.PEG_MID,
        totalQuantity: 100,
        lmtPrice: 150,
        minTradeQty: 10,
        midOffsetAtWhole: 0.01,
        midOffsetAtHalf: 0.005,
        transmit: true,
      },
    );
    assert.equal(order.minTradeQty, 10);
    assert.equal(order.minCompeteSize, undefined);
    assert.equal(order.midOffsetAtWhole, 0.01);
    assert.equal(order.midOffsetAtHalf, 0.005);
  });

  test('PEG BEST up to mid (competeAgainstBestOffset Infinity) at 176', () => {
    const { order } = placed(
      176,
      43,
      { ...AAPL, exchange: 'IBKRATS' },
      {
        action: OrderAction.SELL,
        orderType: OrderType.PEG_BEST,
        totalQuantity: 100,
        lmtPrice: 150,
        minTradeQty: 5,
        minCompeteSize: 20,
        competeAgainstBestOffset: Infinity,
        midOffsetAtWhole: 0.02,
        midOffsetAtHalf: 0.01,
        transmit: true,
      },
    );
    assert.equal(order.minTradeQty, 5);
    assert.equal(order.minCompeteSize, 20);
    assert.equal(order.competeAgainstBestOffset, Infinity);
    assert.equal(order.midOffsetAtWhole, 0.02);
    assert.equal(order.midOffsetAtHalf, 0.01);
  });

  test('PEG BEST with a plain offset sends no mid offsets', () => {
    const { order } = placed(
      176,
      44,
      { ...AAPL, exchange: 'IBKRATS' },
      {
        action: OrderAction.SELL,
        orderType: OrderType.PEG_BEST,
        totalQuantity: 100,
        lmtPrice: 150,
        minTradeQty: 5,
        minCompeteSize: 20,
        competeAgainstBestOffset: 0.02,
        transmit: true,
      },
    );
    assert.equal(order.competeAgainstBestOffset, 0.02);
    assert.equal(order.midOffsetAtWhole, undefined);
  });

  test('faProfile travels only below FA_PROFILE_DESUPPORT (177)', () => {
    const at = (sv: number) =>
      sent(sv, 3, (e) => e.placeOrder(1, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 1, transmit: true }));
    assert.equal(at(176).length, at(177).length + 1);
    const r = new FieldReader(at(177).slice(1), 'placeOrder');
    decodePlaceOrder(r, 177);
    assert.equal(r.remaining, 0);
  });
});

describe('placeOrder from a third client (rust-ibapi, captured in its tests at SIZE_RULES = 164)', () => {
  const rustFrame = (pipe: string) => {
    const f = pipe.split('|');
    assert.equal(f.pop(), '');
    return f;
  };

  test('MKT BUY 100 TSLA', () => {
    const f = rustFrame(
      '3|13|0|TSLA|STK||0|||SMART||USD|||||BUY|100|MKT|||||||0||1|0|0|0|0|0|0|0||0||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0|0|0|0|||0|',
    );
    const r = new FieldReader(f.slice(1), 'placeOrder');
    const { orderId, contract, order } = decodePlaceOrder(r, 164);
    assert.equal(r.remaining, 0);
    assert.equal(orderId, 13);
    assert.equal(contract.symbol, 'TSLA');
    assert.deepEqual([order.action, order.totalQuantity, order.orderType, order.transmit], ['BUY', 100, 'MKT', true]);
    assert.equal(order.lmtPrice, undefined);
  });

  test('BAG market order with two legs and NonGuaranteed routing', () => {
    const f = rustFrame(
      '3|12|0|WTI|BAG||0|||SMART||USD|||||SELL|150|MKT|||||||0||1|0|0|0|0|0|0|0|2|55928698|1|BUY|IPE|0|0||0|55850663|1|SELL|IPE|0|0||0|0|1|NonGuaranteed|1||0||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0|0|0|0|||0|',
    );
    const r = new FieldReader(f.slice(1), 'placeOrder');
    const { contract, order } = decodePlaceOrder(r, 164);
    assert.equal(r.remaining, 0);
    assert.deepEqual(
      contract.comboLegs?.map((l) => [l.conId, l.ratio, l.action, l.exchange]),
      [
        [55928698, 1, 'BUY', 'IPE'],
        [55850663, 1, 'SELL', 'IPE'],
      ],
    );
    assert.deepEqual(order.orderComboLegs, []);
    assert.deepEqual(order.smartComboRoutingParams, [{ tag: 'NonGuaranteed', value: '1' }]);
  });
});

describe('other order requests from @stoqey/ib', () => {
  test('cancelOrder at 168 and 176', () => {
    let r = new FieldReader(sent(168, 4, (e) => e.cancelOrder(77, {})).slice(1), 'cancelOrder');
    assert.deepEqual(decodeCancelOrder(r, 168), { orderId: 77, manualOrderCancelTime: '' });
    assert.equal(r.remaining, 0);
    r = new FieldReader(sent(176, 4, (e) => e.cancelOrder(78, { manualOrderCancelTime: '20250102-15:30:00' })).slice(1), 'cancelOrder');
    assert.deepEqual(decodeCancelOrder(r, 176), { orderId: 78, manualOrderCancelTime: '20250102-15:30:00' });
    assert.equal(r.remaining, 0);
  });

  test('reqExecutions with a filter', () => {
    for (const sv of [130, 176, 178]) {
      const frame = sent(sv, 7, (e) =>
        e.reqExecutions(42, {
          clientId: '7',
          acctCode: 'DU1234567',
          time: '20250102-09:30:00',
          symbol: 'AAPL',
          secType: SecType.STK,
          exchange: 'SMART',
          side: 'BUY',
        }),
      );
      const r = new FieldReader(frame.slice(1), 'reqExecutions');
      assert.deepEqual(decodeReqExecutions(r, sv), {
        reqId: 42,
        filter: { clientId: 7, acctCode: 'DU1234567', time: '20250102-09:30:00', symbol: 'AAPL', secType: 'STK', exchange: 'SMART', side: 'BUY' },
      });
      assert.equal(r.remaining, 0);
    }
  });

  test('reqExecutions with an empty filter', () => {
    const r = new FieldReader(sent(176, 7, (e) => e.reqExecutions(1, {})).slice(1), 'reqExecutions');
    assert.deepEqual(decodeReqExecutions(r, 176), {
      reqId: 1,
      filter: { clientId: 0, acctCode: '', time: '', symbol: '', secType: '', exchange: '', side: '' },
    });
    assert.equal(r.remaining, 0);
  });

  test('reqOpenOrders, reqAllOpenOrders, reqAutoOpenOrders, reqGlobalCancel, reqCompletedOrders', () => {
    const read = (id: number, act: (e: Encoder) => void, name: string) => new FieldReader(sent(176, id, act).slice(1), name);
    let r = read(5, (e) => e.reqOpenOrders(), 'reqOpenOrders');
    assert.deepEqual(decodeReqOpenOrders(r, 176), {});
    assert.equal(r.remaining, 0);
    r = read(16, (e) => e.reqAllOpenOrders(), 'reqAllOpenOrders');
    assert.deepEqual(decodeReqAllOpenOrders(r, 176), {});
    assert.equal(r.remaining, 0);
    for (const autoBind of [true, false]) {
      r = read(15, (e) => e.reqAutoOpenOrders(autoBind), 'reqAutoOpenOrders');
      assert.deepEqual(decodeReqAutoOpenOrders(r, 176), { autoBind });
      assert.equal(r.remaining, 0);
    }
    r = read(58, (e) => e.reqGlobalCancel({}), 'reqGlobalCancel');
    assert.deepEqual(decodeReqGlobalCancel(r, 176), {});
    assert.equal(r.remaining, 0);
    for (const apiOnly of [true, false]) {
      r = read(99, (e) => e.reqCompletedOrders(apiOnly), 'reqCompletedOrders');
      assert.deepEqual(decodeReqCompletedOrders(r, 176), { apiOnly });
      assert.equal(r.remaining, 0);
    }
  });
});

describe('malformed requests fail with a ProtocolError naming the field', () => {
  const lmt = (sv: number) =>
    sent(sv, 3, (e) => e.placeOrder(9, AAPL, { action: OrderAction.BUY, orderType: OrderType.LMT, totalQuantity: 1, lmtPrice: 10, transmit: true })).slice(1);

  test('a truncated placeOrder names the first missing field', () => {
    // At 176 an LMT on SMART ends with manualOrderTime (no PEG BEST/MID fields).
    const r = new FieldReader(lmt(176).slice(0, -1), 'placeOrder');
    assert.throws(
      () => decodePlaceOrder(r, 176),
      (e: unknown) => e instanceof ProtocolError && /missing field "manualOrderTime"/.test(e.message),
    );
  });

  test('a non-numeric price names lmtPrice', () => {
    const fields = lmt(176);
    const at = fields.indexOf('10');
    assert.ok(at > 0);
    fields[at] = 'ten';
    assert.throws(
      () => decodePlaceOrder(new FieldReader(fields, 'placeOrder'), 176),
      (e: unknown) => e instanceof ProtocolError && /"lmtPrice" is "ten"/.test(e.message),
    );
  });

  test('an unknown condition type', () => {
    const frame = sent(176, 3, (e) =>
      e.placeOrder(9, AAPL, {
        action: OrderAction.BUY,
        orderType: OrderType.LMT,
        totalQuantity: 1,
        lmtPrice: 10,
        conditions: [new MarginCondition(30, true, ConjunctionConnection.AND)],
        transmit: true,
      }),
    );
    const fields = frame.slice(1);
    const typeAt = fields.indexOf('a') - 1; // the type precedes the conjunction
    assert.equal(fields[typeAt], '4');
    fields[typeAt] = '2';
    assert.throws(
      () => decodePlaceOrder(new FieldReader(fields, 'placeOrder'), 176),
      (e: unknown) => e instanceof ProtocolError && /condition\[0\]\.type/.test(e.message),
    );
  });

  test('messages a connection at that server version cannot carry', () => {
    assert.throws(() => decodeReqCompletedOrders(new FieldReader(['1']), 149), ProtocolError);
    assert.throws(() => decodePlaceOrder(new FieldReader(lmt(178)), 179), ProtocolError);
  });
});
