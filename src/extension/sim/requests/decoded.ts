// Handlers written as "decode the request, then act on it": the decoding at the
// connection's server version, and the stop after a contract lookup that answered
// TWS's 200, stay in one place.
import type { Market } from '../market/market';
import type { ContractRequestHead } from '../protocol/codecFields';
import type { WireContract } from '../protocol/contractTypes';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import type { FieldReader } from '../../tws/wire';
import type { RequestHandler } from './registry';

/** A request's decoder, as the protocol modules export them. */
export type Decoder<T> = (r: FieldReader, serverVersion: number) => T;

/** Decodes the request, then hands what it says to `act`. */
export function decoded<T>(decode: Decoder<T>, act: (sim: TwsSimulator, conn: ClientConnection, req: T) => void): RequestHandler {
  return (sim, conn, r) => act(sim, conn, decode(r, conn.version));
}

/** Finds what a request's contract names, or answers TWS's 200 to `reqId` and gives undefined. */
export type ContractLookup<R> = (market: Market, conn: ClientConnection, reqId: number, c: WireContract) => R | undefined;

/** The same for a request that names a contract: `act` runs only when `lookup` finds it (requestedStock, requestedInstrument). */
export function decodedWith<T extends ContractRequestHead, R>(
  lookup: ContractLookup<R>,
  decode: Decoder<T>,
  act: (sim: TwsSimulator, conn: ClientConnection, req: T, found: R) => void,
): RequestHandler {
  return decoded(decode, (sim, conn, req) => {
    const found = lookup(sim.market, conn, req.reqId, req.contract);
    if (found !== undefined) act(sim, conn, req, found);
  });
}
