// The option chain as the order ticket shows it (no vscode): the underlying's expiries and
// strikes (reqSecDefOptParams), and for one expiry and right the strikes nearest the stock's
// price with their bid and ask, one conId each from a single reqContractDetails. Only reads.
import type { BrokerContract, ContractDetails, OptionChain } from '../broker/types';
import { chainFacts, type TicketChain } from '../session/manualDerivatives';
import { nearestStrikes, type ChainFacts, type TicketRight } from '../trading/optionTicket';

/** What the chain view needs of the broker client (BrokerClient has it). */
export interface ChainBroker {
  optionChain(symbol: string): Promise<OptionChain[]>;
  resolveStock(symbol: string): Promise<BrokerContract>;
  contractDetails(contract: BrokerContract): Promise<ContractDetails[]>;
  quoteSnapshot(contract: BrokerContract, timeoutMs?: number): Promise<{ bid?: number; ask?: number; last?: number; close?: number }>;
}

export interface StrikeQuote {
  readonly strike: number;
  readonly bid?: number;
  readonly ask?: number;
}

/** How many strikes around the stock's price are quoted (each is one market data snapshot). */
export const QUOTED_STRIKES = 10;

/** The chain of `symbol` and the stock's last price (undefined when not quoted). */
export async function loadChain(broker: ChainBroker, symbol: string): Promise<{ chain: TicketChain; spot?: number }> {
  const chain = chainFacts(await broker.optionChain(symbol), symbol);
  const q = await broker
    .resolveStock(symbol)
    .then((c) => broker.quoteSnapshot(c, 4000))
    .catch(() => undefined);
  const spot = q?.last ?? (q?.bid !== undefined && q.ask !== undefined ? (q.bid + q.ask) / 2 : q?.close);
  return { chain, ...(spot !== undefined ? { spot } : {}) };
}

/** Bid and ask of the `QUOTED_STRIKES` strikes nearest `spot` for one expiry and right; the rest without quotes. */
export async function strikeQuotes(
  broker: ChainBroker,
  symbol: string,
  chain: ChainFacts & { readonly tradingClass?: string },
  expiry: string,
  right: TicketRight,
  spot: number | undefined,
): Promise<StrikeQuote[]> {
  const near = new Set(spot !== undefined ? nearestStrikes(chain.strikes, spot, QUOTED_STRIKES) : []);
  const details = near.size
    ? await broker
        .contractDetails({
          symbol,
          secType: 'OPT',
          exchange: 'SMART',
          currency: 'USD',
          expiry,
          right,
          ...(chain.tradingClass ? { tradingClass: chain.tradingClass } : {}),
        })
        .catch(() => [] as ContractDetails[])
    : [];
  const byStrike = new Map(details.filter((d) => near.has(d.contract.strike ?? NaN)).map((d) => [d.contract.strike as number, d.contract]));
  const quoted = await Promise.all(
    [...byStrike].map(async ([strike, c]) => [strike, await broker.quoteSnapshot({ ...c, exchange: 'SMART' }, 4000).catch(() => undefined)] as const),
  );
  const quotes = new Map(quoted);
  return chain.strikes.map((strike) => {
    const q = quotes.get(strike);
    return { strike, ...(q?.bid !== undefined ? { bid: q.bid } : {}), ...(q?.ask !== undefined ? { ask: q.ask } : {}) };
  });
}

/** A strike as a pick: `150` with `bid 5.10 / ask 5.20` (or `no quote`), the one nearest the stock marked. */
export function strikeItems(rows: readonly StrikeQuote[], spot: number | undefined): Array<{ label: string; description: string; strike: number }> {
  const atm =
    spot !== undefined
      ? nearestStrikes(
          rows.map((r) => r.strike),
          spot,
          1,
        )[0]
      : undefined;
  return rows.map((r) => ({
    label: String(r.strike),
    description: `${r.bid !== undefined || r.ask !== undefined ? `bid ${r.bid?.toFixed(2) ?? '?'} / ask ${r.ask?.toFixed(2) ?? '?'}` : 'no quote'}${r.strike === atm ? `  (nearest the stock, ${spot?.toFixed(2)})` : ''}`,
    strike: r.strike,
  }));
}

/** An expiry as a pick: `20261218` with its days to go from `today` (yyyyMMdd of New York). */
export function expiryItems(expirations: readonly string[], todayMs: number): Array<{ label: string; description: string }> {
  return expirations.map((e) => {
    const at = Date.UTC(Number(e.slice(0, 4)), Number(e.slice(4, 6)) - 1, Number(e.slice(6, 8)));
    const days = Math.round((at - Date.UTC(new Date(todayMs).getUTCFullYear(), new Date(todayMs).getUTCMonth(), new Date(todayMs).getUTCDate())) / 86_400_000);
    return { label: e, description: days === 0 ? 'expires today' : `in ${days} day${days === 1 ? '' : 's'}` };
  });
}
