// The orderRef every session order carries: it ties the order (and TWS's executions of it)
// to the session, the cycle and the symbol, so a restarted session recognises its own
// orders at TWS and never sends the same intent twice.
//
//   ibkrai:<sessionId>:<cycle>:<symbol>          the policy's order of that cycle and symbol
//   ibkrai:<sessionId>:<cycle>:<symbol>:<kind>   stop-loss exit or flattening order
//
// A resumed process adds a random run tag to the cycle (`<cycle>-<run>`, e.g. `7-3fa2`): a
// journal restored from an older copy numbers its cycles again from where the copy ends, and
// TWS may have executed those refs on an earlier day, beyond what reqExecutions shows. With
// the tag such a ref cannot be formed twice.

import { randomBytes } from 'node:crypto';

export const ORDER_REF_PREFIX = 'ibkrai';

export type OrderKind = 'policy' | 'stop' | 'flatten';

export interface OrderRefParts {
  readonly sessionId: string;
  readonly cycle: number;
  readonly symbol: string;
  readonly kind: OrderKind;
  /** the run tag of a resumed process (4 lowercase hex digits) */
  readonly run?: string;
}

const RUN = /^[0-9a-f]{4}$/;

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SYMBOL = /^[A-Z0-9.]{1,12}$/;

/** Formats an orderRef; throws RangeError for parts that would not parse back. */
export function formatOrderRef(p: OrderRefParts): string {
  if (!SESSION_ID.test(p.sessionId)) throw new RangeError(`session id "${p.sessionId}" must be 1-64 letters, digits, _ or -`);
  if (!Number.isInteger(p.cycle) || p.cycle < 0) throw new RangeError(`cycle ${p.cycle} must be a whole number >= 0`);
  if (!SYMBOL.test(p.symbol)) throw new RangeError(`symbol "${p.symbol}" must be 1-12 capital letters, digits or dots`);
  if (p.run !== undefined && !RUN.test(p.run)) throw new RangeError(`run tag "${p.run}" must be 4 lowercase hex digits`);
  const base = `${ORDER_REF_PREFIX}:${p.sessionId}:${p.cycle}${p.run !== undefined ? `-${p.run}` : ''}:${p.symbol}`;
  return p.kind === 'policy' ? base : `${base}:${p.kind}`;
}

/** Parses an orderRef of this program; undefined for anything else (other tools' orders). */
export function parseOrderRef(ref: string | undefined): OrderRefParts | undefined {
  if (!ref) return undefined;
  const parts = ref.split(':');
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  const [prefix, sessionId, cycleText, symbol, kindText] = parts as [string, string, string, string, string | undefined];
  const cycle = /^(\d{1,9})(?:-([0-9a-f]{4}))?$/.exec(cycleText);
  if (prefix !== ORDER_REF_PREFIX || !SESSION_ID.test(sessionId) || !cycle || !SYMBOL.test(symbol)) return undefined;
  const kind: OrderKind | undefined = kindText === undefined ? 'policy' : kindText === 'stop' || kindText === 'flatten' ? kindText : undefined;
  if (!kind) return undefined;
  return { sessionId, cycle: Number(cycle[1]), symbol, kind, ...(cycle[2] !== undefined ? { run: cycle[2] } : {}) };
}

/** True for orderRefs of session `sessionId`. */
export function belongsToSession(ref: string | undefined, sessionId: string): boolean {
  return parseOrderRef(ref)?.sessionId === sessionId;
}

/** A run tag for a resumed process (random from the OS's CSPRNG: it cannot repeat what an older journal copy formed). */
export function newRunTag(random: () => number = () => randomBytes(2).readUInt16BE(0) / 0x10000): string {
  return Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
}

/** The longest orderRef this program may send (TWS keeps orderRef as free text; 72 ASCII characters keep it far from any limit). */
export const ORDER_REF_MAX_LENGTH = 72;

/**
 * A new session id: UTC start time to the millisecond (sortable, so the newest journal sorts
 * last) and 32 random bits from the OS's CSPRNG, e.g. `20250102T150405678Z-9f3a61c2`.
 * Sessions started in the same second (or millisecond, on other machines trading the same
 * account) still get different ids, so their orderRefs never collide at TWS.
 */
export function newSessionId(nowMs: number = Date.now(), random: () => string = () => randomBytes(4).toString('hex')): string {
  const iso = new Date(nowMs).toISOString(); // 2025-01-02T15:04:05.678Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${iso.slice(20, 23)}Z`;
  const suffix = random();
  if (!/^[0-9a-f]{8}$/.test(suffix)) throw new RangeError(`session id suffix "${suffix}" must be 8 hex digits`);
  return `${stamp}-${suffix}`;
}

/**
 * Manual orders (the user's own, from the order ticket) carry `manual:<UTC ms>-<8 hex>`: a
 * fresh time and 32 random bits from the OS's CSPRNG, so a ref is never formed twice. A
 * bracket's exits carry the entry's ref with `:tp` / `:sl` (broker bracketExitRef): no entry
 * ref ends so, so an exit's ref is never another order's. None parses as a session's ref, so
 * no session counts them in its book.
 */
export const MANUAL_REF_PREFIX = 'manual';

export function newManualOrderRef(nowMs: number = Date.now(), random?: () => string): string {
  return `${MANUAL_REF_PREFIX}:${newSessionId(nowMs, random)}`;
}

const MANUAL_REF = /^(manual:\d{8}T\d{9}Z-[0-9a-f]{8})(?::(?:tp|sl))?$/;

/** The ticket's ref a manual order belongs to (its own, or a bracket exit's entry's); undefined for other refs. */
export function manualParentRef(ref: string | undefined): string | undefined {
  return ref === undefined ? undefined : MANUAL_REF.exec(ref)?.[1];
}

export function isManualOrderRef(ref: string | undefined): boolean {
  return manualParentRef(ref) !== undefined;
}
