// `npm run test:e2e [-- <file filter>]`: the real-workbench tests (test/e2e/*.e2e.ts) under
// node's test runner, one file at a time (each starts its own code-server and Chromium).
// Needs `bash scripts/install-e2e-deps.sh` and `npm run package` first. Screenshots and
// logs land in artifacts/e2e/<suite>/.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2];
let files = readdirSync('test/e2e')
  .filter((f) => f.endsWith('.e2e.ts'))
  .map((f) => join('test/e2e', f))
  .sort();
if (filter) files = files.filter((f) => f.includes(filter));
if (files.length === 0) {
  console.error(`no e2e test files match ${filter ?? '(all)'}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, IBKR_AI_TEST: '1' },
});
if (r.status !== 0) console.error('e2e failed: screenshots and logs (code-server, extension host, "IBKR AI Trader" channel) are in artifacts/e2e/');
process.exit(r.status ?? 1);
