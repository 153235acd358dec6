// What answered on the API port: the server version and connection time from the
// handshake, whether it is the embedded simulator (it names itself with a farm notice,
// sim/protocol/simulatorMark.ts), and otherwise TWS or IB Gateway as far as the port
// tells: the API does not say which product it is, so that is only a port convention.
import { isSimulatorNotice } from '../tws/simulatorMark';
import { PORT_MEANINGS } from '../tws/fixes';
import { identifyRelease, PRODUCT_NAMES, type Product } from '../tws/releases';
import type { ServerInfo } from './types';

export const SIMULATOR_PRODUCT = 'IBKR AI Trader embedded simulator';

/** True once the simulator's notice is among the session's messages. */
export function fromSimulator(messages: ReadonlyArray<{ code: number; message: string }>): boolean {
  return messages.some((m) => isSimulatorNotice(m.code, m.message));
}

/** TWS or IB Gateway as the user said (--product) or as the standard port implies. */
export interface ConfiguredProduct {
  readonly product: Product;
  /** how it is known: '--product' or 'port 4002' */
  readonly source: string;
}

export function describeProduct(port: number, simulator: boolean, configured?: ConfiguredProduct): string | undefined {
  if (simulator) return SIMULATOR_PRODUCT;
  if (configured?.source === '--product') return `${PRODUCT_NAMES[configured.product]} (by --product)`;
  const m = PORT_MEANINGS[port];
  return m ? `${m.app} ${m.mode} (by its standard port ${port}; the API does not name the product)` : undefined;
}

export function serverInfo(
  port: number,
  handshake: { serverVersion: number; connectionTime: string },
  simulator: boolean,
  configured?: ConfiguredProduct,
): ServerInfo {
  const product = describeProduct(port, simulator, configured);
  return {
    version: handshake.serverVersion,
    ...(handshake.connectionTime ? { connectionTime: handshake.connectionTime } : {}),
    ...(product ? { product } : {}),
    ...(configured ? { productKey: configured.product, productSource: configured.source } : {}),
    release: identifyRelease(handshake.serverVersion).text,
    ...(simulator ? { simulator: true } : {}),
  };
}

/** "IBKR AI Trader embedded simulator, server version 176, connection time ..." for the reports. */
export function describeServer(s: ServerInfo | undefined): string {
  if (!s) return 'not reached (no API handshake answer)';
  return [s.product ?? 'product unknown', `server version ${s.version}`, s.connectionTime ? `connection time ${s.connectionTime}` : '', s.release ?? '']
    .filter(Boolean)
    .join(', ');
}
