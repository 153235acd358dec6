// TWS restarts while the session is down: `session` as a real process is SIGKILLed in a
// cycle, the simulator stops and a new one starts on the same --state (the account and the
// day's executions survive, as at TWS), and the session restarted on the same journal
// reconciles against it by orderRef: no orderRef is ever sent twice, across both
// simulators, and the journal's positions are the restored account's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Journal } from '../../../src/extension/session/journal';
import { waitFor } from '../../helpers/simHarness';
import { journalFile, spawnSession } from '../../helpers/sessionProcess';
import {
  byRef,
  journaledSent,
  linesOf,
  placedOrders,
  recordedSent,
  simPositions,
  startSim,
  tempDir,
  testModel,
  WED_10AM_NY,
} from '../../helpers/sessionFixture';

test('session killed, TWS restarted on its saved account, session resumed: reconciled by orderRef, nothing sent twice', async () => {
  const statePath = join(tempDir('tws-restart-'), 'tws-state.json');
  const journalDir = join(tempDir('tws-restart-journal-'), 'journal');
  const clientId = 23;
  const args = (port: number) => [
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--client-id',
    String(clientId),
    '--symbols',
    'NVDA,MSFT',
    '--cycle',
    '60',
    '--cycles',
    '6',
    '--mode',
    'paper',
    '--model',
    testModel('toggle'),
    '--journal',
    journalDir,
    '--capital',
    '20000',
  ];
  // --- TWS #1 and the first run, killed once cycle 3 has journaled an intent
  const fx1 = await startSim({ speed: 60, startMs: WED_10AM_NY, statePath });
  let placed1;
  try {
    const first = spawnSession(args(fx1.sim.port), { killAfterMs: 90_000 });
    await waitFor(
      () => {
        const f = journalFile(journalDir);
        const hit = f && Journal.read(f).some((l) => l.type === 'intent' && Number((l as any).cycle) >= 3);
        if (hit) first.proc.kill('SIGKILL');
        return Boolean(hit);
      },
      30_000,
      'an intent of cycle 3 in the journal',
    );
    assert.equal((await first.exit).signal, 'SIGKILL', first.out.join(''));
    await waitFor(() => fx1.sim.client(clientId) === undefined, 5000, `client ${clientId} gone`);
    placed1 = placedOrders(fx1);
  } finally {
    await fx1.stop(); // TWS goes down: its account is saved
  }
  const executions1 = fx1.sim.engine.executions.length;
  assert.ok(executions1 > 0, 'the first run traded');

  // --- TWS #2 on the same account (the same day continues), the session resumed on the same journal
  const fx2 = await startSim({ speed: 60, startMs: WED_10AM_NY, statePath });
  try {
    assert.equal(fx2.sim.engine.executions.length, executions1, "the day's executions survived the TWS restart");
    const second = spawnSession(args(fx2.sim.port), { killAfterMs: 90_000 });
    const e2 = await second.exit;
    assert.equal(e2.code, 0, second.out.join(''));
    const journal = Journal.read(journalFile(journalDir)!);
    assert.equal(linesOf(journal, 'session-resume').length, 1);
    assert.ok(
      linesOf(journal, 'reconcile').some((l) => l.trigger === 'restart'),
      'reconciled at the restart',
    );
    assert.deepEqual(
      linesOf(journal, 'cycle-start').map((l) => Number(l.cycle)),
      [1, 2, 3, 4, 5, 6],
    );

    // Across both TWS instances every orderRef reached "TWS" at most once, and the journal's orders are theirs.
    const placed = [...placed1, ...placedOrders(fx2)];
    const refs = placed.map((o) => o.orderRef);
    assert.equal(new Set(refs).size, refs.length, `no orderRef twice: ${refs.join(' ')}`);
    assert.deepEqual(
      byRef(journaledSent(journal)).map((o) => o.orderRef),
      byRef(recordedSent(placed)).map((o) => o.orderRef),
    );
    // Order ids never repeat across the restart either.
    const ids = placed.map((o) => o.orderId);
    assert.equal(new Set(ids).size, ids.length, `order ids ${ids.join(' ')}`);

    // Every execution of the day (both instances) journaled once; positions are the restored account's.
    const fills = linesOf(journal, 'fill');
    assert.equal(new Set(fills.map((f) => f.execId)).size, fills.length);
    assert.deepEqual(fills.map((f) => f.execId).sort(), fx2.sim.engine.executions.map((e) => e.execution.execId).sort());
    const end = linesOf(journal, 'session-end')[0]!;
    const held = simPositions(fx2);
    for (const p of end.summary.perSymbol) assert.equal(p.position, held[p.symbol] ?? 0, `${p.symbol}: journal position = the restored account's`);
  } finally {
    await fx2.stop();
  }
});
