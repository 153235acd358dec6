// The panel's message guards (both directions), the CSP builder and the coalescer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, makeNonce, panelHtml } from '../../../src/extension/app/csp';
import { Coalescer, type Timers } from '../../../src/extension/app/coalescer';
import { PanelStore } from '../../../src/extension/app/panelStore';
import { isHostToWebview, isWebviewToHost, PANEL_ACTIONS } from '../../../src/webview/validate';

test('webview -> host: ready and known actions pass; anything else is dropped', () => {
  assert.equal(isWebviewToHost({ type: 'ready' }), true);
  for (const action of PANEL_ACTIONS) assert.equal(isWebviewToHost({ type: 'action', action }), true, action);
  for (const bad of [
    null,
    'ready',
    [],
    {},
    { type: 'ready', extra: 1 },
    { type: 'action' },
    { type: 'action', action: 'rm -rf' },
    { type: 'action', action: 'killSwitch', args: ['x'] },
    { type: 'command', command: 'workbench.action.terminal.new' },
    { type: 'action', action: 42 },
  ]) {
    assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
  }
});

test('host -> webview: every message the store builds passes; malformed ones do not', () => {
  const store = new PanelStore();
  assert.equal(isHostToWebview({ type: 'snapshot', state: store.snapshot() }), true);
  for (const topic of ['connection', 'positions', 'orders', 'session', 'checks', 'backtest'] as const) assert.equal(isHostToWebview(store.message(topic)), true, topic);
  assert.equal(isHostToWebview({ type: 'showTab', tab: 'checks' }), true);
  assert.equal(isHostToWebview({ type: 'showTab', tab: 'terminal' }), false);
  assert.equal(isHostToWebview({ type: 'positions', rows: [{ key: 'a', symbol: 'X', secType: 'STK', quantity: '10', avgCost: 1 }] }), false);
  assert.equal(isHostToWebview({ type: 'orders', rows: [{ orderId: 1 }] }), false);
  assert.equal(isHostToWebview({ type: 'connection', connection: { status: 'weird', detail: '' } }), false);
  assert.equal(isHostToWebview({ type: 'snapshot', state: { ...store.snapshot(), session: { state: 'x' } } }), false);
  assert.equal(isHostToWebview({ type: 'eval', code: 'alert(1)' }), false);
});

test('CSP: nonce-only scripts, own styles and images, no connections; the nonce is fresh and long', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  assert.notEqual(makeNonce(), nonce);
  const csp = buildCsp('https://file+.vscode-resource.vscode-cdn.net', nonce);
  assert.match(csp, /^default-src 'none'; /);
  assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
  assert.ok(csp.includes('style-src https://file+.vscode-resource.vscode-cdn.net;'));
  assert.ok(csp.includes('img-src https://file+.vscode-resource.vscode-cdn.net data:'));
  assert.ok(csp.includes("connect-src 'none'"));
  assert.ok(!/unsafe-inline|unsafe-eval|\*(?!\.)/.test(csp), csp);
  assert.throws(() => buildCsp('x; script-src *', nonce));
  assert.throws(() => buildCsp('x', 'short'));
  const html = panelHtml({ cspSource: 'vscode-webview://abc', nonce, scriptUri: 'vscode-webview://abc/dist/webview.js', styleUri: 'vscode-webview://abc/media/panel.css', title: 'T' });
  assert.ok(html.includes(`<script nonce="${nonce}" src="vscode-webview://abc/dist/webview.js"></script>`));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'one script, the nonce\'d bundle');
  assert.ok(!/<style|style=/.test(html), 'no inline styles');
});

function manualTimers() {
  let now = 0;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      due.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void due.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      now = next[1].at;
      due.delete(next[0]);
      next[1].fn();
    }
    now = end;
  };
  return { timers, advance };
}

test('coalescer: 10,000 ticks a second on one topic become at most one flush per 100 ms', () => {
  const { timers, advance } = manualTimers();
  const flushed: Array<[string, number]> = [];
  const c = new Coalescer<'positions' | 'orders'>((k) => flushed.push([k, timers.now()]), 100, timers);
  for (let ms = 0; ms < 1000; ms++) {
    for (let i = 0; i < 10; i++) c.mark('positions');
    advance(1);
  }
  advance(200);
  const times = flushed.filter(([k]) => k === 'positions').map(([, t]) => t);
  assert.ok(times.length >= 10 && times.length <= 11, `${times.length} flushes`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 100, `gap ${times[i]! - times[i - 1]!}`);
  assert.equal(times[0], 0, 'the first change of a quiet topic goes at once');
  assert.ok(times[times.length - 1]! >= 999, 'the last change is not lost');
});

test('coalescer: topics are independent; cancel and dispose drop pending flushes', () => {
  const { timers, advance } = manualTimers();
  const flushed: string[] = [];
  const c = new Coalescer<'a' | 'b'>((k) => flushed.push(k), 100, timers);
  c.mark('a');
  c.mark('b');
  advance(0);
  assert.deepEqual(flushed, ['a', 'b']);
  c.mark('a');
  c.mark('b');
  c.cancel('a');
  advance(150);
  assert.deepEqual(flushed, ['a', 'b', 'b']);
  c.mark('a');
  c.dispose();
  advance(500);
  assert.deepEqual(flushed, ['a', 'b', 'b']);
  c.mark('a');
  advance(500);
  assert.equal(flushed.length, 3);
});
