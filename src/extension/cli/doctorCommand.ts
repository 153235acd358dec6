// `npm run doctor -- [options]`: the TWS setup checks. Exit 0 on pass or warn, 1 on
// fail, 2 on bad usage (from main.ts, through CliError).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TIMEOUT_MS, formatJson, formatText, runChecks } from '../doctor';
import { CliError, intOption, parseOptions } from './args';
import { PRODUCTS, type Product } from '../doctor/twsReleases';

const USAGE = `usage: npm run doctor -- [options]

Checks the way from here to TWS / IB Gateway and names the cause and the fix.

  --host H            TWS / IB Gateway host (default: IBKR_HOST from .env, then the environment, else 127.0.0.1)
  --port P            API port (default: IBKR_PORT, else 7497): 7497 TWS paper, 7496 TWS live,
                      4002 IB Gateway paper, 4001 IB Gateway live
  --client-id N       API client id (default: IBKR_CLIENT_ID, else 1)
  --mode paper|live   the trading mode you intend (default: IBKR_MODE, else from the port)
  --allow-live        live trading is enabled (default: IBKR_ALLOW_LIVE)
  --product tws|gateway  what runs there (default: from a standard port); picks the menu paths of the fixes
  --symbols A,B       symbols whose market data permissions to check (default AAPL; the session's symbols)
  --env-file PATH     read this .env instead of ./.env
  --timeout-ms N      bound for the API handshake and session start (default ${DEFAULT_TIMEOUT_MS})
  --json              print {"verdict", "checks", ...} as JSON
  --verbose           show what was tried for passing checks too

Exit code: 0 pass or warn, 1 fail, 2 bad usage.`;

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'client-id': { type: 'string' },
      mode: { type: 'string' },
      'allow-live': { type: 'boolean' },
      product: { type: 'string' },
      symbols: { type: 'string' },
      'env-file': { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'doctor',
  );
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const mode = o.mode as string | undefined;
  if (mode !== undefined && mode !== 'paper' && mode !== 'live') throw new CliError(`--mode "${mode}" is not a trading mode (valid: paper, live)`);
  const product = o.product as Product | undefined;
  if (product !== undefined && !PRODUCTS.includes(product)) throw new CliError(`--product "${product}" is not a product (valid: ${PRODUCTS.join(', ')})`);
  const symbols = o.symbols === undefined ? undefined : String(o.symbols).split(',').map((x) => x.trim().toUpperCase());
  const badSymbol = symbols?.find((x) => !/^[A-Z][A-Z0-9.]{0,11}$/.test(x));
  if (badSymbol !== undefined) throw new CliError(`--symbols: "${badSymbol}" is not a stock symbol (e.g. --symbols AAPL,MSFT)`);
  const envFile = o['env-file'] as string | undefined;
  if (envFile !== undefined && !existsSync(resolve(envFile))) throw new CliError(`--env-file ${envFile}: no such file`);
  const timeoutMs = intOption(o['timeout-ms'] as string | undefined, 'timeout-ms', 100, 60_000, DEFAULT_TIMEOUT_MS);
  // --port and --client-id go to the configuration check as given, so "abc" or -1 is
  // reported there (with the JSON report) like the same mistake in .env.
  const report = await runChecks({
    flags: {
      host: o.host as string | undefined,
      port: o.port as string | undefined,
      clientId: o['client-id'] as string | undefined,
      mode,
      ...(o['allow-live'] ? { allowLive: true } : {}),
    },
    ...(envFile !== undefined ? { envFile } : {}),
    ...(product ? { product } : {}),
    ...(symbols ? { symbols } : {}),
    timeoutMs,
  });
  console.log(o.json ? formatJson(report) : formatText(report, { verbose: Boolean(o.verbose) }));
  return report.verdict === 'fail' ? 1 : 0;
}
