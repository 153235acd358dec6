// `npm run sim -- --port N [options]`: the embedded TWS simulator as a process.
import { startSimulator } from '../sim/server/twsSimulator';
import { defaultSimOptions, personalityConflict } from '../sim/simOptions';
import { DEFAULT_PORTS, PRODUCT_NAMES, PRODUCTS, releaseMaxVersion, SIM_RELEASES, type Product, type SimRelease } from '../tws/releases';
import { FAULT_HELP, FaultError, parseFaults } from '../sim/server/faults';
import { MAX_SIM_SERVER_VERSION, MIN_CLIENT_VERSION } from '../tws/serverVersions';
import { SimStateError } from '../sim/account/simState';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseHost } from '../config/connectionConfig';
import { parseOhlcCsv } from '../sim/market/pricePath';
import { SYMBOL } from '../session/sessionConfig';
import { booleanOptions, CliError, existingFile, HELP_OPTION, intOption, numberOption, parseOptions, parsedOption, stringOptions } from './args';

const USAGE = `usage: npm run sim -- [options]

  --product tws|gateway which product to be (default tws): its default ports and the settings it has
  --release R           which release to be: ${SIM_RELEASES.map((r) => `${r} (server version ${releaseMaxVersion(r)})`).join(', ')};
                        text clients (offering < 201) get at most ${MAX_SIM_SERVER_VERSION}, newer ones the true version, then a close
  --port N              TCP port (default: TWS 7497 paper / 7496 live, IB Gateway 4002 / 4001; 0 = any free port)
  --host ADDR           address to bind (default 127.0.0.1)
  --server-version V    server version to negotiate without --release (default 176; ${MIN_CLIENT_VERSION}..${MAX_SIM_SERVER_VERSION})
  --seed N              random seed for prices (default 42)
  --speed K             simulated time runs K times faster than wall time (default 1)
  --start ISO           simulated clock start (default: latest trading day 10:00 New York)
  --account ID          account id (default DU1234567, or U1234567 with --live)
  --cash USD            starting cash (default 1000000)
  --live                present a live account (U...) so safety checks can be tested
  --symbols A,B         extra symbols to know besides the built-in list
  --replay CSV          replay OHLC rows (one per 5-second step) instead of the random walk
  --record FILE         write one JSON line per message in and out
  --state FILE          keep the account in FILE across restarts, as TWS does: positions, cash,
                        P&L, today's executions (with orderRefs) and orders; read at start
                        (its cash wins over --cash; the clock resumes at the saved time when
                        that is later than --start), saved after every change and at exit
  --tick-ms N           wall milliseconds between market updates (default 100)
  --fault NAME[:ARG]    inject a fault (repeatable):
${Object.entries(FAULT_HELP)
  .map(([k, v]) => `      ${k.padEnd(38)} ${v}`)
  .join('\n')}
  --quiet               only print the listening line and errors`;

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(
    argv,
    {
      ...stringOptions('port', 'product', 'release', 'host', 'server-version', 'seed', 'speed', 'start', 'account', 'cash'),
      ...booleanOptions('live'),
      ...stringOptions('symbols', 'replay', 'record', 'state', 'tick-ms'),
      fault: { type: 'string', multiple: true },
      ...booleanOptions('quiet'),
      ...HELP_OPTION,
    },
    'sim',
  );
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  let faults;
  try {
    faults = parseFaults((o.fault as string[] | undefined) ?? []);
  } catch (err) {
    if (err instanceof FaultError) throw new CliError(err.message);
    throw err;
  }
  let startMs: number | undefined;
  if (o.start !== undefined) {
    startMs = Date.parse(o.start as string);
    if (Number.isNaN(startMs)) throw new CliError(`--start "${o.start}" is not a date (use ISO 8601, e.g. 2026-11-20T15:00:00Z)`);
  }
  const live = Boolean(o.live);
  const product = ((o.product as string | undefined) ?? 'tws') as Product;
  if (!PRODUCTS.includes(product)) throw new CliError(`--product "${o.product}" is not a product (valid: ${PRODUCTS.join(', ')})`);
  const release = o.release as SimRelease | undefined;
  if (release !== undefined && !SIM_RELEASES.includes(release))
    throw new CliError(`--release "${release}" is not a simulated release (valid: ${SIM_RELEASES.join(', ')})`);
  if (release !== undefined && o['server-version'] !== undefined) throw new CliError('--server-version and --release both set the server version: give one');
  const account = (o.account as string | undefined) ?? undefined;
  if (account !== undefined && !/^[A-Z]{1,3}\d{3,10}$/.test(account))
    throw new CliError(`--account "${account}" is not an IB account id (like DU1234567 or U1234567)`);
  const quiet = Boolean(o.quiet);
  const symbols = ((o.symbols as string | undefined) ?? '')
    .split(',')
    .map((x) => x.trim().toUpperCase())
    .filter(Boolean);
  const badSymbols = symbols.filter((x) => !SYMBOL.test(x));
  if (badSymbols.length)
    throw new CliError(
      `--symbols: ${badSymbols.map((x) => `"${x}"`).join(', ')} ${badSymbols.length === 1 ? 'is not a symbol' : 'are not symbols'} (valid: a letter then up to 11 letters, digits or dots, comma-separated, e.g. NVDA,MSFT)`,
    );
  const replayCsv = existingFile(o.replay as string | undefined, 'replay');
  if (replayCsv !== undefined) {
    try {
      parseOhlcCsv(readFileSync(replayCsv, 'utf8'), replayCsv);
    } catch (err) {
      throw new CliError(`--replay ${err instanceof Error ? err.message : String(err)} (valid: a CSV with a close or price column)`);
    }
  }
  const recordPath = o.record as string | undefined;
  if (recordPath !== undefined && !existsSync(dirname(resolve(recordPath))))
    throw new CliError(`--record ${recordPath}: the folder ${dirname(resolve(recordPath))} does not exist (valid: a file path in an existing folder)`);
  const options = defaultSimOptions({
    live,
    product,
    ...(release ? { release } : {}),
    port: intOption(o.port as string | undefined, 'port', 0, 65535, DEFAULT_PORTS[product][live ? 'live' : 'paper']),
    host: parsedOption(o.host as string | undefined, 'host', parseHost) ?? '127.0.0.1',
    serverVersion: intOption(o['server-version'] as string | undefined, 'server-version', MIN_CLIENT_VERSION, MAX_SIM_SERVER_VERSION, 176),
    seed: intOption(o.seed as string | undefined, 'seed', 0, 2 ** 32 - 1, 42),
    speed: numberOption(o.speed as string | undefined, 'speed', 0.001, 100000, 1),
    startMs,
    cash: numberOption(o.cash as string | undefined, 'cash', 0, 1e12, 1_000_000),
    symbols,
    replayCsv,
    recordPath,
    statePath: o.state as string | undefined,
    tickMs: intOption(o['tick-ms'] as string | undefined, 'tick-ms', 1, 60_000, 100),
    faults,
    log: quiet ? () => {} : (line: string) => console.log(`[sim] ${line}`),
  });
  if (account) options.account = account;
  const conflict = personalityConflict(options);
  if (conflict) throw new CliError(conflict);
  const sim = await startSimulator(options).catch((err: NodeJS.ErrnoException) => {
    if (err instanceof SimStateError) throw new CliError(err.message);
    if (options.statePath && err.syscall && err.path?.startsWith(options.statePath))
      throw new CliError(`--state ${options.statePath} cannot be written: ${err.message}`);
    if (err.code === 'EADDRINUSE')
      throw new CliError(`port ${options.port} on ${options.host} is already in use (is TWS or another simulator running?); choose another with --port`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
      throw new CliError(
        `--host ${options.host}: not an address of this machine to listen on (${err.code}; valid: 127.0.0.1, ::1, 0.0.0.0 or a local interface address)`,
      );
    throw err;
  });
  const active = Object.entries(faults)
    .filter(([, v]) => v !== false && v !== undefined)
    .map(([k]) => k);
  console.log(
    `${PRODUCT_NAMES[product]}${release ? ` ${release}` : ''} simulator listening on ${options.faults.ipv6Only ? '::1' : options.host}:${sim.port} (server version ${sim.serverVersion}, account ${sim.account.id}${live ? ' LIVE' : ' paper'}, speed ${options.speed}x${active.length ? `, faults: ${active.join(', ')}` : ''})`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      if (!quiet) console.log(`[sim] ${signal}: stopping`);
      sim.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
