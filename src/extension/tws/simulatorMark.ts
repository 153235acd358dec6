// How the embedded simulator tells a client "I am the IBKR AI Trader simulator, not TWS":
// one more farm-status notice after startApi, `2158 Sec-def data farm connection is OK:
// ibkr-ai-trader-sim`. Why a farm notice: it goes through the normal wire and every TWS
// API client unchanged (@stoqey/ib emits it as an `info` event with code and text, ibapi
// as error()), it means nothing for trading, and clients already key farms by the name
// after the colon (tws/errorCodes.ts farmName). A real TWS never sends this name: IB's farm
// names are short lowercase server names (usfarm, usfarm.nj, cashfarm, ushmds, secdefil,
// secdefnj), never a hyphenated product name. The handshake's connection time was not
// used: clients parse it as a date. (Codes: https://interactivebrokers.github.io/tws-api/message_codes.html)

/** The simulator's farm name, a name no IB farm has. */
export const SIMULATOR_FARM = 'ibkr-ai-trader-sim';

/** The notice the simulator sends with its farm statuses (unless told to pass for a real TWS). */
export const SIMULATOR_NOTICE = { code: 2158, message: `Sec-def data farm connection is OK:${SIMULATOR_FARM}` } as const;

/** Farm-status codes (2103-2108, 2119, 2157, 2158) whose text ends in ":<farm name>". */
const FARM_CODES = new Set([2103, 2104, 2105, 2106, 2107, 2108, 2119, 2157, 2158]);

/** True for the simulator's farm notice, whatever farm status code it came with. */
export function isSimulatorNotice(code: number, message: string): boolean {
  return FARM_CODES.has(code) && message.trim().endsWith(`:${SIMULATOR_FARM}`);
}
