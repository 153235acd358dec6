// Our encoders -> a real client: frames from the session / contract / market data /
// history / account encoders go through @stoqey/ib 1.6.10's Socket and Decoder
// in-process; the emitted events must carry the values we meant, with no decoder
// complaints (unread fields or underruns surface as "error" events with code 505).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as account from '../../../src/extension/sim/protocol/accountCodec';
import * as contracts from '../../../src/extension/sim/protocol/contractCodec';
import { emptyContractDetails, type WireContractDetails } from '../../../src/extension/sim/protocol/contractDetailsTypes';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import * as history from '../../../src/extension/sim/protocol/historyCodec';
import * as market from '../../../src/extension/sim/protocol/marketDataCodec';
import * as session from '../../../src/extension/sim/protocol/sessionCodec';
import { clientEvents, type ClientEvent } from './twsClientHarness';

const ev = (name: string, ...args: unknown[]): ClientEvent => ({ name, args });

function only(events: ClientEvent[]): ClientEvent {
  assert.equal(events.length, 1, `one event, got ${JSON.stringify(events)}`);
  return events[0] as ClientEvent;
}

const stockContract = () =>
  emptyContract({
    conId: 265598,
    symbol: 'AAPL',
    secType: 'STK',
    exchange: 'SMART',
    primaryExch: 'NASDAQ',
    currency: 'USD',
    localSymbol: 'AAPL',
    tradingClass: 'NMS',
  });
const optionContract = () =>
  emptyContract({
    conId: 712345678,
    symbol: 'AAPL',
    secType: 'OPT',
    lastTradeDateOrContractMonth: '20250117',
    strike: 200,
    right: 'C',
    multiplier: '100',
    exchange: 'SMART',
    primaryExch: '',
    currency: 'USD',
    localSymbol: 'AAPL  250117C00200000',
    tradingClass: 'AAPL',
  });

const stockDetails = (): WireContractDetails =>
  emptyContractDetails(stockContract(), {
    marketName: 'NMS',
    minTick: 0.01,
    orderTypes: 'ACTIVETIM,ADJUST,ALERT,LMT,MKT,STP',
    validExchanges: 'SMART,AMEX,NYSE,ISLAND',
    priceMagnifier: 1,
    longName: 'APPLE INC',
    industry: 'Technology',
    category: 'Computers',
    subcategory: 'Computers',
    timeZoneId: 'US/Eastern',
    tradingHours: '20240105:0400-20240105:2000;20240106:CLOSED',
    liquidHours: '20240105:0930-20240105:1600;20240106:CLOSED',
    aggGroup: 1,
    marketRuleIds: '26,26,26',
    stockType: 'COMMON',
    minSize: 0.0001,
    sizeIncrement: 0.0001,
    suggestedSizeIncrement: 100,
    secIdList: [{ tag: 'ISIN', value: 'US0378331005' }],
  });

const optionDetails = (): WireContractDetails =>
  emptyContractDetails(optionContract(), {
    marketName: 'AAPL',
    minTick: 0.01,
    orderTypes: 'LMT,MKT',
    validExchanges: 'SMART,CBOE',
    priceMagnifier: 1,
    underConId: 265598,
    longName: 'APPLE INC',
    contractMonth: '202501',
    timeZoneId: 'US/Eastern',
    tradingHours: '20250117:0930-20250117:1600',
    liquidHours: '20250117:0930-20250117:1600',
    aggGroup: 2,
    underSymbol: 'AAPL',
    underSecType: 'STK',
    marketRuleIds: '32,32',
    realExpirationDate: '20250117',
    lastTradeTime: '16:00',
    minSize: 1,
    sizeIncrement: 1,
    suggestedSizeIncrement: 1,
  });

