// Lint: typescript-eslint's recommended rules, plus the architecture rule that only
// the UI edge imports `vscode`.
import tseslint from 'typescript-eslint';

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
    ignores: ['src/extension/ui/**', 'src/extension/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/extension/ui and extension.ts may import vscode: the core runs in the CLI, tests and benchmarks.' }] }],
    },
  },
);
