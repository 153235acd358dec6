// Every status, menu, panel-header and notification text the extension can show, in every
// state: no doubled words or phrases ("Not connected  Not connected.", "kill switch: kill
// switch"), no doubled punctuation or spaces, and no raw identifiers (camelCase rule ids,
// "undefined", "[object Object]"); setting names (ibkrAi.*) are meant to be read and allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { menuItems, statusView, type ConnectionHealth, type SessionBadge } from '../../../src/extension/app/statusView';
import { connectionView } from '../../../src/extension/app/viewRows';
import { noticeFor } from '../../../src/extension/app/notifyPolicy';
import { flattenBookNotice, killNotice, type KillResult } from '../../../src/extension/app/killAll';
import type { KillReport } from '../../../src/extension/session/killSwitch';
import type { TraderEvent } from '../../../src/extension/app/trader';
import { STATUS_TEXT } from '../../../src/webview/statusText';

const WORD = "[A-Za-z][A-Za-z'&]*";
const SEP = '[\\s,.:;·()…—–-]+';
/** The same word or run of up to four words twice in a row (case-insensitive). */
const DOUBLE = new RegExp(`\\b(${WORD}(?:${SEP}${WORD}){0,3})${SEP}\\1\\b`, 'i');

/** What is wrong with a text a user reads, or undefined. */
export function wordingProblem(text: string): string | undefined {
  const t = text.replace(/\$\([a-z~-]+\)\s?/g, ''); // codicons render as icons
  const d = DOUBLE.exec(t);
  if (d) return `doubled "${d[1]}"`;
  // An ellipsis (a title that asks more, "Place Order...") is one mark, not doubled punctuation.
  if (/[^.]\.\.(?!\.)|[.:;,]\s*[.:;,]/.test(t.replace(/\.\.\./g, '\u2026'))) return 'doubled punctuation';
  if (/[^\S\n]{2,}/.test(t)) return 'doubled space';
  if (/\b(undefined|NaN|null)\b|\[object /.test(t)) return 'a raw value';
  const raw = t
    .replace(/\bibkrAi(\.[A-Za-z]+)+/g, '') // setting names are for the reader
    .replace(/\b(DU|U)\d+\b/g, '')
    .match(/\b[a-z]+[A-Z][A-Za-z]*\b/);
  if (raw) return `a raw identifier "${raw[0]}"`;
  return undefined;
}

function check(texts: string[]): void {
  const bad = texts.flatMap((t) => {
    const p = wordingProblem(t);
    return p ? [`${p}: ${JSON.stringify(t)}`] : [];
  });
  assert.deepEqual(bad, []);
}

/**
 * The text of each string and template literal of a TypeScript source, template holes as
 * distinct tokens (X1, X2...), nested templates read on their own; comments skipped.
 */
function stringLiterals(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  const quoted = (q: string): string => {
    let t = '';
    for (i++; i < src.length && src[i] !== q; i++) t += src[i] === '\\' ? (src[++i] === 'n' ? '\n' : src[i]) : src[i];
    i++;
    return t;
  };
  const template = (): string => {
    let t = '';
    let hole = 0;
    for (i++; i < src.length && src[i] !== '`'; i++) {
      if (src[i] === '\\') t += src[++i] === 'n' ? '\n' : src[i];
      else if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        code(1);
        i--;
        t += `X${++hole}`;
      } else t += src[i];
    }
    i++;
    return t;
  };
  // Reads code until the brace depth drops below `depth` (0: the whole file).
  const code = (depth: number): void => {
    let d = depth;
    while (i < src.length) {
      const c = src[i]!;
      if (c === '/' && src[i + 1] === '/') i = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
      else if (c === '/' && src[i + 1] === '*') i = src.indexOf('*/', i) + 2;
      else if (c === "'" || c === '"') out.push(quoted(c));
      else if (c === '`') out.push(template());
      else {
        if (c === '{') d++;
        if (c === '}' && --d < depth) {
          i++;
          return;
        }
        i++;
      }
    }
  };
  code(0);
  return out;
}

