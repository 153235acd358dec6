// The simulator as a separate process for the benchmarks (TWS is another process too): the
// client under test gets its own event loop and core. Driven over IPC by simProcess.ts.
import { contractFor } from '../src/extension/sim/market/instrumentContract';
import { emptyOrder } from '../src/extension/sim/protocol/orderTypes';
import { startSimulator, type TwsSimulator } from '../src/extension/sim/server/twsSimulator';
import { defaultSimOptions, type SimOptions } from '../src/extension/sim/simOptions';

export type ChildRequest =
  | { id: number; cmd: 'start'; options: Partial<Pick<SimOptions, 'speed' | 'seed' | 'symbols' | 'tickMs' | 'startMs' | 'cash'>> }
  | { id: number; cmd: 'flood'; clientId?: number; messages: number; maxMs: number; endMark?: string }
  | { id: number; cmd: 'seed'; clientId: number; openOrders: number; positions: number; symbols: string[] }
  | { id: number; cmd: 'stop' };

let sim: TwsSimulator | undefined;

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'start':
      sim = await startSimulator(defaultSimOptions({ port: 0, startMs: Date.now(), ...req.options }));
      return { port: sim.port, account: sim.account.id };
    case 'flood':
      return sim!.flood({
        ...(req.clientId !== undefined ? { clientId: req.clientId } : {}),
        ...(req.endMark !== undefined ? { endMark: req.endMark } : {}),
        messages: req.messages,
        maxMs: req.maxMs,
      });
    case 'seed': {
      // Open orders on a few stocks; positions in their options (1,000 distinct contracts
      // without 1,000 price paths: an option is priced off its underlying's path).
      const s = sim!;
      let orderId = 1;
      const stocks = req.symbols.map((sym) => s.instruments.stock(sym)!);
      for (let i = 0; i < req.openOrders; i++) {
        const stock = stocks[i % stocks.length]!;
        const px = Math.max(1, Math.round((s.market.mid(stock.conId) ?? stock.basePrice) * 50) / 100);
        s.engine.place(
          req.clientId,
          orderId,
          contractFor(stock, stock.conId),
          emptyOrder({
            orderId,
            clientId: req.clientId,
            action: 'BUY',
            totalQuantity: 1,
            orderType: 'LMT',
            lmtPrice: px,
            tif: 'GTC',
            transmit: true,
            account: s.account.id,
            orderRef: `bench:${i}`,
          }),
        );
        orderId++;
      }
      const options = stocks.flatMap((st) => s.instruments.optionChain(st.symbol, s.clock.now(), s.market.mid(st.conId) ?? st.basePrice));
      if (options.length < req.positions) throw new Error(`only ${options.length} option contracts for ${req.positions} positions`);
      for (let i = 0; i < req.positions; i++) {
        const opt = options[i]!;
        s.account.applyFill(contractFor(opt, opt.conId), 1, 1, opt.multiplier, 1);
      }
      return { openOrders: req.openOrders, positions: s.account.positions.size, nextValidId: s.nextValidId() };
    }
    case 'stop':
      await sim?.stop();
      setImmediate(() => process.exit(0));
      return { stopped: true };
  }
}

process.on('message', (req: ChildRequest) => {
  handle(req).then(
    (result) => process.send!({ id: req.id, ok: true, result }),
    (err: unknown) => process.send!({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
