// Runs one measurement in this process and prints its result as one JSON line (the runner
// starts each measurement in a fresh `node --expose-gc` process, so none inherits another's
// heap, JIT state or open handles).
//   node --expose-gc --import tsx bench/runOne.ts <name> [--quick] [--smoke]
import { RESULT_MARK } from './lib';
import { BENCHES } from './registry';

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const bench = BENCHES[name];
  if (!bench) throw new Error(`unknown measurement "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  const smoke = process.argv.includes('--smoke');
  const quick = smoke || process.argv.includes('--quick');
  const result = await bench.run({ quick, smoke });
  process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
