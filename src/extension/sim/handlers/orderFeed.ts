// Forwards the order engine's events to the client that owns each order, in the
// message order TWS uses: openOrder + orderStatus on every state change, execDetails
// then commissionReport for each execution, and errors tied to the order id.
import type { SimOrder } from '../account/orderEngine';
import { encodeCommissionReport, encodeExecDetails, encodeOpenOrder, encodeOrderStatus } from '../protocol/orderCodec';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';

export class OrderFeed {
  constructor(private readonly sim: TwsSimulator) {
    const engine = sim.engine;
    engine.on('update', (o) => {
      const conn = sim.client(o.clientId);
      if (conn) this.sendOrder(conn, o);
    });
    engine.on('execution', (o, rec) => {
      const conn = sim.client(o.clientId);
      if (!conn) return;
      conn.send(encodeExecDetails(conn.version, -1, rec.contract, rec.execution));
      conn.send(encodeCommissionReport(conn.version, rec.commission));
    });
    engine.on('orderError', (clientId, orderId, code, message) => {
      sim.client(clientId)?.sendError(orderId, code, message);
    });
  }

  /** openOrder then orderStatus for one order. */
  sendOrder(conn: ClientConnection, o: SimOrder): void {
    conn.send(encodeOpenOrder(conn.version, o.contract, o.order, this.sim.engine.stateOf(o)));
    conn.send(
      encodeOrderStatus(conn.version, {
        orderId: o.orderId,
        status: o.status,
        filled: o.filled,
        remaining: o.remaining,
        avgFillPrice: o.avgFillPrice,
        permId: o.permId,
        parentId: o.order.parentId,
        lastFillPrice: o.lastFillPrice,
        clientId: o.clientId,
        whyHeld: o.whyHeld,
        mktCapPrice: 0,
      }),
    );
  }
}
