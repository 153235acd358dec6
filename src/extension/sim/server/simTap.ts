// Observation hooks for benchmarks: called with every message the simulator writes or
// reads, with a high-resolution timestamp (process.hrtime.bigint(), nanoseconds on the
// monotonic clock, comparable across processes of one machine). Unset by default, and
// then nothing is timed.
import type { ClientConnection } from './clientConnection';

export interface SimTap {
  /** A message about to be written to `conn` (fields including its id; null for the handshake answer). */
  sent?(conn: ClientConnection, msgId: number | null, fields: readonly string[], at: bigint): void;
  /** A message read from `conn`; `at` is when the chunk that completed it arrived. */
  received?(conn: ClientConnection, msgId: number, fields: readonly string[], at: bigint): void;
}
