// Historical data: reqHistoricalData / cancelHistoricalData and reqHeadTimestamp /
// cancelHeadTimestamp in; historicalData, historicalDataUpdate, headTimestamp and
// historicalSchedule out.
// Layouts checked against: the TWS API docs (historical bars, Bar class reference);
// the official Python client (nautechsystems/nautilus_ibapi ibapi/client.py
// reqHistoricalData / reqHeadTimeStamp, ibapi/decoder.py processHistoricalDataMsg /
// processHistoricalDataUpdateMsg / processHistoricalSchedule); the official Java
// EDecoder (xqguo/twsapi source/JavaClient/com/ib/client/EDecoder.java);
// @stoqey/ib 1.6.10 (dist/core/io/encoder.js, dist/core/io/decoder.js).
// Also ib_async's independent decoder (ib-api-reloaded/ib_async ib_async/decoder.py).
//
// There is no separate historicalDataEnd message up to server 178: the end marker
// is implied by HISTORICAL_DATA itself (clients fire historicalDataEnd with its
// start/end dates). A HISTORICAL_DATA_END message (108) only exists from server 196.

import type { WireTagValue } from './contractDetailsTypes';
import type { WireContract } from './contractTypes';
import {
  decodeUnversionedCancel,
  decodeVersionedCancel,
  readBagLegs,
  readContractRequest,
  readJoinedTagValues,
  requireVersion,
  writeOhlc,
  writeSize,
  writeWap,
  type WireOhlc,
} from './codecFields';
import { EventId } from '../../tws/messageIds';
import { SV } from '../../tws/serverVersions';
import { FieldWriter, type FieldReader } from '../../tws/wire';

// ---- client -> TWS ----

export interface ReqHistoricalData {
  reqId: number;
  /** includeExpired and, for BAG, comboLegs are filled in. */
  contract: WireContract;
  /** "" = now; "yyyyMMdd HH:mm:ss[ tz]" or "yyyyMMdd-HH:mm:ss" (UTC). */
  endDateTime: string;
  barSizeSetting: string;
  durationStr: string;
  useRTH: boolean;
  whatToShow: string;
  /** 1 = "yyyyMMdd  HH:mm:ss" text, 2 = epoch seconds. */
  formatDate: number;
  /** From SYNT_REALTIME_BARS (124); false before. */
  keepUpToDate: boolean;
  chartOptions: WireTagValue[];
}

/**
 * REQ_HISTORICAL_DATA (20): version 6 only before SYNT_REALTIME_BARS (124); reqId,
 * contract block + includeExpired, endDateTime, barSizeSetting, durationStr, useRTH,
 * whatToShow, formatDate, BAG legs, keepUpToDate (124), chartOptions.
 */
export function decodeReqHistoricalData(r: FieldReader, serverVersion: number): ReqHistoricalData {
  const { reqId, contract } = readContractRequest(r, { versioned: serverVersion < SV.SYNT_REALTIME_BARS, includeExpired: true });
  const endDateTime = r.str('endDateTime');
  const barSizeSetting = r.str('barSizeSetting');
  const durationStr = r.str('durationStr');
  const useRTH = r.bool('useRTH');
  const whatToShow = r.str('whatToShow');
  const formatDate = r.int('formatDate');
  readBagLegs(r, contract);
  const keepUpToDate = serverVersion >= SV.SYNT_REALTIME_BARS ? r.bool('keepUpToDate') : false;
  const chartOptions = readJoinedTagValues(r, 'chartOptions');
  return { reqId, contract, endDateTime, barSizeSetting, durationStr, useRTH, whatToShow, formatDate, keepUpToDate, chartOptions };
}

/** CANCEL_HISTORICAL_DATA (25): version 1, reqId. */
export const decodeCancelHistoricalData = decodeVersionedCancel;

export interface ReqHeadTimestamp {
  reqId: number;
  contract: WireContract;
  useRTH: boolean;
  whatToShow: string;
  formatDate: number;
}

