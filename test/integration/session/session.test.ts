// A multi-symbol paper session of the shipped model against the simulator over TCP: it
// places and fills orders, every decision is explained, and the journal's orders are the
// simulator's record of placed orders, one for one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPastSession } from '../../../src/extension/app/sessionHistory';
import { assertProbabilities } from '../../helpers/testModels';
import { byRef, journaledSent, linesOf, recordedSent, runSession, simNetShares, simPositions } from '../../helpers/sessionFixture';

test('multi-symbol paper session with the default model: orders placed and filled, journal = simulator record', async () => {
  const r = await runSession({ config: { symbols: 'NVDA,MSFT,AAPL', cycles: '10', clientId: '11' } });
  assert.equal(r.result.status, 'finished', r.result.reason);
  assert.equal(r.result.exitCode, 0);

  // Orders reached the simulator and filled.
  assert.ok(r.placed.length >= 2, `the policy traded (${r.placed.length} orders)`);
  const symbols = new Set(r.placed.map((o) => o.symbol));
  assert.ok(symbols.size >= 2, `orders in several symbols: ${[...symbols].join(',')}`);
  for (const o of r.placed) {
    assert.match(o.orderRef, /^ibkrai:[A-Za-z0-9_-]+:\d+:(NVDA|MSFT|AAPL)$/);
    assert.equal(o.orderType, 'MKT');
    assert.equal(o.account, 'DU1234567');
  }
  const fills = linesOf(r.journal, 'fill');
  assert.equal(fills.length, r.fx.sim.engine.executions.length, 'every execution journaled');
  const statuses = linesOf(r.journal, 'order-status');
  for (const o of r.placed)
    assert.ok(
      statuses.some((s) => s.orderRef === o.orderRef && s.state === 'filled'),
      `${o.orderRef} filled`,
    );

  // The journal's orders are the record's, one for one (ids, refs, sides, sizes), each once.
  assert.deepEqual(byRef(journaledSent(r.journal)), byRef(recordedSent(r.placed)));
  assert.equal(new Set(r.placed.map((o) => o.orderRef)).size, r.placed.length, 'no orderRef twice');

  // Each intent was journaled before its order reached the simulator (journal t <= record t).
  const recordT = new Map(
    r.fx
      .records()
      .filter((l) => l.name === 'placeOrder' && l.order)
      .map((l) => [l.order!.orderRef, l.t]),
  );
  for (const i of linesOf(r.journal, 'intent')) assert.ok(i.t <= recordT.get(i.orderRef)!, `${i.orderRef} journaled before it was received`);

  // Every cycle decided every symbol, explainably.
  assert.equal(linesOf(r.journal, 'cycle-start').length, 10);
  const decisions = linesOf(r.journal, 'decision');
  assert.equal(decisions.length, 30);
  for (const d of decisions) {
    assert.ok(d.reason && typeof d.reason === 'string');
    if (d.outcome === 'skipped') continue;
    assert.equal(Object.keys(d.features).length, 10, 'features by label');
    assert.equal(d.observation.length, 10);
    assert.ok(['hold', 'buy', 'sell'].includes(d.output.label), d.output.label);
    // The shipped model's manifest names its log_prob output: the action taken and its probability.
    assert.equal(d.output.probabilities.length, 1, JSON.stringify(d.output));
    const [taken] = d.output.probabilities;
    assert.ok(taken.label === d.output.label && taken.chosen === true && taken.p > 0 && taken.p <= 1, JSON.stringify(d.output));
    if (d.outcome === 'order') {
      assert.equal(d.verdict.allowed, true);
      assert.ok(
        r.placed.some((o) => o.orderRef === d.proposal.orderRef),
        'an allowed decision reached the simulator',
      );
    }
  }
  const orderDecisions = decisions
    .filter((d) => d.outcome === 'order')
    .map((d) => d.proposal.orderRef)
    .sort();
  assert.deepEqual(orderDecisions, r.placed.map((o) => o.orderRef).sort(), 'orders are exactly the allowed decisions');

  // The summary's positions are the simulator's; its trades the executions.
  const s = r.result.summary!;
  assert.equal(s.trades, r.fx.sim.engine.executions.length);
  const net = simNetShares(r.fx);
  const held = simPositions(r.fx);
  for (const p of s.perSymbol) {
    assert.equal(p.position - p.startPosition, net[p.symbol] ?? 0, `${p.symbol} position change = executions`);
    assert.equal(p.position, held[p.symbol] ?? 0, `${p.symbol} position = the simulated account's`);
  }
  assert.ok(s.totals.commissions > 0);
  assert.equal(linesOf(r.journal, 'session-end').length, 1);
  const events = new Set(r.events.map((e) => e.type));
  for (const t of ['state', 'cycle-start', 'decision', 'order', 'fill', 'cycle-end', 'summary']) assert.ok(events.has(t as never), `event ${t}`);
});

test("a logits model's action probabilities are journaled with each decision, after the cycle's orders", async () => {
  const r = await runSession({ model: 'toggle', modelHead: 'logits', config: { symbols: 'NVDA,MSFT', cycles: '4', clientId: '12' } });
  assert.equal(r.result.status, 'finished', r.result.reason);
  const decided = linesOf(r.journal, 'decision').filter((d) => d.output);
  assert.ok(decided.length >= 4, `${decided.length} decisions with an output`);
  assert.ok(
    decided.some((d) => d.outcome === 'order'),
    'the toggle policy traded',
  );
  for (const d of decided) assertProbabilities(d.output.probabilities, d.output.label);
  // The published decision is the journaled one, probabilities included.
  assert.deepEqual(
    r.decisions.filter((d) => d.output).map((d) => d.output),
    decided.map((d) => d.output),
  );
  // The session history (a past session's decisions tab) shows them as journaled.
  const past = readPastSession(r.result.journalPath!)!;
  assert.deepEqual(
    past.view.decisions.filter((row) => row.probabilities).map((row) => row.probabilities),
    decided.map((d) => d.output.probabilities),
  );
  // Explaining comes after sending: each order's intent is journaled before its decision line.
  const at = (type: string, ref: string) =>
    r.journal.findIndex((l) => l.type === type && (type === 'decision' ? (l as any).proposal?.orderRef : (l as any).orderRef) === ref);
  for (const o of r.placed) assert.ok(at('intent', o.orderRef) < at('decision', o.orderRef), `${o.orderRef}: intent before its decision line`);
});
