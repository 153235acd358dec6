// Flood mode, for throughput benchmarks: streams quotes for every live market data line of
// one client (or of all clients) as fast as the socket drains, bounded in message count and
// time. Frames are encoded ahead in rounds (each round moves every line's bid, ask and last)
// and written in chunks, so the simulator's own encoding never limits the client under test.
// Each round carries, per line: tickPrice BID, tickPrice ASK, tickPrice LAST (each with its
// size, which a client reports as a second event) and tickSize VOLUME. After the last round
// a tickString LAST_TIMESTAMP "0" on the client's first line marks the end of the flood.
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { encodeFrame } from '../../tws/wire';
import { encodeTickPrice, encodeTickSize, encodeTickString } from '../protocol/marketDataCodec';
import { roundCents } from '../market/rounding';
import { Tick } from './marketDataFeed';

export interface FloodOptions {
  /** Only this client id's lines (default: every ready client's). */
  clientId?: number;
  /** Tick messages to send in all (rounded up to whole writes of about 256 KB). */
  messages: number;
  /** Stop after this many wall milliseconds even if `messages` were not all sent. */
  maxMs: number;
  /** Distinct rounds of prices encoded ahead (default 16). */
  rounds?: number;
  /** The end marker's LAST_TIMESTAMP value (default "0"): a different one per flood tells floods apart. */
  endMark?: string;
}

export interface FloodResult {
  /** Market data lines flooded. */
  lines: number;
  /** Tick messages written. */
  messages: number;
  /**
   * Events @stoqey/ib raises for them: tickPrice + tickSize per price message, tickSize per size
   * message - except the bid's size, which it drops (BID_SIZE is tick type 0, which its decoder
   * tests as false); the end marker not counted.
   */
  events: number;
  bytes: number;
  wallMs: number;
  /** Why it ended. */
  ended: 'count' | 'time' | 'closed' | 'no-lines';
}

/** Messages and client events per line per round. */
const MESSAGES_PER_LINE = 4;
const EVENTS_PER_LINE = 6;
/** LAST_TIMESTAMP "0": the end of a flood (a real last-trade time is never 0). */
export const FLOOD_END_MARK = { tickType: Tick.LAST_TIMESTAMP, value: '0' } as const;

export function floodQuotes(sim: TwsSimulator, opts: FloodOptions): Promise<FloodResult> {
  const lines = sim.feeds.marketData
    .lines()
    .filter((l) => !l.delayed && l.conn.phase === 'ready' && (opts.clientId === undefined || l.conn.clientId === opts.clientId));
  const byConn = new Map<ClientConnection, Array<{ reqId: number; conId: number }>>();
  for (const l of lines) {
    const list = byConn.get(l.conn) ?? [];
    list.push({ reqId: l.reqId, conId: l.conId });
    byConn.set(l.conn, list);
  }
  if (byConn.size === 0) return Promise.resolve({ lines: 0, messages: 0, events: 0, bytes: 0, wallMs: 0, ended: 'no-lines' });
  const started = Date.now();
  const runs = [...byConn].map(([conn, subs]) => floodOne(sim, conn, subs, opts, started));
  return Promise.all(runs).then((rs) => ({
    lines: lines.length,
    messages: rs.reduce((s, r) => s + r.messages, 0),
    events: rs.reduce((s, r) => s + r.events, 0),
    bytes: rs.reduce((s, r) => s + r.bytes, 0),
    wallMs: Date.now() - started,
    ended: rs.find((r) => r.ended !== 'count')?.ended ?? 'count',
  }));
}

/** Bytes per socket write: large, so the client under test always finds a full socket buffer. */
const WRITE_BYTES = 256 * 1024;

function encodeRounds(sim: TwsSimulator, conn: ClientConnection, subs: ReadonlyArray<{ reqId: number; conId: number }>, rounds: number): Buffer[] {
  const v = conn.version;
  const out: Buffer[] = [];
  const base = subs.map((s) => sim.market.quote(s.conId));
  for (let r = 0; r < rounds; r++) {
    const frames: Buffer[] = [];
    subs.forEach((s, i) => {
      const q = base[i];
      const mid = (q?.last ?? 100) * (1 + 0.0001 * Math.sin(r + i));
      const bid = roundCents(mid - 0.01);
      const ask = roundCents(mid + 0.01);
      const last = roundCents(mid);
      frames.push(encodeFrame(encodeTickPrice(v, s.reqId, Tick.BID, bid, 100 + r, { canAutoExecute: true })));
      frames.push(encodeFrame(encodeTickPrice(v, s.reqId, Tick.ASK, ask, 200 + r, { canAutoExecute: true })));
      frames.push(encodeFrame(encodeTickPrice(v, s.reqId, Tick.LAST, last, 100)));
      frames.push(encodeFrame(encodeTickSize(v, s.reqId, Tick.VOLUME, (q?.volume ?? 1_000_000) + r * 100)));
    });
    out.push(Buffer.concat(frames));
  }
  return out;
}

function floodOne(
  sim: TwsSimulator,
  conn: ClientConnection,
  subs: ReadonlyArray<{ reqId: number; conId: number }>,
  opts: FloodOptions,
  started: number,
): Promise<Omit<FloodResult, 'lines' | 'wallMs'>> {
  const encoded = encodeRounds(sim, conn, subs, Math.max(1, opts.rounds ?? 16));
  // Rounds grouped into writes of about WRITE_BYTES.
  const perWrite = Math.max(1, Math.floor(WRITE_BYTES / encoded[0]!.length));
  const rounds = encoded.map((_, i) => Buffer.concat(Array.from({ length: perWrite }, (_, k) => encoded[(i + k) % encoded.length]!)));
  const perRound = subs.length * MESSAGES_PER_LINE * perWrite;
  const totalRounds = Math.ceil(opts.messages / perRound);
  let sent = 0;
  let bytes = 0;
  return new Promise((resolve) => {
    const done = (ended: FloodResult['ended']) => {
      conn.socket.off('close', onClose);
      resolve({ messages: sent * perRound, events: sent * perWrite * subs.length * EVENTS_PER_LINE, bytes, ended });
    };
    const onClose = () => done('closed');
    conn.socket.once('close', onClose);
    const pump = () => {
      while (sent < totalRounds) {
        if (!conn.isOpen) return done('closed');
        if (Date.now() - started > opts.maxMs) return done('time');
        const buf = rounds[sent % rounds.length]!;
        const more = conn.writeRaw(buf);
        sent++;
        bytes += buf.length;
        if (!more) {
          conn.socket.once('drain', pump);
          return;
        }
      }
      conn.writeRaw(encodeFrame(encodeTickString(conn.version, subs[0]!.reqId, FLOOD_END_MARK.tickType, opts.endMark ?? FLOOD_END_MARK.value)));
      done('count');
    };
    pump();
  });
}
