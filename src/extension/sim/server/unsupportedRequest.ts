// The answer to a request the simulator does not implement goes to that request's id, as TWS's
// would: where the id sits differs between the classic messages and the newer ones.
import { RequestId } from '../../tws/messageIds';

/** Requests without a request id: the error for them goes to -1. */
const NO_REQ_ID = new Set<number>([
  RequestId.REQ_SCANNER_PARAMETERS,
  RequestId.REQ_FAMILY_CODES,
  RequestId.REQ_MKT_DEPTH_EXCHANGES,
  RequestId.REQ_NEWS_PROVIDERS,
  RequestId.REQ_NEWS_BULLETINS,
  RequestId.CANCEL_NEWS_BULLETINS,
  RequestId.SET_SERVER_LOGLEVEL,
  RequestId.REQ_FA,
  RequestId.QUERY_DISPLAY_GROUPS,
]);

/**
 * The request id of a message the simulator does not implement: after the version
 * field for the classic messages, first for those added without one (id 79 and up).
 */
export function requestIdOf(msgId: number, fields: readonly string[]): number {
  if (NO_REQ_ID.has(msgId)) return -1;
  const raw = msgId >= RequestId.REQ_SOFT_DOLLAR_TIERS ? fields[0] : fields[1];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) ? n : -1;
}
