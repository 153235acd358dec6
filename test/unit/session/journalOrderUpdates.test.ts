// The one journal-record -> OrderUpdate mapping: every field the journal recorded reaches the
// update (a field dropped here would be missing from the order events, the cycle lines and the
// panel's working orders alike).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderUpdateOf } from '../../../src/extension/session/journalOrderUpdates';
import type { OrderUpdate } from '../../../src/extension/session/orderManager';
import { SessionLedger } from '../../../src/extension/session/sessionLedger';

const REF = 'S1:3:SPY:policy';
const intent = {
  orderRef: REF,
  orderId: 41,
  cycle: 3,
  symbol: 'SPY',
  kind: 'policy',
  action: 'SELL',
  quantity: 10,
  orderType: 'MKT',
  tif: 'DAY',
  account: 'DU1',
  clientId: 7,
  marketTime: 1_700_000_000_000,
};

function ledgerWith(...lines: Array<Record<string, unknown>>): SessionLedger {
  const ledger = new SessionLedger();
  let t = 0;
  for (const l of lines) ledger.apply({ t: ++t, type: String(l.type), ...l });
  return ledger;
}

describe('orderUpdateOf', () => {
  it('carries every field of the journaled order (note and TWS error code included)', () => {
    const ledger = ledgerWith(
      { type: 'intent', ...intent },
      {
        type: 'order-status',
        orderRef: REF,
        orderId: 41,
        state: 'submitted',
        filled: 4,
        remaining: 6,
        avgFillPrice: 101.25,
        note: 'partly filled, rest held',
        error: { code: 399, message: 'order held' },
      },
    );
    const rec = ledger.intents.get(REF);
    assert.ok(rec);
    // Required<>: a field added to OrderUpdate must be added here, and mapped, for this to compile and pass.
    const expected: Required<OrderUpdate> = {
      orderRef: REF,
      orderId: 41,
      cycle: 3,
      symbol: 'SPY',
      kind: 'policy',
      action: 'SELL',
      quantity: 10,
      state: 'submitted',
      filled: 4,
      avgFillPrice: 101.25,
      note: 'partly filled, rest held',
      errorCode: 399,
    };
    assert.deepEqual(orderUpdateOf(rec), expected);
    // The working orders of a snapshot are the same records through the same mapping.
    assert.deepEqual(
      ledger.openIntents().map((r) => orderUpdateOf(r)),
      [expected],
    );
  });

  it('leaves out a note and an error code the journal does not have, and can say `sending`', () => {
    const rec = ledgerWith({ type: 'intent', ...intent }).intents.get(REF);
    assert.ok(rec);
    const u = orderUpdateOf(rec, 'sending');
    assert.deepEqual(u, {
      orderRef: REF,
      orderId: 41,
      cycle: 3,
      symbol: 'SPY',
      kind: 'policy',
      action: 'SELL',
      quantity: 10,
      state: 'sending',
      filled: 0,
      avgFillPrice: 0,
    });
    assert.equal('note' in u, false);
    assert.equal('errorCode' in u, false);
    assert.equal(orderUpdateOf(rec).state, 'pendingSubmit');
  });
});
