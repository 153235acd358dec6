// Seeded fuzz of the panel's message handling, both directions, without vscode: the host's
// handler (routeWebviewMessage: validate.ts's guard, then `ready` or an action's command)
// on anything a compromised or buggy webview could post - structured-clone values with
// cycles, BigInt, Maps, typed arrays, prototype keys, near-miss actions, extra keys - and
// the webview's guard (isHostToWebview) on anything the host could send. Nothing throws;
// exactly the protocol's messages pass; an action can only become its own command, the one
// the Command Palette runs with all its checks; no message carries an order's terms (a row's
// Modify / Cancel names only an order id: the host asks the rest and confirms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands } from '../../src/extension/app/commandIds';
import { ACTION_COMMANDS, describeMessage, ORDER_ACTION_COMMANDS, routeWebviewMessage } from '../../src/extension/app/panelMessages';
import { PanelStore } from '../../src/extension/app/panelStore';
import { ORDER_ACTIONS, PANEL_ACTIONS } from '../../src/webview/protocol';
import { isHostToWebview, WEBVIEW_MESSAGE_GUARDS } from '../../src/webview/validate';
import { Rng } from '../../src/extension/sim/market/rng';
import { Figures } from './support/figures';

const figures = new Figures(__filename);
const SEED = 4242;
const TO_HOST = 20_000;
const TO_WEBVIEW = 10_000;

const KEYS = [
  'type',
  'action',
  'tab',
  'state',
  'rows',
  'order',
  'symbol',
  'quantity',
  'orderRef',
  'command',
  'args',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'then',
  'length',
  '',
];
const WORDS = [
  'ready',
  'action',
  'snapshot',
  'placeOrder',
  'startSession',
  'StartSession',
  ' startSession',
  'startSession ',
  'killSwitch',
  'connect',
  'ibkrAi.startSession',
  'runBacktest',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'toString',
  'showTab',
  'orders',
  '',
];

function value(rng: Rng, depth: number, seen: object[]): unknown {
  const k = rng.int(0, depth > 3 ? 9 : 15);
  switch (k) {
    case 0:
      return WORDS[rng.int(0, WORDS.length - 1)];
    case 1:
      return PANEL_ACTIONS[rng.int(0, PANEL_ACTIONS.length - 1)];
    case 2:
      return [0, -0, 1, -1, NaN, Infinity, -Infinity, 2 ** 53, 1e308, 0.5][rng.int(0, 9)];
    case 3:
      return rng.next() < 0.5;
    case 4:
      return rng.next() < 0.5 ? null : undefined;
    case 5:
      return BigInt(rng.int(0, 1000)) * 10n ** 20n;
    case 6:
      return 'x'.repeat(rng.int(0, 3) === 0 ? 100_000 : rng.int(0, 40));
    case 7:
      return new Date(rng.int(0, 2 ** 31) * 1000);
    case 8:
      return rng.next() < 0.5 ? new Uint8Array(rng.int(0, 16)) : /re(g)ex/gi;
    case 9:
      return seen.length ? seen[rng.int(0, seen.length - 1)] : {}; // a cycle (structured clone keeps them)
    case 10: {
      const a: unknown[] = [];
      seen.push(a);
      for (let i = rng.int(0, 4); i > 0; i--) a.push(value(rng, depth + 1, seen));
      return a;
    }
    case 11:
      return new Map([[value(rng, depth + 1, seen), value(rng, depth + 1, seen)]]);
    default: {
      const o: Record<string, unknown> = {};
      seen.push(o);
      for (let i = rng.int(0, 4); i > 0; i--)
        Object.defineProperty(o, KEYS[rng.int(0, KEYS.length - 1)]!, {
          value: value(rng, depth + 1, seen),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return o;
    }
  }
}

/** Near misses of the valid messages: one thing changed. */
function nearMiss(rng: Rng): unknown {
  const pick = rng.next();
  const action = pick < 0.6 ? PANEL_ACTIONS[rng.int(0, PANEL_ACTIONS.length - 1)]! : ORDER_ACTIONS[rng.int(0, ORDER_ACTIONS.length - 1)]!;
  const base: Record<string, unknown> =
    pick < 0.2 ? { type: 'ready' } : pick < 0.6 ? { type: 'action', action } : { type: 'orderAction', action, orderId: rng.int(1, 100_000) };
  switch (rng.int(0, 9)) {
    case 8:
      return { ...base, orderId: value(rng, 2, []) };
    case 9:
      return { ...base, type: base.type === 'action' ? 'orderAction' : 'action' };
    case 0:
      return { ...base, [KEYS[rng.int(0, KEYS.length - 1)]!]: value(rng, 2, []) };
    case 1:
      return { ...base, type: String(base.type).toUpperCase() };
    case 2:
      return { ...base, action: `${action}\u0000` };
    case 3:
      return [base];
    case 4:
      return JSON.stringify(base);
    case 5:
      return Object.assign(Object.create({ type: 'ready' }), rng.next() < 0.5 ? {} : { action });
    case 6:
      return { type: 'action', action: WORDS[rng.int(0, WORDS.length - 1)] };
    default:
      return base;
  }
}

/** The oracle, written independently of validate.ts: exactly the protocol's two messages. */
function expected(m: unknown): { kind: 'ready' } | { kind: 'command'; action: string; args: unknown[] } | { kind: 'dropped' } {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return { kind: 'dropped' };
  const keys = Object.keys(m as object);
  const r = m as Record<string, unknown>;
  if (r.type === 'ready' && keys.length === 1 && keys[0] === 'type') return { kind: 'ready' };
  if (r.type === 'action' && keys.length === 2 && keys.includes('type') && keys.includes('action') && (PANEL_ACTIONS as readonly unknown[]).includes(r.action))
    return { kind: 'command', action: r.action as string, args: [] };
  const id = r.orderId;
  if (
    r.type === 'orderAction' &&
    keys.length === 3 &&
    ['type', 'action', 'orderId'].every((k) => keys.includes(k)) &&
    (ORDER_ACTIONS as readonly unknown[]).includes(r.action) &&
    typeof id === 'number' &&
    Number.isInteger(id) &&
    id >= 1 &&
    id < 2 ** 31
  )
    return { kind: 'command', action: r.action as string, args: [id] };
  return { kind: 'dropped' };
}

const CONTRIBUTED = new Set(
  (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } }
  ).contributes.commands.map((c) => c.command),
);

