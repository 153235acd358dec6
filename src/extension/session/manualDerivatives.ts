// Options and combos on the manual desk (manualOrders.ts): the ticket read against the
// underlying's chain (reqSecDefOptParams), each option resolved to its conId
// (reqContractDetails), quoted, and a combo built as one BAG contract of its legs. What the
// risk checks judge: each option as its own position of contracts x multiplier shares at its
// premium per share (a combo leg by leg, at the side of the quote it trades against). Only
// reads go to TWS here: nothing is placed.
import { limitThroughMarket } from '../trading/limitThroughMarket';
import { TERMINAL_STATES, type BrokerContract, type OptionChain, type Position } from '../broker/types';
import {
  describeDerivative,
  describeOption,
  legDirection,
  validateComboTicket,
  validateOptionTicket,
  type ChainFacts,
  type ComboTicketInput,
  type DerivativeResult,
  type DerivativeTicket,
  type OptionPick,
  type OptionTicketInput,
} from '../trading/optionTicket';
import { uncoveredCallWarning } from '../trading/callCoverage';
import type { RiskOrder } from '../trading/riskEngine';
import { heldContracts, holdingOf, holdingsOf, optionLabel } from './manualAccount';
import type { ManualBroker } from './manualBroker';

export type DerivativeInput = ({ readonly kind: 'option' } & OptionTicketInput) | ({ readonly kind: 'combo' } & ComboTicketInput);

/** One option of an option or combo order, as the preview shows it. */
export interface PreviewLeg {
  /** e.g. `NVDA 20261218 150C` */
  readonly label: string;
  readonly contract: BrokerContract;
  /** how this order trades it (a combo's side applied) */
  readonly action: 'BUY' | 'SELL';
  /** contracts per combo (1 for a single option) */
  readonly ratio: number;
  /** contracts this order trades of it */
  readonly contracts: number;
  readonly bid?: number;
  readonly ask?: number;
  /** contracts the account holds of it, before and after a full fill */
  readonly before: number;
  readonly after: number;
}

/** An option or combo order ready for the risk checks and the what-if. */
export interface DerivativeDraft {
  readonly ticket: DerivativeTicket;
  readonly text: string;
  /** the OPT, or the BAG of the legs' conIds */
  readonly contract: BrokerContract;
  readonly legs: readonly PreviewLeg[];
  readonly multiplier: number;
  /** per share: the limit, else the option's or the combo's market (a combo's net: negative is a credit) */
  readonly referencePrice: number;
  /** the combo's net quote per share (from its legs' quotes) */
  readonly net?: { readonly bid: number; readonly ask: number };
  readonly riskOrders: readonly RiskOrder[];
  readonly warnings: readonly string[];
}

export type DraftResult = { readonly ok: true; readonly draft: DerivativeDraft } | { readonly ok: false; readonly problems: readonly string[] };

function validate(input: DerivativeInput, chain?: ChainFacts): DerivativeResult<DerivativeTicket> {
  return input.kind === 'combo' ? validateComboTicket(input, chain) : validateOptionTicket(input, chain);
}

const messages = (r: { problems: readonly { message: string }[] }) => r.problems.map((p) => p.message);

/** The chain the ticket picks from, with the trading class and multiplier its options resolve with. */
export type TicketChain = ChainFacts & { readonly multiplier: number; readonly tradingClass?: string };

/**
 * The chain the ticket picks from: TWS sends a row per exchange and trading class; the SMART
 * row of the standard class (named like the stock; an adjusted class after a split is not),
 * else the first SMART row, else every row's expiries and strikes together.
 */
export function chainFacts(rows: readonly OptionChain[], symbol?: string): TicketChain {
  const smart = rows.filter((r) => r.exchange === 'SMART');
  const row = smart.find((r) => r.tradingClass === symbol) ?? smart[0];
  if (row)
    return {
      expirations: row.expirations,
      strikes: row.strikes,
      multiplier: row.multiplier || 100,
      ...(row.tradingClass ? { tradingClass: row.tradingClass } : {}),
    };
  return {
    expirations: [...new Set(rows.flatMap((r) => r.expirations))].sort(),
    strikes: [...new Set(rows.flatMap((r) => r.strikes))].sort((a, b) => a - b),
    multiplier: rows[0]?.multiplier || 100,
  };
}

