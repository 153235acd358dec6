// The simulator-follow bookkeeping: a connection to the simulator closed by its stop is
// followed, once, to the port of its next start; nothing else is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget } from '../../../src/extension/app/configModel';
import { SimulatorFollow } from '../../../src/extension/app/simulatorFollow';

const sim = (port: number) => ({ host: '127.0.0.1', port, account: 'DU1234567', serverVersion: 176 });

test('a connection to the stopping simulator is followed to its new port, with its client id and sources', () => {
  const f = new SimulatorFollow();
  const target = resolveTarget({ settings: { 'ibkrAi.clientId': 7 }, simulator: sim(40001) });
  assert.equal(f.stopping(target, true), true);
  assert.equal(f.following, true);
  const next = f.started(sim(40002))!;
  assert.equal(next.port, 40002);
  assert.equal(next.host, '127.0.0.1');
  assert.equal(next.clientId, 7);
  assert.equal(next.simulator, true);
  assert.equal(next.sources.port, 'the embedded simulator');
  assert.equal(f.started(sim(40003)), undefined, 'once: a later start is not followed');
});

test('nothing is followed: no connection, a connection to TWS, or one the user closed or moved', () => {
  const f = new SimulatorFollow();
  const toSim = resolveTarget({ settings: {}, simulator: sim(40001) });
  const toTws = resolveTarget({ settings: { 'ibkrAi.port': 7497 } });
  assert.equal(f.stopping(undefined, false), false);
  assert.equal(f.stopping(toSim, false), false, 'not connected (closed on purpose before)');
  assert.equal(f.stopping(toTws, true), false, 'a real TWS does not stop with the simulator');
  assert.equal(f.started(sim(40002)), undefined);
  f.stopping(toSim, true);
  f.forget();
  assert.equal(f.started(sim(40002)), undefined, 'forgotten after a connect or disconnect on purpose');
});
