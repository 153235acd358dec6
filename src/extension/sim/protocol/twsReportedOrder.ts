// How TWS reports back an order it accepted: a few attributes a client leaves unset come
// back in openOrder / completedOrder with TWS's own value, not as sent.
// Evidence: IB Gateway captures of openOrder and completedOrder for orders placed without
// these attributes (wboayue/rust-ibapi src/orders/common/test_data.rs, also pinned in
// test/unit/sim/orderCodecFrames.test.ts) carry ocaType 3, clearingIntent "IB",
// deltaNeutralOrderType "None" (so the delta-neutral block follows, with openClose "?")
// and adjustedOrderType "None". IB's Java client maps the text "None" back to its empty
// OrderType.None (com/ib/client/OrderType.java get(): "None" -> None, whose API string
// is ""), while the Python ibapi, ib_async and @stoqey/ib keep the text: every one of
// them reads the delta-neutral block whenever the type is not "" (ibapi orderdecoder.py
// decodeVolOrderParams, ib_async decoder.py openOrder / completedOrder).

import type { WireOrder } from './orderTypes';

/** TWS's word for an unset order type (delta-neutral, adjusted). */
export const TWS_NO_ORDER_TYPE = 'None';
/** OCA type TWS reports when the client sent none (3: reduce remaining orders, no block). */
export const TWS_DEFAULT_OCA_TYPE = 3;
/** Clearing intent TWS reports when the client sent none. */
export const TWS_DEFAULT_CLEARING_INTENT = 'IB';

/** The order as TWS keeps and reports it. Idempotent. */
export function twsReportedOrder(order: WireOrder): WireOrder {
  const unsetType = (t: string) => t === '' || t.toUpperCase() === 'NONE';
  const dnUnset = unsetType(order.deltaNeutralOrderType);
  return {
    ...order,
    ocaType: order.ocaType || TWS_DEFAULT_OCA_TYPE,
    clearingIntent: order.clearingIntent || TWS_DEFAULT_CLEARING_INTENT,
    adjustedOrderType: unsetType(order.adjustedOrderType) ? TWS_NO_ORDER_TYPE : order.adjustedOrderType,
    deltaNeutralOrderType: dnUnset ? TWS_NO_ORDER_TYPE : order.deltaNeutralOrderType,
    deltaNeutralOpenClose: dnUnset && order.deltaNeutralOpenClose === '' ? '?' : order.deltaNeutralOpenClose,
  };
}
