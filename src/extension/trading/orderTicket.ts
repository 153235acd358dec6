// A manual order ticket (the user's own stock order, typed in the palette or the panel's
// form): its fields read strictly and checked before anything is previewed or sent. Every
// bad field is named with what would be valid, all at once; a ticket with a problem never
// reaches the broker. The risk engine judges a valid ticket afterwards, like any order.
import { strictNumber } from '../core/strictNumbers';

export const TICKET_SIDES = ['BUY', 'SELL'] as const;
export const TICKET_TYPES = ['MKT', 'LMT', 'STP', 'STP LMT'] as const;
export const TICKET_TIFS = ['DAY', 'GTC'] as const;

export type TicketSide = (typeof TICKET_SIDES)[number];
export type TicketType = (typeof TICKET_TYPES)[number];
export type TicketTif = (typeof TICKET_TIFS)[number];

/** A ticket's fields as they come from a form or an input box (text) or a command's argument (typed). */
export interface TicketInput {
  symbol?: unknown;
  side?: unknown;
  quantity?: unknown;
  orderType?: unknown;
  limitPrice?: unknown;
  stopPrice?: unknown;
  tif?: unknown;
  /** a bracket: both exits given (only with a MKT or LMT entry) */
  takeProfitPrice?: unknown;
  stopLossPrice?: unknown;
}

export type TicketField = keyof TicketInput;

/** A valid stock order ticket. */
export interface OrderTicket {
  readonly symbol: string;
  readonly side: TicketSide;
  readonly quantity: number;
  readonly orderType: TicketType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly tif: TicketTif;
  /** a bracket: a limit take-profit and a stop-loss, working once the entry fills, one cancelling the other */
  readonly bracket?: { readonly takeProfitPrice: number; readonly stopLossPrice: number };
}

export interface TicketProblem {
  readonly field: TicketField;
  /** reads on its own, e.g. `quantity: "0" is out of range (valid: ...)` */
  readonly message: string;
}

export type TicketResult = { readonly ok: true; readonly ticket: OrderTicket } | { readonly ok: false; readonly problems: readonly TicketProblem[] };

export const TICKET_SYMBOL = /^[A-Z][A-Z0-9.]{0,11}$/;
export const MAX_TICKET_QUANTITY = 1_000_000;
const MAX_PRICE = 1_000_000;

export const NEEDS_LIMIT: ReadonlySet<TicketType> = new Set(['LMT', 'STP LMT']);
export const NEEDS_STOP: ReadonlySet<TicketType> = new Set(['STP', 'STP LMT']);

export function show(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}

export function absent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

export function oneOf<T extends string>(v: unknown, values: readonly T[]): T | undefined {
  const text = typeof v === 'string' ? v.trim().toUpperCase() : undefined;
  return values.find((x) => x === text);
}

/**
 * Why `v` is not a price (undefined when it is): above 0, at most 1,000,000, in cents from
 * $1 and in hundredths of a cent below (US equities' tick sizes, Reg NMS rule 612).
 */
export function priceProblem(v: unknown): { value?: number; problem?: string } {
  const parsed = strictNumber(v, 'decimal');
  if (parsed.value === undefined) return { problem: `${show(v)} ${parsed.error ?? 'is not a number'}` };
  const n = parsed.value;
  if (!(n > 0) || n > MAX_PRICE) return { problem: `${show(v)} is out of range (valid: a price above 0 and at most ${MAX_PRICE})` };
  const decimals = n >= 1 ? 2 : 4;
  if (Math.abs(Math.round(n * 10 ** decimals) - n * 10 ** decimals) > 1e-6) {
    return { problem: `${show(v)} has more than ${decimals} decimals (valid: ${n >= 1 ? 'whole cents from $1, e.g. 120.55' : 'up to 4 decimals below $1'})` };
  }
  return { value: n };
}

/** The side (BUY or SELL) of a ticket or a leg; `fail` gets the problem without the field's name. */
export function readSide(v: unknown, fail: (message: string) => void): TicketSide | undefined {
  const side = oneOf(v, TICKET_SIDES);
  if (!side) fail(`${absent(v) ? 'is missing' : `${show(v)} is not a side`} (valid: ${TICKET_SIDES.join(' or ')})`);
  return side;
}

