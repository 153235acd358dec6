// Lint: typescript-eslint's recommended rules, plus the architecture rules: only the UI
// edge imports `vscode`, and only the broker layer (and the setup-check probes, which
// must speak to TWS below the broker's staged connect) import `@stoqey/ib`.
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/extension/ui and extension.ts may import vscode: the core runs in the CLI, tests and benchmarks.' };
const noIbPaths = { group: ['@stoqey/ib', '@stoqey/ib/*'], message: 'Only src/extension/broker (and doctor probes) may use @stoqey/ib: go through BrokerClient.' };

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
  {
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/ui/**', 'src/extension/extension.ts', 'src/extension/broker/**', 'src/extension/doctor/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noIbPaths] }] },
  },
  {
    files: ['src/extension/broker/**/*.ts', 'src/extension/doctor/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/extension/ui/**/*.ts', 'src/extension/extension.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noIbPaths] }] },
  },
  {
    // The UI's pure modules (state, wording, coalescing, config resolution, the controller)
    // stay vscode-free so they run under node's test runner against the simulator.
    files: [
      'src/extension/ui/{backtestRunner,coalescer,configModel,csp,notifyPolicy,panelMessages,panelStore,remoteHost,simulatorHost,statusView,trader}.ts',
      'src/webview/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: [{ ...noVscode, message: 'This module is vscode-free (unit-tested under node; the webview cannot import vscode).' }], patterns: [noIbPaths] }] },
  },
);
