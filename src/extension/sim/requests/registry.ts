// Every request handler of the simulator, registered by message id.
import type { FieldReader } from '../../tws/wire';
import type { ClientConnection } from '../server/clientConnection';
import type { TwsSimulator } from '../server/twsSimulator';
import { registerAccountHandlers } from './accountHandlers';
import { registerContractHandlers } from './contractHandlers';
import { registerHistoryHandlers } from './historyHandlers';
import { registerMarketDataHandlers } from './marketDataHandlers';
import { registerOrderHandlers } from './orderHandlers';
import { registerSessionHandlers } from './sessionHandlers';

/** Answers one request message (its fields after the message id) from a client. */
export type RequestHandler = (sim: TwsSimulator, conn: ClientConnection, r: FieldReader) => void;

export type Register = (msgId: number, handler: RequestHandler) => void;

export function registerAllHandlers(on: Register): void {
  registerSessionHandlers(on);
  registerContractHandlers(on);
  registerMarketDataHandlers(on);
  registerHistoryHandlers(on);
  registerAccountHandlers(on);
  registerOrderHandlers(on);
}
