// `npm run sim -- --state FILE` as a process: a fill survives even SIGKILL of the simulator
// (the state is written after each change), and the next simulator on the same file
// answers reqPositions and reqExecutions (with the orderRef) as TWS does after a restart.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { EventName, OrderAction, OrderType, SecType, type Contract, type Order } from '@stoqey/ib';
import { collectUntil, once, TestClient, waitFor } from '../../helpers/simHarness';

const CLI = ['--import', 'tsx', 'src/extension/cli/main.ts', 'sim'];
const AAPL: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

function startCli(args: string[]) {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const listening = new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => {
      if (l.includes('listening')) resolve(Number(/:(\d+)/.exec(l)?.[1]));
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code} before listening`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, listening, exited };
}

test(
  'a fill survives SIGKILL of the simulator: the next one on the same --state reports the position and the execution with its orderRef',
  { timeout: 30_000 },
  async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'ibkr-sim-state-cli-')), 'tws.json');
    const first = startCli(['--port', '0', '--quiet', '--state', state]);
    const port1 = await first.listening;
    const a = await new TestClient(port1, 7).connect();
    const id = a.takeOrderId();
    const filled = once(a.ib, EventName.execDetails, 5000, (_reqId: number, _c: Contract, e: { orderId: number }) => e.orderId === id);
    a.ib.placeOrder(id, AAPL, { action: OrderAction.BUY, orderType: OrderType.MKT, totalQuantity: 12, orderRef: 'cli-state/1', transmit: true } as Order);
    const [, , exec] = (await filled) as [number, Contract, { execId: string; orderRef: string }];
    assert.equal(exec.orderRef, 'cli-state/1');
    // The state file has the execution while the simulator runs; then kill it without any shutdown.
    await waitFor(() => existsSync(state) && readFileSync(state, 'utf8').includes(exec.execId), 5000, 'the execution in the state file');
    a.disconnect();
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startCli(['--port', '0', '--quiet', '--state', state]);
    try {
      const port2 = await second.listening;
      const b = await new TestClient(port2, 8).connect();
      assert.ok(b.nextOrderId > id, `next valid id ${b.nextOrderId} after ${id}`);
      const positions = collectUntil(b.ib, EventName.position, EventName.positionEnd, 3000);
      b.ib.reqPositions();
      const held = (await positions).filter(([, c]) => (c as Contract).symbol === 'AAPL');
      assert.equal(held.length, 1);
      assert.equal(held[0]![2], 12);
      const execs = collectUntil(b.ib, EventName.execDetails, EventName.execDetailsEnd, 3000);
      b.ib.reqExecutions(1, {});
      const got = (await execs).map(([, , e]) => e as { execId: string; orderRef: string });
      assert.deepEqual(
        got.map((e) => [e.execId, e.orderRef]),
        [[exec.execId, 'cli-state/1']],
      );
      b.disconnect();
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    }
  },
);
