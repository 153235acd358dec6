// reqHistoricalData (with keepUpToDate), cancelHistoricalData, reqHeadTimestamp.
// Under the `pacing` fault, IBKR's historical pacing rules are enforced with 162:
// no identical request within 15 s, at most 6 requests for one contract within 2 s,
// at most 60 requests in 10 minutes.
import type { Bar } from '../market/market';
import { nyParts, nyTimeToMs, twsDate, twsUtcTime } from '../market/marketTime';
import { roundCents } from '../market/rounding';
import { RequestId } from '../../tws/messageIds';
import {
  decodeCancelHeadTimestamp,
  decodeCancelHistoricalData,
  decodeReqHeadTimestamp,
  decodeReqHistoricalData,
  encodeHeadTimestamp,
  encodeHistoricalData,
} from '../protocol/historyCodec';
import type { ClientConnection } from '../server/clientConnection';
import { formatBarDate, toHistoricalBar } from '../feeds/barFeed';
import { requestedStock } from './contractResolver';
import { parseBarSize, parseDuration, parseEndDateTime } from './historySpec';
import { decodedWith } from './decoded';
import type { Register } from './registry';

const PACING_MESSAGE = 'Historical Market Data Service error message:Historical data request pacing violation';

interface PacingLog {
  times: number[];
  byKey: Map<string, number>;
  byContract: Map<number, number[]>;
}
const pacing = new WeakMap<ClientConnection, PacingLog>();

function violatesPacing(conn: ClientConnection, reqKey: string, conId: number): boolean {
  const now = Date.now();
  let log = pacing.get(conn);
  if (!log) pacing.set(conn, (log = { times: [], byKey: new Map(), byContract: new Map() }));
  log.times = log.times.filter((t) => t > now - 600_000);
  const recent = (log.byContract.get(conId) ?? []).filter((t) => t > now - 2000);
  const identical = log.byKey.get(reqKey);
  const violation = (identical !== undefined && identical > now - 15_000) || recent.length >= 6 || log.times.length >= 60;
  log.times.push(now);
  recent.push(now);
  log.byContract.set(conId, recent);
  log.byKey.set(reqKey, now);
  return violation;
}

/**
 * Daily, weekly or monthly bars for a duration. "N D" is N trading days (N daily bars);
 * W, M and Y are calendar spans ("1 Y" is about 252 daily bars, not 365). Weekly and
 * monthly bars aggregate the daily ones and are dated by their first trading day.
 */
function longBars(daily: Bar[], durationStr: string, durationSeconds: number, endMs: number, barSeconds: number): Bar[] {
  const days = /D\s*$/i.test(durationStr) ? daily.slice(-Math.round(durationSeconds / 86_400)) : daily.filter((b) => b.time > endMs - durationSeconds * 1000);
  if (barSeconds === 86_400) return days;
  const groupOf = (b: Bar) => {
    const d = twsDate(b.time);
    if (barSeconds > 7 * 86_400) return d.slice(0, 6);
    const utc = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)));
    utc.setUTCDate(utc.getUTCDate() - ((utc.getUTCDay() + 6) % 7));
    return utc.toISOString().slice(0, 10);
  };
  const out: Bar[] = [];
  let key = '';
  for (const b of days) {
    const k = groupOf(b);
    const cur = out[out.length - 1];
    if (!cur || k !== key) {
      out.push({ ...b });
      key = k;
      continue;
    }
    const volume = cur.volume + b.volume;
    cur.wap = roundCents((cur.wap * cur.volume + b.wap * b.volume) / Math.max(1, volume));
    cur.high = Math.max(cur.high, b.high);
    cur.low = Math.min(cur.low, b.low);
    cur.close = b.close;
    cur.volume = volume;
    cur.count += b.count;
  }
  return out;
}