test('the checker itself finds the doubles the walk found', () => {
  assert.match(wordingProblem('Not connected  Not connected.')!, /doubled/);
  assert.match(wordingProblem('IBKR: AI session stopped: kill switch: kill switch')!, /doubled "kill switch"/);
  assert.match(wordingProblem('stopped by dailyLossLimit')!, /raw identifier/);
  assert.match(wordingProblem('done..')!, /punctuation/);
  assert.match(wordingProblem('account undefined')!, /raw value/);
  assert.equal(wordingProblem('bought 10 NVDA @ 100.00; bought 10 NVDA @ 101.00. See ibkrAi.risk.flattenOnStop.'), undefined);
  assert.equal(wordingProblem('IBKR DU1234567 SIM · 4/4 · P&L +1.00'), undefined);
});

const T = { host: '127.0.0.1', port: 7497, clientId: 1, sources: { host: 'default', port: 'setting ibkrAi.port', clientId: 'default' } };
const SIM = { host: '127.0.0.1', port: 40123, account: 'DU1234567', serverVersion: 176 };
const CAUSE = { title: 'API handshake', finding: 'TCP connects but TWS never answered.', fix: 'Enable ActiveX and Socket Clients.' };

const HEALTHS: ConnectionHealth[] = [
  { kind: 'off' },
  { kind: 'restricted' },
  { kind: 'starting' },
  { kind: 'simulator', ...SIM },
  { kind: 'connecting', ...T },
  { kind: 'connecting', ...T, step: 'handshake' },
  { kind: 'ready', ...T, account: 'DU1234567', badge: 'PAPER', serverVersion: 176 },
  { kind: 'ready', ...T, account: 'DU1234567', badge: 'SIM' },
  { kind: 'ready', ...T, port: 7496, account: 'U1234567', badge: 'LIVE' },
  { kind: 'reconnecting', ...T },
  { kind: 'reconnecting', ...T, account: 'DU1234567', attempt: 3, reason: 'socket closed' },
  { kind: 'failed', ...T, reason: 'connect ECONNREFUSED 127.0.0.1:7497' },
  { kind: 'failed', ...T, reason: 'not connected', checking: true },
  { kind: 'failed', ...T, reason: 'handshake timed out.', cause: CAUSE },
  { kind: 'failed', ...T, reason: 'invalid configuration: port "x" from setting ibkrAi.port is not a number' },
  { kind: 'error', message: 'simulator failed to start: EADDRINUSE.' },
];

const SESSIONS: Array<SessionBadge | undefined> = [
  undefined,
  { state: 'starting', active: true, cycle: 0, cycles: 10, mode: 'paper' },
  { state: 'running', active: true, cycle: 3, cycles: 10, pnl: -12.3, mode: 'paper' },
  { state: 'finished', active: false, cycle: 10, cycles: 10, pnl: 5, mode: 'shadow' },
  { state: 'stopped', active: false, cycle: 4, cycles: 10, pnl: 0, mode: 'paper' },
  { state: 'failed', active: false, cycle: 0, cycles: 10, mode: 'paper' },
];

test('status bar: text and tooltip of every connection state, with and without a session', () => {
  const texts: string[] = [];
  for (const h of HEALTHS)
    for (const s of SESSIONS) {
      const v = statusView(h, s);
      texts.push(v.text, v.tooltip);
    }
  check(texts);
});

test('the actions menu in every state', () => {
  const texts: string[] = [];
  for (const h of HEALTHS)
    for (const s of SESSIONS) for (const sim of [false, true]) for (const i of menuItems(h, s, sim)) texts.push(i.label, i.description ?? '');
  check(texts);
});

test("the panel header: the status words followed by the host's detail", () => {
  const texts: string[] = [];
  for (const h of HEALTHS)
    for (const sim of [undefined, SIM]) {
      const c = connectionView(h, sim);
      texts.push(`${c.account ? `${STATUS_TEXT[c.status]} · ${c.account}` : STATUS_TEXT[c.status]} ${c.detail}`);
    }
  check(texts);
});

const END_REASONS: Record<string, string> = {
  finished: 'ran 4 cycles',
  stopped: 'kill switch: pressed in VS Code',
  refused: 'the account DU1234567 is a live account and ibkrAi.allowLive is off',
  failed: 'journal: disk full; trading stopped',
  faulted: 'TWS refused market data for NVDA (354)',
  disconnected: 'ran 4 cycles but ended disconnected from TWS: the connection was reconnecting',
  degraded: "ran 4 cycles, 3 of them without every symbol's bar; why: no bar (3 cycles)",
};

