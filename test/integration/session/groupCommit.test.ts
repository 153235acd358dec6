// The journal's group commit under a whole session against the simulator over TCP: a
// cycle's ten order intents are made durable by one fsync, taken after the last of them is
// written and before any of those orders reaches TWS. Measured from the fsyncs themselves
// (the journal's size at each one), not from timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { readFileSync, readlinkSync } from 'node:fs';
import { linesOf, runSession } from '../../helpers/sessionFixture';

const TEN = ['NVDA', 'MSFT', 'AAPL', 'AMZN', 'GOOGL', 'META', 'TSLA', 'AMD', 'INTC', 'JPM'];

test("a cycle's ten intents share one fsync of the journal, taken before their orders leave", async () => {
  // Every blocking fsync of this process: the file and how many bytes it held then.
  const synced: Array<{ path: string; size: number }> = [];
  const original = fs.fsyncSync;
  fs.fsyncSync = (fd: number) => {
    synced.push({ path: readlinkSync(`/proc/self/fd/${fd}`), size: fs.fstatSync(fd).size });
    original(fd);
  };
  let r: Awaited<ReturnType<typeof runSession>>;
  try {
    r = await runSession({ config: { symbols: TEN.join(','), cycles: '3', clientId: '12' }, model: 'always-buy' });
  } finally {
    fs.fsyncSync = original;
  }
  assert.equal(r.result.status, 'finished', r.result.reason);
  const path = r.result.journalPath!;
  const syncs = synced.filter((s) => s.path === path).map((s) => s.size);

  // Each intent line's end in the file (bytes), by cycle.
  const text = readFileSync(path, 'utf8');
  const ends: Array<{ end: number; line: Record<string, unknown> }> = [];
  let at = 0;
  for (const raw of text.split('\n').slice(0, -1)) {
    at += Buffer.byteLength(raw, 'utf8') + 1;
    ends.push({ end: at, line: JSON.parse(raw) as Record<string, unknown> });
  }
  const byCycle = new Map<number, number[]>();
  for (const { end, line } of ends) if (line.type === 'intent') byCycle.set(line.cycle as number, [...(byCycle.get(line.cycle as number) ?? []), end]);
  const first = [...byCycle.values()][0];
  assert.equal(first?.length, TEN.length, 'the first cycle with orders buys every symbol');

  const recordT = new Map(
    r.fx
      .records()
      .filter((l) => l.name === 'placeOrder' && l.order)
      .map((l) => [l.order!.orderRef, l.t]),
  );
  for (const [cycle, intentEnds] of byCycle) {
    if (intentEnds.length < 2) continue;
    const firstEnd = Math.min(...intentEnds);
    const lastEnd = Math.max(...intentEnds);
    // No fsync while the cycle's intents are being written: they wait for one together...
    assert.deepEqual(
      syncs.filter((s) => s >= firstEnd && s < lastEnd),
      [],
      `cycle ${cycle}: no fsync between its first intent (byte ${firstEnd}) and its last (byte ${lastEnd})`,
    );
    // ...which covers them all.
    assert.ok(
      syncs.some((s) => s >= lastEnd),
      `cycle ${cycle}: an fsync covers its ${intentEnds.length} intents`,
    );
  }
  // And nothing reached the simulator before its intent was journaled.
  for (const i of linesOf(r.journal, 'intent')) assert.ok(i.t <= recordT.get(i.orderRef)!, `${i.orderRef} journaled before it was received`);
});
