// The checks TWS makes on a placeOrder before it takes the order, with its error codes.
import type { WireContract } from '../protocol/contractTypes';
import type { WireOrder } from '../protocol/orderTypes';
import { UNSET_DOUBLE } from '../../tws/wire';

const SUPPORTED_TYPES = new Set(['MKT', 'LMT', 'STP', 'STP LMT']);

/** Read-Only API (fault `read-only`): orders and what-if are rejected with 321 and this text. */
export const READ_ONLY_MESSAGE = "Error validating request.-'bW' : cause - The API interface is currently in Read-Only mode.";

/** A price field the client filled in (not left at UNSET_DOUBLE). */
export function isPriceSet(v: number | undefined): boolean {
  return v !== undefined && v !== UNSET_DOUBLE && Number.isFinite(v);
}

/** The error TWS answers an order it cannot take with, or undefined when the order is well formed. */
export function orderRejection(contract: WireContract, order: WireOrder): { code: number; message: string } | undefined {
  if (!SUPPORTED_TYPES.has(order.orderType)) {
    return {
      code: 387,
      message: `Unsupported order type for this exchange and security type. (${order.orderType || 'empty'}; the simulator supports MKT, LMT, STP, STP LMT)`,
    };
  }
  if (!(order.totalQuantity > 0)) return { code: 434, message: 'The order size cannot be zero.' };
  if (order.action !== 'BUY' && order.action !== 'SELL' && order.action !== 'SSHORT') {
    return { code: 201, message: `Order rejected - reason:Invalid action "${order.action}"` };
  }
  if ((order.orderType === 'LMT' || order.orderType === 'STP LMT') && !isPriceSet(order.lmtPrice)) {
    return { code: 201, message: 'Order rejected - reason:Limit price is missing (lmtPrice)' };
  }
  if ((order.orderType === 'STP' || order.orderType === 'STP LMT') && !isPriceSet(order.auxPrice)) {
    return { code: 201, message: 'Order rejected - reason:Stop price is missing (auxPrice)' };
  }
  if (!['DAY', 'GTC', 'IOC', ''].includes(order.tif ?? '')) {
    return { code: 201, message: `Order rejected - reason:Time in force "${order.tif}" is not supported (DAY, GTC, IOC)` };
  }
  if (contract.conId === 0 && contract.secType !== 'BAG') return { code: 200, message: 'No security definition has been found for the request' };
  return undefined;
}
