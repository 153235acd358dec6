// Numbers the user types (flags, settings given as text, .env and environment values) are
// read strictly: plain decimal digits, an optional leading minus, and for amounts a
// decimal point. Number() would take "0x10" as 16, "1e3" as 1000, " 7" and "+7" as 7 and
// "" as 0, so a typo could become a very different order size or client id; each of these
// is refused instead, and the caller names the flag, setting or .env key.

export type NumberKind = 'integer' | 'decimal';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** What a valid value of `kind` looks like, for messages. */
export function numberFormat(kind: NumberKind): string {
  return kind === 'integer' ? 'a whole number in decimal digits, e.g. 7' : 'a decimal number, e.g. 7 or 2.5';
}

/** Why `text` is not a strict number of `kind` (undefined: it is). */
function problem(text: string, kind: NumberKind): string {
  if (text.trim() === '') return 'is empty';
  if (text.trim() !== text) return 'has spaces around it';
  if (/^0[xob]/i.test(text.replace(/^-/, ''))) return 'is not written in decimal digits';
  if (/e/i.test(text) && Number.isFinite(Number(text))) return 'uses an exponent';
  if (text.startsWith('+')) return 'has a + sign';
  if (kind === 'integer' && DECIMAL.test(text)) return 'is not a whole number';
  return 'is not a number';
}

export interface StrictNumber {
  value?: number;
  /** e.g. `is not a whole number (valid: a whole number in decimal digits, e.g. 7)` */
  error?: string;
}

/** Parses `text` strictly as `kind`; the error reads after the quoted value, e.g. `"0x10" is not written in decimal digits (...)`. */
export function parseStrictNumber(text: string, kind: NumberKind): StrictNumber {
  if ((kind === 'integer' ? INTEGER : DECIMAL).test(text)) {
    const value = Number(text);
    if (Number.isFinite(value) && (kind === 'decimal' || Number.isSafeInteger(value))) return { value };
    return { error: `is too large (valid: ${numberFormat(kind)})` };
  }
  return { error: `${problem(text, kind)} (valid: ${numberFormat(kind)})` };
}

/** A typed value (a number from settings JSON) or text, read strictly. */
export function strictNumber(value: unknown, kind: NumberKind): StrictNumber {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `is not a finite number (valid: ${numberFormat(kind)})` };
    if (kind === 'integer' && !Number.isInteger(value)) return { error: `is not a whole number (valid: ${numberFormat(kind)})` };
    return { value };
  }
  if (typeof value === 'string') return parseStrictNumber(value, kind);
  return { error: `is not a number (valid: ${numberFormat(kind)})` };
}
