// A manual option ticket (one option picked from the chain) and a combo ticket (2 to 4 option
// legs on one underlying, each BUY or SELL with a ratio, traded as one BAG order at a net
// price). Read strictly like the stock ticket (orderTicket.ts): every bad field is named with
// what would be valid, all at once, and a ticket with a problem never reaches the broker.
// When the chain is known (reqSecDefOptParams), the expiry and strike must be in it.
import { strictNumber } from '../core/strictNumbers';
import { absent, oneOf, priceProblem, readSide, readTif, readWholeNumber, show, TICKET_SYMBOL, type TicketSide, type TicketTif } from './orderTicket';

/** Order types of option and combo tickets (TWS routes both SMART). */
export const DERIVATIVE_TYPES = ['MKT', 'LMT'] as const;
export type DerivativeType = (typeof DERIVATIVE_TYPES)[number];
export const OPTION_RIGHTS = ['C', 'P'] as const;
export type TicketRight = (typeof OPTION_RIGHTS)[number];

export const MAX_CONTRACTS = 10_000;
export const MAX_LEG_RATIO = 100;
export const COMBO_MIN_LEGS = 2;
export const COMBO_MAX_LEGS = 4;
const MAX_NET_PRICE = 100_000;

/** What the ticket checks against: the underlying's chain (SMART row of reqSecDefOptParams). */
export interface ChainFacts {
  readonly expirations: readonly string[];
  readonly strikes: readonly number[];
}

/** One option of the chain. */
export interface OptionPick {
  /** yyyyMMdd */
  readonly expiry: string;
  readonly strike: number;
  readonly right: TicketRight;
}

export interface ComboLegTicket extends OptionPick {
  readonly action: TicketSide;
  /** contracts of this leg per combo */
  readonly ratio: number;
}

interface DerivativeCommon {
  readonly symbol: string;
  readonly side: TicketSide;
  /** contracts (an option) or combos (a combo) */
  readonly quantity: number;
  readonly orderType: DerivativeType;
  /** per share of the option; a combo's net per combo share (negative: a credit) */
  readonly limitPrice?: number;
  readonly tif: TicketTif;
}

export interface OptionTicket extends DerivativeCommon {
  readonly kind: 'option';
  readonly option: OptionPick;
}

export interface ComboTicket extends DerivativeCommon {
  readonly kind: 'combo';
  readonly legs: readonly ComboLegTicket[];
}

export type DerivativeTicket = OptionTicket | ComboTicket;

export interface OptionPickInput {
  expiry?: unknown;
  strike?: unknown;
  right?: unknown;
}

interface CommonInput {
  symbol?: unknown;
  side?: unknown;
  quantity?: unknown;
  orderType?: unknown;
  limitPrice?: unknown;
  tif?: unknown;
}

export type OptionTicketInput = CommonInput & OptionPickInput;

export interface ComboLegInput extends OptionPickInput {
  action?: unknown;
  ratio?: unknown;
}

export interface ComboTicketInput extends CommonInput {
  legs?: unknown;
}

export interface DerivativeProblem {
  /** e.g. `strike`, `legs[1].ratio` */
  readonly field: string;
  readonly message: string;
}

export type DerivativeResult<T> = { readonly ok: true; readonly ticket: T } | { readonly ok: false; readonly problems: readonly DerivativeProblem[] };

type Fail = (field: string, message: string) => void;

function collector(): { problems: DerivativeProblem[]; fail: Fail } {
  const problems: DerivativeProblem[] = [];
  return { problems, fail: (field, message) => problems.push({ field, message: `${field}: ${message}` }) };
}