test("every panel action is the Command Palette command of the same name; no message carries an order's terms", () => {
  const registered = new Set<string>(Object.values(Commands));
  const all: Record<string, string> = { ...ACTION_COMMANDS, ...ORDER_ACTION_COMMANDS };
  for (const [a, command] of Object.entries(all)) {
    assert.ok(registered.has(command), `${a} -> ${command} is a registered command`);
    assert.ok(CONTRIBUTED.has(command), `${command} is contributed in package.json`);
    assert.equal(command, `ibkrAi.${a === 'runBacktest' ? 'backtest' : a === 'copyChecksReport' ? 'copyReport' : a}`, `${a} runs the command of its name`);
  }
  assert.deepEqual(Object.keys(ACTION_COMMANDS).sort(), [...PANEL_ACTIONS].sort());
  assert.deepEqual(Object.keys(ORDER_ACTION_COMMANDS).sort(), [...ORDER_ACTIONS].sort());
  // Orders from the panel: "Place Order" opens the host's ticket (its own input boxes, the
  // preview, a modal); a row's Modify / Cancel names only the order id. No field of any
  // message could carry a symbol, a side, a quantity or a price.
  // The one message with a symbol edits the watchlist (op add/remove): it routes to the
  // watchlist setting, never to a command.
  const { editWatchlist, ...orderCapable } = WEBVIEW_MESSAGE_GUARDS;
  const fields = [...new Set(Object.values(orderCapable).flatMap((g) => g.fields as readonly string[]))].sort();
  assert.deepEqual(fields, ['action', 'orderId']);
  assert.deepEqual([...editWatchlist.fields].sort(), ['op', 'symbol']);
  assert.deepEqual(routeWebviewMessage({ type: 'editWatchlist', op: 'add', symbol: 'NVDA' }), { kind: 'watchlist', op: 'add', symbol: 'NVDA' });
  figures.safe("webview actions map only to the Command Palette commands (no message carries an order's terms)");
});

test(`${TO_HOST} messages to the host: nothing throws, exactly the protocol passes, an action becomes only its own command`, () => {
  const rng = new Rng(SEED);
  const counts = { ready: 0, command: 0, dropped: 0 };
  for (let i = 0; i < TO_HOST; i++) {
    const m = i % 3 === 0 ? nearMiss(rng) : value(rng, 0, []);
    let route: ReturnType<typeof routeWebviewMessage>;
    try {
      route = routeWebviewMessage(m);
    } catch (err) {
      assert.fail(`input ${i} threw: ${String(err)}`);
    }
    const want = expected(m);
    assert.equal(route.kind, want.kind, `input ${i}: ${describeMessage(m)}`);
    if (route.kind === 'command' && want.kind === 'command') {
      const orderAction = (ORDER_ACTIONS as readonly string[]).includes(route.action);
      assert.equal(
        route.command,
        orderAction ? ORDER_ACTION_COMMANDS[route.action as keyof typeof ORDER_ACTION_COMMANDS] : ACTION_COMMANDS[route.action as keyof typeof ACTION_COMMANDS],
      );
      assert.equal(route.action, want.action);
      assert.deepEqual(route.args, want.args);
      assert.ok(CONTRIBUTED.has(route.command));
    }
    if (route.kind === 'dropped') assert.ok(route.preview.length <= 201, 'the log line is bounded');
    counts[route.kind]++;
  }
  assert.ok(counts.ready > 0 && counts.command > 0 && counts.dropped > TO_HOST / 2, JSON.stringify(counts));
  figures.fuzzed('webview -> host messages', TO_HOST);
});

test(`${TO_WEBVIEW} messages to the webview: its guard never throws and passes only well-formed host messages`, () => {
  const rng = new Rng(SEED + 1);
  const store = new PanelStore();
  const valid = [
    { type: 'snapshot', state: store.snapshot() },
    { type: 'showTab', tab: 'orders' },
    { type: 'positions', rows: [] },
  ];
  let passed = 0;
  for (let i = 0; i < TO_WEBVIEW; i++) {
    let m: unknown = value(rng, 0, []);
    if (i % 4 === 0) {
      // A valid message with one field replaced.
      const v = structuredClone(valid[rng.int(0, valid.length - 1)]!) as Record<string, unknown>;
      const keys = Object.keys(v);
      v[keys[rng.int(0, keys.length - 1)]!] = value(rng, 2, []);
      m = v;
    }
    let ok: boolean;
    try {
      ok = isHostToWebview(m);
    } catch (err) {
      assert.fail(`input ${i} threw: ${String(err)}`);
    }
    if (ok) {
      passed++;
      assert.ok(typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string');
    }
  }
  for (const v of valid) assert.equal(isHostToWebview(v), true);
  assert.ok(passed < TO_WEBVIEW / 4, `${passed} passed`);
  figures.fuzzed('host -> webview messages', TO_WEBVIEW);
});
