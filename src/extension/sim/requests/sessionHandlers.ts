// reqIds, reqCurrentTime, reqManagedAccts, reqMarketDataType.
import { RequestId } from '../../tws/messageIds';
import {
  decodeReqCurrentTime,
  decodeReqIds,
  decodeReqManagedAccts,
  decodeReqMarketDataType,
  encodeCurrentTime,
  encodeManagedAccounts,
  encodeNextValidId,
} from '../protocol/sessionCodec';
import type { Register } from './registry';

export function registerSessionHandlers(on: Register): void {
  on(RequestId.REQ_IDS, (sim, conn, r) => {
    decodeReqIds(r, conn.version);
    conn.send(encodeNextValidId(conn.version, sim.nextValidId()));
  });
  on(RequestId.REQ_CURRENT_TIME, (sim, conn, r) => {
    decodeReqCurrentTime(r, conn.version);
    conn.send(encodeCurrentTime(conn.version, sim.clock.nowSeconds()));
  });
  on(RequestId.REQ_MANAGED_ACCTS, (sim, conn, r) => {
    decodeReqManagedAccts(r, conn.version);
    conn.send(encodeManagedAccounts(conn.version, [sim.account.id]));
  });
  on(RequestId.REQ_MARKET_DATA_TYPE, (sim, conn, r) => {
    const req = decodeReqMarketDataType(r, conn.version);
    if (req.marketDataType < 1 || req.marketDataType > 4) {
      conn.sendError(-1, 10090, `Invalid market data type ${req.marketDataType}; valid types are 1 (live), 2 (frozen), 3 (delayed), 4 (delayed frozen).`);
      return;
    }
    sim.feeds.marketData.dataType.set(conn, req.marketDataType);
  });
}