/** yyyyMMdd that is a calendar date. */
function isDate(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(4, 6));
  const d = Number(text.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Up to `n` of the chain's strikes nearest `k`, ascending. */
export function nearestStrikes(strikes: readonly number[], k: number, n = 6): number[] {
  return [...strikes]
    .sort((a, b) => Math.abs(a - k) - Math.abs(b - k))
    .slice(0, n)
    .sort((a, b) => a - b);
}

function listed(values: readonly (string | number)[], max = 6): string {
  return values.length > max ? `${values.slice(0, max).join(', ')}, ... (${values.length} in all)` : values.join(', ');
}

/** Expiry, strike and right of one option; `prefix` names the fields (`` or `legs[1].`). */
function readPick(input: OptionPickInput, chain: ChainFacts | undefined, symbol: string | undefined, prefix: string, fail: Fail): OptionPick | undefined {
  const of = symbol ? `${symbol}'s chain` : 'the chain';
  let expiry: string | undefined;
  const e = typeof input.expiry === 'string' ? input.expiry.trim() : typeof input.expiry === 'number' ? String(input.expiry) : undefined;
  if (absent(input.expiry)) fail(`${prefix}expiry`, `is missing (valid: an expiry of ${of} as yyyyMMdd${chain ? `: ${listed(chain.expirations)}` : ''})`);
  else if (!e || !isDate(e)) fail(`${prefix}expiry`, `${show(input.expiry)} is not a date as yyyyMMdd (valid: e.g. 20261218)`);
  else if (chain && !chain.expirations.includes(e)) fail(`${prefix}expiry`, `${e} is not an expiry of ${of} (valid: ${listed(chain.expirations)})`);
  else expiry = e;

  let strike: number | undefined;
  if (absent(input.strike)) fail(`${prefix}strike`, `is missing (valid: a strike of ${of})`);
  else {
    const k = strictNumber(input.strike, 'decimal');
    if (k.value === undefined) fail(`${prefix}strike`, `${show(input.strike)} ${k.error ?? 'is not a number'}`);
    else if (!(k.value > 0)) fail(`${prefix}strike`, `${show(input.strike)} is out of range (valid: a strike above 0)`);
    else if (chain && !chain.strikes.some((s) => Math.abs(s - (k.value as number)) < 1e-6))
      fail(`${prefix}strike`, `${k.value} is not a strike of ${of} (valid: one of its strikes, e.g. ${nearestStrikes(chain.strikes, k.value).join(', ')})`);
    else strike = k.value;
  }

  const rightText = typeof input.right === 'string' ? input.right.trim().toUpperCase() : undefined;
  const right = rightText === 'CALL' ? 'C' : rightText === 'PUT' ? 'P' : oneOf(input.right, OPTION_RIGHTS);
  if (!right) fail(`${prefix}right`, `${absent(input.right) ? 'is missing' : `${show(input.right)} is not an option right`} (valid: C (call) or P (put))`);
  return expiry !== undefined && strike !== undefined && right ? { expiry, strike, right } : undefined;
}

/** The fields an option and a combo ticket share; `unit` names what the quantity counts. */
function readCommon(input: CommonInput, unit: string, netPrice: boolean, fail: Fail): Partial<DerivativeCommon> {
  const symbolText = typeof input.symbol === 'string' ? input.symbol.trim().toUpperCase() : undefined;
  if (absent(input.symbol)) fail('symbol', 'is missing (valid: the underlying stock symbol, e.g. NVDA)');
  else if (!symbolText || !TICKET_SYMBOL.test(symbolText))
    fail('symbol', `${show(input.symbol)} is not a stock symbol (valid: 1-12 letters, digits or dots, e.g. NVDA)`);
  const side = readSide(input.side, (m) => fail('side', m));
  const quantity = readWholeNumber(input.quantity, unit, MAX_CONTRACTS, (m) => fail('quantity', m));
  const orderType = oneOf(input.orderType, DERIVATIVE_TYPES);
  if (!orderType)
    fail(
      'orderType',
      `${absent(input.orderType) ? 'is missing' : `${show(input.orderType)} is not an order type here`} (valid: ${DERIVATIVE_TYPES.join(' or ')})`,
    );
  let limitPrice: number | undefined;
  if (orderType === 'MKT' && !absent(input.limitPrice)) fail('limitPrice', 'a MKT order takes no limit price (valid: leave it empty, or choose LMT)');
  if (orderType === 'LMT') {
    if (absent(input.limitPrice))
      fail(
        'limitPrice',
        `a LMT order needs a limit price (valid: ${netPrice ? 'the net per combo, negative for a credit, e.g. 1.25 or -0.80' : 'a premium above 0, e.g. 2.35'})`,
      );
    else {
      const p = netPrice ? netPriceProblem(input.limitPrice) : priceProblem(input.limitPrice);
      if (p.problem) fail('limitPrice', p.problem);
      limitPrice = p.value;
    }
  }
  const tif = readTif(input.tif, (m) => fail('tif', m));
  return {
    ...(symbolText && TICKET_SYMBOL.test(symbolText) ? { symbol: symbolText } : {}),
    ...(side ? { side } : {}),
    ...(quantity !== undefined ? { quantity } : {}),
    ...(orderType ? { orderType } : {}),
    ...(limitPrice !== undefined ? { limitPrice } : {}),
    ...(tif ? { tif } : {}),
  };
}

/** A combo's net price: a debit (above 0), even (0) or a credit (below 0), in cents. */
export function netPriceProblem(v: unknown): { value?: number; problem?: string } {
  const parsed = strictNumber(v, 'decimal');
  if (parsed.value === undefined) return { problem: `${show(v)} ${parsed.error ?? 'is not a number'}` };
  const n = parsed.value;
  if (Math.abs(n) > MAX_NET_PRICE) return { problem: `${show(v)} is out of range (valid: a net price from -${MAX_NET_PRICE} to ${MAX_NET_PRICE})` };
  if (Math.abs(Math.round(n * 100) - n * 100) > 1e-6) return { problem: `${show(v)} has more than 2 decimals (valid: whole cents, e.g. 1.25 or -0.80)` };
  return { value: n };
}

function complete<T extends DerivativeTicket>(
  c: Partial<DerivativeCommon>,
  rest: Omit<T, keyof DerivativeCommon>,
  problems: DerivativeProblem[],
): DerivativeResult<T> {
  if (problems.length || !c.symbol || !c.side || c.quantity === undefined || !c.orderType || !c.tif) return { ok: false, problems };
  const common: DerivativeCommon = {
    symbol: c.symbol,
    side: c.side,
    quantity: c.quantity,
    orderType: c.orderType,
    ...(c.limitPrice !== undefined ? { limitPrice: c.limitPrice } : {}),
    tif: c.tif,
  };
  return { ok: true, ticket: { ...rest, ...common } as T };
}

/** Reads and checks an option ticket (against `chain` when given). */
export function validateOptionTicket(input: OptionTicketInput, chain?: ChainFacts): DerivativeResult<OptionTicket> {
  const { problems, fail } = collector();
  const common = readCommon(input, 'contracts', false, fail);
  const option = readPick(input, chain, common.symbol, '', fail);
  return option ? complete<OptionTicket>(common, { kind: 'option', option }, problems) : { ok: false, problems };
}

/** Reads and checks a combo ticket: 2 to 4 legs, each option once, each with its action and ratio. */
export function validateComboTicket(input: ComboTicketInput, chain?: ChainFacts): DerivativeResult<ComboTicket> {
  const { problems, fail } = collector();
  const common = readCommon(input, 'combos', true, fail);
  const raw = input.legs;
  const count = `(valid: ${COMBO_MIN_LEGS} to ${COMBO_MAX_LEGS} legs, each an option of the chain with BUY or SELL and a ratio)`;
  if (!Array.isArray(raw)) {
    fail('legs', `${absent(raw) ? 'are missing' : `${show(raw)} is not a list of legs`} ${count}`);
    return { ok: false, problems };
  }
  if (raw.length < COMBO_MIN_LEGS || raw.length > COMBO_MAX_LEGS) fail('legs', `${raw.length} leg${raw.length === 1 ? ' is' : 's are'} not a combo ${count}`);
  const legs: ComboLegTicket[] = [];
  raw.slice(0, COMBO_MAX_LEGS + 1).forEach((l: unknown, i) => {
    const prefix = `legs[${i}].`;
    const leg = (l && typeof l === 'object' ? l : {}) as ComboLegInput;
    const pick = readPick(leg, chain, common.symbol, prefix, fail);
    const action = readSide(leg.action, (m) => fail(`${prefix}action`, m));
    const ratio = readWholeNumber(leg.ratio, 'contracts per combo', MAX_LEG_RATIO, (m) => fail(`${prefix}ratio`, m));
    if (!pick || !action || ratio === undefined) return;
    const same = legs.findIndex((o) => o.expiry === pick.expiry && o.right === pick.right && Math.abs(o.strike - pick.strike) < 1e-6);
    if (same >= 0) fail(`${prefix}strike`, `${describeOption(pick)} is already legs[${same}] (valid: each option once; change its ratio instead)`);
    legs.push({ ...pick, action, ratio });
  });
  if (legs.length !== raw.length) return { ok: false, problems };
  return complete<ComboTicket>(common, { kind: 'combo', legs }, problems);
}

/** e.g. `20261218 150C`. */
export function describeOption(o: OptionPick): string {
  return `${o.expiry} ${o.strike}${o.right}`;
}

function price(p: number | undefined): string {
  return p === undefined ? '?' : p.toFixed(2);
}

/** e.g. `BUY 2 NVDA 20261218 150C LMT 5.20 DAY`, `BUY 1 NVDA combo (+1 20261218 150C, -1 20261218 155C) LMT -0.80 credit DAY`. */
export function describeDerivative(t: DerivativeTicket): string {
  const limit = t.orderType === 'LMT' ? ` ${price(t.limitPrice)}${t.kind === 'combo' && (t.limitPrice ?? 0) < 0 ? ' credit' : ''}` : '';
  const what =
    t.kind === 'option'
      ? `${t.symbol} ${describeOption(t.option)}`
      : `${t.symbol} combo (${t.legs.map((l) => `${l.action === 'BUY' ? '+' : '-'}${l.ratio} ${describeOption(l)}`).join(', ')})`;
  return `${t.side} ${t.quantity} ${what} ${t.orderType}${limit} ${t.tif}`;
}

/** Each leg's signed contracts per combo, the combo's side applied (selling a combo sells its BUY legs). */
export function legDirection(t: ComboTicket, leg: ComboLegTicket): 1 | -1 {
  return (leg.action === 'BUY') === (t.side === 'BUY') ? 1 : -1;
}