/** REQ_HEAD_TIMESTAMP (87), no version, from 118: reqId, contract block + includeExpired, useRTH, whatToShow, formatDate. */
export function decodeReqHeadTimestamp(r: FieldReader, _serverVersion: number): ReqHeadTimestamp {
  const { reqId, contract } = readContractRequest(r, { versioned: false, includeExpired: true });
  return { reqId, contract, useRTH: r.bool('useRTH'), whatToShow: r.str('whatToShow'), formatDate: r.int('formatDate') };
}

/** CANCEL_HEAD_TIMESTAMP (90), no version, from 123: reqId. */
export const decodeCancelHeadTimestamp = decodeUnversionedCancel;

// ---- TWS -> client ----

export interface HistoricalBar extends WireOhlc {
  /** Formatted per the request's formatDate ("20240119", "20240119 09:30:00", or epoch seconds). */
  date: string;
  barCount: number;
}

export interface HistoricalData {
  reqId: number;
  /** The period the bars cover, in the request's date format; clients pass them to historicalDataEnd. */
  startDate: string;
  endDate: string;
  bars: readonly HistoricalBar[];
}

/**
 * HISTORICAL_DATA (17): before SYNT_REALTIME_BARS (124) version 3 and a per-bar
 * hasGaps text before barCount; from 124 neither. reqId, startDate, endDate,
 * bar count, then date, open, high, low, close, volume, wap, [hasGaps], barCount.
 */
export function encodeHistoricalData(serverVersion: number, h: HistoricalData): string[] {
  const old = serverVersion < SV.SYNT_REALTIME_BARS;
  const w = new FieldWriter().int(EventId.HISTORICAL_DATA);
  if (old) w.int(3);
  w.int(h.reqId).str(h.startDate).str(h.endDate).int(h.bars.length);
  for (const b of h.bars) {
    writeOhlc(w.str(b.date), serverVersion, b);
    if (old) w.str('false');
    w.int(b.barCount);
  }
  return w.fields;
}

/**
 * HISTORICAL_DATA_UPDATE (90), no version, for keepUpToDate requests (124):
 * reqId, barCount, date, open, close, high, low, wap, volume (note the order).
 */
export function encodeHistoricalDataUpdate(serverVersion: number, reqId: number, b: HistoricalBar): string[] {
  requireVersion(serverVersion, SV.SYNT_REALTIME_BARS, 'historicalDataUpdate');
  const w = new FieldWriter()
    .int(EventId.HISTORICAL_DATA_UPDATE)
    .int(reqId)
    .int(b.barCount)
    .str(b.date)
    .double(b.open)
    .double(b.close)
    .double(b.high)
    .double(b.low);
  writeWap(w, serverVersion, b.wap);
  writeSize(w, serverVersion, b.volume);
  return w.fields;
}

/** HEAD_TIMESTAMP (88), no version, from 118: reqId, headTimestamp (in the request's date format). */
export function encodeHeadTimestamp(serverVersion: number, reqId: number, headTimestamp: string): string[] {
  requireVersion(serverVersion, SV.REQ_HEAD_TIMESTAMP, 'headTimestamp');
  return new FieldWriter().int(EventId.HEAD_TIMESTAMP).int(reqId).str(headTimestamp).fields;
}

export interface HistoricalSession {
  startDateTime: string;
  endDateTime: string;
  refDate: string;
}

export interface HistoricalSchedule {
  reqId: number;
  startDateTime: string;
  endDateTime: string;
  timeZone: string;
  sessions: readonly HistoricalSession[];
}

/**
 * HISTORICAL_SCHEDULE (106), the answer to whatToShow=SCHEDULE from
 * HISTORICAL_SCHEDULE (165): reqId, start, end, timeZone, session count, then
 * start, end, refDate each.
 */
export function encodeHistoricalSchedule(serverVersion: number, s: HistoricalSchedule): string[] {
  requireVersion(serverVersion, SV.HISTORICAL_SCHEDULE, 'historicalSchedule');
  const w = new FieldWriter().int(EventId.HISTORICAL_SCHEDULE).int(s.reqId).str(s.startDateTime).str(s.endDateTime).str(s.timeZone).int(s.sessions.length);
  for (const x of s.sessions) w.str(x.startDateTime).str(x.endDateTime).str(x.refDate);
  return w.fields;
}
