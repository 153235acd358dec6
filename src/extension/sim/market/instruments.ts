// The simulator's security master: known stocks with stable conIds (the real IB ids
// for the common names, a stable hash for symbols added with --symbols), a synthetic
// option chain for each, and lookup the way reqContractDetails matches.
import { hashString } from './rng';
import { roundCents } from './rounding';

export interface Stock {
  conId: number;
  symbol: string;
  primaryExch: string;
  currency: string;
  longName: string;
  industry: string;
  category: string;
  basePrice: number;
  /** Annualised volatility of the random walk. */
  volatility: number;
}

export interface OptionContract {
  conId: number;
  underlying: Stock;
  expiry: string; // yyyyMMdd
  strike: number;
  right: 'C' | 'P';
  localSymbol: string;
  tradingClass: string;
  multiplier: number;
}

const KNOWN: Array<Omit<Stock, 'currency'>> = [
  {
    conId: 4815747,
    symbol: 'NVDA',
    primaryExch: 'NASDAQ',
    longName: 'NVIDIA CORP',
    industry: 'Technology',
    category: 'Semiconductors',
    basePrice: 135.4,
    volatility: 0.5,
  },
  {
    conId: 272093,
    symbol: 'MSFT',
    primaryExch: 'NASDAQ',
    longName: 'MICROSOFT CORP',
    industry: 'Technology',
    category: 'Software',
    basePrice: 420.15,
    volatility: 0.25,
  },
  {
    conId: 265598,
    symbol: 'AAPL',
    primaryExch: 'NASDAQ',
    longName: 'APPLE INC',
    industry: 'Technology',
    category: 'Computers',
    basePrice: 228.3,
    volatility: 0.25,
  },
  {
    conId: 3691937,
    symbol: 'AMZN',
    primaryExch: 'NASDAQ',
    longName: 'AMAZON.COM INC',
    industry: 'Communications',
    category: 'Internet',
    basePrice: 201.7,
    volatility: 0.32,
  },
  {
    conId: 208813719,
    symbol: 'GOOGL',
    primaryExch: 'NASDAQ',
    longName: 'ALPHABET INC-CL A',
    industry: 'Communications',
    category: 'Internet',
    basePrice: 171.2,
    volatility: 0.3,
  },
  {
    conId: 107113386,
    symbol: 'META',
    primaryExch: 'NASDAQ',
    longName: 'META PLATFORMS INC-CLASS A',
    industry: 'Communications',
    category: 'Internet',
    basePrice: 575.6,
    volatility: 0.38,
  },
  {
    conId: 76792991,
    symbol: 'TSLA',
    primaryExch: 'NASDAQ',
    longName: 'TESLA INC',
    industry: 'Consumer, Cyclical',
    category: 'Auto Manufacturers',
    basePrice: 320.5,
    volatility: 0.6,
  },
  {
    conId: 4391,
    symbol: 'AMD',
    primaryExch: 'NASDAQ',
    longName: 'ADVANCED MICRO DEVICES',
    industry: 'Technology',
    category: 'Semiconductors',
    basePrice: 140.2,
    volatility: 0.5,
  },
  {
    conId: 270639,
    symbol: 'INTC',
    primaryExch: 'NASDAQ',
    longName: 'INTEL CORP',
    industry: 'Technology',
    category: 'Semiconductors',
    basePrice: 23.8,
    volatility: 0.45,
  },
  {
    conId: 1520593,
    symbol: 'JPM',
    primaryExch: 'NYSE',
    longName: 'JPMORGAN CHASE & CO',
    industry: 'Financial',
    category: 'Banks',
    basePrice: 238.9,
    volatility: 0.22,
  },
  {
    conId: 756733,
    symbol: 'SPY',
    primaryExch: 'ARCA',
    longName: 'SPDR S&P 500 ETF TRUST',
    industry: 'Funds',
    category: 'Equity Fund',
    basePrice: 590.1,
    volatility: 0.16,
  },
  {
    conId: 320227571,
    symbol: 'QQQ',
    primaryExch: 'NASDAQ',
    longName: 'INVESCO QQQ TRUST SERIES 1',
    industry: 'Funds',
    category: 'Equity Fund',
    basePrice: 505.3,
    volatility: 0.2,
  },
  {
    conId: 9579970,
    symbol: 'IWM',
    primaryExch: 'ARCA',
    longName: 'ISHARES RUSSELL 2000 ETF',
    industry: 'Funds',
    category: 'Equity Fund',
    basePrice: 228.4,
    volatility: 0.22,
  },
];

