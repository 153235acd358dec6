// The @vscode/test-electron route: `node .vscode-test.mjs` downloads a desktop VS Code
// (from Microsoft's update service), starts it with this folder as the extension under
// development and runs test/vscode/inHost.ts inside its extension host.
// NOT runnable on this project's build and CI machines: they reach only the npm registry
// and Debian's apt, so the download fails. There the real-workbench route is
// `npm run test:e2e` (code-server + Chromium, see test/e2e/workbench.ts).
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = import.meta.dirname;
await import('./scripts/build.mjs');
await build({
  entryPoints: ['test/vscode/inHost.ts'],
  outfile: 'out/test/inHost.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
});
await runTests({
  version: '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: join(root, 'out/test/inHost.js'),
  launchArgs: [mkdtempSync(join(tmpdir(), 'ibkr-vscode-test-')), '--disable-extensions', '--disable-workspace-trust'],
});
