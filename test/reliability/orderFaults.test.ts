// Orders on TWS's bad days, each through a whole AI session against the simulator: every
// order rejected, fills split in parts, order events (openOrder, orderStatus, execDetails,
// commissionReport) delivered out of order and twice, and a wide session whose start-up
// burst would provoke error 100 if it were not paced. Checked from the record and the journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linesOf } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { faultSession } from './support/sessions';

const figures = new Figures(__filename);

test('pacing: a session on eight symbols never provokes error 100 (TWS answers it past 50 msg/s)', async () => {
  const r = await faultSession({ faults: [], clientId: 201, symbols: 'NVDA,MSFT,AAPL,AMZN,GOOGL,META,TSLA,JPM', cycles: 4 });
  assert.equal(r.result.status, 'finished', r.result.reason);
  // The start-up burst: contract details, bar subscriptions with history, positions, executions, account.
  const rec = r.fx.records().filter((l) => l.dir === 'in');
  const busiest = Math.max(...rec.map((l) => rec.filter((m) => m.t >= l.t && m.t < l.t + 1000).length));
  assert.ok(rec.length > 50, `${rec.length} requests`);
  assert.ok(busiest >= 30 && busiest <= 50, `a real burst, and at most 50 messages in any second (busiest ${busiest})`);
  const checked = checkNoLoss(r.fx, r.journal, 201);
  figures.fault('pacing (8 symbols, never error 100)', checked);
});

test('reject-orders: every rejection journaled with its reason; after three a symbol is suspended; once all are, the session stops (faulted) naming the reason; nothing filled, nothing resent', async () => {
  const r = await faultSession({ faults: ['reject-orders:Simulated margin check'], clientId: 202, cycles: 6 });
  // It used to end 'finished' with every order rejected: a session that could trade nothing now says so.
  assert.equal(r.result.status, 'faulted', r.result.reason);
  assert.match(r.result.reason, /TWS rejected the last 3 orders of every symbol \(6 in a row\): all are suspended; the last \(.*\): .*Simulated margin check/);
  const rejected = linesOf(r.journal, 'order-status').filter((l) => l.state === 'rejected');
  assert.ok(rejected.length >= 6, `${rejected.length} rejections`);
  for (const l of rejected) assert.match(String(l.note), /Simulated margin check/);
  assert.ok(
    r.decisions.some((d) => d.verdict?.rule === 'symbolSuspended'),
    'suspended after three rejections',
  );
  const checked = checkNoLoss(r.fx, r.journal, 202);
  assert.equal(checked.fills, 0);
  figures.fault('reject-orders', checked);
});

test('partial-fills: each order filled in three executions, each journaled once; positions agree with the account', async () => {
  const r = await faultSession({ faults: ['partial-fills:3'], clientId: 203, cycles: 8 });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const checked = checkNoLoss(r.fx, r.journal, 203);
  assert.ok(checked.fills >= 3 * 6, `${checked.fills} executions`);
  figures.fault('partial-fills', checked);
});

test('order events out of order and twice (shuffle-order-events, duplicate-order-events, partial fills): same orders, same fills, once each', async () => {
  const r = await faultSession({ faults: ['shuffle-order-events:250', 'duplicate-order-events', 'partial-fills:3'], clientId: 204, cycles: 10 });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const out = r.fx.records().filter((l) => l.dir === 'out' && l.clientId === 204);
  const execs = out.filter((l) => l.name === 'execDetails');
  assert.equal(execs.length, 2 * new Set(execs.map((l) => l.fields.join('|'))).size, 'every execDetails went out twice');
  const checked = checkNoLoss(r.fx, r.journal, 204);
  // Every order ended filled: the shuffled statuses never left one behind.
  const finals = new Map<string, string>();
  for (const l of linesOf(r.journal, 'order-status')) finals.set(String(l.orderRef), String(l.state));
  assert.ok(
    [...finals.values()].every((s) => s === 'filled'),
    JSON.stringify([...finals]),
  );
  figures.fault('openOrder/orderStatus/execDetails out of order and twice', checked);
});
