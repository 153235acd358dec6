// Client -> our decoders: every session / contract / market data / history /
// account request is produced by @stoqey/ib 1.6.10's own Encoder and Socket framing
// (real bytes, in-process) at several server versions; the decoders must return the
// values the client was asked to send and consume exactly all fields.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Contract } from '@stoqey/ib/dist/api/contract/contract';
import type { Encoder } from '@stoqey/ib/dist/core/io/encoder';
import * as account from '../../../src/extension/sim/protocol/accountCodec';
import * as contracts from '../../../src/extension/sim/protocol/contractCodec';
import { emptyContract, type WireContract } from '../../../src/extension/sim/protocol/contractTypes';
import * as history from '../../../src/extension/sim/protocol/historyCodec';
import * as market from '../../../src/extension/sim/protocol/marketDataCodec';
import { RequestId } from '../../../src/extension/tws/messageIds';
import * as session from '../../../src/extension/sim/protocol/sessionCodec';
import { FieldReader } from '../../../src/extension/tws/wire';
import { clientRequests, clientStartApi } from './twsClientHarness';

type Decode<T> = (r: FieldReader, serverVersion: number) => T;

/** Exactly one frame with the expected id, decoded with nothing left over. */
function decodeOnly<T>(frames: string[][], id: RequestId, decode: Decode<T>, serverVersion: number): T {
  assert.equal(frames.length, 1, 'one message');
  const [fields] = frames as [string[]];
  assert.equal(fields[0], String(id), 'message id');
  const r = new FieldReader(fields.slice(1), RequestId[id]);
  const out = decode(r, serverVersion);
  assert.equal(r.remaining, 0, `all fields consumed (left: ${JSON.stringify(fields.slice(1 + r.position))})`);
  return out;
}

function sent<T>(sv: number, id: RequestId, decode: Decode<T>, act: (enc: Encoder) => void): T {
  return decodeOnly(clientRequests(sv, act), id, decode, sv);
}

// Contracts as an application hands them to @stoqey/ib (its enum-typed fields are plain strings on the wire).
const asClient = (c: object): Contract => c as Contract;
const AAPL = { conId: 265598, symbol: 'AAPL', secType: 'STK', exchange: 'SMART', primaryExch: 'NASDAQ', currency: 'USD' };
const AAPL_CALL = {
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
};
// What the decoders must see for those: unset fields arrive as "" (numbers as 0).
const aaplWire = (): WireContract =>
  emptyContract({ conId: 265598, symbol: 'AAPL', secType: 'STK', exchange: 'SMART', primaryExch: 'NASDAQ', currency: 'USD' });
const callWire = (): WireContract =>
  emptyContract({
    conId: 712345678,
    symbol: 'AAPL',
    secType: 'OPT',
    lastTradeDateOrContractMonth: '20250117',
    strike: 200,
    right: 'C',
    multiplier: '100',
    exchange: 'SMART',
    currency: 'USD',
    localSymbol: 'AAPL  250117C00200000',
    tradingClass: 'AAPL',
  });

const VERSIONS = [151, 176, 178] as const;