/** A whole number of `unit` (shares, contracts, a leg's ratio) from 1 to `max`. */
export function readWholeNumber(v: unknown, unit: string, max: number, fail: (message: string) => void): number | undefined {
  const valid = `(valid: a whole number of ${unit} from 1 to ${max})`;
  if (absent(v)) return void fail(`is missing ${valid}`);
  const q = strictNumber(v, 'integer');
  if (q.value === undefined) return void fail(`${show(v)} ${q.error ?? 'is not a number'}`);
  if (q.value < 1 || q.value > max) return void fail(`${show(v)} is out of range ${valid}`);
  return q.value;
}

/** The time in force: DAY when empty. */
export function readTif(v: unknown, fail: (message: string) => void): TicketTif | undefined {
  if (absent(v)) return 'DAY';
  const tif = oneOf(v, TICKET_TIFS);
  if (!tif) fail(`${show(v)} is not a time in force (valid: ${TICKET_TIFS.join(' or ')}; empty means DAY)`);
  return tif;
}

/** Reads and checks every field of a ticket; problems name the field and what is valid. */
export function validateTicket(input: TicketInput): TicketResult {
  const problems: TicketProblem[] = [];
  const fail = (field: TicketField, message: string) => problems.push({ field, message: `${field}: ${message}` });

  const symbolText = typeof input.symbol === 'string' ? input.symbol.trim().toUpperCase() : undefined;
  if (absent(input.symbol)) fail('symbol', 'is missing (valid: a stock symbol like NVDA, 1-12 capital letters, digits or dots)');
  else if (!symbolText || !TICKET_SYMBOL.test(symbolText))
    fail('symbol', `${show(input.symbol)} is not a stock symbol (valid: 1-12 letters, digits or dots starting with a letter, e.g. NVDA, BRK.B)`);

  const side = readSide(input.side, (m) => fail('side', m));
  const quantity = readWholeNumber(input.quantity, 'shares', MAX_TICKET_QUANTITY, (m) => fail('quantity', m));

  const orderType = oneOf(input.orderType, TICKET_TYPES);
  if (!orderType)
    fail('orderType', `${absent(input.orderType) ? 'is missing' : `${show(input.orderType)} is not an order type`} (valid: ${TICKET_TYPES.join(', ')})`);

  const price = (field: 'limitPrice' | 'stopPrice', needed: boolean): number | undefined => {
    const v = input[field];
    if (!orderType) return undefined;
    if (!needed) {
      if (!absent(v))
        fail(
          field,
          `a ${orderType} order takes no ${field === 'limitPrice' ? 'limit' : 'stop'} price (valid: leave it empty, or choose ${field === 'limitPrice' ? 'LMT or STP LMT' : 'STP or STP LMT'})`,
        );
      return undefined;
    }
    if (absent(v)) {
      fail(field, `a ${orderType} order needs a ${field === 'limitPrice' ? 'limit' : 'stop'} price (valid: a price above 0, e.g. 120.55)`);
      return undefined;
    }
    const p = priceProblem(v);
    if (p.problem) fail(field, p.problem);
    return p.value;
  };
  const limitPrice = price('limitPrice', orderType !== undefined && NEEDS_LIMIT.has(orderType));
  const stopPrice = price('stopPrice', orderType !== undefined && NEEDS_STOP.has(orderType));

  const tif = readTif(input.tif, (m) => fail('tif', m));

  const bracket = readBracket(input, side, orderType, limitPrice, fail);

  if (problems.length || !symbolText || !side || quantity === undefined || !orderType || !tif) return { ok: false, problems };
  const ticket: OrderTicket = {
    symbol: symbolText,
    side,
    quantity,
    orderType,
    ...(limitPrice !== undefined ? { limitPrice } : {}),
    ...(stopPrice !== undefined ? { stopPrice } : {}),
    tif,
    ...(bracket ? { bracket } : {}),
  };
  return { ok: true, ticket };
}