/** The ticket checked alone, then against the chain; its options resolved and quoted; the combo built. */
export async function draftDerivative(broker: ManualBroker, input: DerivativeInput): Promise<DraftResult> {
  const alone = validate(input);
  if (!alone.ok) return { ok: false, problems: messages(alone) };
  const symbol = alone.ticket.symbol;
  let chain: TicketChain;
  try {
    chain = chainFacts(await broker.optionChain(symbol), symbol);
  } catch (err) {
    return { ok: false, problems: [`symbol: TWS has no option chain for ${symbol} (${err instanceof Error ? err.message : String(err)})`] };
  }
  const checked = validate(input, chain);
  if (!checked.ok) return { ok: false, problems: messages(checked) };
  const t = checked.ticket;
  // Each option with how this order trades it (a combo's side applied) and its leg's own action in the BAG.
  const picks: LegPick[] =
    t.kind === 'option'
      ? [{ ...t.option, action: t.side, legAction: t.side, ratio: 1, field: 'strike' }]
      : t.legs.map((l, i) => ({ ...l, action: legDirection(t, l) > 0 ? 'BUY' : 'SELL', legAction: l.action, field: `legs[${i}].strike` }));
  const resolved = await Promise.all(
    picks.map((p) =>
      broker
        .resolveOption({
          symbol,
          expiry: p.expiry,
          strike: p.strike,
          right: p.right,
          multiplier: chain.multiplier,
          ...(chain.tradingClass ? { tradingClass: chain.tradingClass } : {}),
        })
        .then(
          (contract) => ({ p, contract }),
          (err: unknown) => ({
            p,
            problem: `${p.field}: ${symbol} ${describeOption(p)} did not resolve to one option at TWS (${err instanceof Error ? err.message : String(err)})`,
          }),
        ),
    ),
  );
  const problems = resolved.flatMap((r) => ('problem' in r ? [r.problem] : []));
  if (problems.length) return { ok: false, problems };
  const found = resolved.flatMap((r) => ('contract' in r ? [r] : []));
  const priced = await Promise.all(found.map(async (r) => ({ ...r, quote: await broker.quoteSnapshot(r.contract, 4000).catch(() => undefined) })));
  const multiplier = found[0]?.contract.multiplier ?? chain.multiplier;
  const legs = priced.map(({ p, contract, quote }) => previewLeg(broker, p, contract, quote, t.quantity));
  const unpriced = legs.find((l) => l.price === undefined);
  if (unpriced && (t.kind === 'combo' || t.orderType === 'MKT'))
    return {
      ok: false,
      problems: [`${unpriced.field}: no quote for ${unpriced.leg.label} to value the order at${t.kind === 'option' ? ': use a limit order' : ''}`],
    };
  // A combo is quoted in its own terms (its legs' own actions), whichever side the order takes.
  const net = t.kind === 'combo' ? netQuote(legs.map((l) => ({ ...l.leg, action: l.legAction }))) : undefined;
  const market = t.kind === 'combo' ? (net ? (t.side === 'BUY' ? net.ask : net.bid) : undefined) : legs[0]?.price;
  const referencePrice = t.limitPrice ?? market;
  if (referencePrice === undefined) return { ok: false, problems: ['limitPrice: no market price to value the order at: use a limit order'] };
  const option = legs[0]?.leg.contract;
  let contract: BrokerContract;
  if (t.kind === 'option' && option) contract = option;
  else {
    const conIds = legs.map((l) => ({ conId: l.leg.contract.conId ?? 0, ratio: l.leg.ratio, action: l.legAction }));
    contract = await broker.comboContract(conIds, { symbol });
  }
  const riskOrders: RiskOrder[] = legs.map((l) => ({
    symbol: l.leg.label,
    underlying: symbol,
    quantity: (l.leg.action === 'BUY' ? 1 : -1) * l.leg.contracts * multiplier,
    // A single option at its limit (what it may cost); a combo's legs at their market.
    price: t.kind === 'option' ? referencePrice : (l.price ?? 0),
  }));
  const previewLegs = legs.map((l) => l.leg);
  const side = t.side === 'BUY' ? 'ask' : 'bid';
  // An option without a quote on its side is valued at its mid, last or close: "the market".
  const marketName = t.kind === 'combo' ? `the net ${side}` : previewLegs[0]?.[side] !== undefined ? `the ${side}` : 'the market';
  const through = t.orderType === 'LMT' ? limitThroughMarket(t.side, t.limitPrice, market, marketName) : undefined;
  return {
    ok: true,
    draft: {
      ticket: t,
      text: describeDerivative(t),
      contract,
      legs: previewLegs,
      multiplier,
      referencePrice,
      ...(net ? { net } : {}),
      riskOrders,
      warnings: [...(through ? [through] : []), ...derivativeWarnings(broker, symbol, previewLegs)],
    },
  };
}

interface LegPick extends OptionPick {
  readonly action: 'BUY' | 'SELL';
  readonly legAction: 'BUY' | 'SELL';
  readonly ratio: number;
  /** the field a problem with it names */
  readonly field: string;
}

/**
 * One option of the order as the preview shows it, and the price the checks value it at: the
 * side it trades against (buys at the ask, sells at the bid), else its mid, last or close.
 */
