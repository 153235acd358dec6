// Lint: typescript-eslint's recommended rules, plus the architecture (ARCHITECTURE.md):
// folders by layer, each importing only the layers below it; only vscode/ and extension.ts
// import `vscode`; only the wire-facing files import `@stoqey/ib`; no file over 500 lines.
import tseslint from 'typescript-eslint';

const EXT = 'src/extension';

// Each folder under src/extension and the folders it may import (besides itself).
// The order is the layer order: core <- tws <- config/broker/sim/trading/policy <- backtest/session
// <- doctor <- app <- vscode/cli. A folder not listed here is a lint error (see the last block).
const LAYERS = {
  core: [],
  tws: ['core'],
  config: ['core', 'tws'],
  broker: ['core', 'tws'],
  sim: ['core', 'tws'],
  trading: ['core', 'tws'],
  policy: ['core', 'tws'],
  backtest: ['core', 'tws', 'trading', 'policy', 'webview'],
  session: ['core', 'tws', 'config', 'broker', 'trading', 'policy'],
  doctor: ['core', 'tws', 'config', 'broker', 'trading', 'policy', 'session'],
  app: ['core', 'tws', 'config', 'broker', 'sim', 'trading', 'policy', 'backtest', 'session', 'doctor', 'webview'],
  vscode: ['core', 'tws', 'config', 'broker', 'sim', 'trading', 'policy', 'backtest', 'session', 'doctor', 'app', 'webview'],
  cli: ['core', 'tws', 'config', 'broker', 'sim', 'trading', 'policy', 'backtest', 'session', 'doctor'],
};
const FOLDERS = [...Object.keys(LAYERS), 'webview'];

// The files that may import @stoqey/ib: the broker's link and its mapping to our types, and the
// setup checks' API probes (they must run below the broker's staged connect).
const IB_FILES = [`${EXT}/broker/{ibLink,wireMapping}.ts`, `${EXT}/doctor/{permissionsProbe,apiProbe}.ts`];

const vscodeRule = {
  name: 'vscode',
  message: 'Only src/extension/vscode and extension.ts import vscode: everything else runs in the CLI, tests and benchmarks.',
};
const ibRule = {
  group: ['@stoqey/ib', '@stoqey/ib/*'],
  message: 'Only the wire-facing files (eslint.config.mjs IB_FILES) import @stoqey/ib: go through BrokerClient.',
};
const layerRule = (folder) => {
  const banned = FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f));
  return banned.length
    ? [
        {
          group: banned.map((f) => `**/${f}/*`),
          message: `${folder}/ may import only ${LAYERS[folder].join(', ') || 'nothing outside itself'} (ARCHITECTURE.md: a layer imports only the layers below it).`,
        },
      ]
    : [];
};
const restricted = (folder, { ib }) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: folder === 'vscode' ? [] : [vscodeRule],
      patterns: [...layerRule(folder), ...(ib ? [] : [ibRule])],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'models/**', '.vscode-test/**', '.e2e/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['src/**/*.ts'], rules: { 'max-lines': ['error', { max: 500 }] } },
  // Where money moves or settings are read (the session, the risk rules, the TWS facts, the
  // config resolver), code states what may be missing instead of asserting it away.
  {
    files: [`${EXT}/session/**/*.ts`, `${EXT}/trading/**/*.ts`, `${EXT}/tws/**/*.ts`, `${EXT}/config/**/*.ts`],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  ...Object.keys(LAYERS)
    .flatMap((folder) => [
      { files: [`${EXT}/${folder}/**/*.ts`], ignores: IB_FILES, rules: restricted(folder, { ib: false }) },
      { files: IB_FILES.filter((g) => g.startsWith(`${EXT}/${folder}/`)), rules: restricted(folder, { ib: true }) },
    ])
    .filter((block) => block.files.length > 0),
  {
    // A new folder must take its place in LAYERS before it holds code.
    files: [`${EXT}/*/**/*.ts`],
    ignores: Object.keys(LAYERS).map((folder) => `${EXT}/${folder}/**`),
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Program', message: 'This folder is not a layer: add it to LAYERS in eslint.config.mjs and to ARCHITECTURE.md.' },
      ],
    },
  },
  {
    files: [`${EXT}/extension.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [ibRule] }] },
  },
  {
    // The panel's code (both sides of its messages) and the vscode glue take no `any`: the
    // messages are `unknown` until a guard narrows them.
    files: ['src/webview/**/*.ts', `${EXT}/app/**/*.ts`, `${EXT}/vscode/**/*.ts`, `${EXT}/extension.ts`],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // The webview runs in the browser: neither vscode nor the extension host's code.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscodeRule],
          patterns: [
            ibRule,
            { group: ['**/extension/*'], message: "The webview cannot import the extension host's code; share types through src/webview/protocol.ts." },
          ],
        },
      ],
    },
  },
);
