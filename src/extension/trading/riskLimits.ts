// The risk limits: one type, one parser of the risk options (CLI flags, VS Code settings) and
// one description, shared by the live session and the backtest, so a limit means the same
// in both. This comment is the one place that says what each limit means (README "Risk
// limits" repeats it for users); the risk engine (riskEngine.ts) and the sizing enforce it.
//
//   max order quantity  shares per order. An order above it is refused whole: it bounds one
//                       order (a sizing error, a fat finger), it does not split orders.
//   max position        shares held per symbol. The target position is capped to it (the
//                       sizing never asks for more), so with a limit of 2 the book trades up
//                       to 2 shares; the check refuses only what would still go beyond it
//                       (e.g. nothing is left below it). Orders that reduce a position pass.
//   max notional        gross |quantity x price| of the positions after an order, in account
//                       currency: an order that would go beyond it is refused; reducing ones pass.
//   orders per minute   orders decided in the last minute of market time (default 30).
//   daily loss limit    loss since the trading day began (the equity at the last mark before
//                       it), in account currency. Once reached, no new risk for the rest of
//                       that trading day, even if the loss recovers: only orders that reduce a
//                       position go (exits, stop-losses, a flatten). The next trading day
//                       starts a new budget. A live session keeps running reduce-only (a
//                       stopped one would leave its positions without stop-loss exits) and a
//                       restart on its journal the same day keeps the limit reached.
//   stop-loss           a position P% against its average cost is closed, and the symbol is
//                       not re-entered that trading day.
//   symbol allowlist    only these symbols trade. Trading hours: US regular hours unless any
//                       hours is set.
import type { SessionHours } from '../core/marketHours';
import { strictNumber } from '../core/strictNumbers';
import type { SizingRule } from './sizing';

export interface RiskLimits {
  /** symbols that may be traded; undefined allows any */
  readonly symbolAllowlist?: readonly string[];
  /** null allows any time; undefined means US regular hours */
  readonly tradingHours?: SessionHours | null;
  /** shares per order: an order above it is refused whole */
  readonly maxOrderQuantity?: number;
  /** absolute position per symbol in shares: the target is capped to it; the check refuses what still goes beyond */
  readonly maxPositionPerSymbol?: number;
  /** sum of |quantity x price| over all positions after the order, in account currency */
  readonly maxGrossNotional?: number;
  readonly maxOrdersPerMinute?: number;
  /** loss since the trading day began, in account currency: once reached, only risk-reducing orders go for the rest of that day */
  readonly dailyLossLimit?: number;
  /** adverse move from average cost (0.1 = 10%) at which a position is closed and not re-entered that day */
  readonly stopLossFraction?: number;
  /** false: a long-only book; no order takes the book (or the account) below zero. The live session
   *  always sets it from the model's sizing; undefined leaves the rule off (backtests keep their own book). */
  readonly allowShort?: boolean;
}

/** Risk options as they come from the command line (strings) or settings (typed). */
export interface RiskOptionsInput {
  maxOrderQuantity?: unknown;
  maxPosition?: unknown;
  maxNotional?: unknown;
  maxOrdersPerMinute?: unknown;
  dailyLossLimit?: unknown;
  stopLossPct?: unknown;
  anyHours?: unknown;
}

export type RiskOptionKey = keyof RiskOptionsInput;

/** The command-line flag of each risk option (the same in `session` and `backtest`). */
export const RISK_FLAGS: Readonly<Record<RiskOptionKey, string>> = {
  maxOrderQuantity: '--max-order-qty',
  maxPosition: '--max-position',
  maxNotional: '--max-notional',
  maxOrdersPerMinute: '--max-orders-per-minute',
  dailyLossLimit: '--daily-loss-limit',
  stopLossPct: '--stop-loss-pct',
  anyHours: '--any-hours',
};

export const RISK_DEFAULTS = { maxOrdersPerMinute: 30 } as const;

/** The help lines of the risk flags, for both commands. */
export const RISK_HELP = `  --max-order-qty Q        risk: shares per order (a larger order is refused)
  --max-position Q         risk: shares held per symbol (the target position is capped to it)
  --max-notional USD       risk: gross notional of the positions
  --max-orders-per-minute N  risk: orders per minute of market time (default ${RISK_DEFAULTS.maxOrdersPerMinute})
  --daily-loss-limit USD   risk: once the loss today reaches it, only orders that reduce a
                           position go until the next trading day
  --stop-loss-pct P        risk: close a position P% against its average price (no re-entry that day)
  --any-hours              risk: do not restrict orders to regular hours (09:30-16:00 New York)`;

export interface RiskOptionProblem {
  readonly key: RiskOptionKey;
  /** reads after the option's name, e.g. `"x" is not a number (valid: ...)` */
  readonly message: string;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly exclusiveMin?: boolean;
  readonly what: string;
}

const SHARES_FROM_1: NumberRule = { min: 1, max: 1e9, integer: true, what: 'a whole number of shares from 1' };
const AMOUNT: NumberRule = { min: 0, max: 1e12, exclusiveMin: true, what: 'an amount of account currency above 0' };

