// reqMktData / cancelMktData and reqRealTimeBars / cancelRealTimeBars.
import { RequestId } from '../../tws/messageIds';
import { decodeCancelMktData, decodeCancelRealTimeBars, decodeReqMktData, decodeReqRealTimeBars } from '../protocol/marketDataCodec';
import { requestedInstrument, requestedStock } from './contractResolver';
import { decodedWith } from './decoded';
import type { Register } from './registry';

// Under the `pacing` fault: at most 60 *new* real-time bar requests in 10 minutes
// (interactivebrokers.github.io/tws-api/realtime_bars.html); TWS answers the next with 420.
// Counted per simulator (the user's), not per socket: real-time bars hold the user's market
// data lines, and a reconnect does not reset them. (Historical pacing stays per socket, as
// the simulator always had it; IBKR does not document the scope of either.)
const REALTIME_PACING = { limit: 60, windowMs: 600_000 };
const realtimeRequests = new WeakMap<object, number[]>();

function violatesRealtimePacing(owner: object): boolean {
  const now = Date.now();
  const times = (realtimeRequests.get(owner) ?? []).filter((t) => t > now - REALTIME_PACING.windowMs);
  realtimeRequests.set(owner, times);
  if (times.length >= REALTIME_PACING.limit) return true;
  times.push(now);
  return false;
}

export function registerMarketDataHandlers(on: Register): void {
  on(
    RequestId.REQ_MKT_DATA,
    decodedWith(requestedInstrument, decodeReqMktData, (sim, conn, req, resolved) => {
      if (sim.options.faults.competingSession) {
        conn.sendError(req.reqId, 10197, 'No market data during competing live session');
        return;
      }
      if (resolved.wire.secType === 'BAG') {
        conn.sendError(
          req.reqId,
          321,
          "Error validating request.-'sim' : cause - market data for BAG contracts is not supported by the simulator; request each leg.",
        );
        return;
      }
      sim.feeds.marketData.subscribe(conn, req.reqId, resolved.wire.conId, resolved.wire, req.snapshot || req.regulatorySnapshot);
    }),
  );
  on(RequestId.CANCEL_MKT_DATA, (sim, conn, r) => {
    sim.feeds.marketData.cancel(conn, decodeCancelMktData(r, conn.version).reqId);
  });
  on(
    RequestId.REQ_REAL_TIME_BARS,
    decodedWith(requestedStock, decodeReqRealTimeBars, (sim, conn, req, stock) => {
      if (req.barSize !== 5) {
        conn.sendError(req.reqId, 321, `Error validating request.-'bP' : cause - Invalid bar size ${req.barSize}: real-time bars are 5 seconds.`);
        return;
      }
      if (sim.options.faults.noMarketData) {
        conn.sendError(req.reqId, 420, `Invalid Real-time Query:No market data permissions for ${stock.primaryExch} STK.`);
        return;
      }
      if (sim.options.faults.pacing && violatesRealtimePacing(sim)) {
        conn.sendError(req.reqId, 420, 'Invalid Real-time Query:Historical data request pacing violation');
        return;
      }
      sim.feeds.bars.addRealtime(conn, req.reqId, stock);
    }),
  );
  on(RequestId.CANCEL_REAL_TIME_BARS, (sim, conn, r) => {
    sim.feeds.bars.cancelRealtime(conn, decodeCancelRealTimeBars(r, conn.version).reqId);
  });
}
