// Contract resolution: stocks by symbol / exchange / currency, options by symbol / expiry
// / strike / right, the option chain, and BAG combos from legs with conIds. Resolved
// contracts are cached by their description (a conId does not change).
import { BrokerError } from './errors';
import { ClientCode } from '../tws/errorCodes';
import type { LinkHub } from './linkHub';
import type { BrokerContract, ComboLeg, ContractDetails, OptionChain, OptionRight, OrderAction } from './types';

export interface StockSpec {
  exchange?: string;
  currency?: string;
  primaryExchange?: string;
}

export interface OptionSpec {
  symbol: string;
  /** yyyyMMdd */
  expiry: string;
  strike: number;
  right: OptionRight;
  exchange?: string;
  currency?: string;
  multiplier?: number;
  tradingClass?: string;
}

export interface ComboLegSpec {
  /** A resolved contract (its conId is used), or give `conId` directly. */
  contract?: BrokerContract;
  conId?: number;
  ratio: number;
  action: OrderAction;
  exchange?: string;
}

export function describeContract(c: BrokerContract): string {
  if (c.secType === 'OPT') return `${c.symbol} ${c.expiry ?? '?'} ${c.strike ?? '?'}${c.right ?? '?'} ${c.exchange} ${c.currency}`;
  if (c.secType === 'BAG') return `${c.symbol} BAG [${(c.legs ?? []).map((l) => `${l.action} ${l.ratio}x${l.conId}`).join(', ')}]`;
  return `${c.symbol} ${c.secType} ${c.exchange}${c.primaryExchange ? `/${c.primaryExchange}` : ''} ${c.currency}`;
}

export class ContractService {
  private readonly cache = new Map<string, ContractDetails[]>();

  constructor(private readonly hub: LinkHub) {
    hub.events.on('contractDetails', (reqId, d) => hub.registry.get<ContractDetails[], ContractDetails>(reqId)?.push(d));
    hub.events.on('contractDetailsEnd', (reqId) => {
      const req = hub.registry.get<ContractDetails[], ContractDetails>(reqId);
      req?.resolve(req.rows);
    });
    hub.events.on('optionChain', (reqId, chain) => hub.registry.get<OptionChain[], OptionChain>(reqId)?.push(chain));
    hub.events.on('optionChainEnd', (reqId) => {
      const req = hub.registry.get<OptionChain[], OptionChain>(reqId);
      req?.resolve(req.rows);
    });
  }

  /** reqContractDetails: every contract matching a (possibly partial) description. */
  async details(contract: BrokerContract, timeoutMs = this.hub.config.timeouts.requestMs): Promise<ContractDetails[]> {
    const key = cacheKey(contract);
    const cached = this.cache.get(key);
    if (cached) return cached;
    this.hub.requireLink('contract details');
    const reqId = this.hub.takeId();
    const req = this.hub.request<ContractDetails[], ContractDetails>({
      key: reqId,
      kind: `contract details for ${describeContract(contract)}`,
      timeoutMs,
      send: (api) => api.reqContractDetails(reqId, contract),
    });
    let rows: ContractDetails[];
    try {
      rows = await req.promise;
    } catch (err) {
      if (err instanceof BrokerError && err.code === 200) {
        throw new BrokerError({ reqId, code: 200, message: `no security definition for ${describeContract(contract)}: ${err.message}` });
      }
      throw err;
    }
    if (rows.length === 0) throw new BrokerError({ reqId, code: ClientCode.NotFound, message: `no contract matches ${describeContract(contract)}` });
    this.cache.set(key, rows);
    for (const d of rows) if (d.contract.conId) this.cache.set(`conId:${d.contract.conId}`, [d]);
    return rows;
  }

  async resolveStock(symbol: string, spec: StockSpec = {}): Promise<BrokerContract> {
    const want: BrokerContract = { symbol: symbol.trim().toUpperCase(), secType: 'STK', exchange: spec.exchange ?? 'SMART', currency: spec.currency ?? 'USD' };
    if (spec.primaryExchange) want.primaryExchange = spec.primaryExchange;
    const rows = await this.details(want);
    let matches = rows;
    if (rows.length > 1 && spec.primaryExchange) matches = rows.filter((d) => d.contract.primaryExchange === spec.primaryExchange);
    if (matches.length !== 1) throw ambiguous(want, matches.length ? matches : rows);
    return { ...matches[0]!.contract, exchange: want.exchange };
  }