function previewLeg(
  broker: ManualBroker,
  p: LegPick,
  contract: BrokerContract,
  q: { bid?: number; ask?: number; last?: number; close?: number } | undefined,
  quantity: number,
): { leg: PreviewLeg; price: number | undefined; legAction: 'BUY' | 'SELL'; field: string } {
  const before = heldContracts(broker, contract.conId);
  const n = quantity * p.ratio;
  const leg: PreviewLeg = {
    label: optionLabel(contract),
    contract,
    action: p.action,
    ratio: p.ratio,
    contracts: n,
    ...(q?.bid !== undefined ? { bid: q.bid } : {}),
    ...(q?.ask !== undefined ? { ask: q.ask } : {}),
    before,
    after: before + (p.action === 'BUY' ? n : -n),
  };
  const mid = q?.bid !== undefined && q.ask !== undefined ? (q.bid + q.ask) / 2 : undefined;
  const v = (p.action === 'BUY' ? q?.ask : q?.bid) ?? mid ?? q?.last ?? q?.close;
  return { leg, price: v !== undefined && v > 0 ? v : undefined, legAction: p.legAction, field: p.field };
}

/** A combo's net quote per share from its legs' (each with its own action): the ask buys the BUY legs at their asks and sells the SELL legs at their bids. */
function netQuote(legs: readonly PreviewLeg[]): { bid: number; ask: number } | undefined {
  let bid = 0;
  let ask = 0;
  for (const l of legs) {
    if (l.bid === undefined || l.ask === undefined) return undefined;
    const sign = l.action === 'BUY' ? 1 : -1;
    bid += sign * (sign > 0 ? l.bid : l.ask) * l.ratio;
    ask += sign * (sign > 0 ? l.ask : l.bid) * l.ratio;
  }
  return { bid: Math.round(bid * 100) / 100, ask: Math.round(ask * 100) / 100 };
}

function derivativeWarnings(broker: ManualBroker, symbol: string, legs: readonly PreviewLeg[]): string[] {
  const out: string[] = [];
  for (const l of legs) {
    if (!(l.after < 0 && l.after < l.before)) continue;
    const kind = l.contract.right === 'C' ? 'call' : 'put';
    // A long option of the same right in this order (a spread) bounds the short one's loss.
    const against = legs.some((o) => o !== l && o.action === 'BUY' && o.contract.right === l.contract.right);
    const risk = against ? `, against this order's long ${kind}` : '';
    out.push(`this ${l.before > 0 ? 'sells more than the account holds of' : 'writes'} ${l.label}: a short ${kind} of ${-l.after} contract(s)${risk}`);
  }
  // Whether a short call is covered is the account's question (its shares and long calls), not the order's alone.
  const held = holdingsOf(broker, symbol);
  const after = held.filter((h) => !legs.some((l) => l.contract.conId !== undefined && l.contract.conId === h.conId));
  for (const l of legs) after.push(holdingOf(l.contract, l.after));
  const naked = uncoveredCallWarning(symbol, held, after);
  if (naked) out.push(naked);
  const working = broker.orders().filter((o) => o.contract?.symbol === symbol && o.contract.secType !== 'STK' && !TERMINAL_STATES.has(o.state));
  if (working.length)
    out.push(
      `${working.length} option or combo order(s) already working on ${symbol}: ${working.map((o) => `#${o.orderId} ${o.action} ${o.quantity}`).join(', ')}`,
    );
  return out;
}

/** What the intent line journals of an option or combo order, beside the fields every manual intent has. */
export function derivativeIntent(d: Pick<DerivativeDraft, 'contract' | 'legs' | 'multiplier'>): Record<string, unknown> {
  const option = (c: BrokerContract) => ({ conId: c.conId, expiry: c.expiry, strike: c.strike, right: c.right });
  return {
    secType: d.contract.secType,
    multiplier: d.multiplier,
    ...(d.contract.secType === 'OPT'
      ? { option: option(d.contract) }
      : { comboLegs: d.legs.map((l, i) => ({ ...option(l.contract), action: d.contract.legs?.[i]?.action, ratio: l.ratio })) }),
  };
}

/** The ticket that closes an option position at the market (Flatten Position); undefined when it is not one. */
export function closingOption(p: Position): DerivativeInput | undefined {
  const c = p.contract;
  if (c.secType !== 'OPT' || p.quantity === 0 || !c.expiry || c.strike === undefined || !c.right) return undefined;
  return {
    kind: 'option',
    symbol: c.symbol,
    expiry: c.expiry,
    strike: c.strike,
    right: c.right,
    side: p.quantity > 0 ? 'SELL' : 'BUY',
    quantity: Math.abs(p.quantity),
    orderType: 'MKT',
    tif: 'DAY',
  };
}
