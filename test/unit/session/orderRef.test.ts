import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bracketExitRef } from '../../../src/extension/broker/types';
import {
  belongsToSession,
  formatOrderRef,
  isManualOrderRef,
  manualParentRef,
  newManualOrderRef,
  newRunTag,
  newSessionId,
  ORDER_REF_MAX_LENGTH,
  parseOrderRef,
} from '../../../src/extension/session/orderRef';

describe('orderRef', () => {
  it('formats policy, stop-loss and flattening orders and parses them back', () => {
    const policy = { sessionId: '20250102T150405Z-ab12', cycle: 7, symbol: 'NVDA', kind: 'policy' as const };
    assert.equal(formatOrderRef(policy), 'ibkrai:20250102T150405Z-ab12:7:NVDA');
    assert.deepEqual(parseOrderRef(formatOrderRef(policy)), policy);
    for (const kind of ['stop', 'flatten'] as const) {
      const ref = formatOrderRef({ ...policy, kind });
      assert.equal(ref, `ibkrai:20250102T150405Z-ab12:7:NVDA:${kind}`);
      assert.deepEqual(parseOrderRef(ref), { ...policy, kind });
    }
    assert.deepEqual(parseOrderRef('ibkrai:s1:0:BRK.B'), { sessionId: 's1', cycle: 0, symbol: 'BRK.B', kind: 'policy' });
  });

  it('a resumed process tags its cycles with a run: the same cycle and symbol form another ref', () => {
    const tagged = { sessionId: 's1', cycle: 7, symbol: 'NVDA', kind: 'policy' as const, run: '3fa2' };
    assert.equal(formatOrderRef(tagged), 'ibkrai:s1:7-3fa2:NVDA');
    assert.deepEqual(parseOrderRef('ibkrai:s1:7-3fa2:NVDA:flatten'), { ...tagged, kind: 'flatten' });
    assert.notEqual(formatOrderRef(tagged), formatOrderRef({ ...tagged, run: undefined }));
    assert.equal(belongsToSession('ibkrai:s1:7-3fa2:NVDA', 's1'), true);
    assert.equal(
      newRunTag(() => 0.5),
      '8000',
    );
    for (const ref of ['ibkrai:s1:7-:NVDA', 'ibkrai:s1:7-3FA2:NVDA', 'ibkrai:s1:7-3fa:NVDA', 'ibkrai:s1:-3fa2:NVDA'])
      assert.equal(parseOrderRef(ref), undefined, ref);
    assert.throws(() => formatOrderRef({ ...tagged, run: 'x:1' }), /run tag "x:1"/);
  });

  it("does not take other tools' refs or damaged ones for its own", () => {
    for (const ref of [
      undefined,
      '',
      'sess-1/cycle-7',
      'ibkrai:s1:7',
      'other:s1:7:NVDA',
      'ibkrai:s 1:7:NVDA',
      'ibkrai:s1:-1:NVDA',
      'ibkrai:s1:7:nvda',
      'ibkrai:s1:7:NVDA:market',
      'ibkrai:s1:7:NVDA:stop:x',
      'ibkrai:s1:1.5:NVDA',
    ]) {
      assert.equal(parseOrderRef(ref), undefined, String(ref));
    }
    assert.equal(belongsToSession('ibkrai:s1:7:NVDA', 's1'), true);
    assert.equal(belongsToSession('ibkrai:s2:7:NVDA', 's1'), false);
  });

  it('refuses parts that would not parse back', () => {
    assert.throws(() => formatOrderRef({ sessionId: 'a:b', cycle: 1, symbol: 'X', kind: 'policy' }), /session id "a:b"/);
    assert.throws(() => formatOrderRef({ sessionId: 's', cycle: 1.5, symbol: 'X', kind: 'policy' }), /cycle 1\.5/);
    assert.throws(() => formatOrderRef({ sessionId: 's', cycle: 1, symbol: 'X:Y', kind: 'policy' }), /symbol "X:Y"/);
  });

  it('new session ids sort by start time and fit an orderRef', () => {
    const a = newSessionId(Date.UTC(2025, 0, 2, 15, 4, 5, 678), () => '9f3a61c2');
    assert.equal(a, '20250102T150405678Z-9f3a61c2');
    const b = newSessionId(Date.UTC(2025, 0, 2, 15, 4, 6), () => '00000000');
    assert.ok(a < b);
    assert.deepEqual(parseOrderRef(formatOrderRef({ sessionId: b, cycle: 1, symbol: 'SPY', kind: 'policy' }))?.sessionId, b);
    assert.throws(() => newSessionId(0, () => 'xyz'), /8 hex digits/);
  });

  it('sessions started in the same second (and millisecond) get different ids and orderRefs', () => {
    const t = Date.UTC(2025, 0, 2, 15, 4, 5, 0);
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) ids.add(newSessionId(t));
    assert.equal(ids.size, 2000, 'no two ids alike at one instant');
    const refs = new Set([...ids].map((sessionId) => formatOrderRef({ sessionId, cycle: 3, symbol: 'NVDA', kind: 'policy' })));
    assert.equal(refs.size, 2000);
    // Same second, different milliseconds: still ordered by start.
    assert.ok(newSessionId(t + 1) > newSessionId(t, () => 'ffffffff'));
  });

  it('the longest orderRef of a new session stays parseable, ASCII-safe and within ORDER_REF_MAX_LENGTH', () => {
    const sessionId = newSessionId(Date.UTC(2099, 11, 31, 23, 59, 59, 999));
    // The longest parts the session configuration allows: 1,000,000 cycles of a resumed run, a 12-character symbol, the longest kind.
    const ref = formatOrderRef({ sessionId, cycle: 1_000_000, run: 'ffff', symbol: 'ABCDEFGHIJ.K', kind: 'flatten' });
    assert.ok(ref.length <= ORDER_REF_MAX_LENGTH, `${ref} is ${ref.length} characters`);
    assert.match(ref, /^[A-Za-z0-9:._-]+$/);
    assert.deepEqual(parseOrderRef(ref), { sessionId, cycle: 1_000_000, run: 'ffff', symbol: 'ABCDEFGHIJ.K', kind: 'flatten' });
    // Journals of older versions (second-resolution ids) still parse.
    assert.equal(parseOrderRef('ibkrai:20250102T150405Z-ab12:7:NVDA')?.sessionId, '20250102T150405Z-ab12');
  });

  it("a manual bracket's exits carry the entry's ref with :tp and :sl: manual, mapped back to the entry, never a session's", () => {
    const ref = newManualOrderRef(Date.UTC(2026, 11, 5, 20, 0, 0, 123), () => '0a1b2c3d');
    assert.equal(ref, 'manual:20261205T200000123Z-0a1b2c3d');
    const tp = bracketExitRef(ref, 'takeProfit');
    const sl = bracketExitRef(ref, 'stopLoss');
    assert.deepEqual([tp, sl], [`${ref}:tp`, `${ref}:sl`]);
    for (const r of [ref, tp, sl]) {
      assert.equal(isManualOrderRef(r), true, r);
      assert.equal(manualParentRef(r), ref, r);
      assert.equal(parseOrderRef(r), undefined, `${r} is no session's book order`);
      assert.ok(r.length <= ORDER_REF_MAX_LENGTH, r);
    }
    for (const r of [`${ref}:xx`, `${ref}:TP`, `${tp}:sl`, `${ref}:`, `${ref}tp`, 'manual:1764950000000-0a1b2c3d', 'ibkrai:s1:7:NVDA:tp', undefined]) {
      assert.equal(isManualOrderRef(r), false, String(r));
      assert.equal(manualParentRef(r), undefined, String(r));
    }
    // A session ref with an exit's suffix is neither the session's nor manual: left alone by both.
    assert.equal(parseOrderRef(bracketExitRef('ibkrai:s1:7:NVDA', 'stopLoss')), undefined);
  });

  it('the exits of manual refs formed in one millisecond collide with no other manual ref', () => {
    const t = Date.UTC(2026, 11, 5, 20, 0, 0, 0);
    const refs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ref = newManualOrderRef(t);
      for (const r of [ref, bracketExitRef(ref, 'takeProfit'), bracketExitRef(ref, 'stopLoss')]) refs.add(r);
    }
    assert.equal(refs.size, 6000);
  });
});
