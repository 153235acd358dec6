// Bars over time: 5-second real-time bars (reqRealTimeBars) and the in-progress bar
// updates of reqHistoricalData with keepUpToDate, pushed as the simulated clock runs.
import type { Stock } from '../market/instruments';
import type { Bar } from '../market/market';
import { nySessionOfDay, twsBarTime, twsDate } from '../market/marketTime';
import { STEP_SECONDS } from '../market/pricePath';
import { roundCents } from '../market/rounding';
import { encodeHistoricalDataUpdate, type HistoricalBar } from '../protocol/historyCodec';
import { encodeRealtimeBar } from '../protocol/marketDataCodec';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { RequestSubscriptions } from './requestSubscriptions';

interface RealtimeSub {
  conn: ClientConnection;
  reqId: number;
  stock: Stock;
  /** Next 5-second step to send. */
  nextStep: number;
}

interface UpToDateSub {
  conn: ClientConnection;
  reqId: number;
  stock: Stock;
  barSeconds: number;
  formatDate: number;
  useRth: boolean;
  lastStep: number;
}

export class BarFeed {
  private readonly realtime = new RequestSubscriptions<RealtimeSub>();
  private readonly upToDate = new RequestSubscriptions<UpToDateSub>();

  constructor(private readonly sim: TwsSimulator) {}

  addRealtime(conn: ClientConnection, reqId: number, stock: Stock): void {
    const path = this.sim.market.path(stock);
    this.realtime.add({ conn, reqId, stock, nextStep: path.indexAt(this.sim.market.now()) });
  }

  cancelRealtime(conn: ClientConnection, reqId: number): void {
    this.realtime.remove(conn, reqId);
  }

  addUpToDate(conn: ClientConnection, reqId: number, stock: Stock, barSeconds: number, formatDate: number, useRth: boolean): void {
    const step = this.sim.market.path(stock).indexAt(this.sim.market.now());
    this.upToDate.add({ conn, reqId, stock, barSeconds, formatDate, useRth, lastStep: step });
  }

  cancelUpToDate(conn: ClientConnection, reqId: number): void {
    this.upToDate.remove(conn, reqId);
  }

  /** The bar in progress at `now` for an intraday bar size (undefined outside the session). */
  private currentIntradayBar(sub: UpToDateSub, now: number): Bar | undefined {
    const barMs = sub.barSeconds * 1000;
    const start = Math.floor(now / barMs) * barMs;
    const bars = this.sim.market.intradayBars(sub.stock, now, now - start + 1, sub.barSeconds, sub.useRth);
    return bars[bars.length - 1];
  }

  dropConnection(conn: ClientConnection): void {
    this.realtime.dropConnection(conn);
    this.upToDate.dropConnection(conn);
  }

  dropAll(): void {
    this.realtime.clear();
    this.upToDate.clear();
  }

  onTick(): void {
    const now = this.sim.market.now();
    for (const sub of this.realtime.values()) {
      const path = this.sim.market.path(sub.stock);
      const current = path.indexAt(now);
      // Send every step that has completed since the last one sent.
      for (; sub.nextStep < current; sub.nextStep++) {
        const b = path.step(sub.nextStep);
        const time = Math.floor(path.startMs / 1000) + sub.nextStep * STEP_SECONDS;
        if (!nySessionOfDay(time * 1000)) continue; // weekends and holidays: no trades, no bars
        sub.conn.send(
          encodeRealtimeBar(sub.conn.version, {
            reqId: sub.reqId,
            time,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            volume: b.volume,
            wap: roundCents((b.high + b.low + b.close) / 3),
            count: Math.max(1, Math.round(b.volume / 100)),
          }),
        );
      }
    }
    for (const sub of this.upToDate.values()) {
      const step = this.sim.market.path(sub.stock).indexAt(now);
      if (step === sub.lastStep) continue;
      sub.lastStep = step;
      // Daily bars are New York sessions, not UTC-aligned spans: today's comes from the day bars.
      const last = sub.barSeconds >= 86_400 ? this.sim.market.dayBars(sub.stock, now, 1)[0] : this.currentIntradayBar(sub, now);
      if (last) sub.conn.send(encodeHistoricalDataUpdate(sub.conn.version, sub.reqId, toHistoricalBar(last, sub.barSeconds, sub.formatDate)));
    }
  }
}

/** A market bar in the wire form, with the date formatted as the request asked. */
export function toHistoricalBar(b: Bar, barSeconds: number, formatDate: number): HistoricalBar {
  return {
    date: formatBarDate(b.time, barSeconds, formatDate),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    wap: b.wap,
    barCount: b.count,
  };
}

export function formatBarDate(ms: number, barSeconds: number, formatDate: number): string {
  if (barSeconds >= 86_400) return twsDate(ms);
  return formatDate === 2 ? String(Math.floor(ms / 1000)) : twsBarTime(ms);
}