  async resolveOption(spec: OptionSpec): Promise<BrokerContract> {
    const want: BrokerContract = {
      symbol: spec.symbol.trim().toUpperCase(),
      secType: 'OPT',
      exchange: spec.exchange ?? 'SMART',
      currency: spec.currency ?? 'USD',
      expiry: spec.expiry,
      strike: spec.strike,
      right: spec.right,
    };
    if (spec.multiplier) want.multiplier = spec.multiplier;
    if (spec.tradingClass) want.tradingClass = spec.tradingClass;
    const rows = await this.details(want);
    const exact = rows.filter(
      (d) => d.contract.right === spec.right && Math.abs((d.contract.strike ?? 0) - spec.strike) < 1e-6 && (d.contract.expiry ?? '').startsWith(spec.expiry),
    );
    if (exact.length !== 1) throw ambiguous(want, exact.length ? exact : rows);
    return { ...exact[0]!.contract, exchange: want.exchange };
  }

  /** A contract with its conId filled in (resolving it when missing). BAG contracts pass through. */
  async resolve(c: BrokerContract): Promise<BrokerContract> {
    if (c.conId || c.secType === 'BAG') return c;
    if (c.secType === 'STK')
      return this.resolveStock(c.symbol, { exchange: c.exchange, currency: c.currency, ...(c.primaryExchange ? { primaryExchange: c.primaryExchange } : {}) });
    if (c.secType === 'OPT' && c.expiry && c.strike !== undefined && c.right) {
      return this.resolveOption({
        symbol: c.symbol,
        expiry: c.expiry,
        strike: c.strike,
        right: c.right,
        exchange: c.exchange,
        currency: c.currency,
        ...(c.multiplier ? { multiplier: c.multiplier } : {}),
      });
    }
    const rows = await this.details(c);
    if (rows.length !== 1) throw ambiguous(c, rows);
    return rows[0]!.contract;
  }

  /** Expirations and strikes of a stock's options (reqSecDefOptParams). */
  async optionChain(symbol: string, underlyingConId?: number): Promise<OptionChain[]> {
    const conId = underlyingConId ?? (await this.resolveStock(symbol)).conId ?? 0;
    this.hub.requireLink('option chain');
    const reqId = this.hub.takeId();
    const req = this.hub.request<OptionChain[], OptionChain>({
      key: reqId,
      kind: `option chain of ${symbol}`,
      timeoutMs: this.hub.config.timeouts.requestMs,
      send: (api) => api.reqSecDefOptParams(reqId, symbol.toUpperCase(), 'STK', conId),
    });
    return req.promise;
  }

  /** A BAG contract from legs; legs given as contracts without a conId are resolved first. */
  async combo(legs: ComboLegSpec[], opts: { symbol?: string; currency?: string; exchange?: string } = {}): Promise<BrokerContract> {
    if (legs.length < 2) throw new BrokerError({ code: ClientCode.InvalidRequest, message: 'a combo needs at least two legs' });
    const resolved: ComboLeg[] = [];
    let symbol = opts.symbol;
    for (const leg of legs) {
      if (!(leg.ratio > 0) || !Number.isInteger(leg.ratio))
        throw new BrokerError({ code: ClientCode.InvalidRequest, message: `combo leg ratio must be a positive integer, got ${leg.ratio}` });
      let conId = leg.conId ?? leg.contract?.conId;
      if (!conId && leg.contract) conId = (await this.resolve(leg.contract)).conId;
      if (!conId) throw new BrokerError({ code: ClientCode.InvalidRequest, message: 'every combo leg needs a conId (or a contract that resolves to one)' });
      symbol ??= leg.contract?.symbol;
      resolved.push({ conId, ratio: leg.ratio, action: leg.action, exchange: leg.exchange ?? opts.exchange ?? 'SMART' });
    }
    if (!symbol) {
      const first = await this.details({ conId: resolved[0]!.conId, symbol: '', secType: 'STK', exchange: '', currency: '' } as BrokerContract);
      symbol = first[0]!.contract.symbol;
    }
    return { symbol, secType: 'BAG', exchange: opts.exchange ?? 'SMART', currency: opts.currency ?? 'USD', legs: resolved };
  }
}

function cacheKey(c: BrokerContract): string {
  if (c.conId) return `conId:${c.conId}`;
  return JSON.stringify([
    c.symbol,
    c.secType,
    c.exchange,
    c.currency,
    c.primaryExchange ?? '',
    c.expiry ?? '',
    c.strike ?? '',
    c.right ?? '',
    c.multiplier ?? '',
    c.tradingClass ?? '',
  ]);
}

function ambiguous(want: BrokerContract, rows: ContractDetails[]): BrokerError {
  if (rows.length === 0) return new BrokerError({ code: ClientCode.NotFound, message: `no contract matches ${describeContract(want)}` });
  const list = rows
    .slice(0, 8)
    .map((d) => `${describeContract(d.contract)} (conId ${d.contract.conId})`)
    .join('; ');
  return new BrokerError({
    code: ClientCode.Ambiguous,
    message: `${rows.length} contracts match ${describeContract(want)}: ${list}${rows.length > 8 ? '; ...' : ''} - be more specific`,
  });
}
