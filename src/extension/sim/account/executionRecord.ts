// One execution as TWS reports it: the execDetails (with TWS's execId layout) and its
// commissionReport, kept for reqExecutions and sent live to the order's owner.
import type { WireContract } from '../protocol/contractTypes';
import type { WireCommissionReport, WireExecution } from '../protocol/orderTypes';
import { twsLocalTime } from '../market/marketTime';
import type { ExecutionRecord, SimOrder } from './simOrder';

export interface ExecutionFill {
  order: SimOrder;
  /** The contract that traded: the order's, or a combo leg's. */
  contract: WireContract;
  buy: boolean;
  qty: number;
  price: number;
  cumQty: number;
  avgPrice: number;
  commission: number;
  /** Realized P&L of the fill, undefined when it was not booked (a combo's own line). */
  realizedPnl: number | undefined;
}

/** The record of execution number `seq` at simulated time `now`. */
export function executionRecord(f: ExecutionFill, seq: number, now: number, account: { id: string; currency: string }): ExecutionRecord {
  const o = f.order;
  const execId = `0000${hex(seq, 4)}.${hex(Math.floor(now / 1000), 8)}.01.01`;
  const execution: WireExecution = {
    orderId: o.orderId,
    execId,
    time: twsLocalTime(now),
    acctNumber: account.id,
    exchange: f.contract.primaryExch && f.contract.secType === 'STK' ? 'ISLAND' : 'CBOE',
    side: f.buy ? 'BOT' : 'SLD',
    shares: f.qty,
    price: f.price,
    permId: o.permId,
    clientId: o.clientId,
    liquidation: 0,
    cumQty: f.cumQty,
    avgPrice: f.avgPrice,
    orderRef: o.order.orderRef ?? '',
    evRule: '',
    evMultiplier: undefined,
    modelCode: '',
    lastLiquidity: 2,
    pendingPriceRevision: false,
  };
  const report: WireCommissionReport = {
    execId,
    commission: f.commission,
    currency: account.currency,
    realizedPNL: f.realizedPnl,
    yield: undefined,
    yieldRedemptionDate: undefined,
  };
  return { reqIdHint: -1, orderId: o.orderId, clientId: o.clientId, contract: f.contract, execution, commission: report, time: now };
}

function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).padStart(width, '0');
}
