// `npm run doctor -- [options]`: the TWS setup checks. Exit 0 on pass or warn, 1 on
// fail, 2 on bad usage (from main.ts, through CliError).
import { DEFAULT_TIMEOUT_MS, formatJson, formatMarkdown, formatText, runChecks } from '../doctor';
import { parseClientId, parseHost, parseMode, parsePort } from '../config/connectionConfig';
import { PRODUCTS, type Product } from '../tws/releases';
import { SYMBOL } from '../session/sessionConfig';
import { booleanOptions, CliError, CONNECTION_OPTIONS, existingFile, HELP_OPTION, intOption, parseOptions, parsedOption, stringOptions } from './args';

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
  --markdown          print a report to paste into a forum or an IBKR ticket (account ids masked)
  --verbose           show what was tried for passing checks too

Exit code: 0 pass or warn, 1 fail, 2 bad usage.`;

export async function run(argv: string[]): Promise<number> {
  const o = parseOptions(
    argv,
    {
      ...CONNECTION_OPTIONS,
      ...stringOptions('mode', 'product', 'symbols', 'timeout-ms'),
      ...booleanOptions('allow-live', 'json', 'markdown', 'verbose'),
      ...HELP_OPTION,
    },
    'doctor',
  );
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  if (o.json && o.markdown) throw new CliError('--json and --markdown exclude each other (valid: one of them, or neither for text)');
  // A bad flag is bad usage (exit 2), checked by the parsers the configuration check uses
  // for the same values from settings or .env (whose mistakes are reported as a failed check).
  const host = parsedOption(o.host as string | undefined, 'host', parseHost);
  const port = parsedOption(o.port as string | undefined, 'port', parsePort);
  const clientId = parsedOption(o['client-id'] as string | undefined, 'client-id', parseClientId);
  const mode = parsedOption(o.mode as string | undefined, 'mode', parseMode);
  const product = o.product as Product | undefined;
  if (product !== undefined && !PRODUCTS.includes(product)) throw new CliError(`--product "${product}" is not a product (valid: ${PRODUCTS.join(', ')})`);
  const symbols =
    o.symbols === undefined
      ? undefined
      : String(o.symbols)
          .split(',')
          .map((x) => x.trim().toUpperCase());
  const badSymbol = symbols?.find((x) => !SYMBOL.test(x));
  if (badSymbol !== undefined) throw new CliError(`--symbols: "${badSymbol}" is not a stock symbol (e.g. --symbols AAPL,MSFT)`);
  const envFile = existingFile(o['env-file'] as string | undefined, 'env-file');
  const timeoutMs = intOption(o['timeout-ms'] as string | undefined, 'timeout-ms', 100, 60_000, DEFAULT_TIMEOUT_MS);
  const report = await runChecks({
    flags: {
      ...(host !== undefined ? { host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(clientId !== undefined ? { clientId } : {}),
      ...(mode !== undefined ? { mode } : {}),
      ...(o['allow-live'] ? { allowLive: true } : {}),
    },
    ...(envFile !== undefined ? { envFile } : {}),
    ...(product ? { product } : {}),
    ...(symbols ? { symbols } : {}),
    timeoutMs,
  });
  console.log(o.json ? formatJson(report) : o.markdown ? formatMarkdown(report) : formatText(report, { verbose: Boolean(o.verbose) }));
  return report.verdict === 'fail' ? 1 : 0;
}
