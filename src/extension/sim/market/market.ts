// The simulated market: one price path per stock on the simulator clock, quotes with
// a spread, option prices from Black-Scholes, and bars of any size for history.
import { Instruments, isOption, type OptionContract, type Stock } from './instruments';
import { blackScholes, type OptionGreeks } from './optionPricing';
import { dailyHistory, RandomWalkPath, ReplayPath, STEP_SECONDS, type Ohlcv, type PricePath } from './pricePath';
import { roundCents } from './rounding';
import { hashString } from './rng';
import { nyParts, nySessionOfDay, nyTimeToMs } from './marketTime';
import type { SimClock } from './simClock';

export interface Quote {
  bid: number;
  ask: number;
  last: number;
  bidSize: number;
  askSize: number;
  lastSize: number;
  /** Shares traded today (from the regular open). */
  volume: number;
  open: number;
  high: number;
  low: number;
  close: number; // previous close
  time: number; // ms
}

export interface Bar extends Ohlcv {
  time: number; // ms, bar start
  wap: number;
  count: number;
}

export interface MarketOptions {
  instruments: Instruments;
  clock: SimClock;
  seed: number;
  replay?: Ohlcv[];
  /** Days of 5-second history before the clock's start. */
  historyDays?: number;
  /** Weekdays of daily history before that. */
  dailyHistoryDays?: number;
  riskFreeRate?: number;
}

const DAY_MS = 86_400_000;

export class Market {
  readonly instruments: Instruments;
  readonly clock: SimClock;
  readonly historyStartMs: number;
  private readonly seed: number;
  private readonly replay: Ohlcv[] | undefined;
  private readonly paths = new Map<number, PricePath>();
  private readonly daily = new Map<number, Bar[]>();
  private readonly dailyDays: number;
  private readonly rate: number;
  /** Per New York day: [04:00, open, close, 20:00] in epoch ms, or null on weekends and holidays. */
  private readonly sessions = new Map<string, [number, number, number, number] | null>();

  constructor(opts: MarketOptions) {
    this.instruments = opts.instruments;
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.replay = opts.replay;
    this.historyStartMs = opts.clock.startMs - (opts.historyDays ?? 3) * DAY_MS;
    this.dailyDays = opts.dailyHistoryDays ?? 400;
    this.rate = opts.riskFreeRate ?? 0.045;
  }

  now(): number {
    return this.clock.now();
  }

  path(stock: Stock): PricePath {
    let p = this.paths.get(stock.conId);
    if (!p) {
      const seed = (this.seed ^ hashString(stock.symbol)) >>> 0;
      p = this.replay
        ? new ReplayPath(this.historyStartMs, this.replay, stock.basePrice, hashString(stock.symbol) % Math.max(1, this.replay.length >> 2))
        : new RandomWalkPath(this.historyStartMs, stock.basePrice, stock.volatility, seed);
      this.paths.set(stock.conId, p);
    }
    return p;
  }

  /** Mid price of a stock or option at `ms` (default now). */
  mid(conId: number, ms = this.now()): number | undefined {
    const inst = this.instruments.byId(conId);
    if (!inst) return undefined;
    if (isOption(inst)) return this.optionGreeks(inst, ms).price;
    return this.path(inst).priceAt(ms);
  }

  optionGreeks(opt: OptionContract, ms = this.now()): OptionGreeks {
    const spot = this.path(opt.underlying).priceAt(ms);
    const expiryMs = nyTimeToMs(Number(opt.expiry.slice(0, 4)), Number(opt.expiry.slice(4, 6)), Number(opt.expiry.slice(6, 8)), 16, 0);
    const years = (expiryMs - ms) / (365 * DAY_MS);
    return blackScholes(spot, opt.strike, years, opt.underlying.volatility, this.rate, opt.right);
  }

