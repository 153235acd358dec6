// TWS's bad days, each through a whole AI session against the simulator: restarts, a hang
// (half-open socket), a client id in use at the start and on a reconnect. Every session is checked from the simulator's record and the
// journal: no orderRef twice, the journal's orders = the record's, every execution
// journaled once, positions = the account's, and never a pacing error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { faultSession, HEARTBEAT_BOUND_MS, losses, notices } from './support/sessions';

const figures = new Figures(__filename);

/** Cycles that ran on fresh bars with an order decided, after `at` (wall ms). */
function tradedAfter(r: Awaited<ReturnType<typeof faultSession>>, at: number): number {
  const cycles = new Set(
    linesOf(r.journal, 'cycle-start')
      .filter((l) => l.t > at && !l.stalled)
      .map((l) => Number(l.cycle)),
  );
  return r.decisions.filter((d) => cycles.has(d.cycle) && d.outcome === 'order').length;
}

test('drop-every: three TWS restarts in one session; it resumes each time, data flows again, nothing sent twice, no fill lost', async () => {
  const r = await faultSession({ faults: ['drop-every:3.5,0.3'], clientId: 101, cycles: 14 });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const lost = losses(r.events).filter((l) => /TWS closed the connection/.test(l.message));
  assert.ok(
    lost.length >= 3,
    `three restarts at least: ${losses(r.events)
      .map((l) => l.message)
      .join(' | ')}`,
  );
  const reconciled = linesOf(r.journal, 'reconcile').filter((l) => l.trigger === 'reconnect');
  assert.ok(reconciled.length >= 3, 'reconciled after each reconnect');
  assert.ok(tradedAfter(r, lost[2]!.at) > 0, 'fresh bars and orders after the third restart');
  const checked = checkNoLoss(r.fx, r.journal, 101);
  assert.ok(checked.orders >= 10, `orders went out around the restarts: ${checked.orders}`);
  figures.fault('drop-every (3+ restarts in one session)', { ...checked, recoveries: lost.length });
});

test('half-open: the hang is detected by the heartbeat within its bound; after it the session reconnects and trades', async () => {
  const simLog: Array<{ at: number; line: string }> = [];
  const r = await faultSession({ faults: ['half-open:3,2'], clientId: 104, cycles: 10, simLog });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const hungAt = simLog.find((l) => l.line.includes('half-open, no longer answering'))!.at;
  const detected = losses(r.events).find((l) => l.at >= hungAt);
  assert.ok(detected, 'the hang was detected');
  assert.match(detected.message, /no message from TWS within \d+ ms of a heartbeat \(half-open socket/);
  // +150 ms: timers on a shared machine.
  assert.ok(detected.at - hungAt <= HEARTBEAT_BOUND_MS + 150, `detected ${detected.at - hungAt} ms after the hang; bound ${HEARTBEAT_BOUND_MS} ms`);
  const back = notices(r.events).find((n) => n.message === 'connection to TWS back and reconciled' && n.at > detected.at);
  assert.ok(back, 'reconnected after the hang');
  assert.ok(tradedAfter(r, back.at) > 0, 'trading after the hang');
  const checked = checkNoLoss(r.fx, r.journal, 104);
  figures.fault('half-open (hang detected by the heartbeat)', { ...checked, recoveries: 1 });
});

test('client-id-in-use at the start: the session fails naming the conflict, and nothing is sent', async () => {
  const r = await faultSession({ faults: ['client-id-in-use:105'], clientId: 105, cycles: 3 });
  assert.equal(r.result.status, 'failed');
  assert.equal(r.result.exitCode, 5);
  assert.match(
    r.result.reason,
    /cannot connect to TWS at 127\.0\.0\.1:\d+ \(client id 105\): client id 105 is already in use by another API connection to this TWS \(error 326\)/,
  );
  assert.deepEqual(r.placed, []);
  assert.equal(
    r.fx.records().filter((l) => l.dir === 'in' && l.name !== 'startApi' && l.name !== 'handshake').length,
    0,
    'nothing but the handshake and startApi reached TWS',
  );
  figures.fault('client-id-in-use at the start (refused, nothing sent)', { orders: 0, fills: 0 });
});

test('client-id-in-use on a reconnect: 326 reported, the id kept, retried until free; the session resumes with nothing lost', async () => {
  const r = await faultSession({ faults: ['client-id-in-use:106@3..5', 'drop-after:3.2'], clientId: 106, cycles: 10 });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const refused = r.fx.records().filter((l) => l.dir === 'out' && l.name === 'error' && l.fields[3] === '326');
  assert.ok(refused.length >= 1, 'TWS refused the reconnect with 326');
  const ids = new Set(
    r.fx
      .records()
      .filter((l) => l.name === 'startApi')
      .map((l) => l.fields[2]),
  );
  assert.deepEqual([...ids], ['106'], 'the client id never changed');
  assert.ok(
    notices(r.events).some((n) => n.message === 'connection to TWS back and reconciled'),
    'back after the id was free',
  );
  const checked = checkNoLoss(r.fx, r.journal, 106);
  figures.fault('client-id-in-use on a reconnect', { ...checked, recoveries: 1 });
});
