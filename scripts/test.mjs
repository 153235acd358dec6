// `npm test`: unit then integration tests under node's test runner (TypeScript via tsx).
// Usage: npm test [-- unit|integration|<file filter>]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const filter = process.argv[2];
const suites = ['test/unit', 'test/integration'];
let files = suites.flatMap((d) => collect(d));
if (filter) files = files.filter((f) => f.includes(filter));
if (files.length === 0) {
  console.error(`no test files match ${filter ?? '(all)'}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, IBKR_AI_TEST: '1' },
});
process.exit(r.status ?? 1);
