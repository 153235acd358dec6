// A corpus of real TWS-side frames for the decoder fuzz: what the simulator sent to a
// BrokerClient during a short working session (handshake, session start, contract details,
// quotes, real-time and historical bars, an order acknowledged and filled with its execution
// and commission, positions, account values, executions), taken from its --record file.
import { BrokerClient } from '../../../src/extension/broker/brokerClient';
import { encodeFrame } from '../../../src/extension/tws/wire';
import { startSim, waitFor } from '../../helpers/simHarness';
import { FAST } from '../../helpers/brokerFixture';

export interface Corpus {
  serverVersion: number;
  /** The server's handshake answer, as a frame. */
  handshake: Buffer;
  /** Every later message the simulator sent, one frame each, in order. */
  frames: Buffer[];
  /** The fields of those frames (for field-level mutations). */
  fields: string[][];
}

export async function buildCorpus(): Promise<Corpus> {
  const fx = await startSim({ speed: 60 });
  const client = new BrokerClient({ host: '127.0.0.1', port: fx.sim.port, clientId: 5, ...FAST });
  try {
    await client.connect();
    const nvda = await client.resolveStock('NVDA');
    const quotes = await client.subscribeQuotes(nvda);
    const bars = await client.subscribeBars(nvda, { barSeconds: 5, source: 'realtime', backfill: '300 S' });
    await client.historicalBars(nvda, { duration: '1 D', barSize: '1 hour' });
    const order = await client.placeOrder({ contract: nvda, action: 'BUY', quantity: 3, type: 'MKT', orderRef: 'corpus' });
    await client.orderDone(order.orderId, 5000);
    await waitFor(() => (client.position(nvda.conId!)?.quantity ?? 0) === 3, 5000, 'the position');
    await client.accountSummary(['NetLiquidation', 'BuyingPower']);
    quotes.close();
    bars.close();
  } finally {
    await client.dispose();
    await fx.stop();
  }
  const out = fx.records().filter((l) => l.dir === 'out');
  const hs = out.find((l) => l.msgId === null && l.name === 'serverVersion');
  if (!hs) throw new Error('corpus: no handshake answer in the record');
  const fields = out.filter((l) => l.msgId !== null).map((l) => l.fields);
  return { serverVersion: Number(hs.fields[0]), handshake: encodeFrame(hs.fields), frames: fields.map((f) => encodeFrame(f)), fields };
}