/** The valid values of each numeric option. */
const RULES: Readonly<Record<Exclude<RiskOptionKey, 'anyHours'>, NumberRule>> = {
  maxOrderQuantity: SHARES_FROM_1,
  maxPosition: { ...SHARES_FROM_1, min: 0, what: 'a whole number of shares from 0' },
  maxNotional: AMOUNT,
  maxOrdersPerMinute: { min: 1, max: 10_000, integer: true, what: 'a whole number from 1 to 10000' },
  dailyLossLimit: AMOUNT,
  stopLossPct: { min: 0, max: 100, exclusiveMin: true, what: 'a percentage above 0 and at most 100, e.g. 2 for 2%' },
};

/** A number read strictly (no 0x10, 1e3, " 7", +7; see strictNumbers.ts) and checked against its rule. */
function readNumber(v: unknown, rule: NumberRule): { value?: number; problem?: string } {
  if (v === undefined || v === null || v === '') return {};
  const valid = `valid: ${rule.what}`;
  const parsed = strictNumber(v, rule.integer ? 'integer' : 'decimal');
  if (parsed.value === undefined) return { problem: `${show(v)} ${(parsed.error ?? 'is not a number').replace(/ \(valid:.*$/, '')} (${valid})` };
  const n = parsed.value;
  if ((rule.exclusiveMin ? n <= rule.min : n < rule.min) || n > rule.max) return { problem: `${show(v)} is out of range (${valid})` };
  return { value: n };
}

function readBool(v: unknown): { value?: boolean; problem?: string } {
  if (v === undefined || v === null) return {};
  if (typeof v === 'boolean') return { value: v };
  if (v === 'true' || v === '1') return { value: true };
  if (v === 'false' || v === '0') return { value: false };
  return { problem: `${show(v)} is not true or false` };
}

/**
 * The risk limits for raw options, with defaults filled in (30 orders per minute), and every
 * bad value as a problem; the caller names the flag or setting. The symbol allowlist is the
 * caller's (the session's symbols; a backtest's one symbol).
 */
export function parseRiskOptions(input: RiskOptionsInput): { limits: RiskLimits; problems: RiskOptionProblem[] } {
  const problems: RiskOptionProblem[] = [];
  const num = (key: keyof typeof RULES): number | undefined => {
    const r = readNumber(input[key], RULES[key]);
    if (r.problem) problems.push({ key, message: r.problem });
    return r.value;
  };
  const maxOrderQuantity = num('maxOrderQuantity');
  const maxPositionPerSymbol = num('maxPosition');
  const maxGrossNotional = num('maxNotional');
  const maxOrdersPerMinute = num('maxOrdersPerMinute') ?? RISK_DEFAULTS.maxOrdersPerMinute;
  const dailyLossLimit = num('dailyLossLimit');
  const stopLossPct = num('stopLossPct');
  const anyHours = readBool(input.anyHours);
  if (anyHours.problem) problems.push({ key: 'anyHours', message: anyHours.problem });
  const limits: RiskLimits = {
    ...(anyHours.value ? { tradingHours: null } : {}),
    maxOrdersPerMinute,
    ...(maxOrderQuantity !== undefined ? { maxOrderQuantity } : {}),
    ...(maxPositionPerSymbol !== undefined ? { maxPositionPerSymbol } : {}),
    ...(maxGrossNotional !== undefined ? { maxGrossNotional } : {}),
    ...(dailyLossLimit !== undefined ? { dailyLossLimit } : {}),
    ...(stopLossPct !== undefined ? { stopLossFraction: stopLossPct / 100 } : {}),
  };
  return { limits, problems };
}

/** The sizing with the target position capped to the position limit (see the meanings above). */
export function sizingWithinLimits(sizing: SizingRule, limits: RiskLimits): SizingRule {
  const cap = limits.maxPositionPerSymbol;
  if (cap === undefined) return sizing;
  return { ...sizing, maxPositionShares: sizing.maxPositionShares === undefined ? cap : Math.min(cap, sizing.maxPositionShares) };
}

/** One line describing the limits in force, for the CLI's header, the journal and reports. */
export function describeRisk(r: RiskLimits): string {
  const parts: string[] = [];
  if (r.maxOrderQuantity !== undefined) parts.push(`max order ${r.maxOrderQuantity} sh`);
  if (r.maxPositionPerSymbol !== undefined) parts.push(`max position ${r.maxPositionPerSymbol} sh`);
  if (r.maxGrossNotional !== undefined) parts.push(`max notional ${r.maxGrossNotional}`);
  if (r.maxOrdersPerMinute !== undefined) parts.push(`max ${r.maxOrdersPerMinute} orders/min`);
  if (r.dailyLossLimit !== undefined) parts.push(`daily loss limit ${r.dailyLossLimit}`);
  if (r.stopLossFraction !== undefined) parts.push(`stop-loss ${+(r.stopLossFraction * 100).toFixed(6)}%`);
  if (r.symbolAllowlist) parts.push(`allowlist ${r.symbolAllowlist.join(',')}`);
  parts.push(r.tradingHours === null ? 'any hours' : r.tradingHours === undefined ? 'regular hours' : `hours ${r.tradingHours.timeZone}`);
  return parts.join(', ');
}