for (const sv of VERSIONS) {
  describe(`client requests at server version ${sv}`, () => {
    test('startApi', () => {
      const got = decodeOnly(clientStartApi(sv, 7), RequestId.START_API, session.decodeStartApi, sv);
      assert.deepEqual(got, { version: 2, clientId: 7, optionalCapabilities: '' });
    });

    test('reqIds, reqCurrentTime, reqManagedAccts, reqMarketDataType', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_IDS, session.decodeReqIds, (e) => e.reqIds(1)),
        { numIds: 1 },
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_CURRENT_TIME, session.decodeReqCurrentTime, (e) => e.reqCurrentTime()),
        {},
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_MANAGED_ACCTS, session.decodeReqManagedAccts, (e) => e.reqManagedAccts()),
        {},
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_MARKET_DATA_TYPE, session.decodeReqMarketDataType, (e) => e.reqMarketDataType(3)),
        {
          marketDataType: 3,
        },
      );
    });

    test('reqContractDetails for a stock by symbol and by ISIN', () => {
      const bySymbol = sent(sv, RequestId.REQ_CONTRACT_DATA, contracts.decodeReqContractDetails, (e) =>
        e.reqContractDetails(11, asClient({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' })),
      );
      const expected: WireContract = {
        ...emptyContract({ symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' }),
        includeExpired: false,
        secIdType: '',
        secId: '',
      };
      if (sv >= 176) expected.issuerId = '';
      assert.deepEqual(bySymbol, { reqId: 11, contract: expected });

      const byIsin = sent(sv, RequestId.REQ_CONTRACT_DATA, contracts.decodeReqContractDetails, (e) =>
        e.reqContractDetails(12, asClient({ secType: 'STK', exchange: 'SMART', secIdType: 'ISIN', secId: 'US0378331005', includeExpired: true })),
      );
      assert.equal(byIsin.reqId, 12);
      assert.equal(byIsin.contract.secIdType, 'ISIN');
      assert.equal(byIsin.contract.secId, 'US0378331005');
      assert.equal(byIsin.contract.includeExpired, true);
    });

    test('reqContractDetails for an option (strike, right, multiplier, expiry)', () => {
      const got = sent(sv, RequestId.REQ_CONTRACT_DATA, contracts.decodeReqContractDetails, (e) => e.reqContractDetails(13, asClient(AAPL_CALL)));
      const expected: WireContract = { ...callWire(), includeExpired: false, secIdType: '', secId: '' };
      if (sv >= 176) expected.issuerId = '';
      assert.deepEqual(got, { reqId: 13, contract: expected });
    });

    test('reqSecDefOptParams', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_SEC_DEF_OPT_PARAMS, contracts.decodeReqSecDefOptParams, (e) => e.reqSecDefOptParams(14, 'AAPL', '', 'STK' as never, 265598)),
        { reqId: 14, underlyingSymbol: 'AAPL', futFopExchange: '', underlyingSecType: 'STK', underlyingConId: 265598 },
      );
    });

    test('reqMktData for a stock with generic ticks, and an option snapshot', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_MKT_DATA, market.decodeReqMktData, (e) => e.reqMktData(1001, asClient(AAPL), '100,101,233', false, false)),
        {
          reqId: 1001,
          contract: aaplWire(),
          genericTickList: '100,101,233',
          snapshot: false,
          regulatorySnapshot: false,
          mktDataOptions: [],
        },
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_MKT_DATA, market.decodeReqMktData, (e) => e.reqMktData(1002, asClient(AAPL_CALL), '', true, true)),
        {
          reqId: 1002,
          contract: callWire(),
          genericTickList: '',
          snapshot: true,
          regulatorySnapshot: true,
          mktDataOptions: [],
        },
      );
    });

    test('reqMktData for a BAG with legs and a delta-neutral contract', () => {
      const bag = {
        symbol: 'AAPL',
        secType: 'BAG',
        exchange: 'SMART',
        currency: 'USD',
        comboLegs: [
          { conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART' },
          { conId: 712345679, ratio: 2, action: 'SELL', exchange: 'SMART' },
        ],
        deltaNeutralContract: { conId: 265598, delta: 0.35, price: 228.3 },
      };
      const got = sent(sv, RequestId.REQ_MKT_DATA, market.decodeReqMktData, (e) => e.reqMktData(1003, asClient(bag), '', false, false));
      assert.equal(got.reqId, 1003);
      assert.deepEqual(got.contract, {
        ...emptyContract({ symbol: 'AAPL', secType: 'BAG', exchange: 'SMART', currency: 'USD' }),
        comboLegs: [
          { conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART' },
          { conId: 712345679, ratio: 2, action: 'SELL', exchange: 'SMART' },
        ],
        deltaNeutralContract: { conId: 265598, delta: 0.35, price: 228.3 },
      });
    });

    test('cancelMktData', () => {
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_MKT_DATA, market.decodeCancelMktData, (e) => e.cancelMktData(1001)),
        { reqId: 1001 },
      );
    });

    test('reqRealTimeBars / cancelRealTimeBars', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_REAL_TIME_BARS, market.decodeReqRealTimeBars, (e) => e.reqRealTimeBars(21, asClient(AAPL), 5, 'TRADES' as never, true, [])),
        { reqId: 21, contract: aaplWire(), barSize: 5, whatToShow: 'TRADES', useRTH: true, realTimeBarsOptions: [] },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_REAL_TIME_BARS, market.decodeCancelRealTimeBars, (e) => e.cancelRealTimeBars(21)),
        { reqId: 21 },
      );
    });

    test('reqHistoricalData with keepUpToDate and chart options / cancelHistoricalData', () => {
      const got = sent(sv, RequestId.REQ_HISTORICAL_DATA, history.decodeReqHistoricalData, (e) =>
        e.reqHistoricalData(31, asClient(AAPL), '20240105 16:00:00 US/Eastern', '5 D', '1 hour' as never, 'MIDPOINT' as never, 1, 1, true, [
          { tag: 'XYZ', value: 'abc' },
        ]),
      );
      assert.deepEqual(got, {
        reqId: 31,
        contract: { ...aaplWire(), includeExpired: false },
        endDateTime: '20240105 16:00:00 US/Eastern',
        barSizeSetting: '1 hour',
        durationStr: '5 D',
        useRTH: true,
        whatToShow: 'MIDPOINT',
        formatDate: 1,
        keepUpToDate: true,
        chartOptions: [{ tag: 'XYZ', value: 'abc' }],
      });
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_HISTORICAL_DATA, history.decodeCancelHistoricalData, (e) => e.cancelHistoricalData(31)),
        { reqId: 31 },
      );
    });

    test('reqHistoricalData for a BAG sends its legs after formatDate', () => {
      const bag = {
        symbol: 'AAPL',
        secType: 'BAG',
        exchange: 'SMART',
        currency: 'USD',
        comboLegs: [{ conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART' }],
      };
      const got = sent(sv, RequestId.REQ_HISTORICAL_DATA, history.decodeReqHistoricalData, (e) =>
        e.reqHistoricalData(32, asClient(bag), '', '1 D', '5 mins' as never, 'TRADES' as never, 0, 2, false, []),
      );
      assert.deepEqual(got.contract.comboLegs, [{ conId: 712345678, ratio: 1, action: 'BUY', exchange: 'SMART' }]);
      assert.equal(got.useRTH, false);
      assert.equal(got.formatDate, 2);
      assert.equal(got.keepUpToDate, false);
    });

    test('reqHeadTimestamp / cancelHeadTimestamp', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_HEAD_TIMESTAMP, history.decodeReqHeadTimestamp, (e) => e.reqHeadTimestamp(41, asClient(AAPL), 'TRADES' as never, true, 2)),
        { reqId: 41, contract: { ...aaplWire(), includeExpired: false }, useRTH: true, whatToShow: 'TRADES', formatDate: 2 },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_HEAD_TIMESTAMP, history.decodeCancelHeadTimestamp, (e) => e.cancelHeadTimestamp(41)),
        { reqId: 41 },
      );
    });

    test('reqPositions / cancelPositions / reqAccountUpdates', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_POSITIONS, account.decodeReqPositions, (e) => e.reqPositions()),
        {},
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_POSITIONS, account.decodeCancelPositions, (e) => e.cancelPositions()),
        {},
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_ACCOUNT_DATA, account.decodeReqAccountUpdates, (e) => e.reqAccountUpdates(true, 'DU1234567')),
        {
          subscribe: true,
          acctCode: 'DU1234567',
        },
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_ACCOUNT_DATA, account.decodeReqAccountUpdates, (e) => e.reqAccountUpdates(false, '')),
        {
          subscribe: false,
          acctCode: '',
        },
      );
    });

    test('reqAccountUpdatesMulti / cancel, reqPositionsMulti / cancel', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_ACCOUNT_UPDATES_MULTI, account.decodeReqAccountUpdatesMulti, (e) => e.reqAccountUpdatesMulti(51, 'DU1234567', 'MODEL1', true)),
        { reqId: 51, account: 'DU1234567', modelCode: 'MODEL1', ledgerAndNLV: true },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_ACCOUNT_UPDATES_MULTI, account.decodeCancelAccountUpdatesMulti, (e) => e.cancelAccountUpdatesMulti(51)),
        {
          reqId: 51,
        },
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_POSITIONS_MULTI, account.decodeReqPositionsMulti, (e) => e.reqPositionsMulti(52, 'DU1234567', '')),
        {
          reqId: 52,
          account: 'DU1234567',
          modelCode: '',
        },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_POSITIONS_MULTI, account.decodeCancelPositionsMulti, (e) => e.cancelPositionsMulti(52)),
        { reqId: 52 },
      );
    });

    test('reqAccountSummary / cancelAccountSummary', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_ACCOUNT_SUMMARY, account.decodeReqAccountSummary, (e) =>
          e.reqAccountSummary(61, 'All', 'NetLiquidation,BuyingPower,$LEDGER:USD'),
        ),
        { reqId: 61, group: 'All', tags: 'NetLiquidation,BuyingPower,$LEDGER:USD', tagList: ['NetLiquidation', 'BuyingPower', '$LEDGER:USD'] },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_ACCOUNT_SUMMARY, account.decodeCancelAccountSummary, (e) => e.cancelAccountSummary(61)),
        { reqId: 61 },
      );
    });

    test('reqPnL / cancelPnL / reqPnLSingle / cancelPnLSingle', () => {
      assert.deepEqual(
        sent(sv, RequestId.REQ_PNL, account.decodeReqPnL, (e) => e.reqPnL(71, 'DU1234567', '')),
        { reqId: 71, account: 'DU1234567', modelCode: '' },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_PNL, account.decodeCancelPnL, (e) => e.cancelPnL(71)),
        { reqId: 71 },
      );
      assert.deepEqual(
        sent(sv, RequestId.REQ_PNL_SINGLE, account.decodeReqPnLSingle, (e) => e.reqPnLSingle(72, 'DU1234567', '', 265598)),
        {
          reqId: 72,
          account: 'DU1234567',
          modelCode: '',
          conId: 265598,
        },
      );
      assert.deepEqual(
        sent(sv, RequestId.CANCEL_PNL_SINGLE, account.decodeCancelPnLSingle, (e) => e.cancelPnLSingle(72)),
        { reqId: 72 },
      );
    });
  });
}

