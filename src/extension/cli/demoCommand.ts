// `npm run demo`: the embedded TWS simulator with an accelerated clock, and a short
// multi-symbol paper session of the default model on it, end to end over TCP: decisions,
// orders, fills, the summary, and a check of the simulator's record against the journal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '../policy/datasets';
import { Journal } from '../session/journal';
import { parseOrderRef } from '../session/orderRef';
import { EXIT_CODES, TradingSession } from '../session/tradingSession';
import { startSimulator } from '../sim/server/twsSimulator';
import { defaultSimOptions } from '../sim/simOptions';
import type { RecordLine } from '../sim/server/recorder';
import { booleanOptions, CliError, HELP_OPTION, intOption, numberOption, parseOptions, stringOptions } from './args';
import { attachPrinter, buildConfig, runWithSignals } from './sessionCommand';

const SPEC = {
  ...stringOptions('symbols', 'cycles', 'speed', 'seed'),
  ...booleanOptions('quiet'),
  ...HELP_OPTION,
};

const DEMO_SYMBOLS = 'NVDA,MSFT,AAPL';
const DEMO_CYCLES = 10;
const DEMO_SPEED = 60;

const HELP = `usage: npm run demo -- [options]

Starts the embedded TWS simulator (a real TCP server speaking the TWS API, paper account,
clock running K times faster) and runs a paper session of the default model on it: each
one-minute cycle of market time, per symbol, the decision (features, model output, risk
verdict), the order and its fills; then the session summary, and a check that the
simulator received exactly the orders the journal holds, each once.

  --symbols A,B      symbols (default ${DEMO_SYMBOLS})
  --cycles N         one-minute cycles (default ${DEMO_CYCLES})
  --speed K          simulator clock speed (default ${DEMO_SPEED}: a cycle every second)
  --seed N           simulator price seed (default 42)
  --quiet            only the cycle lines and the summary`;

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(argv, SPEC, 'demo');
  if (o.help) {
    console.log(HELP);
    return 0;
  }
  const cycles = intOption(o.cycles as string | undefined, 'cycles', 1, 1000, DEMO_CYCLES);
  const speed = numberOption(o.speed as string | undefined, 'speed', 1, 1000, DEMO_SPEED);
  const seed = intOption(o.seed as string | undefined, 'seed', 0, 2 ** 32 - 1, 42);
  const modelDir = defaultModelDir();
  if (!modelDir) throw new CliError('the default model models/ppo-sp500 was not found; run the demo from the project folder');
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-ai-demo-'));
  const recordPath = join(dir, 'tws-record.jsonl');
  const sim = await startSimulator(defaultSimOptions({ port: 0, speed, seed, recordPath }));
  try {
    const config = buildConfig({
      port: String(sim.port),
      clientId: '1',
      symbols: (o.symbols as string | undefined) ?? DEMO_SYMBOLS,
      cycleSeconds: '60',
      cycles: String(cycles),
      mode: 'paper',
      modelDir,
      journalDir: join(dir, 'journal'),
    });
    console.log(
      `IBKR AI Trader demo: embedded TWS simulator on 127.0.0.1:${sim.port} (paper account ${sim.account.id}, clock ${speed}x, seed ${seed}); ` +
        `${config.symbols.join(', ')}, ${cycles} one-minute cycles (about ${Math.ceil((cycles * 60) / speed)} s)`,
    );
    const session = new TradingSession({ config, settleMs: 300, endSettleMs: 3000 });
    attachPrinter(session, { verbose: !o.quiet, json: false }, undefined, { orderStates: (s) => s !== 'submitted' && s !== 'pendingSubmit' });
    const result = await runWithSignals(session);

    // What reached "TWS" against what the journal says was sent.
    const placed = readFileSync(recordPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RecordLine)
      .filter((l) => l.dir === 'in' && l.name === 'placeOrder' && l.order && parseOrderRef(l.order.orderRef));
    const refs = placed.map((l) => l.order!.orderRef);
    const journaled = result.journalPath ? Journal.read(result.journalPath).filter((l) => l.type === 'intent') : [];
    const once = new Set(refs).size === refs.length;
    const same = journaled.length === refs.length && journaled.every((l) => refs.includes(String(l.orderRef)));
    console.log(
      `simulator record: ${refs.length} order(s) received, ${journaled.length} journaled; ${once ? 'each orderRef once' : 'DUPLICATE orderRefs'}; ${same ? 'record and journal agree' : 'record and journal DIFFER'}`,
    );
    console.log(`journal ${result.journalPath ?? '(none)'}; simulator record ${recordPath}`);
    console.log(`demo ${result.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
    if (result.exitCode !== EXIT_CODES.finished) {
      console.error(`demo session ${result.status}: ${result.reason}`);
      return result.exitCode;
    }
    if (!once || !same) return EXIT_CODES.internal;
    if (refs.length === 0) console.error('note: the policy placed no order in this run; try more --cycles or --symbols');
    return 0;
  } finally {
    await sim.stop();
  }
}
