// `--state FILE`: the simulated account survives a simulator restart as a TWS account
// survives a TWS restart. Orders are filled through the broker over TCP, the simulator
// stops, a new one starts on the same file, and a new broker session sees the same
// positions and average costs, the same cash, the day's executions with their orderRefs
// and commissions, the completed orders, and order ids that do not repeat.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SimStateError } from '../../../src/extension/sim/account/simState';
import { run as runSimCli } from '../../../src/extension/cli/simCommand';
import { CliError } from '../../../src/extension/cli/args';
import { makeClient, startSim } from '../../helpers/brokerFixture';

const dir = mkdtempSync(join(tmpdir(), 'ibkr-sim-state-'));

async function until<T>(get: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("positions, cash, the day's executions (orderRefs, commissions) and completed orders survive a simulator restart", async () => {
  const statePath = join(dir, 'account.json');
  // --- first simulator: fill two orders and leave one working
  const fx1 = await startSim({ statePath });
  const { client: c1 } = makeClient(fx1.sim.port, { clientId: 5 });
  await c1.connect();
  const aapl = await c1.resolveStock('AAPL');
  const buy = await c1.placeOrder({ contract: aapl, action: 'BUY', quantity: 10, type: 'MKT', orderRef: 'state-test/buy' });
  const buyDone = await c1.orderDone(buy.orderId, 4000);
  const sell = await c1.placeOrder({ contract: aapl, action: 'SELL', quantity: 3, type: 'MKT', orderRef: 'state-test/sell' });
  const sellDone = await c1.orderDone(sell.orderId, 4000);
  const working = await c1.placeOrder({ contract: aapl, action: 'BUY', quantity: 1, type: 'LMT', limitPrice: 1, tif: 'GTC', orderRef: 'state-test/working' });
  assert.equal(working.state, 'submitted');
  await c1.positions.when((m) => [...m.values()].some((p) => p.contract.conId === aapl.conId && p.quantity === 7), 3000);
  const before = c1.position(aapl.conId!)!;
  const cashBefore = fx1.sim.account.cash;
  const execIds = [...buyDone.fills, ...sellDone.fills].map((f) => f.execId).sort();
  // Saved after each change, not only at shutdown (a killed simulator keeps its fills).
  const saved = await until(() => {
    const s = JSON.parse(readFileSync(statePath, 'utf8')) as { version: number; executions: unknown[]; orders: Array<{ orderId: number }> };
    return s.executions.length === 2 && s.orders.some((o) => o.orderId === working.orderId) ? s : undefined;
  });
  assert.equal(saved.version, 1);
  await c1.dispose();
  await fx1.stop();

  // --- a new simulator process on the same state file, a new broker session
  const fx2 = await startSim({ statePath });
  try {
    assert.equal(fx2.sim.account.cash, cashBefore);
    const { client: c2 } = makeClient(fx2.sim.port, { clientId: 5 });
    await c2.connect();
    try {
      const pos = await c2.positions.when((m) => [...m.values()].some((p) => p.contract.conId === aapl.conId && p.quantity === 7), 3000);
      const after = [...pos.values()].find((p) => p.contract.conId === aapl.conId)!;
      assert.equal(after.avgCost, before.avgCost);
      // reqExecutions at connect: the day's two executions, with orderRefs and commission reports.
      const fills = c2.allFills();
      assert.deepEqual(fills.map((f) => f.execId).sort(), execIds);
      assert.deepEqual(fills.map((f) => f.orderRef).sort(), ['state-test/buy', 'state-test/sell']);
      for (const f of fills) assert.equal(f.commission, 1, `commission of ${f.execId}`);
      assert.equal(c2.lastReconciliation?.executions, 2);
      // The working GTC order is still at "TWS", the filled ones are completed orders.
      const restored = fx2.sim.engine.orders;
      assert.equal(restored.get(working.orderId)?.status, 'Submitted');
      assert.equal(restored.get(buy.orderId)?.status, 'Filled');
      assert.equal(restored.get(sell.orderId)?.order.orderRef, 'state-test/sell');
      // Order ids go on from where they were: a new order cannot take an old id.
      const next = await c2.placeOrder({ contract: aapl, action: 'SELL', quantity: 7, type: 'MKT', orderRef: 'state-test/flat' });
      assert.ok(next.orderId > working.orderId, `new order id ${next.orderId} after ${working.orderId}`);
      await c2.orderDone(next.orderId, 4000);
      await c2.positions.when((m) => [...m.values()].every((p) => p.contract.conId !== aapl.conId || p.quantity === 0), 3000);
    } finally {
      await c2.dispose();
    }
  } finally {
    await fx2.stop();
  }
  // The flat position and the third execution were saved at shutdown.
  const last = JSON.parse(readFileSync(statePath, 'utf8')) as {
    executions: Array<{ execution: { orderRef: string } }>;
    account: { positions: Array<{ quantity: number }> };
  };
  assert.deepEqual(
    last.executions.map((e) => e.execution.orderRef),
    ['state-test/buy', 'state-test/sell', 'state-test/flat'],
  );
  assert.ok(last.account.positions.every((p) => p.quantity === 0));
});

test('a corrupt, foreign or wrong-version state file is a clear error naming the file; nothing listens', async () => {
  const corrupt = join(dir, 'corrupt.json');
  writeFileSync(corrupt, '{"kind": "ibkr-ai-trader-sim-state", "version": 1, "simTime": ');
  await assert.rejects(
    startSim({ statePath: corrupt }),
    (err: Error) => err instanceof SimStateError && err.message.includes(corrupt) && /not valid JSON/.test(err.message),
  );
  const wrongVersion = join(dir, 'v9.json');
  writeFileSync(wrongVersion, JSON.stringify({ kind: 'ibkr-ai-trader-sim-state', version: 9 }));
  await assert.rejects(
    startSim({ statePath: wrongVersion }),
    (err: Error) => err instanceof SimStateError && err.message.includes(wrongVersion) && /version 9; this simulator reads version 1/.test(err.message),
  );
  const foreign = join(dir, 'package.json');
  writeFileSync(foreign, JSON.stringify({ name: 'x' }));
  await assert.rejects(
    startSim({ statePath: foreign }),
    (err: Error) => err instanceof SimStateError && err.message.includes(foreign) && /not a simulator state file/.test(err.message),
  );
  const badField = join(dir, 'bad-field.json');
  writeFileSync(
    badField,
    JSON.stringify({
      kind: 'ibkr-ai-trader-sim-state',
      version: 1,
      simTime: 1,
      nextOrderId: 1,
      nextPermId: 1,
      execSeq: 0,
      account: { id: 'DU1234567', cash: 'lots', realizedPnl: 0, commissions: 0, positions: [] },
      orders: [],
      executions: [],
    }),
  );
  await assert.rejects(
    startSim({ statePath: badField }),
    (err: Error) => err instanceof SimStateError && err.message.includes(badField) && /account\.cash/.test(err.message),
  );
  // The CLI names the file too, and exits before listening.
  await assert.rejects(runSimCli(['--port', '0', '--quiet', '--state', corrupt]), (err: Error) => err instanceof CliError && err.message.includes(corrupt));
});

test('a state file of another account is refused, naming both accounts', async () => {
  const statePath = join(dir, 'other.json');
  const fx = await startSim({ statePath, account: 'DU7654321' });
  await fx.stop();
  await assert.rejects(
    startSim({ statePath }),
    (err: Error) => err instanceof SimStateError && err.message.includes('DU7654321') && err.message.includes('DU1234567') && err.message.includes(statePath),
  );
});