export function registerHistoryHandlers(on: Register): void {
  on(
    RequestId.REQ_HISTORICAL_DATA,
    decodedWith(requestedStock, decodeReqHistoricalData, (sim, conn, req, stock) => {
      const barSeconds = parseBarSize(req.barSizeSetting);
      if (barSeconds === undefined) {
        conn.sendError(
          req.reqId,
          321,
          `Error validating request.-'bX' : cause - Historical data bar size setting "${req.barSizeSetting}" is invalid. Legal ones are: 1 secs, 5 secs, 10 secs, 15 secs, 30 secs, 1 min, 2 mins, 3 mins, 5 mins, 10 mins, 15 mins, 20 mins, 30 mins, 1 hour, 2 hours, 3 hours, 4 hours, 8 hours, 1 day, 1 week, 1 month`,
        );
        return;
      }
      const durationSeconds = parseDuration(req.durationStr);
      if (durationSeconds === undefined) {
        conn.sendError(
          req.reqId,
          321,
          `Error validating request.-'bX' : cause - Historical data query duration "${req.durationStr}" is invalid: use "<integer> <unit>" with unit S, D, W, M or Y`,
        );
        return;
      }
      const now = sim.market.now();
      const end = parseEndDateTime(req.endDateTime, now);
      if (end === undefined) {
        conn.sendError(
          req.reqId,
          321,
          `Error validating request.-'bX' : cause - End date/time "${req.endDateTime}" is invalid: use "yyyyMMdd HH:mm:ss US/Eastern" or "yyyyMMdd-HH:mm:ss" (UTC)`,
        );
        return;
      }
      if (req.keepUpToDate && req.endDateTime.trim() !== '') {
        conn.sendError(
          req.reqId,
          321,
          "Error validating request.-'bX' : cause - End date not supported with live updates (keepUpToDate requires an empty endDateTime)",
        );
        return;
      }
      if (barSeconds % 5 !== 0 && barSeconds < 86_400) {
        conn.sendError(
          req.reqId,
          162,
          `Historical Market Data Service error message:No data of type ${req.barSizeSetting} bars is kept by the simulator (its resolution is 5 seconds)`,
        );
        return;
      }
      const reqKey = `${stock.conId}|${req.endDateTime}|${req.durationStr}|${req.barSizeSetting}|${req.whatToShow}|${req.useRTH}`;
      if (sim.options.faults.pacing && violatesPacing(conn, reqKey, stock.conId)) {
        conn.sendError(req.reqId, 162, PACING_MESSAGE);
        return;
      }
      const bars =
        barSeconds >= 86_400
          ? longBars(sim.market.dayBars(stock, end, Number.MAX_SAFE_INTEGER), req.durationStr, durationSeconds, end, barSeconds)
          : sim.market.intradayBars(stock, end, durationSeconds * 1000, barSeconds, req.useRTH);
      const startMs = end - durationSeconds * 1000;
      conn.send(
        encodeHistoricalData(conn.version, {
          reqId: req.reqId,
          startDate: formatBarDate(startMs, Math.min(barSeconds, 86_399), req.formatDate),
          endDate: formatBarDate(end, Math.min(barSeconds, 86_399), req.formatDate),
          bars: bars.map((b) => toHistoricalBar(b, barSeconds, req.formatDate)),
        }),
      );
      if (req.keepUpToDate) sim.feeds.bars.addUpToDate(conn, req.reqId, stock, barSeconds, req.formatDate, req.useRTH);
    }),
  );
  on(RequestId.CANCEL_HISTORICAL_DATA, (sim, conn, r) => {
    sim.feeds.bars.cancelUpToDate(conn, decodeCancelHistoricalData(r, conn.version).reqId);
  });
  on(
    RequestId.REQ_HEAD_TIMESTAMP,
    decodedWith(requestedStock, decodeReqHeadTimestamp, (sim, conn, req, stock) => {
      const first = sim.market.dailyBars(stock)[0];
      // The first session of the history: its regular open (09:30 New York), or the
      // pre-market open (04:00) when outside-RTH data counts. Bar times are New York midnights.
      const day = first ? nyParts(first.time) : undefined;
      const ms = day ? nyTimeToMs(day.year, day.month, day.day, req.useRTH ? 9 : 4, req.useRTH ? 30 : 0) : sim.market.historyStartMs;
      conn.send(encodeHeadTimestamp(conn.version, req.reqId, req.formatDate === 2 ? String(Math.floor(ms / 1000)) : twsUtcTime(ms)));
    }),
  );
  on(RequestId.CANCEL_HEAD_TIMESTAMP, (_sim, conn, r) => {
    decodeCancelHeadTimestamp(r, conn.version);
  });
}
