// What the simulator answers about orders, decoded by an independent client at every
// server version it offers (MIN_CLIENT_VERSION..MAX_SIM_SERVER_VERSION). A real simulator
// (not listening, clock all but frozen) takes orders as @stoqey/ib's Encoder writes them,
// fills them against its market, and the same frame builders the live feed and the
// snapshot handlers use produce openOrder, orderStatus, execDetails + commissionReport,
// completedOrder and the what-if reply. @stoqey/ib 1.6.10's real Decoder reads each one
// (see twsClientHarness); any unread field or underrun is an "error" event, so `only`
// proves the layout to the last field, and the decoded values are checked.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Contract } from '@stoqey/ib/dist/api/contract/contract';
import SecType from '@stoqey/ib/dist/api/data/enum/sec-type';
import OrderAction from '@stoqey/ib/dist/api/order/enum/order-action';
import OrderType from '@stoqey/ib/dist/api/order/enum/orderType';
import type { Order } from '@stoqey/ib/dist/api/order/order';
import type { ExecutionRecord, SimOrder } from '../../../src/extension/sim/account/simOrder';
import { resolveAll, resolveOne } from '../../../src/extension/sim/requests/contractResolver';
import { completedOrderFrame, executionFrames, openOrderFrame, orderStatusFrame, whatIfFrame } from '../../../src/extension/sim/feeds/orderFrames';
import { emptyContract } from '../../../src/extension/sim/protocol/contractTypes';
import { decodePlaceOrder } from '../../../src/extension/sim/protocol/orderCodec';
import type { WireOrderState } from '../../../src/extension/sim/protocol/orderTypes';
import { MAX_SIM_SERVER_VERSION, MIN_CLIENT_VERSION, SV } from '../../../src/extension/tws/serverVersions';
import { FieldReader } from '../../../src/extension/tws/wire';
import { TwsSimulator } from '../../../src/extension/sim/server/twsSimulator';
import { defaultSimOptions } from '../../../src/extension/sim/simOptions';
import type { ClientEvent } from './twsClientHarness';
import { clientEvents, clientRequests } from './twsClientHarness';

type Rec = Record<string, unknown>;

const VERSIONS: number[] = [];
for (let sv = MIN_CLIENT_VERSION; sv <= MAX_SIM_SERVER_VERSION; sv++) VERSIONS.push(sv);

/** The single event the client emitted for `frame`, with no decoder complaints. */
function only(sv: number, frame: string[], name: string): unknown[] {
  const events = clientEvents(sv, [frame]);
  assert.deepEqual(
    events.filter((e: ClientEvent) => e.name === 'error'),
    [],
    `${name} at ${sv}: the client complained`,
  );
  assert.deepEqual(
    events.map((e) => e.name),
    [name],
    `${name} at ${sv}`,
  );
  return (events[0] as ClientEvent).args;
}

/**
 * @stoqey/ib 1.6.10 reads completedOrder with version Number.MAX_VALUE, so below
 * FA_PROFILE_DESUPPORT (177) it never reads faProfile, which the official decoders do
 * (ibapi decoder.py processCompletedOrderMsg -> decodeFAParams; ib_async decoder.py
 * completedOrder: `if self.serverVersion < 177: o.faProfile`). It drops a real TWS
 * completedOrder there too (orderCodecClient.test.ts), and the broker's reconciler does not
 * ask for completed orders below 177. Below 177 the test takes that one field out, checks
 * it is the (empty) faProfile in the official position, and decodes the rest.
 */
function forStoqeyCompletedOrder(sv: number, frame: string[]): string[] {
  if (sv >= SV.FA_PROFILE_DESUPPORT) return frame;
  const FA_PROFILE_AT = 1 + 11 + 10 + 5 + 3; // id, contract, action..orderRef, permId..goodAfterTime, faGroup/Method/Percentage
  assert.equal(frame[FA_PROFILE_AT], '', `faProfile at ${sv}`);
  return [...frame.slice(0, FA_PROFILE_AT), ...frame.slice(FA_PROFILE_AT + 1)];
}

// --- the simulator and the orders it answers about ---

const sim = new TwsSimulator(
  defaultSimOptions({ port: 0, speed: 1e-9, startMs: Date.UTC(2026, 10, 18, 15, 0), seed: 7 }), // Wed 10:00 New York
);
after(() => sim.stop());
const engine = sim.engine;
const CLIENT = 5;
const executions: ExecutionRecord[] = [];
engine.on('execution', (_o, rec) => executions.push(rec));