const EVENTS: TraderEvent[] = [
  { type: 'fill', symbol: 'NVDA', side: 'BUY', shares: 10, price: 100, orderId: 1, inSession: false },
  { type: 'fill', symbol: 'NVDA', side: 'SELL', shares: 10, price: 100, orderId: 1, orderRef: 'x', inSession: false },
  { type: 'reject', symbol: 'NVDA', orderId: 3, message: '201: Order rejected - reason: margin' },
  { type: 'disconnected', reason: 'connection lost' },
  { type: 'disconnected', reason: 'socket closed' },
  { type: 'reconnected', account: 'DU1234567' },
  { type: 'connect-failed', reason: 'connect ECONNREFUSED 127.0.0.1:7497' },
  { type: 'connect-failed', reason: 'timeout', cause: CAUSE },
  ...['dailyLossLimit', 'stopLoss', 'journal', 'connection', 'order-rejected', 'marketDataRefused', 'killSwitch'].flatMap((rule) =>
    [false, true].map((flatten) => ({ type: 'risk-stop' as const, rule, reason: 'the reason', flatten })),
  ),
  ...Object.entries(END_REASONS).flatMap(([status, reason]) => [
    { type: 'session-end' as const, status, reason },
    { type: 'session-end' as const, status, reason, net: -3.2, cycles: '4/10', fills: 1, openPositions: [] },
    { type: 'session-end' as const, status, reason, net: 7, cycles: '10/10', fills: 12, openPositions: [{ symbol: 'NVDA', quantity: -20 }] },
  ]),
];

test('every notification', () => {
  check(EVENTS.map((e) => noticeFor(e)?.message ?? ''));
});

test('the kill switch report', () => {
  const base: KillResult = { sessionStopped: true, cancelled: 0, cancelledOrders: [], failures: [], flattened: [], flatten: false, openPositions: [] };
  const cases: KillResult[] = [
    base,
    { ...base, sessionStopped: false },
    { ...base, cancelled: 1, cancelledOrders: ['BUY 10 NVDA (#12)'], openPositions: [{ symbol: 'NVDA', quantity: 10 }] },
    {
      ...base,
      cancelled: 7,
      cancelledOrders: ['BUY 10 NVDA (#12)', 'SELL 5 MSFT limit 400.00 (#13)', 'a', 'b', 'c', 'd', 'e'],
      failures: ['BUY 1 AAPL (#14): no answer'],
      flattened: ['NVDA'],
      flatten: true,
      openPositions: [{ symbol: 'AAPL', quantity: 100 }],
    },
  ];
  const notices = cases.map(killNotice);
  check(notices.map((n) => n.message));
  assert.equal(
    notices[2]!.message,
    "IBKR kill switch: AI session stopped. Cancelled 1 order: BUY 10 NVDA (#12). Positions still open at TWS: NVDA 10 (the session's book is not flattened: ibkrAi.risk.flattenOnStop is off).",
  );
  assert.equal(notices[3]!.severity, 'error', 'an order it could not cancel is an error');
});

test("Flatten Book's report", () => {
  const order = (ref: string) => ({ orderRef: ref, sent: true, state: 'submitted' as const });
  const reports: KillReport[] = [
    { cancelled: [], cancelFailures: [], flattened: [], notFlattened: [], settled: true },
    { cancelled: ['x'], cancelFailures: [], flattened: [order('ibkrai:s1:4:NVDA:flatten')], notFlattened: [], settled: true },
    {
      cancelled: ['x', 'y'],
      cancelFailures: [{ orderRef: 'ibkrai:s1:3:AAPL', error: 'no answer' }],
      flattened: [order('ibkrai:s1:4:NVDA:flatten'), order('ibkrai:s1:4:MSFT:flatten')],
      notFlattened: [{ symbol: 'TSLA', reason: 'outside trading hours' }],
      settled: false,
    },
  ];
  check(reports.map((r) => flattenBookNotice(r).message));
});

test('literal messages in the VS Code edge (vscode/*.ts) and the contributed titles', () => {
  const dir = join(__dirname, '../../../src/extension/vscode');
  const texts: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    texts.push(...stringLiterals(src));
  }
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { commands: Array<{ title: string }>; viewsWelcome?: Array<{ contents: string }> };
  };
  for (const c of pkg.contributes.commands) texts.push(c.title);
  for (const w of pkg.contributes.viewsWelcome ?? []) texts.push(w.contents.replace(/\]\(command:[^)]+\)/g, ']'));
  // Identifiers, paths and globs (no space) are not read as text.
  check(texts.filter((t) => /\s/.test(t.trim())));
});
