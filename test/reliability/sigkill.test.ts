// The session process killed with SIGKILL mid-order, twice, and restarted on its journal
// each time, while TWS delivers order events out of order and twice and splits every fill
// in three: `npm run session` as a real child process against the simulator. The restarts
// resume the same session, reconcile with TWS (open orders, executions made while the
// process was dead), never send an orderRef twice, and journal every execution once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/simHarness';
import { journalLines, spawnSession as session } from '../helpers/sessionProcess';
import { linesOf, startSim, tempDir, testModel, WED_10AM_NY } from '../helpers/sessionFixture';
import { checkNoLoss } from './support/checks';
import { Figures } from './support/figures';
import { flatPrices } from './support/sessions';

const figures = new Figures(__filename);

test('SIGKILL mid-order twice (cycles 3 and 6) under shuffled, duplicated, partial fills: each restart reconciles; no orderRef twice, no fill lost', async () => {
  const clientId = 401;
  const fx = await startSim({
    speed: 60,
    startMs: WED_10AM_NY,
    replayCsv: flatPrices(),
    tickMs: 150,
    faultSpecs: ['shuffle-order-events:200', 'duplicate-order-events', 'partial-fills:3', 'pacing'],
  });
  const dir = join(tempDir('reliability-kill-'), 'journal');
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(fx.sim.port),
    '--client-id',
    String(clientId),
    '--symbols',
    'NVDA,MSFT',
    '--cycle',
    '60',
    '--cycles',
    '9',
    '--mode',
    'paper',
    '--model',
    testModel('toggle'),
    '--journal',
    dir,
    '--capital',
    '20000',
  ];
  try {
    const killedAt: string[] = [];
    for (const cycle of [3, 6]) {
      const run = session(args);
      // Killed as soon as an order of this cycle is journaled: its fills are still to come.
      await waitFor(
        () => {
          const intent = journalLines(dir).find(
            (l) =>
              l.type === 'intent' &&
              Number((l as Record<string, unknown>).cycle) >= cycle &&
              !killedAt.includes(String((l as Record<string, unknown>).orderRef)),
          );
          if (!intent) return false;
          run.proc.kill('SIGKILL');
          killedAt.push(String((intent as Record<string, unknown>).orderRef));
          return true;
        },
        60_000,
        `an order of cycle ${cycle} in the journal`,
      );
      const e = await run.exit;
      assert.equal(e.signal, 'SIGKILL', run.out.join(''));
      assert.equal(linesOf(journalLines(dir), 'session-end').length, 0);
      await waitFor(() => fx.sim.client(clientId) === undefined, 5000, 'TWS noticed the dead socket');
    }
    const last = session(args);
    const e = await last.exit;
    assert.equal(e.code, 0, last.out.join(''));

    const journal = journalLines(dir);
    assert.equal(readdirSync(dir).length, 1, 'one session, one journal');
    assert.equal(linesOf(journal, 'session-resume').length, 2);
    assert.equal(linesOf(journal, 'reconcile').filter((l) => l.trigger === 'restart').length, 2, 'reconciled at each restart');
    assert.deepEqual(
      linesOf(journal, 'cycle-start').map((l) => Number(l.cycle)),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      'no cycle decided twice',
    );
    // The orders journaled just before each kill: sent once and adopted, or never sent and closed - never resent.
    for (const ref of killedAt) {
      const sent = fx.records().filter((l) => l.dir === 'in' && l.name === 'placeOrder' && l.order?.orderRef === ref).length;
      const closedUnsent = linesOf(journal, 'order-status').some((l) => l.orderRef === ref && l.state === 'not-at-tws');
      assert.ok((sent === 1 && !closedUnsent) || (sent === 0 && closedUnsent), `${ref}: sent ${sent}, closed unsent ${closedUnsent}`);
    }
    const checked = checkNoLoss(fx, journal, clientId);
    assert.equal(linesOf(journal, 'session-end')[0]!.summary.restarts, 2);
    figures.fault('SIGKILL mid-order, restarted on the journal (x2)', { ...checked, recoveries: 2 });
  } finally {
    await fx.stop();
  }
});