  quote(conId: number, ms = this.now()): Quote | undefined {
    const inst = this.instruments.byId(conId);
    if (!inst) return undefined;
    if (isOption(inst)) return this.optionQuote(inst, ms);
    const path = this.path(inst);
    const mid = path.priceAt(ms);
    const half = Math.max(0.005, roundCents(mid * 0.0001));
    const i = path.indexAt(ms);
    const h = hashString(`${conId}:${i}`);
    const day = this.dayStats(inst, ms);
    return {
      bid: roundCents(mid - half),
      ask: roundCents(mid + half) === roundCents(mid - half) ? roundCents(mid + 0.01) : roundCents(mid + half),
      last: mid,
      bidSize: 100 * (1 + (h % 9)),
      askSize: 100 * (1 + ((h >>> 4) % 9)),
      lastSize: 100 * (1 + ((h >>> 8) % 5)),
      ...day,
      time: ms,
    };
  }

  private optionQuote(opt: OptionContract, ms: number): Quote {
    const g = this.optionGreeks(opt, ms);
    const tick = g.price >= 3 ? 0.05 : 0.01;
    const half = Math.max(tick, Math.round((g.price * 0.02) / tick) * tick) / 2;
    const bid = Math.max(0, roundTo(g.price - half, tick));
    const ask = Math.max(bid + tick, roundTo(g.price + half, tick));
    const mid = roundCents((bid + ask) / 2);
    return { bid, ask, last: mid, bidSize: 10, askSize: 10, lastSize: 1, volume: 500, open: mid, high: mid, low: mid, close: mid, time: ms };
  }