for (const sv of [176, 151] as const) {
  describe(`our encoders read by @stoqey/ib at server version ${sv}`, () => {
    test('managedAccounts, nextValidId, currentTime, marketDataType', () => {
      assert.deepEqual(
        clientEvents(sv, [
          session.encodeManagedAccounts(sv, ['DU1234567', 'DU7654321']),
          session.encodeNextValidId(sv, 42),
          session.encodeCurrentTime(sv, 1700000000),
          session.encodeMarketDataType(sv, 1001, 3),
        ]),
        [ev('managedAccounts', 'DU1234567,DU7654321'), ev('nextValidId', 42), ev('currentTime', 1700000000), ev('marketDataType', 1001, 3)],
      );
    });

    test('error for a request, with advancedOrderRejectJson where the version has it', () => {
      const reject = '{"rejectAttribute":"price","rejectReason":"outside band"}';
      const got = only(
        clientEvents(sv, [session.encodeError(sv, { reqId: 1001, code: 201, message: 'Order rejected – price', advancedOrderRejectJson: reject })]),
      );
      assert.equal(got.name, 'error');
      assert.equal(got.args[0], 'Order rejected – price');
      assert.equal(got.args[1], 201);
      assert.equal(got.args[2], 1001);
      assert.deepEqual(got.args[3], sv >= 166 ? { rejectAttribute: 'price', rejectReason: 'outside band' } : undefined);
    });

    test('connection notices (reqId -1) come out as info', () => {
      assert.deepEqual(clientEvents(sv, [session.encodeError(sv, { reqId: -1, code: 2104, message: 'Market data farm connection is OK:usfarm' })]), [
        ev('info', 'Market data farm connection is OK:usfarm', 2104),
      ]);
    });

    test('contractDetails for a stock, then contractDetailsEnd', () => {
      const events = clientEvents(sv, [contracts.encodeContractDetails(sv, 11, stockDetails()), contracts.encodeContractDetailsEnd(sv, 11)]);
      assert.equal(events.length, 2, JSON.stringify(events));
      const [cd, end] = events as [ClientEvent, ClientEvent];
      assert.equal(cd.name, 'contractDetails');
      assert.equal(cd.args[0], 11);
      const d = cd.args[1] as Record<string, unknown> & { contract: Record<string, unknown> };
      assert.deepEqual(
        {
          symbol: d.contract.symbol,
          secType: d.contract.secType,
          strike: d.contract.strike,
          right: d.contract.right,
          exchange: d.contract.exchange,
          primaryExch: d.contract.primaryExch,
          currency: d.contract.currency,
          localSymbol: d.contract.localSymbol,
          tradingClass: d.contract.tradingClass,
          conId: d.contract.conId,
          multiplier: d.contract.multiplier,
        },
        {
          symbol: 'AAPL',
          secType: 'STK',
          strike: 0,
          right: undefined,
          exchange: 'SMART',
          primaryExch: 'NASDAQ',
          currency: 'USD',
          localSymbol: 'AAPL',
          tradingClass: 'NMS',
          conId: 265598,
          multiplier: 0,
        },
      );
      assert.equal(d.marketName, 'NMS');
      assert.equal(d.minTick, 0.01);
      assert.equal(d.orderTypes, 'ACTIVETIM,ADJUST,ALERT,LMT,MKT,STP');
      assert.equal(d.validExchanges, 'SMART,AMEX,NYSE,ISLAND');
      assert.equal(d.priceMagnifier, 1);
      assert.equal(d.underConId, 0);
      assert.equal(d.longName, 'APPLE INC');
      assert.equal(d.industry, 'Technology');
      assert.equal(d.category, 'Computers');
      assert.equal(d.timeZoneId, 'US/Eastern');
      assert.equal(d.tradingHours, '20240105:0400-20240105:2000;20240106:CLOSED');
      assert.equal(d.liquidHours, '20240105:0930-20240105:1600;20240106:CLOSED');
      assert.equal(d.evMultiplier, 0);
      assert.deepEqual(d.secIdList, [{ tag: 'ISIN', value: 'US0378331005' }]);
      assert.equal(d.aggGroup, 1);
      assert.equal(d.marketRuleIds, '26,26,26');
      assert.equal(d.stockType, sv >= 152 ? 'COMMON' : undefined); // STOCK_TYPE (152)
      if (sv >= 164) {
        assert.equal(d.minSize, 0.0001);
        assert.equal(d.sizeIncrement, 0.0001);
        assert.equal(d.suggestedSizeIncrement, 100);
      } else {
        assert.equal(d.minSize, undefined);
      }
      assert.deepEqual(end, ev('contractDetailsEnd', 11));
    });

    test('contractDetails for an option (expiry with last trade time, underlying, real expiration)', () => {
      const cd = only(clientEvents(sv, [contracts.encodeContractDetails(sv, 12, optionDetails())]));
      assert.equal(cd.name, 'contractDetails');
      const d = cd.args[1] as Record<string, unknown> & { contract: Record<string, unknown> };
      assert.equal(d.contract.lastTradeDateOrContractMonth, '20250117');
      assert.equal(d.lastTradeTime, '16:00');
      assert.equal(d.contract.strike, 200);
      assert.equal(d.contract.right, 'C');
      assert.equal(d.contract.multiplier, 100);
      assert.equal(d.contract.localSymbol, 'AAPL  250117C00200000');
      assert.equal(d.contract.tradingClass, 'AAPL');
      assert.equal(d.contract.conId, 712345678);
      assert.equal(d.underConId, 265598);
      assert.equal(d.contractMonth, '202501');
      assert.equal(d.underSymbol, 'AAPL');
      assert.equal(d.underSecType, 'STK');
      assert.equal(d.realExpirationDate, '20250117');
      assert.equal(d.aggGroup, 2);
      assert.equal(d.secIdList, undefined); // empty list: the client leaves it unset
    });

    test('securityDefinitionOptionParameter (+ End)', () => {
      const p = {
        reqId: 14,
        exchange: 'SMART',
        underlyingConId: 265598,
        tradingClass: 'AAPL',
        multiplier: '100',
        expirations: ['20250117', '20250221'],
        strikes: [190, 195.5, 200],
      };
      assert.deepEqual(clientEvents(sv, [contracts.encodeSecDefOptParameter(sv, p), contracts.encodeSecDefOptParameterEnd(sv, 14)]), [
        ev('securityDefinitionOptionParameter', 14, 'SMART', 265598, 'AAPL', 100, ['20250117', '20250221'], [190, 195.5, 200]),
        ev('securityDefinitionOptionParameterEnd', 14),
      ]);
    });

    test('tickReqParams, tickPrice with size and attribs, tickSize, tickString, tickGeneric, tickSnapshotEnd', () => {
      const events = clientEvents(sv, [
        market.encodeTickReqParams(sv, 1001, 0.01, '9c0001', 3),
        market.encodeTickPrice(sv, 1001, 1, 228.31, 300, { canAutoExecute: true }),
        market.encodeTickPrice(sv, 1001, 2, 228.33, 200),
        market.encodeTickPrice(sv, 1001, 9, 226.5),
        market.encodeTickSize(sv, 1001, 8, 1250000),
        market.encodeTickString(sv, 1001, 45, '1704466800'),
        market.encodeTickGeneric(sv, 1001, 49, 0),
        market.encodeTickSnapshotEnd(sv, 1001),
      ]);
      const [params, ...rest] = events as [ClientEvent, ...ClientEvent[]];
      assert.equal(params.name, 'tickReqParams');
      // @stoqey/ib reads minTick with parseInt (the official clients read a double), so only the rest is comparable.
      assert.deepEqual([params.args[0], params.args[2], params.args[3]], [1001, '9c0001', 3]);
      assert.deepEqual(rest, [
        // The BID tick's size would map to BID_SIZE (0), which @stoqey/ib skips as falsy; TWS's
        // separate TICK_SIZE messages cover it. canAutoExecute is @stoqey/ib's reading of mask != 0.
        ev('tickPrice', 1001, 1, 228.31, true),
        ev('tickPrice', 1001, 2, 228.33, false),
        ev('tickSize', 1001, 3, 200), // ASK_SIZE
        ev('tickPrice', 1001, 9, 226.5, false), // CLOSE carries no size event
        ev('tickSize', 1001, 8, 1250000),
        ev('tickString', 1001, 45, '1704466800'),
        ev('tickGeneric', 1001, 49, 0),
        ev('tickSnapshotEnd', 1001),
      ]);
    });

    test('tickOptionComputation with greeks, and with not-computed values', () => {
      assert.deepEqual(
        clientEvents(sv, [
          market.encodeTickOptionComputation(sv, {
            reqId: 1002,
            tickType: 13,
            tickAttrib: 1,
            impliedVol: 0.27,
            delta: 0.52,
            optPrice: 9.85,
            pvDividend: 0.24,
            gamma: 0.021,
            vega: 0.31,
            theta: -0.09,
            undPrice: 228.3,
          }),
          market.encodeTickOptionComputation(sv, { reqId: 1002, tickType: 10 }),
        ]),
        [
          ev('tickOptionComputation', 1002, 13, sv >= 156 ? 1 : undefined, 0.27, 0.52, 9.85, 0.24, 0.021, 0.31, -0.09, 228.3),
          ev(
            'tickOptionComputation',
            1002,
            10,
            sv >= 156 ? 0 : undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
          ),
        ],
      );
    });

    test('realtimeBar', () => {
      assert.deepEqual(
        clientEvents(sv, [
          market.encodeRealtimeBar(sv, {
            reqId: 21,
            time: 1704466800,
            open: 228.1,
            high: 228.4,
            low: 228,
            close: 228.3,
            volume: 12000,
            wap: 228.21,
            count: 37,
          }),
        ]),
        [ev('realtimeBar', 21, 1704466800, 228.1, 228.4, 228, 228.3, 12000, 228.21, 37)],
      );
    });

    test('historicalData bars and the end marker, historicalDataUpdate, headTimestamp', () => {
      const bars = [
        { date: '20240104', open: 182.15, high: 183.09, low: 180.88, close: 181.91, volume: 71983600, wap: 182.0, barCount: 420000 },
        { date: '20240105', open: 181.99, high: 182.76, low: 180.17, close: 181.18, volume: 62303300, wap: 181.4, barCount: 380000 },
      ];
      const events = clientEvents(sv, [
        history.encodeHistoricalData(sv, { reqId: 31, startDate: '20240103 16:00:00', endDate: '20240105 16:00:00', bars }),
        history.encodeHistoricalDataUpdate(sv, 31, {
          date: '20240108',
          open: 182.09,
          high: 185.6,
          low: 181.5,
          close: 185.56,
          volume: 59144500,
          wap: 184.2,
          barCount: 350000,
        }),
        history.encodeHeadTimestamp(sv, 41, '19801212  14:30:00'),
      ]);
      assert.deepEqual(events, [
        ev('historicalData', 31, '20240104', 182.15, 183.09, 180.88, 181.91, 71983600, 420000, 182, undefined),
        ev('historicalData', 31, '20240105', 181.99, 182.76, 180.17, 181.18, 62303300, 380000, 181.4, undefined),
        ev('historicalData', 31, 'finished-20240103 16:00:00-20240105 16:00:00', -1, -1, -1, -1, -1, -1, -1, false),
        ev('historicalDataUpdate', 31, '20240108', 182.09, 185.6, 181.5, 185.56, 59144500, 350000, 184.2),
        ev('headTimestamp', 41, '19801212  14:30:00'),
      ]);
    });

    test('position (+ End), updatePortfolio, updateAccountValue, updateAccountTime, accountDownloadEnd', () => {
      const option = optionContract();
      const events = clientEvents(sv, [
        account.encodePosition(sv, { account: 'DU1234567', contract: { ...stockContract(), exchange: 'NASDAQ' }, position: 150, avgCost: 185.4321 }),
        account.encodePosition(sv, { account: 'DU1234567', contract: option, position: -2, avgCost: 985.13 }),
        account.encodePositionEnd(sv),
        account.encodeUpdateAccountValue(sv, { key: 'NetLiquidation', value: '100523.17', currency: 'USD', accountName: 'DU1234567' }),
        account.encodeUpdatePortfolio(sv, {
          contract: stockContract(),
          position: 150,
          marketPrice: 228.3,
          marketValue: 34245,
          averageCost: 185.4321,
          unrealizedPNL: 6430.19,
          realizedPNL: 0,
          accountName: 'DU1234567',
        }),
        account.encodeUpdateAccountTime(sv, '15:42'),
        account.encodeAccountDownloadEnd(sv, 'DU1234567'),
      ]);
      assert.deepEqual(events, [
        ev(
          'position',
          'DU1234567',
          {
            conId: 265598,
            symbol: 'AAPL',
            secType: 'STK',
            lastTradeDateOrContractMonth: '',
            strike: 0,
            right: undefined,
            multiplier: 0,
            exchange: 'NASDAQ',
            currency: 'USD',
            localSymbol: 'AAPL',
            tradingClass: 'NMS',
          },
          150,
          185.4321,
        ),
        ev(
          'position',
          'DU1234567',
          {
            conId: 712345678,
            symbol: 'AAPL',
            secType: 'OPT',
            lastTradeDateOrContractMonth: '20250117',
            strike: 200,
            right: 'C',
            multiplier: 100,
            exchange: 'SMART',
            currency: 'USD',
            localSymbol: 'AAPL  250117C00200000',
            tradingClass: 'AAPL',
          },
          -2,
          985.13,
        ),
        ev('positionEnd'),
        ev('updateAccountValue', 'NetLiquidation', '100523.17', 'USD', 'DU1234567'),
        ev(
          'updatePortfolio',
          {
            conId: 265598,
            symbol: 'AAPL',
            secType: 'STK',
            lastTradeDateOrContractMonth: '',
            strike: 0,
            right: undefined,
            multiplier: 0,
            primaryExch: 'NASDAQ',
            currency: 'USD',
            localSymbol: 'AAPL',
            tradingClass: 'NMS',
          },
          150,
          228.3,
          34245,
          185.4321,
          6430.19,
          0,
          'DU1234567',
        ),
        ev('updateAccountTime', '15:42'),
        ev('accountDownloadEnd', 'DU1234567'),
      ]);
    });

    test('accountUpdateMulti (+ End), positionMulti (+ End), accountSummary (+ End)', () => {
      const events = clientEvents(sv, [
        account.encodeAccountUpdateMulti(sv, { reqId: 51, account: 'DU1234567', modelCode: '', key: 'CashBalance', value: '65000.00', currency: 'USD' }),
        account.encodeAccountUpdateMultiEnd(sv, 51),
        account.encodePositionMulti(sv, { reqId: 52, account: 'DU1234567', modelCode: '', contract: stockContract(), position: 150, avgCost: 185.4321 }),
        account.encodePositionMultiEnd(sv, 52),
        account.encodeAccountSummary(sv, { reqId: 61, account: 'DU1234567', tag: 'BuyingPower', value: '400000.00', currency: 'USD' }),
        account.encodeAccountSummaryEnd(sv, 61),
      ]);
      assert.equal(events.length, 6, JSON.stringify(events));
      assert.deepEqual(events[0], ev('accountUpdateMulti', 51, 'DU1234567', '', 'CashBalance', '65000.00', 'USD'));
      // @stoqey/ib reads this reqId as text (readStr); the value is what matters.
      assert.equal(events[1]?.name, 'accountUpdateMultiEnd');
      assert.equal(Number(events[1]?.args[0]), 51);
      assert.deepEqual(events.slice(2), [
        ev(
          'positionMulti',
          52,
          'DU1234567',
          '',
          {
            conId: 265598,
            symbol: 'AAPL',
            secType: 'STK',
            lastTradeDateOrContractMonth: '',
            strike: 0,
            right: undefined,
            multiplier: 0,
            exchange: 'SMART',
            currency: 'USD',
            localSymbol: 'AAPL',
            tradingClass: 'NMS',
          },
          150,
          185.4321,
        ),
        ev('positionMultiEnd', 52),
        ev('accountSummary', 61, 'DU1234567', 'BuyingPower', '400000.00', 'USD'),
        ev('accountSummaryEnd', 61),
      ]);
    });

    test('pnl and pnlSingle, with an unset realized PnL', () => {
      assert.deepEqual(
        clientEvents(sv, [
          account.encodePnl(sv, { reqId: 71, dailyPnL: 412.5, unrealizedPnL: 6430.19, realizedPnL: -12.3 }),
          account.encodePnlSingle(sv, { reqId: 72, position: 150, dailyPnL: 300.75, unrealizedPnL: 6430.19, value: 34245 }),
        ]),
        [ev('pnl', 71, 412.5, 6430.19, -12.3), ev('pnlSingle', 72, 150, 300.75, 6430.19, undefined, 34245)],
      );
    });
  });
}