/** placeOrder as @stoqey/ib writes it, decoded and resolved as the handler does, then placed. */
function place(
  orderId: number,
  contract: Contract,
  order: Partial<Order>,
): { preview: WireOrderState | undefined; req: ReturnType<typeof decodePlaceOrder>; wire: NonNullable<ReturnType<typeof resolveOne>>['wire'] } {
  const frames = clientRequests(MAX_SIM_SERVER_VERSION, (e) => e.placeOrder(orderId, contract, { transmit: true, ...order } as Order));
  const req = decodePlaceOrder(new FieldReader((frames[0] as string[]).slice(1), 'placeOrder'), MAX_SIM_SERVER_VERSION);
  const resolved = resolveOne(sim.market, req.contract);
  assert.ok(resolved, `contract of order ${orderId} resolves`);
  return { preview: engine.place(CLIENT, orderId, resolved.wire, req.order), req, wire: resolved.wire };
}

const stock: Contract = { symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const calls = resolveAll(sim.market, emptyContract({ symbol: 'MSFT', secType: 'OPT', right: 'C', exchange: 'SMART', currency: 'USD' }));
const expiry = calls.map((c) => c.wire.lastTradeDateOrContractMonth).sort()[0];
const chain = calls.filter((c) => c.wire.lastTradeDateOrContractMonth === expiry).sort((a, b) => a.wire.strike - b.wire.strike);
const longCall = chain[Math.floor(chain.length / 2)]!.wire;
const shortCall = chain[Math.floor(chain.length / 2) + 2]!.wire;
const spread: Contract = {
  symbol: 'MSFT',
  secType: SecType.BAG,
  exchange: 'SMART',
  currency: 'USD',
  comboLegs: [
    { conId: longCall.conId, ratio: 1, action: OrderAction.BUY, exchange: 'SMART' },
    { conId: shortCall.conId, ratio: 1, action: OrderAction.SELL, exchange: 'SMART' },
  ],
};
const mid = (conId: number) => sim.market.mid(conId)!;

// 1. a stock MKT order, filled at once
place(1, stock, { action: OrderAction.BUY, totalQuantity: 30, orderType: OrderType.MKT, orderRef: 'stk-1' });
// 2. a one-lot call spread, filled: one order, 2 contracts x $0.65 = $1.30 (above the $1 minimum)
place(2, spread, { action: OrderAction.BUY, totalQuantity: 1, orderType: OrderType.MKT, orderRef: 'bag-2' });
// 3. a stock order filled in part (2 chunks, the engine is not ticked) then cancelled
engine.partialFillChunks = 2;
place(3, stock, { action: OrderAction.SELL, totalQuantity: 10, orderType: OrderType.MKT, orderRef: 'part-3' });
engine.partialFillChunks = 1;
engine.cancel(CLIENT, 3);
// 4. a what-if one-lot call spread, an OCA order with its type set, resting unfilled
const whatIf = place(4, spread, { action: OrderAction.BUY, totalQuantity: 1, orderType: OrderType.LMT, lmtPrice: 1.28, whatIf: true });
place(5, stock, { action: OrderAction.BUY, totalQuantity: 5, orderType: OrderType.LMT, lmtPrice: 1, ocaGroup: 'g5', ocaType: 1 });

const order = (id: number): SimOrder => engine.orders.get(id)!;
const commissionsOf = (id: number) => executions.filter((r) => r.orderId === id).map((r) => r.commission.commission);
const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1e4) / 1e4;

describe('the scenario the frames describe', () => {
  test('orders ended where the frames below expect them', () => {
    assert.deepEqual(
      [1, 2, 3, 5].map((id) => [order(id).status, order(id).filled]),
      [
        ['Filled', 30],
        ['Filled', 1],
        ['Cancelled', 5],
        ['Submitted', 0],
      ],
    );
    assert.equal(engine.orders.has(4), false, 'a what-if places nothing');
    // The spread's commission: per contract across both legs, one per-order minimum.
    assert.deepEqual(commissionsOf(2), [0.65, 0.65, 0]); // long leg, short leg, the BAG execution
    assert.equal(sum(commissionsOf(1)), 1); // 30 x $0.005 = $0.15 -> $1 minimum
    assert.equal(sum(commissionsOf(3)), 1); // the minimum once, on the first partial fill
  });
});

