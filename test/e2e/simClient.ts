// A second TWS API client on the extension's embedded simulator: "another program" that
// trades the account, and the simulator's own word on positions. The e2e suites check what
// the workbench shows against these, never against the extension's belief.
import { EventName, OrderAction, OrderType, SecType } from '@stoqey/ib';
import { collectUntil, TestClient } from '../helpers/simHarness';

/** Another program buys (or sells, negative) shares at the market; resolves on the fill. */
export async function anotherProgramTrades(port: number, symbol: string, quantity: number, clientId = 99): Promise<void> {
  const client = await new TestClient(port, clientId).connect(10_000);
  try {
    const orderId = client.takeOrderId();
    const filled = new Promise<void>((resolve) =>
      client.ib.on(EventName.orderStatus, (id: number, status: string) => (id === orderId && status === 'Filled' ? resolve() : undefined)),
    );
    client.ib.placeOrder(
      orderId,
      { symbol, secType: SecType.STK, exchange: 'SMART', currency: 'USD' },
      { action: quantity > 0 ? OrderAction.BUY : OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: Math.abs(quantity), transmit: true },
    );
    await filled;
  } finally {
    client.disconnect();
  }
}

export interface SimPosition {
  symbol: string;
  secType: string;
  quantity: number;
  avgCost: number;
}

/** The simulator's non-zero positions (reqPositions through a second client). */
export async function simPositions(port: number, clientId = 98): Promise<SimPosition[]> {
  const client = await new TestClient(port, clientId).connect(10_000);
  try {
    const rows = collectUntil(client.ib, EventName.position, EventName.positionEnd, 10_000);
    client.ib.reqPositions();
    return (await rows)
      .filter((x) => x[2] !== 0)
      .map((x) => ({ symbol: x[1].symbol as string, secType: x[1].secType as string, quantity: x[2] as number, avgCost: x[3] as number }));
  } finally {
    client.disconnect();
  }
}
