// Positions, account updates (single and multi), account summary, P&L.
import { RequestId } from '../../tws/messageIds';
import {
  decodeCancelAccountSummary,
  decodeCancelAccountUpdatesMulti,
  decodeCancelPnL,
  decodeCancelPnLSingle,
  decodeCancelPositions,
  decodeReqAccountSummary,
  decodeReqAccountUpdates,
  decodeReqAccountUpdatesMulti,
  decodeReqPnL,
  decodeReqPnLSingle,
  decodeReqPositions,
} from '../protocol/accountCodec';
import { decoded } from './decoded';
import type { Register } from './registry';

export function registerAccountHandlers(on: Register): void {
  on(
    RequestId.REQ_POSITIONS,
    decoded(decodeReqPositions, (sim, conn) => sim.feeds.account.subscribePositions(conn)),
  );
  on(
    RequestId.CANCEL_POSITIONS,
    decoded(decodeCancelPositions, (sim, conn) => sim.feeds.account.cancelPositions(conn)),
  );
  on(
    RequestId.REQ_ACCOUNT_DATA,
    decoded(decodeReqAccountUpdates, (sim, conn, req) => {
      if (req.acctCode && req.acctCode !== sim.account.id) {
        conn.sendError(-1, 321, `Error validating request.-'bC' : cause - Account ${req.acctCode} is not one of the managed accounts (${sim.account.id})`);
        return;
      }
      if (req.subscribe) sim.feeds.account.subscribeAccountUpdates(conn);
      else sim.feeds.account.unsubscribeAccountUpdates(conn);
    }),
  );
  on(
    RequestId.REQ_ACCOUNT_UPDATES_MULTI,
    decoded(decodeReqAccountUpdatesMulti, (sim, conn, req) => sim.feeds.account.subscribeMulti(conn, req.reqId, req.ledgerAndNLV)),
  );
  on(
    RequestId.REQ_ACCOUNT_SUMMARY,
    decoded(decodeReqAccountSummary, (sim, conn, req) => sim.feeds.account.subscribeSummary(conn, req.reqId, req.tagList)),
  );
  on(
    RequestId.REQ_PNL,
    decoded(decodeReqPnL, (sim, conn, req) => sim.feeds.account.subscribePnl(conn, req.reqId)),
  );
  on(
    RequestId.REQ_PNL_SINGLE,
    decoded(decodeReqPnLSingle, (sim, conn, req) => sim.feeds.account.subscribePnlSingle(conn, req.reqId, req.conId)),
  );
  // The streams a reqId names end alike: the cancel names the reqId, the feed forgets it.
  for (const [id, decode, cancel] of [
    [RequestId.CANCEL_ACCOUNT_UPDATES_MULTI, decodeCancelAccountUpdatesMulti, 'cancelMulti'],
    [RequestId.CANCEL_ACCOUNT_SUMMARY, decodeCancelAccountSummary, 'cancelSummary'],
    [RequestId.CANCEL_PNL, decodeCancelPnL, 'cancelPnl'],
    [RequestId.CANCEL_PNL_SINGLE, decodeCancelPnLSingle, 'cancelPnlSingle'],
  ] as const) {
    on(
      id,
      decoded(decode, (sim, conn, req) => sim.feeds.account[cancel](conn, req.reqId)),
    );
  }
}
