// Forwards the order engine's events to the client that owns each order, in the
// message order TWS uses: openOrder + orderStatus on every state change, execDetails
// then commissionReport for each execution, and errors tied to the order id.
// Faults: `duplicate-order-events` sends each live order event twice (TWS often repeats
// orderStatus); `shuffle-order-events` holds a client's live order events for a window and
// delivers them in a seeded random order (TWS's order, status and execution messages come
// from different threads and are not ordered relative to each other).
import type { SimOrder } from '../account/simOrder';
import { Rng } from '../market/rng';
import { encodeError } from '../protocol/sessionCodec';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { executionFrames, openOrderFrame, orderStatusFrame } from './orderFrames';

export class OrderFeed {
  /** shuffle-order-events: live order events held per connection until the window closes */
  private readonly held = new Map<ClientConnection, string[][]>();
  private readonly rng: Rng;

  constructor(private readonly sim: TwsSimulator) {
    this.rng = new Rng((sim.options.seed ^ 0x5eed0de7) >>> 0);
    const engine = sim.engine;
    engine.on('update', (o) => {
      const conn = sim.client(o.clientId);
      if (conn) this.sendOrder(conn, o, true);
    });
    engine.on('execution', (o, rec) => {
      const conn = sim.client(o.clientId);
      if (!conn) return;
      for (const frame of executionFrames(conn.version, -1, rec)) this.live(conn, frame);
    });
    engine.on('orderError', (clientId, orderId, code, message) => {
      const conn = sim.client(clientId);
      if (conn) this.live(conn, encodeError(conn.version, { reqId: orderId, code, message, advancedOrderRejectJson: '' }), false);
    });
  }

  /** openOrder then orderStatus for one order (`live`: a state change, subject to the order-event faults; else a snapshot answer). */
  sendOrder(conn: ClientConnection, o: SimOrder, live = false): void {
    const send = live ? (fields: string[]) => this.live(conn, fields) : (fields: string[]) => conn.send(fields);
    send(openOrderFrame(conn.version, this.sim.engine, o));
    send(orderStatusFrame(conn.version, o));
  }

  /** One live order event, through the duplicate / shuffle faults when they are on. */
  private live(conn: ClientConnection, fields: string[], duplicable = true): void {
    const f = this.sim.options.faults;
    const copies = f.duplicateOrderEvents && duplicable ? 2 : 1;
    const shuffle = f.shuffleOrderEvents;
    if (!shuffle) {
      for (let i = 0; i < copies; i++) conn.send(fields);
      return;
    }
    let pending = this.held.get(conn);
    if (!pending) {
      pending = [];
      this.held.set(conn, pending);
      setTimeout(() => this.release(conn), shuffle.windowMs).unref();
    }
    for (let i = 0; i < copies; i++) pending.push(fields);
  }

  /** Delivers a connection's held events in a (seeded) random order. */
  private release(conn: ClientConnection): void {
    const pending = this.held.get(conn);
    this.held.delete(conn);
    if (!pending) return;
    for (let i = pending.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [pending[i], pending[j]] = [pending[j]!, pending[i]!];
    }
    for (const fields of pending) conn.send(fields);
  }
}
