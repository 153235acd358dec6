// What every session of the reliability suite must show, from the simulator's --record and
// the session's journal: each orderRef reached "TWS" at most once; the journal's orders are
// exactly the record's; every execution of the session's client id is journaled exactly
// once; the session's positions are the simulated account's; TWS never answered error 100
// (pacing) or 162 (historical pacing).
import assert from 'node:assert/strict';
import type { JournalLine } from '../../../src/extension/session/journal';
import type { RecordedOrder } from '../../../src/extension/sim/server/recorder';
import type { SimFixture } from '../../helpers/simHarness';
import { byRef, journaledSent, linesOf, placedOrders, recordedSent, simPositions } from '../../helpers/sessionFixture';

export interface Checked {
  orders: number;
  fills: number;
}

export function noErrorCodes(fx: SimFixture, codes: readonly number[] = [100, 162]): void {
  const errs = fx.records().filter((l) => l.dir === 'out' && l.name === 'error' && codes.includes(Number(l.fields[3])));
  assert.deepEqual(
    errs.map((l) => `${l.fields[3]}: ${l.fields[4]}`),
    [],
    'TWS never answered a pacing error',
  );
}

/**
 * The invariants of one session (or of one session's several processes, on one journal).
 * `positions`: compare the journal's final positions with the simulated account's (the
 * session started flat on a fresh simulator).
 */
export function checkNoLoss(fx: SimFixture, journal: readonly JournalLine[], clientId: number, opts: { positions?: boolean } = {}): Checked {
  const placed: RecordedOrder[] = placedOrders(fx);
  const refs = placed.map((o) => o.orderRef);
  const twice = refs.filter((r, i) => refs.indexOf(r) !== i);
  assert.deepEqual(twice, [], 'no orderRef reached TWS twice');
  const ids = placed.map((o) => o.orderId);
  assert.equal(new Set(ids).size, ids.length, 'no order id placed twice');
  assert.deepEqual(byRef(journaledSent(journal)), byRef(recordedSent(placed)), "the journal's orders are the record's");

  const fills = linesOf(journal, 'fill');
  const execIds = fills.map((f) => String(f.execId));
  assert.equal(new Set(execIds).size, execIds.length, 'no execution journaled twice');
  const simExecs = fx.sim.engine.executions.filter((e) => e.execution.clientId === clientId).map((e) => e.execution.execId);
  assert.deepEqual([...execIds].sort(), [...simExecs].sort(), 'every execution at TWS is in the journal, once');

  if (opts.positions !== false) {
    const end = linesOf(journal, 'session-end')[0];
    assert.ok(end, 'the session ended in its journal');
    const held = simPositions(fx);
    for (const p of end.summary.perSymbol as Array<{ symbol: string; position: number }>)
      assert.equal(p.position, held[p.symbol] ?? 0, `${p.symbol}: the journal's position is the account's`);
  }
  noErrorCodes(fx);
  return { orders: placed.length, fills: fills.length };
}
