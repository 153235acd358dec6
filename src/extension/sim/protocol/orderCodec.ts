// The simulator's order-side wire codec in one import: decoders for what clients send
// about orders, encoders for what TWS sends back. Each module names the references its
// layouts were checked against.

export { decodePlaceOrder } from './placeOrderDecoder';
export type { PlaceOrderRequest } from './placeOrderDecoder';
// cancelOrder, the open / completed order requests, reqExecutions, reqGlobalCancel.
export * from './orderRequestDecoders';
export { encodeCompletedOrder, encodeCompletedOrdersEnd, encodeOpenOrder, encodeOpenOrderEnd } from './openOrderEncoder';
export { encodeCommissionReport, encodeExecDetails, encodeExecDetailsEnd, encodeOrderStatus } from './orderEventEncoders';