export const DEFAULT_SYMBOLS = KNOWN.map((k) => k.symbol);

export class Instruments {
  private readonly bySymbol = new Map<string, Stock>();
  private readonly byConId = new Map<number, Stock>();
  private readonly optionsByConId = new Map<number, OptionContract>();
  private readonly chains = new Map<string, OptionContract[]>();

  constructor(extraSymbols: readonly string[] = []) {
    for (const k of KNOWN) this.add({ ...k, currency: 'USD' });
    for (const raw of extraSymbols) {
      const symbol = raw.trim().toUpperCase();
      if (!symbol || this.bySymbol.has(symbol)) continue;
      const h = hashString(symbol);
      this.add({
        conId: 500_000_000 + (h % 100_000_000),
        symbol,
        primaryExch: 'NASDAQ',
        currency: 'USD',
        longName: `${symbol} SIMULATED INC`,
        industry: 'Technology',
        category: 'Simulated',
        basePrice: 20 + (h % 48000) / 100,
        volatility: 0.2 + ((h >>> 8) % 40) / 100,
      });
    }
  }

  private add(s: Stock): void {
    this.bySymbol.set(s.symbol, s);
    this.byConId.set(s.conId, s);
  }

  stocks(): Stock[] {
    return [...this.bySymbol.values()];
  }
  stock(symbol: string): Stock | undefined {
    return this.bySymbol.get(symbol.toUpperCase());
  }
  byId(conId: number): Stock | OptionContract | undefined {
    return this.byConId.get(conId) ?? this.optionsByConId.get(conId);
  }

  /** The synthetic chain: weekly expiries for 4 weeks plus the next 2 monthlies, strikes +-20% of `spot`. */
  optionChain(symbol: string, todayMs: number, spot: number): OptionContract[] {
    const stock = this.stock(symbol);
    if (!stock) return [];
    const cached = this.chains.get(stock.symbol);
    if (cached) return cached;
    const step = strikeStep(spot);
    const lo = Math.max(step, Math.floor((spot * 0.8) / step) * step);
    const hi = Math.ceil((spot * 1.2) / step) * step;
    const chain: OptionContract[] = [];
    for (const expiry of expiries(todayMs)) {
      for (let k = lo; k <= hi + 1e-9; k += step) {
        const strike = roundCents(k);
        for (const right of ['C', 'P'] as const) {
          const localSymbol = occSymbol(stock.symbol, expiry, right, strike);
          const opt: OptionContract = {
            conId: 700_000_000 + (hashString(localSymbol) % 1_000_000_000),
            underlying: stock,
            expiry,
            strike,
            right,
            localSymbol,
            tradingClass: stock.symbol,
            multiplier: 100,
          };
          chain.push(opt);
          this.optionsByConId.set(opt.conId, opt);
        }
      }
    }
    this.chains.set(stock.symbol, chain);
    return chain;
  }
}

export function isOption(x: Stock | OptionContract): x is OptionContract {
  return (x as OptionContract).underlying !== undefined;
}

function strikeStep(spot: number): number {
  if (spot < 25) return 0.5;
  if (spot < 100) return 1;
  if (spot < 250) return 2.5;
  return 5;
}

function expiries(todayMs: number): string[] {
  const out = new Set<string>();
  const d = new Date(todayMs);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  // next 4 Fridays (weeklies)
  const friday = new Date(day);
  friday.setUTCDate(friday.getUTCDate() + ((5 - friday.getUTCDay() + 7) % 7 || 7));
  for (let i = 0; i < 4; i++) {
    out.add(ymd(friday));
    friday.setUTCDate(friday.getUTCDate() + 7);
  }
  // next 2 monthlies (third Friday)
  for (let m = 0; out.size < 6 && m < 4; m++) {
    const first = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + m, 1));
    const third = new Date(first);
    third.setUTCDate(1 + ((5 - first.getUTCDay() + 7) % 7) + 14);
    if (third > day) out.add(ymd(third));
  }
  return [...out].sort();
}

function ymd(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** OCC-style local symbol, e.g. `NVDA  251219C00135000`. */
function occSymbol(symbol: string, expiry: string, right: string, strike: number): string {
  return `${symbol.padEnd(6, ' ')}${expiry.slice(2)}${right}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}