describe('openOrder after a fill, through @stoqey/ib at every server version', () => {
  for (const sv of VERSIONS) {
    test(`${sv}`, () => {
      const [orderId, contract, o, state] = only(sv, openOrderFrame(sv, engine, order(1)), 'openOrder') as [number, Rec, Rec, Rec];
      assert.equal(orderId, 1);
      assert.deepEqual([contract.symbol, contract.secType], ['MSFT', 'STK']);
      assert.deepEqual([o.action, o.totalQuantity, o.orderType, o.orderRef, o.clientId], ['BUY', 30, 'MKT', 'stk-1', CLIENT]);
      assert.deepEqual([state.status, state.commission, state.commissionCurrency], ['Filled', 1, 'USD']);
      // As TWS reports an order placed without them (IB Gateway captures, twsReportedOrder.ts).
      assert.deepEqual([o.ocaType, o.clearingIntent, o.deltaNeutralOrderType], [3, 'IB', 'None']);
      assert.equal(o.deltaNeutralOpenClose, '?');
      assert.equal(o.adjustedOrderType, sv >= SV.PEGGED_TO_BENCHMARK ? 'None' : undefined);

      const [, bag, bo, bstate] = only(sv, openOrderFrame(sv, engine, order(2)), 'openOrder') as [number, Rec, Rec, Rec];
      assert.equal(bag.secType, 'BAG');
      assert.deepEqual(
        (bag.comboLegs as Rec[]).map((l) => [l.conId, l.ratio, l.action]),
        [
          [longCall.conId, 1, 'BUY'],
          [shortCall.conId, 1, 'SELL'],
        ],
      );
      assert.equal(bo.orderRef, 'bag-2');
      assert.deepEqual([bstate.status, bstate.commission, bstate.commissionCurrency], ['Filled', 1.3, 'USD']);

      const [, , oo, ostate] = only(sv, openOrderFrame(sv, engine, order(5)), 'openOrder') as [number, Rec, Rec, Rec];
      assert.deepEqual([oo.ocaGroup, oo.ocaType], ['g5', 1], 'an OCA type the client set is kept');
      assert.deepEqual([ostate.status, ostate.commission, ostate.commissionCurrency], ['Submitted', undefined, ''], 'no commission before an execution');
    });
  }
});

describe('orderStatus through @stoqey/ib at every server version', () => {
  for (const sv of VERSIONS) {
    test(`${sv}`, () => {
      const o = order(3);
      const args = only(sv, orderStatusFrame(sv, o), 'orderStatus');
      assert.deepEqual(args, [3, 'Cancelled', 5, 5, o.avgFillPrice, o.permId, 0, o.lastFillPrice, CLIENT, '', sv >= SV.MARKET_CAP_PRICE ? 0 : undefined]);
      assert.ok(o.avgFillPrice > 0);
    });
  }
});

describe('execDetails + commissionReport through @stoqey/ib at every server version', () => {
  for (const sv of VERSIONS) {
    test(`${sv}`, () => {
      const legs = executions.filter((r) => r.orderId === 2);
      const decoded = legs.map((rec) => {
        const [details, report] = executionFrames(sv, 77, rec);
        const [reqId, contract, exec] = only(sv, details, 'execDetails') as [number, Rec, Rec];
        const [r] = only(sv, report, 'commissionReport') as [Rec];
        assert.equal(reqId, 77);
        assert.equal(exec.execId, r.execId);
        return [contract.conId, contract.secType, contract.multiplier, exec.side, exec.shares, exec.orderRef, r.commission, r.currency];
      });
      assert.deepEqual(decoded, [
        [longCall.conId, 'OPT', 100, 'BOT', 1, 'bag-2', 0.65, 'USD'],
        [shortCall.conId, 'OPT', 100, 'SLD', 1, 'bag-2', 0.65, 'USD'],
        [0, 'BAG', 0, 'BOT', 1, 'bag-2', 0, 'USD'], // the combo's own execution, no multiplier
      ]);
      const [first] = executions.filter((r) => r.orderId === 3);
      const [, , exec] = only(sv, executionFrames(sv, -1, first!)[0], 'execDetails') as [number, Rec, Rec];
      assert.deepEqual([exec.side, exec.shares, exec.cumQty, exec.orderRef], ['SLD', 5, 5, 'part-3']);
    });
  }
});

describe('completedOrder through @stoqey/ib at every server version that has it', () => {
  for (const sv of VERSIONS.filter((v) => v >= SV.COMPLETED_ORDERS)) {
    test(`${sv}`, () => {
      const decode = (id: number) => only(sv, forStoqeyCompletedOrder(sv, completedOrderFrame(sv, engine, order(id))), 'completedOrder') as [Rec, Rec, Rec];
      const [c1, o1, s1] = decode(1);
      assert.equal(c1.symbol, 'MSFT');
      assert.deepEqual([o1.totalQuantity, o1.filledQuantity, o1.orderRef, o1.permId], [30, 30, 'stk-1', order(1).permId]);
      assert.deepEqual([s1.status, s1.completedStatus], ['Filled', 'Filled']);
      assert.deepEqual([o1.ocaType, o1.clearingIntent, o1.deltaNeutralOrderType], [3, 'IB', 'None']);

      const [, o3, s3] = decode(3);
      assert.deepEqual([o3.totalQuantity, o3.filledQuantity, s3.status], [10, 5, 'Cancelled'], 'a cancelled order keeps what it filled');

      const [c2, o2, s2] = decode(2);
      assert.deepEqual([c2.secType, (c2.comboLegs as Rec[]).length, o2.filledQuantity, s2.status], ['BAG', 2, 1, 'Filled']);
    });
  }
});

