// Headless entry: `ibkr-ai <command> [options]`. Each command lives in its own module
// and is loaded only when asked, so `sim` never pays for onnxruntime.
import { CliError } from './args';

type CommandModule = { run(argv: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  sim: { summary: 'run the embedded TWS simulator', load: () => import('./simCommand') },
  backtest: { summary: 'run a policy over historical bars and write a report', load: () => import('./backtestCommand') },
  doctor: { summary: 'check the setup to TWS / IB Gateway and name the cause and the fix', load: () => import('./doctorCommand') },
  session: { summary: 'run the AI trading session against TWS (shadow, paper or live)', load: () => import('./sessionCommand') },
  demo: { summary: 'the embedded simulator and a short AI session on it, end to end', load: () => import('./demoCommand') },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printUsage();
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

function printUsage(): void {
  console.log('usage: npm run <command> -- [options]   (or: npm run cli -- <command> [options])\n');
  for (const [name, c] of Object.entries(COMMANDS)) console.log(`  ${name.padEnd(10)} ${c.summary}`);
  console.log('\n<command> --help shows its options.');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof CliError) {
        console.error(`error: ${err.message}`);
        process.exitCode = 2;
      } else {
        console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        process.exitCode = 1;
      }
    },
  );
}
