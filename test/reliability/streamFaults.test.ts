// Bad bytes from the "TWS" side in the middle of a session: random bytes, a truncated
// message, a frame header above the API maximum. The client drops the connection with an
// error naming what was wrong, never throws into its host, reconnects, and the session goes
// on with nothing sent twice and no fill lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { faultSession, losses } from './support/sessions';

const figures = new Figures(__filename);

// Anything thrown into the host by the client would land here (and fail the file).
const uncaught: unknown[] = [];
process.on('uncaughtException', (e) => uncaught.push(e));

const CASES = [
  {
    fault: 'garbage:3',
    clientId: 301,
    cause: /TWS sent bytes that are not a TWS API message: (a frame header declares -?\d+ bytes|frame \d+ .*(NUL|UTF-8|not a number))/,
  },
  {
    fault: 'malformed-frame:3',
    clientId: 302,
    cause: /TWS sent a message the API decoder cannot read \(Underrun error on ORDER_STATUS: End of message reached\.\)/,
  },
  { fault: 'oversized-frame:3', clientId: 303, cause: /a frame header declares 16777216 bytes, above the API's 16777215-byte maximum/ },
];

for (const c of CASES) {
  test(`${c.fault.split(':')[0]}: the connection is dropped naming the cause, the host never sees an exception, the session resumes`, async () => {
    const r = await faultSession({ faults: [c.fault], clientId: c.clientId, cycles: 8 });
    assert.equal(r.result.status, 'finished', r.result.reason);
    assert.ok(
      r.fx.records().some((l) => l.name === `fault:${c.fault.split(':')[0]}`),
      'the simulator sent the bad bytes',
    );
    const lost = losses(r.events).filter((l) => c.cause.test(l.message));
    assert.equal(
      lost.length,
      1,
      losses(r.events)
        .map((l) => l.message)
        .join(' | '),
    );
    assert.match(lost[0]!.message, /^connection to TWS lost \(connection dropped: /);
    assert.ok(
      linesOf(r.journal, 'notice').some((l) => c.cause.test(String(l.message))),
      'the cause is in the journal',
    );
    assert.ok(
      linesOf(r.journal, 'reconcile').some((l) => l.trigger === 'reconnect' && l.t > lost[0]!.at),
      'reconnected and reconciled',
    );
    assert.ok(
      r.decisions.some((d) => d.outcome === 'order' && r.journal.some((l) => l.type === 'cycle-start' && l.cycle === d.cycle && l.t > lost[0]!.at)),
      'trading after',
    );
    assert.deepEqual(uncaught, []);
    const checked = checkNoLoss(r.fx, r.journal, c.clientId);
    figures.fault(`${c.fault.split(':')[0]} from TWS`, { ...checked, recoveries: 1 });
  });
}