describe('the what-if reply for a one-lot call spread, through @stoqey/ib at every server version', () => {
  // Reg T 25% of the gross value the legs add, each leg x its ratio x 100; commission
  // 2 contracts x $0.65 = $1.30, above the $1.00 per-order minimum.
  const added = 100 * (mid(longCall.conId) + mid(shortCall.conId));
  const before = whatIf.preview!;

  test('the preview prices the legs, in cents', () => {
    assert.ok(added > 50, `two option premiums x 100: ${added}`);
    assert.equal(before.commission, 1.3);
    // Both legs grow the gross position value (the account already holds the filled spread);
    // before and after are each rounded to cents, so the change may differ by one cent.
    assert.ok(Math.abs(before.initMarginChange! - 0.25 * added) <= 0.0100001, `initMarginChange ${before.initMarginChange} vs ${0.25 * added}`);
    assert.equal(before.maintMarginChange, before.initMarginChange);
    assert.equal(before.equityWithLoanChange, -1.3);
    for (const k of [
      'initMarginBefore',
      'maintMarginBefore',
      'equityWithLoanBefore',
      'initMarginChange',
      'maintMarginChange',
      'equityWithLoanChange',
      'initMarginAfter',
      'maintMarginAfter',
      'equityWithLoanAfter',
    ] as const) {
      const v = before[k]!;
      assert.equal(Math.round(v * 100) / 100, v, `${k} ${v} is in cents`);
    }
  });

  test('a SELL 1x2 ratio spread: each leg x its ratio x 100, 3 contracts x $0.65', () => {
    const a = chain[Math.floor(chain.length / 2) - 2]!.wire; // in the money: premiums well above $0.10
    const b = chain[Math.floor(chain.length / 2) - 4]!.wire;
    const ratio: Contract = {
      ...spread,
      comboLegs: [
        { conId: a.conId, ratio: 1, action: OrderAction.BUY, exchange: 'SMART' },
        { conId: b.conId, ratio: 2, action: OrderAction.SELL, exchange: 'SMART' },
      ],
    };
    const p = place(6, ratio, { action: OrderAction.SELL, totalQuantity: 1, orderType: OrderType.MKT, whatIf: true }).preview!;
    // SELL flips the legs: -1 of a, +2 of b; the account holds neither, so both add gross value.
    const gross = 100 * (mid(a.conId) * 1 + mid(b.conId) * 2);
    assert.ok(Math.abs(p.initMarginChange! - 0.25 * gross) <= 0.0100001, `initMarginChange ${p.initMarginChange} vs ${0.25 * gross}`);
    assert.equal(p.commission, 1.95);
    assert.equal(engine.orders.has(6), false);
  });

  for (const sv of VERSIONS) {
    test(`${sv}`, () => {
      const frame = whatIfFrame(sv, 4, CLIENT, sim.account.id, whatIf.wire, whatIf.req.order, before);
      const [orderId, contract, o, state] = only(sv, frame, 'openOrder') as [number, Rec, Rec, Rec];
      assert.deepEqual([orderId, contract.secType, o.whatIf, o.lmtPrice, o.account], [4, 'BAG', true, 1.28, sim.account.id]);
      const ext = sv >= SV.WHAT_IF_EXT_FIELDS;
      assert.deepEqual(
        [state.status, state.initMarginBefore, state.initMarginChange, state.initMarginAfter, state.maintMarginAfter, state.equityWithLoanAfter],
        [
          'PreSubmitted',
          ext ? before.initMarginBefore : undefined,
          ext ? before.initMarginChange : undefined,
          before.initMarginAfter,
          before.maintMarginAfter,
          before.equityWithLoanAfter,
        ],
      );
      assert.deepEqual([state.commission, state.minCommission, state.maxCommission, state.commissionCurrency], [1.3, 1.3, 1.3, 'USD']);
      assert.deepEqual([o.ocaType, o.clearingIntent, o.deltaNeutralOrderType], [3, 'IB', 'None']);
    });
  }
});
