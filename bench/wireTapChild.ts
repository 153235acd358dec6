// A TCP relay between the client under test and the simulator, in its own process, that
// timestamps the messages passing through (hrtime: comparable across processes). The
// simulator stamps when its event loop gets to a message, which lags while it is busy
// answering earlier orders; this process does nothing else, so its stamps are the wire's.
// Driven over IPC by wireTap.ts.
import { connect, createServer, type Socket } from 'node:net';
import { EventId, RequestId } from '../src/extension/tws/messageIds';

export interface BarSent {
  /** the relay's connection number */
  clientId: number;
  reqId: number;
  /** bar start, epoch seconds (as on the wire) */
  time: number;
  /** hrtime ns, as a string */
  at: string;
}

export interface OrderAnswer {
  orderId: number;
  /** first openOrder or orderStatus passing back for it */
  at: string;
}

export interface OrderReceived {
  clientId: number;
  orderId: number;
  orderRef: string;
  at: string;
}

const bars: BarSent[] = [];
const orders: OrderReceived[] = [];
const answers = new Map<number, string>();
const barSymbols = new Map<string, string>();

/** Splits a TWS API byte stream into messages (4-byte length, then NUL-separated fields). */
class Framer {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private skip: number) {}
  push(chunk: Buffer, onFields: (fields: string[]) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, this.buf.length);
      this.buf = this.buf.subarray(n);
      this.skip -= n;
    }
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (this.buf.length < 4 + len) break;
      onFields(
        this.buf
          .subarray(4, 4 + len)
          .toString('utf8')
          .split('\0'),
      );
      this.buf = this.buf.subarray(4 + len);
    }
  }
}

function relay(client: Socket, simPort: number, connId: number): void {
  const upstream = connect({ host: '127.0.0.1', port: simPort, noDelay: true });
  client.setNoDelay(true);
  const fromClient = new Framer(4); // "API\0" precedes the framed messages
  const fromSim = new Framer(0);
  client.on('data', (chunk: Buffer) => {
    const at = process.hrtime.bigint().toString();
    upstream.write(chunk);
    fromClient.push(chunk, (f) => {
      const id = Number(f[0]);
      if (id === RequestId.REQ_REAL_TIME_BARS) barSymbols.set(`${connId}:${f[2]}`, String(f[4]));
      else if (id === RequestId.PLACE_ORDER)
        orders.push({ clientId: connId, orderId: Number(f[1]), orderRef: f.find((x) => x.startsWith('ibkrai:')) ?? '', at });
    });
  });
  upstream.on('data', (chunk: Buffer) => {
    const at = process.hrtime.bigint().toString();
    client.write(chunk);
    fromSim.push(chunk, (f) => {
      const id = Number(f[0]);
      if (id === EventId.REAL_TIME_BARS) bars.push({ clientId: connId, reqId: Number(f[2]), time: Number(f[3]), at });
      else if ((id === EventId.ORDER_STATUS || id === EventId.OPEN_ORDER) && f[1] !== undefined && !answers.has(Number(f[1]))) answers.set(Number(f[1]), at);
    });
  });
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('close', end).on('error', end);
  upstream.on('close', end).on('error', end);
}

let conns = 0;
process.on('message', (req: { id: number; cmd: 'start'; simPort: number } | { id: number; cmd: 'taps' }) => {
  if (req.cmd === 'start') {
    const server = createServer((s) => relay(s, req.simPort, ++conns));
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      process.send!({ id: req.id, ok: true, result: { port: typeof addr === 'object' && addr ? addr.port : 0 } });
    });
    return;
  }
  const result = {
    bars: bars.splice(0),
    orders: orders.splice(0),
    // keyed like the simulator's taps: connection : reqId
    barSymbols: Object.fromEntries(barSymbols),
    answers: [...answers].map(([orderId, at]): OrderAnswer => ({ orderId, at })),
  };
  process.send!({ id: req.id, ok: true, result });
});
process.on('disconnect', () => process.exit(0));
