// Byte- and field-level checks of the order codec against frames written out by hand
// from the TWS API message layouts (ibapi decoder.py / client.py, Java EOrderDecoder)
// and against messages captured from a real IB Gateway, published as pipe-delimited
// test fixtures in wboayue/rust-ibapi (src/orders/common/test_data.rs, src/orders/tests.rs).
// Those captures fix field order AND how TWS spells unset values; the pipe strings end
// with one or two empty artifacts of the NUL terminators, stripped by `captured`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import type { WireContract } from '../../../src/extension/sim/protocol/contractTypes';
import {
  decodeCancelOrder,
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
import type { WireExecution, WireOrder, WireOrderStatus } from '../../../src/extension/sim/protocol/orderTypes';
import { decodeFields, encodeFrame, FieldReader } from '../../../src/extension/tws/wire';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A pipe-delimited capture without its trailing terminator artifacts. */
function captured(pipe: string, artifacts: number): string[] {
  const f = pipe.split('|');
  for (let i = 0; i < artifacts; i++) assert.equal(f.pop(), '', 'capture artifact should be empty');
  return f;
}

/** Frames fields independently of encodeFrame: big-endian length, then each field + NUL. */
function frameOf(fields: readonly string[]): Buffer {
  const body = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** The order attributes a real TWS fills in on every order it reports (see the captures). */
function twsOrder(over: Partial<WireOrder>): WireOrder {
  return emptyOrder({
    exemptCode: -1,
    auctionStrategy: 0,
    ocaType: 3,
    volatilityType: 0,
    deltaNeutralOrderType: 'None',
    deltaNeutralOpenClose: '?',
    referencePriceType: 0,
    clearingIntent: 'IB',
    adjustedOrderType: 'None',
    dontUseAutoPriceForHedge: true,
    ...over,
  });
}

const ES_FUT: WireContract = emptyContract({
  conId: 637533641,
  symbol: 'ES',
  secType: 'FUT',
  lastTradeDateOrContractMonth: '20250919',
  right: '?',
  multiplier: '50',
  exchange: 'CME',
  currency: 'USD',
  localSymbol: 'ESU5',
  tradingClass: 'ES',
});

const TSLA: WireContract = emptyContract({
  conId: 76792991,
  symbol: 'TSLA',
  secType: 'STK',
  right: '?',
  exchange: 'SMART',
  currency: 'USD',
  localSymbol: 'TSLA',
  tradingClass: 'NMS',
});

// IB Gateway captures (rust-ibapi test_data.rs / tests.rs).
const ES_OPEN_ORDER =
  '5|2|637533641|ES|FUT|20250919|0|?|50|CME|USD|ESU5|ES|BUY|1|LMT|5800.0|0.0|DAY||DU1234567||0||100|2126726143|0|0|0||2126726143.0/DU1234567/100||||||||||0||-1|0||||||2147483647|0|0|0||3|0|0||0|0||0|None||0||||?|0|0||0|0||||||0|0|0|2147483647|2147483647|||0||IB|0|0||0|0|Submitted|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308||||||0|0|0|None|1.7976931348623157E308|5801.0|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|0||||0|1|0|0|0|||0||||||';
const ES_COMPLETED_ORDER =
  '101|637533641|ES|FUT|20250919|0|?|50|CME|USD|ESU5|ES|BUY|1|LMT|5800.0|0.0|DAY||DU1236109||0||2126726143|0|0|0|||||||||||0||-1||||||2147483647|0|0||3|0||0|None||0|0|0||0|0||||0|0|0|2147483647|2147483647||||IB|0|0||0|Cancelled|0|0|0|5801.0|1.7976931348623157E308|0|1|0||0|2147483647|0|Not an insider or substantial shareholder|0|0|9223372036854775807|20250708 02:34:46 America/New_York|Cancelled by Trader||||||';
const TSLA_OPEN_ORDER =
  '5|13|76792991|TSLA|STK||0|?||SMART|USD|TSLA|NMS|BUY|100|MKT|0.0|0.0|DAY||DU1236109||0||100|1376327563|0|0|0||1376327563.0/DU1236109/100||||||||||0||-1|0||||||2147483647|0|0|0||3|0|0||0|0||0|None||0||||?|0|0||0|0||||||0|0|0|2147483647|2147483647|||0||IB|0|0||0|0|PreSubmitted|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308||||||0|0|0|None|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|0||||0|1|0|0|0|||0||';
const TSLA_OPEN_ORDER_FILLED =
  '5|13|76792991|TSLA|STK||0|?||SMART|USD|TSLA|NMS|BUY|100|MKT|0.0|0.0|DAY||DU1236109||0||100|1376327563|0|0|0||1376327563.0/DU1236109/100||||||||||0||-1|0||||||2147483647|0|0|0||3|0|0||0|0||0|None||0||||?|0|0||0|0||||||0|0|0|2147483647|2147483647|||0||IB|0|0||0|0|Filled|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.0|||USD||0|0|0|None|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|1.7976931348623157E308|0||||0|1|0|0|0|||0||';
const TSLA_EXEC =
  '11|-1|13|76792991|TSLA|STK||0.0|||ISLAND|USD|TSLA|NMS|00025b46.63f8f39c.01.01|20230224  12:04:56|DU1236109|ISLAND|BOT|100|196.52|1376327563|100|0|100|196.52|||||2||';

const TSLA_FILL: WireExecution = {
  orderId: 13,
  execId: '00025b46.63f8f39c.01.01',
  time: '20230224  12:04:56',
  acctNumber: 'DU1236109',
  exchange: 'ISLAND',
  side: 'BOT',
  shares: 100,
  price: 196.52,
  permId: 1376327563,
  clientId: 100,
  liquidation: 0,
  cumQty: 100,
  avgPrice: 196.52,
  orderRef: '',
  evRule: '',
  modelCode: '',
  lastLiquidity: 2,
  pendingPriceRevision: false,
};
const TSLA_ISLAND = emptyContract({ ...TSLA, right: '', exchange: 'ISLAND' });

describe('client requests as hand-written bytes', () => {
  test('cancelOrder at 176: id 4, version 1, orderId, manualOrderCancelTime', () => {
    const frame = bytes('\x00\x00\x00\x08' + '4\x001\x0017\x00\x00');
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    const fields = decodeFields(frame.subarray(4));
    assert.equal(fields[0], '4');
    const r = new FieldReader(fields.slice(1), 'cancelOrder');
    assert.deepEqual(decodeCancelOrder(r, 176), { orderId: 17, manualOrderCancelTime: '' });
    assert.equal(r.remaining, 0);
  });

  test('cancelOrder at 176 with a manual cancel time', () => {
    const frame = bytes('\x00\x00\x00\x19' + '4\x001\x0017\x0020250102-15:30:00\x00');
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    const r = new FieldReader(decodeFields(frame.subarray(4)).slice(1), 'cancelOrder');
    assert.deepEqual(decodeCancelOrder(r, 176), { orderId: 17, manualOrderCancelTime: '20250102-15:30:00' });
    assert.equal(r.remaining, 0);
  });

  test('cancelOrder below MANUAL_ORDER_TIME (169) ends after the orderId', () => {
    const frame = bytes('\x00\x00\x00\x07' + '4\x001\x0017\x00');
    const r = new FieldReader(decodeFields(frame.subarray(4)).slice(1), 'cancelOrder');
    assert.deepEqual(decodeCancelOrder(r, 168), { orderId: 17, manualOrderCancelTime: '' });
    assert.equal(r.remaining, 0);
  });
});

describe('orderStatus frames', () => {
  const preSubmitted: WireOrderStatus = {
    orderId: 13,
    status: 'PreSubmitted',
    filled: 0,
    remaining: 100,
    avgFillPrice: 0,
    permId: 1376327563,
    parentId: 0,
    lastFillPrice: 0,
    clientId: 100,
    whyHeld: '',
    mktCapPrice: 0,
  };
  const filled: WireOrderStatus = { ...preSubmitted, status: 'Filled', filled: 100, remaining: 0, avgFillPrice: 196.52, lastFillPrice: 196.52 };

  test('captured PreSubmitted at 164: no version, prices without ".0", mktCapPrice last', () => {
    // 3|13|PreSubmitted|0|100|0|1376327563|0|0|100||0
    const expected = bytes('\x00\x00\x00\x30' + '3\x0013\x00PreSubmitted\x000\x00100\x000\x001376327563\x000\x000\x00100\x00\x000\x00');
    assert.equal(expected.readUInt32BE(0), expected.length - 4);
    assert.deepEqual(encodeFrame(encodeOrderStatus(164, preSubmitted)), expected);
    assert.deepEqual(decodeFields(expected.subarray(4)), encodeOrderStatus(164, preSubmitted));
  });

  test('captured Filled at 164', () => {
    const expected = bytes('\x00\x00\x00\x34' + '3\x0013\x00Filled\x00100\x000\x00196.52\x001376327563\x000\x00196.52\x00100\x00\x000\x00');
    assert.equal(expected.readUInt32BE(0), expected.length - 4);
    assert.deepEqual(encodeFrame(encodeOrderStatus(164, filled)), expected);
  });

  test('below MARKET_CAP_PRICE (131): version 6 after the id, no mktCapPrice', () => {
    const expected = bytes('\x00\x00\x00\x34' + '3\x006\x0013\x00Filled\x00100\x000\x00196.52\x001376327563\x000\x00196.52\x00100\x00\x00');
    assert.equal(expected.readUInt32BE(0), expected.length - 4);
    assert.deepEqual(encodeFrame(encodeOrderStatus(130, filled)), expected);
  });

  test('fractional fill at 176 keeps the decimal', () => {
    const s = { ...filled, filled: 0.5, remaining: 99.5 };
    assert.deepEqual(encodeOrderStatus(176, s).slice(3, 5), ['0.5', '99.5']);
  });
});

describe('commissionReport frames', () => {
  test('captured report: version 1, unset realizedPNL and yield as Double.MAX_VALUE text, empty date', () => {
    // 59|1|00025b46.63f8f39c.01.01|1.0|USD|1.7976931348623157E308|1.7976931348623157E308|
    const expected = bytes('\x00\x00\x00\x54' + '59\x001\x0000025b46.63f8f39c.01.01\x001.0\x00USD\x001.7976931348623157E308\x001.7976931348623157E308\x00\x00');
    assert.equal(expected.readUInt32BE(0), expected.length - 4);
    const ours = encodeCommissionReport(176, { execId: '00025b46.63f8f39c.01.01', commission: 1, currency: 'USD' });
    assert.deepEqual(encodeFrame(ours), expected);
    assert.deepEqual(decodeFields(expected.subarray(4)), ours);
  });

  test('a closing fill with realized P&L and a bond yield date', () => {
    const expected = bytes('\x00\x00\x00\x28' + '59\x001\x00e1.01\x002.25\x00USD\x00-12.5\x003.75\x0020301215\x00');
    assert.equal(expected.readUInt32BE(0), expected.length - 4);
    const report = { execId: 'e1.01', commission: 2.25, currency: 'USD', realizedPNL: -12.5, yield: 3.75, yieldRedemptionDate: 20301215 };
    assert.deepEqual(encodeFrame(encodeCommissionReport(176, report)), expected);
  });
});

describe('execDetails frames', () => {
  test('captured fill at 164: reqId -1, strike and prices as Java doubles, lastLiquidity last', () => {
    const expected = captured(TSLA_EXEC, 2);
    const ours = encodeExecDetails(164, -1, TSLA_ISLAND, TSLA_FILL);
    assert.deepEqual(ours, expected);
    assert.deepEqual(encodeFrame(ours), frameOf(expected));
  });

  test('at 178 a pendingPriceRevision flag follows lastLiquidity', () => {
    assert.deepEqual(encodeExecDetails(178, -1, TSLA_ISLAND, TSLA_FILL), [...captured(TSLA_EXEC, 2), '0']);
  });

  test('below LAST_LIQUIDITY (136): version 10 after the id, no lastLiquidity', () => {
    const c = captured(TSLA_EXEC, 2);
    const expected = [c[0], '10', ...c.slice(1, -1)];
    assert.deepEqual(encodeExecDetails(130, -1, TSLA_ISLAND, TSLA_FILL), expected);
  });

  test('below MODELS_SUPPORT (103) there is no modelCode either; quantities are ints at 100', () => {
    const c = captured(TSLA_EXEC, 2);
    assert.deepEqual(encodeExecDetails(100, -1, TSLA_ISLAND, TSLA_FILL), [c[0], '10', ...c.slice(1, -2)]);
  });
});

describe('openOrder and completedOrder against IB Gateway captures', () => {
  test('ES future LMT, Submitted, at 176 (faProfile still present, PEG BEST/MID fields at the end)', () => {
    const order = twsOrder({
      orderId: 2,
      clientId: 100,
      permId: 2126726143,
      action: 'BUY',
      totalQuantity: 1,
      orderType: 'LMT',
      lmtPrice: 5800,
      account: 'DU1234567',
      sharesAllocation: '2126726143.0/DU1234567/100',
      trailStopPrice: 5801,
    });
    const ours = encodeOpenOrder(176, ES_FUT, order, emptyOrderState({ status: 'Submitted' }));
    assert.deepEqual(ours, captured(ES_OPEN_ORDER, 1));
  });

  test('TSLA MKT, PreSubmitted, at 164 (ends with autoCancelParent)', () => {
    const order = twsOrder({
      orderId: 13,
      clientId: 100,
      permId: 1376327563,
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'MKT',
      account: 'DU1236109',
      sharesAllocation: '1376327563.0/DU1236109/100',
    });
    const ours = encodeOpenOrder(164, TSLA, order, emptyOrderState({ status: 'PreSubmitted' }));
    assert.deepEqual(ours, captured(TSLA_OPEN_ORDER, 2));
  });

  test('TSLA filled with commission: commission "1.0", min/max empty, currency USD', () => {
    const order = twsOrder({
      orderId: 13,
      clientId: 100,
      permId: 1376327563,
      action: 'BUY',
      totalQuantity: 100,
      orderType: 'MKT',
      account: 'DU1236109',
      sharesAllocation: '1376327563.0/DU1236109/100',
    });
    const state = emptyOrderState({ status: 'Filled', commission: 1, commissionCurrency: 'USD' });
    assert.deepEqual(encodeOpenOrder(164, TSLA, order, state), captured(TSLA_OPEN_ORDER_FILLED, 2));
  });

  test('ES completedOrder, Cancelled by Trader, at 176', () => {
    const order = twsOrder({
      action: 'BUY',
      totalQuantity: 1,
      orderType: 'LMT',
      lmtPrice: 5800,
      account: 'DU1236109',
      permId: 2126726143,
      trailStopPrice: 5801,
      filledQuantity: 0,
      shareholder: 'Not an insider or substantial shareholder',
    });
    const state = emptyOrderState({
      status: 'Cancelled',
      completedTime: '20250708 02:34:46 America/New_York',
      completedStatus: 'Cancelled by Trader',
    });
    assert.deepEqual(encodeCompletedOrder(176, ES_FUT, order, state), captured(ES_COMPLETED_ORDER, 1));
  });

  test('version-dependent length of openOrder (ibapi decoder.py field gates)', () => {
    const order = twsOrder({ orderId: 2, action: 'BUY', totalQuantity: 1, orderType: 'LMT', lmtPrice: 5800 });
    const state = emptyOrderState({ status: 'Submitted' });
    const at = (sv: number) => encodeOpenOrder(sv, ES_FUT, order, state);
    const n176 = at(176).length;
    // 177 drops faProfile; 178 adds nothing to openOrder.
    assert.equal(at(177).length, n176 - 1);
    assert.equal(at(178).length, n176 - 1);
    // 169: no PEG BEST/MID block (5).
    assert.equal(at(169).length, n176 - 5);
    // 130: + version; - 6 what-if "before/change" margins (142), dontUseAutoPriceForHedge (141),
    // isOmsContainer (145), discretionaryUpToLimitPrice (148), usePriceMgmtAlgo (151),
    // duration (158), postToAts (160), autoCancelParent (162), PEG BEST/MID (170, 5).
    const v130 = at(130);
    assert.equal(v130.length, n176 + 1 - 18);
    // The version field carries the server version (>= 34, see openOrderEncoder.ts).
    assert.deepEqual(v130.slice(0, 3), ['5', '130', '2']);
    // 102 has conditions/adjusted fields, 101 not: 1 count + adjustedOrderType + 6 prices + unit.
    assert.equal(at(102).length - at(101).length, 9);
  });

  test('completedOrder length: COMPLETED_ORDERS (150) lacks only the PEG BEST/MID block', () => {
    const order = twsOrder({ action: 'BUY', totalQuantity: 1, orderType: 'LMT', lmtPrice: 5800 });
    const state = emptyOrderState({ status: 'Filled' });
    assert.equal(encodeCompletedOrder(150, ES_FUT, order, state).length, encodeCompletedOrder(176, ES_FUT, order, state).length - 5);
    assert.throws(() => encodeCompletedOrder(149, ES_FUT, order, state), RangeError);
  });
});

describe('end markers', () => {
  test('openOrderEnd: id 53, version 1', () => {
    assert.deepEqual(encodeFrame(encodeOpenOrderEnd()), bytes('\x00\x00\x00\x05' + '53\x001\x00'));
  });
  test('execDetailsEnd: id 55, version 1, reqId', () => {
    assert.deepEqual(encodeFrame(encodeExecDetailsEnd(9001)), bytes('\x00\x00\x00\x0a' + '55\x001\x009001\x00'));
  });
  test('completedOrdersEnd: id 102 alone', () => {
    assert.deepEqual(encodeFrame(encodeCompletedOrdersEnd()), bytes('\x00\x00\x00\x04' + '102\x00'));
  });
});

describe('server version range', () => {
  test('encoders refuse versions they have no layout for', () => {
    const s = {
      orderId: 1,
      status: 'Submitted',
      filled: 0,
      remaining: 1,
      avgFillPrice: 0,
      permId: 1,
      parentId: 0,
      lastFillPrice: 0,
      clientId: 0,
      whyHeld: '',
      mktCapPrice: 0,
    };
    assert.throws(() => encodeOrderStatus(99, s), RangeError);
    assert.throws(() => encodeOrderStatus(179, s), RangeError);
    assert.doesNotThrow(() => encodeOrderStatus(178, s));
  });
});