  /** Today's open/high/low/volume so far and the previous close, from the path. */
  private dayStats(stock: Stock, ms: number): Pick<Quote, 'open' | 'high' | 'low' | 'close' | 'volume'> {
    const path = this.path(stock);
    const p = nyParts(ms);
    const dayOpenMs = Math.max(this.historyStartMs, nyTimeToMs(p.year, p.month, p.day, 9, 30));
    const from = path.indexAt(dayOpenMs);
    const to = path.indexAt(ms);
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = from; i <= to; i++) {
      const b = path.step(i);
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
      volume += b.volume;
    }
    const daily = this.dailyBars(stock);
    const prevClose = dayOpenMs > this.historyStartMs ? path.priceAt(dayOpenMs - 1) : (daily[daily.length - 1] as Bar).close;
    return { open: path.step(from).open, high, low, close: prevClose, volume };
  }

  /** Daily bars before the intraday history starts (weekdays), ending at its first open. */
  dailyBars(stock: Stock): Bar[] {
    let bars = this.daily.get(stock.conId);
    if (!bars) {
      const first = this.path(stock).step(0).open;
      const ohlc = dailyHistory(this.dailyDays, first, stock.volatility, (this.seed ^ hashString(stock.symbol)) >>> 0);
      const times: number[] = [];
      let t = this.historyStartMs - DAY_MS;
      while (times.length < ohlc.length) {
        const p = nyParts(t);
        if (nySessionOfDay(t)) times.unshift(nyTimeToMs(p.year, p.month, p.day, 0, 0));
        t -= DAY_MS;
      }
      bars = ohlc.map((b, k) => ({
        ...b,
        time: times[k] as number,
        wap: roundCents((b.open + b.high + b.low + b.close) / 4),
        count: Math.round(b.volume / 100),
      }));
      this.daily.set(stock.conId, bars);
    }
    return bars;
  }

  /**
   * Bars of `barSeconds` (a multiple of 5) covering (endMs - durationMs, endMs], built from
   * the 5-second path; the last bar may be incomplete when endMs is now.
   */
  intradayBars(stock: Stock, endMs: number, durationMs: number, barSeconds: number, useRth: boolean): Bar[] {
    const path = this.path(stock);
    const barMs = barSeconds * 1000;
    const end = Math.min(endMs, this.now());
    const start = Math.max(this.historyStartMs, end - durationMs);
    const firstBar = Math.floor(start / barMs) * barMs;
    const bars: Bar[] = [];
    for (let t = Math.max(firstBar, this.historyStartMs); t < end; t += barMs) {
      // Stocks trade 04:00-20:00 on trading days: no bars at night, at weekends or on holidays, even without
      // useRTH. A bar straddling a session edge keeps only its part inside the session and is
      // dated from there (RTH hour bars: 09:30-10:00, 10:00-11:00, ...).
      const span = this.clipToSession(t, Math.min(t + barMs, end), useRth);
      if (!span) continue;
      const bar = this.aggregate(path, span[0], span[1]);
      if (bar) bars.push(bar);
    }
    return bars;
  }

  /** The part of [fromMs, toMs) inside a regular (or extended) session, or undefined. */
  private clipToSession(fromMs: number, toMs: number, useRth: boolean): [number, number] | undefined {
    for (const ms of [fromMs, toMs - 1]) {
      const p = nyParts(ms);
      const key = `${p.year}-${p.month}-${p.day}`;
      let day = this.sessions.get(key);
      if (day === undefined) {
        const at = (h: number, m: number) => nyTimeToMs(p.year, p.month, p.day, h, m);
        const s = nySessionOfDay(ms);
        day = s ? [at(4, 0), at(Math.floor(s.openMinute / 60), s.openMinute % 60), at(Math.floor(s.closeMinute / 60), s.closeMinute % 60), at(20, 0)] : null;
        this.sessions.set(key, day);
      }
      if (!day) continue;
      const [open, close] = useRth ? [day[1], day[2]] : [day[0], day[3]];
      const from = Math.max(fromMs, open);
      const to = Math.min(toMs, close);
      if (from < to) return [from, to];
    }
    return undefined;
  }

  /** Daily bars (trading days) ending at `endMs`, today's partial bar included while the day runs. */
  dayBars(stock: Stock, endMs: number, days: number): Bar[] {
    const out = this.dailyBars(stock).filter((b) => b.time <= endMs);
    const path = this.path(stock);
    for (let d = this.historyStartMs; d <= Math.min(endMs, this.now()); d += DAY_MS) {
      const p = nyParts(d);
      const s = nySessionOfDay(d);
      if (!s) continue;
      const open = Math.max(this.historyStartMs, nyTimeToMs(p.year, p.month, p.day, Math.floor(s.openMinute / 60), s.openMinute % 60));
      const close = Math.min(nyTimeToMs(p.year, p.month, p.day, Math.floor(s.closeMinute / 60), s.closeMinute % 60), endMs, this.now());
      if (close <= open) continue;
      const bar = this.aggregate(path, open, close);
      if (bar) out.push({ ...bar, time: nyTimeToMs(p.year, p.month, p.day, 0, 0) });
    }
    return out.slice(-days);
  }

  private aggregate(path: PricePath, fromMs: number, toMs: number): Bar | undefined {
    const from = path.indexAt(fromMs);
    const to = path.indexAt(toMs - 1);
    if (to < from) return undefined;
    const first = path.step(from);
    let high = first.high;
    let low = first.low;
    let volume = 0;
    let notional = 0;
    let close = first.close;
    for (let i = from; i <= to; i++) {
      const b = path.step(i);
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
      volume += b.volume;
      notional += (b.volume * (b.high + b.low + b.close)) / 3;
      close = b.close;
    }
    // An incomplete last step closes at the current interpolated price.
    if (toMs > this.now() - STEP_SECONDS * 1000) close = path.priceAt(Math.min(toMs, this.now()));
    high = Math.max(high, close);
    low = Math.min(low, close);
    return {
      time: fromMs,
      open: first.open,
      high,
      low,
      close,
      volume,
      wap: roundCents(notional / Math.max(1, volume)),
      count: Math.max(1, Math.round(volume / 100)),
    };
  }
}

function roundTo(x: number, tick: number): number {
  return Math.round(Math.round(x / tick) * tick * 100) / 100;
}
