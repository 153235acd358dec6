// Builds the two bundles: the extension host (node, cjs) and the webview (browser).
// `vscode` is provided by the host; onnxruntime-node loads a native .node file by a
// computed path, so it ships in node_modules instead of the bundle.
import { build } from 'esbuild';

const production = process.argv.includes('--production');
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts', cli: 'src/extension/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
  }),
  build({
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  }),
]);
console.log(`built dist/ (${production ? 'production' : 'development'})`);
