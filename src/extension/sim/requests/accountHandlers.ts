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
import type { Register } from './registry';

export function registerAccountHandlers(on: Register): void {
  on(RequestId.REQ_POSITIONS, (sim, conn, r) => {
    decodeReqPositions(r, conn.version);
    sim.feeds.account.subscribePositions(conn);
  });
  on(RequestId.CANCEL_POSITIONS, (sim, conn, r) => {
    decodeCancelPositions(r, conn.version);
    sim.feeds.account.cancelPositions(conn);
  });
  on(RequestId.REQ_ACCOUNT_DATA, (sim, conn, r) => {
    const req = decodeReqAccountUpdates(r, conn.version);
    if (req.acctCode && req.acctCode !== sim.account.id) {
      conn.sendError(-1, 321, `Error validating request.-'bC' : cause - Account ${req.acctCode} is not one of the managed accounts (${sim.account.id})`);
      return;
    }
    if (req.subscribe) sim.feeds.account.subscribeAccountUpdates(conn);
    else sim.feeds.account.unsubscribeAccountUpdates(conn);
  });
  on(RequestId.REQ_ACCOUNT_UPDATES_MULTI, (sim, conn, r) => {
    const req = decodeReqAccountUpdatesMulti(r, conn.version);
    sim.feeds.account.subscribeMulti(conn, req.reqId, req.ledgerAndNLV);
  });
  on(RequestId.CANCEL_ACCOUNT_UPDATES_MULTI, (sim, conn, r) => {
    sim.feeds.account.cancelMulti(conn, decodeCancelAccountUpdatesMulti(r, conn.version).reqId);
  });
  on(RequestId.REQ_ACCOUNT_SUMMARY, (sim, conn, r) => {
    const req = decodeReqAccountSummary(r, conn.version);
    sim.feeds.account.subscribeSummary(conn, req.reqId, req.tagList);
  });
  on(RequestId.CANCEL_ACCOUNT_SUMMARY, (sim, conn, r) => {
    sim.feeds.account.cancelSummary(conn, decodeCancelAccountSummary(r, conn.version).reqId);
  });
  on(RequestId.REQ_PNL, (sim, conn, r) => {
    sim.feeds.account.subscribePnl(conn, decodeReqPnL(r, conn.version).reqId);
  });
  on(RequestId.CANCEL_PNL, (sim, conn, r) => {
    sim.feeds.account.cancelPnl(conn, decodeCancelPnL(r, conn.version).reqId);
  });
  on(RequestId.REQ_PNL_SINGLE, (sim, conn, r) => {
    const req = decodeReqPnLSingle(r, conn.version);
    sim.feeds.account.subscribePnlSingle(conn, req.reqId, req.conId);
  });
  on(RequestId.CANCEL_PNL_SINGLE, (sim, conn, r) => {
    sim.feeds.account.cancelPnlSingle(conn, decodeCancelPnLSingle(r, conn.version).reqId);
  });
}
