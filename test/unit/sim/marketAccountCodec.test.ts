// Byte-level checks of the session / market data / account codecs against frames
// written out by hand from the TWS API message layouts (4-byte big-endian length,
// NUL-terminated text fields, message id first), including bytes recorded from a
// real TWS (server 176) in a public Python asyncio test mock: managedAccounts, nextValidId
// and the 2104 "farm connection is OK" notice.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeReqPnL,
  encodeAccountSummary,
  encodePnl,
  encodePnlSingle,
  encodePosition,
  encodeUpdatePortfolio,
} from '../../../src/extension/sim/protocol/accountCodec';
import { encodeContractDetails } from '../../../src/extension/sim/protocol/contractCodec';
import { emptyContractDetails } from '../../../src/extension/sim/protocol/contractDetailsTypes';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import { encodeHeadTimestamp, encodeHistoricalData } from '../../../src/extension/sim/protocol/historyCodec';
import {
  decodeReqMktData,
  encodeTickOptionComputation,
  encodeTickPrice,
  encodeTickReqParams,
  encodeTickSize,
} from '../../../src/extension/sim/protocol/marketDataCodec';
import { encodeError, encodeManagedAccounts, encodeNextValidId } from '../../../src/extension/sim/protocol/sessionCodec';
import { decodeFields, encodeFrame, FieldReader, ProtocolError } from '../../../src/extension/tws/wire';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('frames as TWS sends them (hand-written bytes)', () => {
  test('managedAccounts: recorded TWS bytes', () => {
    assert.deepEqual(encodeFrame(encodeManagedAccounts(176, ['DU1234567'])), bytes('\x00\x00\x00\x0f15\x001\x00DU1234567\x00'));
  });

  test('nextValidId then the 2104 notice: recorded TWS bytes (error carries an empty advancedOrderRejectJson at 176)', () => {
    const recorded = bytes('\x00\x00\x00\x069\x001\x006\x00' + '\x00\x00\x00\x364\x002\x00-1\x002104\x00Market data farm connection is OK:usfarm\x00\x00');
    const ours = Buffer.concat([
      encodeFrame(encodeNextValidId(176, 6)),
      encodeFrame(encodeError(176, { reqId: -1, code: 2104, message: 'Market data farm connection is OK:usfarm' })),
    ]);
    assert.deepEqual(ours, recorded);
  });

  test('error before ADVANCED_ORDER_REJECT (165) has no JSON field', () => {
    const expected = bytes('\x00\x00\x00\x354\x002\x00-1\x002104\x00Market data farm connection is OK:usfarm\x00');
    assert.deepEqual(encodeFrame(encodeError(165, { reqId: -1, code: 2104, message: 'Market data farm connection is OK:usfarm' })), expected);
  });

  test('tickPrice: version 6, reqId, tickType, price, size, attrib mask', () => {
    // BID (1) 185.25 x 300, canAutoExecute -> mask 1.
    const expected = bytes('\x00\x00\x00\x181\x006\x001001\x001\x00185.25\x00300\x001\x00');
    assert.deepEqual(encodeFrame(encodeTickPrice(176, 1001, 1, 185.25, 300, { canAutoExecute: true })), expected);
  });

  test('position at 176: version 3, account, 11 contract fields, position, avgCost', () => {
    const contract = emptyContract({
      conId: 265598,
      symbol: 'AAPL',
      secType: 'STK',
      exchange: 'NASDAQ',
      currency: 'USD',
      localSymbol: 'AAPL',
      tradingClass: 'NMS',
    });
    const expected = bytes(
      '\x00\x00\x00\x44' + '61\x003\x00DU1234567\x00265598\x00AAPL\x00STK\x00\x000.0\x00\x00\x00NASDAQ\x00USD\x00AAPL\x00NMS\x00100\x00185.5\x00',
    );
    assert.deepEqual(encodeFrame(encodePosition(176, { account: 'DU1234567', contract, position: 100, avgCost: 185.5 })), expected);
  });

  test('reqMktData as the official Python client writes it at 176', () => {
    // 1, version 11, reqId, conId, symbol, secType, lastTradeDate, strike 0.0, right, multiplier,
    // exchange, primaryExchange, currency, localSymbol, tradingClass, deltaNeutral 0,
    // genericTickList, snapshot, regulatorySnapshot, mktDataOptions "".
    const frame = bytes(
      '\x00\x00\x00\x3f' + '1\x0011\x001001\x00265598\x00AAPL\x00STK\x00\x000.0\x00\x00\x00SMART\x00NASDAQ\x00USD\x00\x00\x000\x00233\x000\x000\x00\x00',
    );
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    const fields = decodeFields(frame.subarray(4));
    assert.equal(fields[0], '1');
    const r = new FieldReader(fields.slice(1), 'reqMktData');
    const req = decodeReqMktData(r, 176);
    assert.equal(r.remaining, 0);
    assert.deepEqual(req, {
      reqId: 1001,
      contract: emptyContract({ conId: 265598, symbol: 'AAPL', secType: 'STK', exchange: 'SMART', primaryExch: 'NASDAQ', currency: 'USD' }),
      genericTickList: '233',
      snapshot: false,
      regulatorySnapshot: false,
      mktDataOptions: [],
    });
  });
});

