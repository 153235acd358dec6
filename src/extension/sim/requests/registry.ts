// Every request handler of the simulator, registered by message id.
import type { RequestHandler } from '../server/twsSimulator';
import { registerAccountHandlers } from './accountHandlers';
import { registerContractHandlers } from './contractHandlers';
import { registerHistoryHandlers } from './historyHandlers';
import { registerMarketDataHandlers } from './marketDataHandlers';
import { registerOrderHandlers } from './orderHandlers';
import { registerSessionHandlers } from './sessionHandlers';

export type Register = (msgId: number, handler: RequestHandler) => void;

export function registerAllHandlers(on: Register): void {
  registerSessionHandlers(on);
  registerContractHandlers(on);
  registerMarketDataHandlers(on);
  registerHistoryHandlers(on);
  registerAccountHandlers(on);
  registerOrderHandlers(on);
}