describe('client requests at older server versions', () => {
  test('reqHistoricalData before SYNT_REALTIME_BARS (120): version field, no keepUpToDate', () => {
    const got = sent(120, RequestId.REQ_HISTORICAL_DATA, history.decodeReqHistoricalData, (e) =>
      e.reqHistoricalData(33, asClient(AAPL), '', '2 D', '1 day' as never, 'TRADES' as never, 1, 1, false, []),
    );
    assert.deepEqual(got, {
      reqId: 33,
      contract: { ...aaplWire(), includeExpired: false },
      endDateTime: '',
      barSizeSetting: '1 day',
      durationStr: '2 D',
      useRTH: true,
      whatToShow: 'TRADES',
      formatDate: 1,
      keepUpToDate: false,
      chartOptions: [],
    });
  });

  test('reqMktData before REQ_SMART_COMPONENTS (110): no regulatorySnapshot field', () => {
    assert.deepEqual(
      sent(110, RequestId.REQ_MKT_DATA, market.decodeReqMktData, (e) => e.reqMktData(1004, asClient(AAPL), '233', false, false)),
      {
        reqId: 1004,
        contract: aaplWire(),
        genericTickList: '233',
        snapshot: false,
        regulatorySnapshot: false,
        mktDataOptions: [],
      },
    );
  });

  test('startApi and reqContractDetails at the v100 floor (no issuerId)', () => {
    assert.deepEqual(decodeOnly(clientStartApi(100, 3), RequestId.START_API, session.decodeStartApi, 100), {
      version: 2,
      clientId: 3,
      optionalCapabilities: '',
    });
    const got = sent(100, RequestId.REQ_CONTRACT_DATA, contracts.decodeReqContractDetails, (e) => e.reqContractDetails(15, asClient(AAPL)));
    assert.deepEqual(got, { reqId: 15, contract: { ...aaplWire(), includeExpired: false, secIdType: '', secId: '' } });
  });

  test('reqPnL at its first version (127) and reqHeadTimestamp at 118', () => {
    assert.deepEqual(
      sent(127, RequestId.REQ_PNL, account.decodeReqPnL, (e) => e.reqPnL(73, 'DU1', 'M')),
      { reqId: 73, account: 'DU1', modelCode: 'M' },
    );
    assert.deepEqual(
      sent(118, RequestId.REQ_HEAD_TIMESTAMP, history.decodeReqHeadTimestamp, (e) => e.reqHeadTimestamp(42, asClient(AAPL), 'BID' as never, false, 1)),
      { reqId: 42, contract: { ...aaplWire(), includeExpired: false }, useRTH: false, whatToShow: 'BID', formatDate: 1 },
    );
  });
});