describe('version-dependent details', () => {
  test('tick attrib bits: canAutoExecute 1, pastLimit 2 (from 109), preOpen 4 (from 132)', () => {
    const all = { canAutoExecute: true, pastLimit: true, preOpen: true };
    assert.equal(encodeTickPrice(176, 1, 1, 10, 1, all).at(-1), '7');
    assert.equal(encodeTickPrice(120, 1, 1, 10, 1, all).at(-1), '3');
    assert.equal(encodeTickPrice(105, 1, 1, 10, 1, all).at(-1), '1');
    assert.equal(encodeTickPrice(176, 1, 9, 10).at(-1), '0');
  });

  test('sizes are integers before FRACTIONAL_SIZE_SUPPORT (163), Decimal text from it', () => {
    assert.deepEqual(encodeTickSize(176, 5, 8, 1234.5), ['2', '6', '5', '8', '1234.5']);
    assert.deepEqual(encodeTickSize(162, 5, 8, 1234.4), ['2', '6', '5', '8', '1234']);
    assert.equal(encodePnlSingle(151, { reqId: 3, position: 10, dailyPnL: 1, value: 100 })[2], '10');
  });

  test('pnl: unrealized from 129, realized from 135, unset as Double.MAX_VALUE', () => {
    assert.deepEqual(encodePnl(128, { reqId: 4, dailyPnL: 12.5, unrealizedPnL: 3, realizedPnL: 1 }), ['94', '4', '12.5']);
    assert.deepEqual(encodePnl(130, { reqId: 4, dailyPnL: 12.5, unrealizedPnL: 3, realizedPnL: 1 }), ['94', '4', '12.5', '3.0']);
    assert.deepEqual(encodePnl(176, { reqId: 4, dailyPnL: 12.5 }), ['94', '4', '12.5', '1.7976931348623157E308', '1.7976931348623157E308']);
  });

  test('error text is escaped to 7-bit ASCII from ENCODE_MSG_ASCII7 (153)', () => {
    const msg = 'Order rejected – Überprüfung';
    assert.equal(encodeError(176, { reqId: 7, code: 201, message: msg })[4], 'Order rejected \\u2013 \\u00dcberpr\\u00fcfung');
    assert.equal(encodeError(152, { reqId: 7, code: 201, message: msg })[4], msg);
  });

  test('tickReqParams carries minTick as a double (official Java/Python read a double)', () => {
    assert.deepEqual(encodeTickReqParams(176, 1001, 0.01, '9c0001', 3), ['81', '1001', '0.01', '9c0001', '3']);
  });

  test('tickOptionComputation: version 6 before 156, tickAttrib after tickType from 156, not-computed markers', () => {
    const o = { reqId: 2, tickType: 13, impliedVol: 0.25, delta: 0.5, optPrice: 4.2, undPrice: 200 };
    assert.deepEqual(encodeTickOptionComputation(151, o), ['21', '6', '2', '13', '0.25', '0.5', '4.2', '-1.0', '-2.0', '-2.0', '-2.0', '200.0']);
    assert.deepEqual(encodeTickOptionComputation(176, { ...o, tickAttrib: 1 }), [
      '21',
      '2',
      '13',
      '1',
      '0.25',
      '0.5',
      '4.2',
      '-1.0',
      '-2.0',
      '-2.0',
      '-2.0',
      '200.0',
    ]);
  });

  test('historicalData: version 3 and a hasGaps field per bar before SYNT_REALTIME_BARS (124)', () => {
    const bar = { date: '20240102', open: 1, high: 2, low: 0.5, close: 1.5, volume: 1000, wap: 1.25, barCount: 10 };
    const h = { reqId: 9, startDate: '20231231', endDate: '20240102', bars: [bar] };
    assert.deepEqual(encodeHistoricalData(120, h), [
      '17',
      '3',
      '9',
      '20231231',
      '20240102',
      '1',
      '20240102',
      '1.0',
      '2.0',
      '0.5',
      '1.5',
      '1000',
      '1.25',
      'false',
      '10',
    ]);
    assert.deepEqual(encodeHistoricalData(176, h), ['17', '9', '20231231', '20240102', '1', '20240102', '1.0', '2.0', '0.5', '1.5', '1000', '1.25', '10']);
  });

  test('contractDetails field count per version (version field, mdSizeMultiplier, size rules)', () => {
    const d = emptyContractDetails(emptyContract({ conId: 1, symbol: 'X', secType: 'STK', exchange: 'SMART', currency: 'USD' }), {
      minTick: 0.01,
      aggGroup: 1,
      minSize: 1,
      sizeIncrement: 1,
      suggestedSizeIncrement: 100,
    });
    // id, reqId, 12 fields to minTick, multiplier..underConId (5), longName, primaryExch,
    // contractMonth..liquidHours (7), evRule, evMultiplier, secIdList count (empty list).
    const common = 31;
    assert.equal(encodeContractDetails(100, 1, d).length, common + 1); // + version
    assert.equal(encodeContractDetails(110, 1, d).length, common + 2); // + mdSizeMultiplier
    assert.equal(encodeContractDetails(152, 1, d).length, common + 2 + 6); // + aggGroup, under x2, rules, realExp, stockType
    assert.equal(encodeContractDetails(163, 1, d).length, common + 2 + 6 + 1); // + sizeMinTick
    assert.equal(encodeContractDetails(164, 1, d).length, common + 6 + 3); // no version/mdSize, + 3 size rules
    assert.equal(encodeContractDetails(176, 1, d)[1], '1'); // reqId directly after the id
    assert.equal(encodeContractDetails(163, 1, d)[1], '8'); // version 8 before SIZE_RULES
  });

  test('account summary and portfolio keep values as text / doubles', () => {
    assert.deepEqual(encodeAccountSummary(176, { reqId: 9, account: 'DU1', tag: 'NetLiquidation', value: '100000.00', currency: 'USD' }), [
      '63',
      '1',
      '9',
      'DU1',
      'NetLiquidation',
      '100000.00',
      'USD',
    ]);
    const c = emptyContract({
      conId: 265598,
      symbol: 'AAPL',
      secType: 'STK',
      primaryExch: 'NASDAQ',
      currency: 'USD',
      localSymbol: 'AAPL',
      tradingClass: 'NMS',
    });
    assert.equal(
      encodeUpdatePortfolio(176, {
        contract: c,
        position: 10,
        marketPrice: 190,
        marketValue: 1900,
        averageCost: 185,
        unrealizedPNL: 50,
        realizedPNL: 0,
        accountName: 'DU1',
      }).length,
      20, // msgId, version 8, 11 contract fields, 6 values, accountName (ib_async unpacks exactly 20)
    );
  });

  test('truncated or inconsistent requests fail with a ProtocolError naming the field', () => {
    assert.throws(() => decodeReqPnL(new FieldReader(['71'], 'reqPnL'), 176), /reqPnL: missing field "account"/);
    // A BAG claiming 5 legs with no leg fields behind it.
    const bag = ['11', '1', '0', 'AAPL', 'BAG', '', '0.0', '', '', 'SMART', '', 'USD', '', '', '5', '0', '', '0', '0', ''];
    assert.throws(() => decodeReqMktData(new FieldReader(bag, 'reqMktData'), 176), /combo leg count 5/);
  });

  test('messages that do not exist at the connection version are refused', () => {
    assert.throws(() => encodeHeadTimestamp(117, 1, '20000101'), ProtocolError);
    assert.throws(() => encodePnl(126, { reqId: 1, dailyPnL: 0 }), ProtocolError);
    assert.throws(() => encodeTickReqParams(113, 1, 0.01, '', 0), ProtocolError);
  });
});