describe('our encoders read by @stoqey/ib at other server versions', () => {
  test('historicalData before SYNT_REALTIME_BARS (120): version field and hasGaps', () => {
    const bar = { date: '20240104', open: 182.15, high: 183.09, low: 180.88, close: 181.91, volume: 71983600, wap: 182.0, barCount: 420000 };
    assert.deepEqual(clientEvents(120, [history.encodeHistoricalData(120, { reqId: 5, startDate: '20240103', endDate: '20240104', bars: [bar] })]), [
      ev('historicalData', 5, '20240104', 182.15, 183.09, 180.88, 181.91, 71983600, 420000, 182, false),
      ev('historicalData', 5, 'finished-20240103-20240104', -1, -1, -1, -1, -1, -1, -1, false),
    ]);
  });

  for (const sv of [100, 110, 125, 163, 178]) {
    test(`contractDetails for a stock and an option at ${sv}`, () => {
      const events = clientEvents(sv, [contracts.encodeContractDetails(sv, 11, stockDetails()), contracts.encodeContractDetails(sv, 12, optionDetails())]);
      assert.deepEqual(
        events.map((e) => e.name),
        ['contractDetails', 'contractDetails'],
        JSON.stringify(events),
      );
      const [stock, option] = events.map((e) => e.args[1] as Record<string, unknown> & { contract: Record<string, unknown> }) as [
        Record<string, unknown> & { contract: Record<string, unknown> },
        Record<string, unknown> & { contract: Record<string, unknown> },
      ];
      assert.equal(stock.contract.conId, 265598);
      assert.equal(stock.longName, 'APPLE INC');
      assert.deepEqual(stock.secIdList, [{ tag: 'ISIN', value: 'US0378331005' }]);
      assert.equal(stock.aggGroup, sv >= 121 ? 1 : undefined);
      assert.equal(stock.stockType, sv >= 152 ? 'COMMON' : undefined);
      assert.equal(option.underSymbol, sv >= 122 ? 'AAPL' : undefined);
      assert.equal(option.realExpirationDate, sv >= 134 ? '20250117' : undefined);
      assert.equal(option.contract.strike, 200);
      assert.equal(option.lastTradeTime, '16:00');
    });
  }

  test('pnl at 128 (before UNREALIZED_PNL) and tickPrice sizes before FRACTIONAL_SIZE_SUPPORT', () => {
    assert.deepEqual(clientEvents(128, [account.encodePnl(128, { reqId: 1, dailyPnL: -5.5, unrealizedPnL: 1, realizedPnL: 2 })]), [
      ev('pnl', 1, -5.5, undefined, undefined),
    ]);
    assert.deepEqual(clientEvents(160, [market.encodeTickPrice(160, 7, 4, 10.5, 12.6)]), [ev('tickPrice', 7, 4, 10.5, false), ev('tickSize', 7, 5, 13)]);
  });

  test('historicalSchedule (whatToShow=SCHEDULE, from 165)', () => {
    const sessions = [
      { startDateTime: '20240104-09:30:00', endDateTime: '20240104-16:00:00', refDate: '20240104' },
      { startDateTime: '20240105-09:30:00', endDateTime: '20240105-16:00:00', refDate: '20240105' },
    ];
    assert.deepEqual(
      clientEvents(176, [
        history.encodeHistoricalSchedule(176, {
          reqId: 34,
          startDateTime: '20240104-09:30:00',
          endDateTime: '20240105-16:00:00',
          timeZone: 'US/Eastern',
          sessions,
        }),
      ]),
      [ev('historicalSchedule', 34, '20240104-09:30:00', '20240105-16:00:00', 'US/Eastern', sessions)],
    );
  });

  test('unicode in error texts survives the ASCII-7 escaping (178)', () => {
    assert.deepEqual(clientEvents(178, [session.encodeError(178, { reqId: -1, code: 2158, message: 'Sec-def data farm – Zürich €' })]), [
      ev('info', 'Sec-def data farm – Zürich €', 2158),
    ]);
  });
});