/** The bracket's exits: both or neither, on a MKT or LMT entry, take-profit beyond the entry and stop-loss behind it. */
function readBracket(
  input: TicketInput,
  side: TicketSide | undefined,
  orderType: TicketType | undefined,
  limitPrice: number | undefined,
  fail: (field: TicketField, message: string) => void,
): OrderTicket['bracket'] {
  const tpGiven = !absent(input.takeProfitPrice);
  const slGiven = !absent(input.stopLossPrice);
  if (!tpGiven && !slGiven) return undefined;
  if (orderType && orderType !== 'MKT' && orderType !== 'LMT') {
    fail(
      tpGiven ? 'takeProfitPrice' : 'stopLossPrice',
      `a bracket's entry is MKT or LMT, not ${orderType} (valid: choose MKT or LMT, or leave the exits empty)`,
    );
    return undefined;
  }
  const read = (field: 'takeProfitPrice' | 'stopLossPrice', given: boolean): number | undefined => {
    if (!given) {
      fail(field, `a bracket needs both exits (valid: a ${field === 'takeProfitPrice' ? 'take-profit' : 'stop-loss'} price, or leave both empty)`);
      return undefined;
    }
    const p = priceProblem(input[field]);
    if (p.problem) fail(field, p.problem);
    return p.value;
  };
  const takeProfitPrice = read('takeProfitPrice', tpGiven);
  const stopLossPrice = read('stopLossPrice', slGiven);
  if (takeProfitPrice === undefined || stopLossPrice === undefined || !side) return undefined;
  const buy = side === 'BUY';
  if (buy ? !(takeProfitPrice > stopLossPrice) : !(takeProfitPrice < stopLossPrice)) {
    fail('takeProfitPrice', `${takeProfitPrice} must be ${buy ? 'above' : 'below'} the stop-loss ${stopLossPrice} for a ${side} bracket`);
    return undefined;
  }
  if (limitPrice !== undefined) {
    const inside = buy ? takeProfitPrice > limitPrice && stopLossPrice < limitPrice : takeProfitPrice < limitPrice && stopLossPrice > limitPrice;
    if (!inside) {
      fail('takeProfitPrice', `the entry limit ${limitPrice} must lie between the stop-loss ${stopLossPrice} and the take-profit ${takeProfitPrice}`);
      return undefined;
    }
  }
  return { takeProfitPrice, stopLossPrice };
}

/** Why a bracket's exits do not fit the market price of a MKT entry (undefined: they do). */
export function bracketMarketProblem(t: OrderTicket, market: number): string | undefined {
  if (!t.bracket || t.orderType !== 'MKT') return undefined;
  const { takeProfitPrice: tp, stopLossPrice: sl } = t.bracket;
  const buy = t.side === 'BUY';
  const inside = buy ? tp > market && sl < market : tp < market && sl > market;
  return inside
    ? undefined
    : `takeProfitPrice: the market (${market}) must lie between the stop-loss ${sl} and the take-profit ${tp}, or one exit fills at once`;
}

/** One field's problem alone (for an input box's live validation); undefined when that field is fine. */
export function fieldProblem(input: TicketInput, field: TicketField): string | undefined {
  const r = validateTicket(input);
  return r.ok ? undefined : r.problems.find((p) => p.field === field)?.message;
}

/** e.g. `BUY 10 NVDA LMT 120.55 GTC`, `SELL 5 MSFT STP LMT stop 300.00 limit 299.50 DAY`. */
export function describeTicket(t: OrderTicket): string {
  const prices =
    t.orderType === 'LMT'
      ? ` ${fmt(t.limitPrice)}`
      : t.orderType === 'STP'
        ? ` ${fmt(t.stopPrice)}`
        : t.orderType === 'STP LMT'
          ? ` stop ${fmt(t.stopPrice)} limit ${fmt(t.limitPrice)}`
          : '';
  const bracket = t.bracket ? ` bracket TP ${fmt(t.bracket.takeProfitPrice)} SL ${fmt(t.bracket.stopLossPrice)}` : '';
  return `${t.side} ${t.quantity} ${t.symbol} ${t.orderType}${prices} ${t.tif}${bracket}`;
}

function fmt(p: number | undefined): string {
  if (p === undefined) return '?';
  return p >= 1 ? p.toFixed(2) : p.toFixed(4);
}

/** The price the risk checks value the ticket at: its limit, else its stop, else the market's (undefined: unknown). */
export function ticketReferencePrice(t: OrderTicket, market: number | undefined): number | undefined {
  if (t.limitPrice !== undefined) return t.limitPrice;
  if (t.stopPrice !== undefined) return t.stopPrice;
  return market !== undefined && market > 0 ? market : undefined;
}
