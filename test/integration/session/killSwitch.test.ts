// The kill switch and the journal's failure mode, against the simulator: the kill switch
// cancels every working order of the session and stops it (optionally flattening); a
// journal that cannot be written stops trading at once and stays readable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal, JournalError } from '../../../src/extension/session/journal';
import type { JournalSink } from '../../../src/extension/session/tradingSession';
import { flatReplay, linesOf, runSession, simPositions, tempDir, WED_5PM_NY } from '../../helpers/sessionFixture';

describe('kill switch', () => {
  test("cancels the session's working orders and stops it", async () => {
    // After the close with --any-hours: the simulator holds MKT orders until the open, so they are working.
    let killed = false;
    const r = await runSession({
      sim: { speed: 60, startMs: WED_5PM_NY },
      model: 'always-buy',
      config: { symbols: 'NVDA,MSFT', cycles: '6', capital: '20000', anyHours: true, clientId: '61' },
      onSession: (s) =>
        s.on('cycle-end', () => {
          if (killed) return;
          killed = true;
          void s.kill({ reason: 'test pressed the button' });
        }),
    });
    assert.equal(r.result.status, 'stopped');
    assert.equal(r.result.exitCode, 4);
    assert.match(r.result.reason, /kill switch: test pressed the button/);
    assert.equal(r.placed.length, 2, 'both orders went before the kill');
    const cancels = r.fx.records().filter((l) => l.dir === 'in' && l.name === 'cancelOrder');
    assert.equal(cancels.length, 2, 'each cancelled at TWS');
    const statuses = linesOf(r.journal, 'order-status');
    for (const o of r.placed)
      assert.ok(
        statuses.some((s) => s.orderRef === o.orderRef && s.state === 'cancelled'),
        `${o.orderRef} cancelled`,
      );
    assert.equal(linesOf(r.journal, 'cycle-start').length, 1, 'no cycle after the kill');
    assert.equal(linesOf(r.journal, 'kill').length, 1);
    assert.deepEqual(linesOf(r.journal, 'kill-report')[0]!.cancelled.sort(), r.placed.map((o) => o.orderRef).sort());
    assert.deepEqual(simPositions(r.fx), {});
    assert.ok(r.events.some((e) => e.type === 'risk-stop' && e.rule === 'killSwitch'));
  });

  test('with flatten, closes the position the session opened', async () => {
    let killed = false;
    const r = await runSession({
      sim: { speed: 60, replayCsv: flatReplay(tempDir('session-replay-')) },
      model: 'always-buy',
      config: { symbols: 'NVDA', cycles: '6', capital: '10000', clientId: '62' },
      onSession: (s) =>
        s.on('cycle-end', (e) => {
          if (killed || e.orders.every((o) => o.state !== 'filled')) return;
          killed = true;
          void s.kill({ reason: 'flatten test', flatten: true });
        }),
    });
    assert.equal(r.result.status, 'stopped');
    assert.deepEqual(
      r.placed.map((o) => [o.action, o.totalQuantity, o.orderRef.split(':')[4] ?? 'policy']),
      [
        ['BUY', 73, 'policy'],
        ['SELL', 73, 'flatten'],
      ],
    );
    assert.deepEqual(simPositions(r.fx), {});
    const report = linesOf(r.journal, 'kill-report')[0]!;
    assert.equal(report.flattened.length, 1);
    assert.equal(report.settled, true);
    assert.equal(r.result.summary!.perSymbol[0]!.position, 0);
  });
});

describe('journal failure', () => {
  test('a full disk stops trading at once: nothing is sent without its intent on disk, the journal stays readable', async () => {
    let failed = false;
    let intents = 0;
    const openJournal = (dir: string, id: string): JournalSink => {
      const j = Journal.open(dir, id);
      return {
        path: j.path,
        append(type, data) {
          if (!failed && type === 'intent' && ++intents === 2) failed = true;
          if (failed) throw new JournalError(`disk full while writing journal ${j.path}: trading stopped, the journal so far is intact`, 'disk-full');
          return j.append(type, data);
        },
        appendDurable(type, data) {
          if (!failed && type === 'intent' && ++intents === 2) failed = true;
          if (failed) throw new JournalError(`disk full while writing journal ${j.path}: trading stopped, the journal so far is intact`, 'disk-full');
          return j.appendDurable(type, data);
        },
        close: () => j.close(),
      };
    };
    const r = await runSession({
      sim: { speed: 60, replayCsv: flatReplay(tempDir('session-replay-')) },
      model: 'toggle',
      config: { symbols: 'NVDA', cycles: '6', capital: '10000', clientId: '63' },
      session: { openJournal },
    });
    assert.equal(r.result.status, 'failed');
    assert.equal(r.result.exitCode, 5);
    assert.match(r.result.reason, /journal: disk full while writing journal .*: trading stopped, the journal so far is intact/);
    assert.equal(r.placed.length, 1, 'only the order whose intent was written went; the second never left');
    assert.ok(r.events.some((e) => e.type === 'risk-stop' && e.rule === 'journal'));
    // The journal holds everything up to the failure, every line whole.
    const lines = Journal.read(r.result.journalPath!);
    assert.equal(linesOf(lines, 'intent').length, 1);
    assert.equal(linesOf(lines, 'intent')[0]!.orderRef, r.placed[0]!.orderRef);
    assert.equal(linesOf(lines, 'session-end').length, 0, 'nothing written after the failure');
    assert.equal(linesOf(lines, 'cycle-start').length, 2, 'it failed in cycle 2');
  });
});
