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
import { decoded } from './decoded';
import type { Register } from './registry';

export function registerSessionHandlers(on: Register): void {
  on(
    RequestId.REQ_IDS,
    decoded(decodeReqIds, (sim, conn) => conn.send(encodeNextValidId(conn.version, sim.nextValidId()))),
  );
  on(
    RequestId.REQ_CURRENT_TIME,
    decoded(decodeReqCurrentTime, (sim, conn) => conn.send(encodeCurrentTime(conn.version, sim.clock.nowSeconds()))),
  );
  on(
    RequestId.REQ_MANAGED_ACCTS,
    decoded(decodeReqManagedAccts, (sim, conn) => conn.send(encodeManagedAccounts(conn.version, [sim.account.id]))),
  );
  on(
    RequestId.REQ_MARKET_DATA_TYPE,
    decoded(decodeReqMarketDataType, (sim, conn, req) => {
      if (req.marketDataType < 1 || req.marketDataType > 4) {
        conn.sendError(-1, 10090, `Invalid market data type ${req.marketDataType}; valid types are 1 (live), 2 (frozen), 3 (delayed), 4 (delayed frozen).`);
        return;
      }
      sim.feeds.marketData.dataType.set(conn, req.marketDataType);
    }),
  );
}
