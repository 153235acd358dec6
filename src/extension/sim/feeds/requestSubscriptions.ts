// The streams clients asked for by request id: what each feed keeps per (connection, reqId),
// and drops when the client goes or TWS loses the data (1101).
import type { ClientConnection } from '../server/clientConnection';

export interface RequestSubscription {
  conn: ClientConnection;
  reqId: number;
}

export class RequestSubscriptions<T extends RequestSubscription> {
  // Keyed by the connection's sequence number: request ids are only unique per client.
  private readonly byKey = new Map<string, T>();

  get size(): number {
    return this.byKey.size;
  }

  /** Starts (or replaces) the subscription of `sub.conn` with `sub.reqId`. */
  add(sub: T): void {
    this.byKey.set(key(sub.conn, sub.reqId), sub);
  }

  remove(conn: ClientConnection, reqId: number): void {
    this.byKey.delete(key(conn, reqId));
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }

  dropConnection(conn: ClientConnection): void {
    for (const [k, s] of this.byKey) if (s.conn === conn) this.byKey.delete(k);
  }

  clear(): void {
    this.byKey.clear();
  }
}

function key(conn: ClientConnection, reqId: number): string {
  return `${conn.seq}:${reqId}`;
}
