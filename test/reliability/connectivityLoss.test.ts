// TWS losing its own connection to IB mid-session (1100), restored with data lost (1101:
// subscriptions resubmitted, reconciled) or maintained (1102): nothing is sent during the
// outage, trading resumes after it, and the record and journal agree as for every fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { faultSession } from './support/sessions';

const figures = new Figures(__filename);

for (const code of [1101, 1102] as const) {
  test(`connectivity-loss ending in ${code}: nothing sent during the outage, ${code === 1101 ? 'resubscribed and reconciled' : 'data maintained'}, then trading again`, async () => {
    const clientId = code === 1101 ? 102 : 103;
    const r = await faultSession({ faults: [`connectivity-loss:3,${code},3`], clientId, cycles: 10 });
    assert.equal(r.result.status, 'finished', r.result.reason);
    const rec = r.fx.records();
    const at = (c: string) => rec.findIndex((l) => l.dir === 'out' && l.name === 'error' && l.fields[3] === c && l.clientId === clientId);
    const lostAt = at('1100');
    const restoredAt = at(String(code));
    assert.ok(lostAt >= 0 && restoredAt > lostAt, 'TWS reported the loss, then the restore');
    // From the moment the session knew (its notice) until the restore, nothing was decided or sent.
    const noticeAt = (text: string) => linesOf(r.journal, 'notice').find((l) => String(l.message).startsWith(text))?.t;
    const knewAt = noticeAt('TWS lost its connection to IB (1100)');
    const backAt = noticeAt('TWS connectivity to IB restored');
    assert.ok(knewAt !== undefined && backAt !== undefined && backAt > knewAt, 'the loss and the restore are in the journal');
    assert.deepEqual(
      linesOf(r.journal, 'intent').filter((l) => l.t > knewAt! && l.t < backAt!),
      [],
      'no order decided while TWS had no connection to IB',
    );
    const inOutage = rec.slice(lostAt, restoredAt).filter((l) => l.dir === 'in' && l.name === 'placeOrder');
    for (const o of inOutage)
      assert.ok(
        linesOf(r.journal, 'intent').some((i) => i.orderRef === o.order?.orderRef && i.t <= knewAt!),
        `${o.order?.orderRef} crossed the 1100 on the wire (decided before the session knew)`,
      );
    assert.ok(
      rec.slice(restoredAt).some((l) => l.dir === 'in' && l.name === 'placeOrder'),
      'orders after the restore',
    );
    const dataLost = linesOf(r.journal, 'reconcile').filter((l) => l.trigger === 'dataLost');
    assert.equal(dataLost.length, code === 1101 ? 1 : 0, '1101 resubscribes and reconciles; 1102 keeps the data');
    const checked = checkNoLoss(r.fx, r.journal, clientId);
    figures.fault(`connectivity-loss ending in ${code}`, { ...checked, recoveries: 1 });
  });
}
