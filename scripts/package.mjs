// `npm run package [-- --target linux-x64]`: production build, then a per-platform .vsix
// holding only what runs. The bundles carry every JS dependency except onnxruntime-node
// (a native addon esbuild cannot bundle), so the .vsix gets a curated node_modules with
// onnxruntime-node's JS and the target's binaries, plus onnxruntime-common.
// vsce reads node_modules only through `npm ls`, so we stage a folder whose manifest
// depends on exactly those two packages and let .vscodeignore do the fine filtering.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const argTarget = process.argv.indexOf('--target');
const target = argTarget > 0 ? process.argv[argTarget + 1] : 'linux-x64';
const [platform, arch] = target.split('-');
const stage = join(root, 'out', 'vsix');

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (p, v) => writeFileSync(p, JSON.stringify(v, null, 2) + '\n');

run(process.execPath, ['scripts/build.mjs', '--production']);

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
for (const f of ['extension.js', 'cli.js', 'webview.js']) cpSync(join(root, 'dist', f), join(stage, 'dist', f));
for (const f of ['README.md', 'LICENSE', '.vscodeignore']) cpSync(join(root, f), join(stage, f));
for (const d of ['models', 'media']) if (existsSync(join(root, d))) cpSync(join(root, d), join(stage, d), { recursive: true });
// The S&P 500 bars the default backtest uses (vega-datasets is a devDependency):
// src/extension/policy/datasets.ts finds them in data/ beside dist/.
const sp500 = join(root, 'node_modules/vega-datasets/data/sp500-2000.csv');
if (!existsSync(sp500)) throw new Error(`${sp500} is missing: run npm install (vega-datasets is a devDependency)`);
mkdirSync(join(stage, 'data'), { recursive: true });
cpSync(sp500, join(stage, 'data/sp500-2000.csv'));
const vegaPkg = readJson(join(root, 'node_modules/vega-datasets/package.json'));
writeFileSync(
  join(stage, 'data/README.md'),
  `sp500-2000.csv: daily S&P 500 index bars 2000-2020 from vega-datasets ${vegaPkg.version} (${vegaPkg.license}), ` +
    'https://github.com/vega/vega-datasets. The default data of "IBKR: Backtest Policy".\n',
);

// The extension manifest: runtime dependencies only (the rest is bundled), no scripts.
const pkg = readJson(join(root, 'package.json'));
const ortVersion = readJson(join(root, 'node_modules/onnxruntime-node/package.json')).version;
delete pkg.scripts;
delete pkg.devDependencies;
pkg.dependencies = { 'onnxruntime-node': ortVersion };
writeJson(join(stage, 'package.json'), pkg);

// onnxruntime-node: its JS and this target's native binaries. Its other dependencies
// (adm-zip, global-agent) serve only its install script.
const ortSrc = join(root, 'node_modules/onnxruntime-node');
const ortDst = join(stage, 'node_modules/onnxruntime-node');
const bin = `bin/napi-v6/${platform}/${arch}`;
if (!existsSync(join(ortSrc, bin))) throw new Error(`onnxruntime-node ships no binaries for ${target} (${bin})`);
cpSync(join(ortSrc, 'dist'), join(ortDst, 'dist'), { recursive: true });
cpSync(join(ortSrc, bin), join(ortDst, bin), { recursive: true });
for (const f of ['README.md', 'LICENSE']) if (existsSync(join(ortSrc, f))) cpSync(join(ortSrc, f), join(ortDst, f));
const ortPkg = readJson(join(ortSrc, 'package.json'));
const commonVersion = ortPkg.dependencies['onnxruntime-common'];
delete ortPkg.scripts;
delete ortPkg.devDependencies;
ortPkg.dependencies = { 'onnxruntime-common': commonVersion };
writeJson(join(ortDst, 'package.json'), ortPkg);
// onnxruntime-common: the CommonJS build is what onnxruntime-node requires.
const commonSrc = join(root, 'node_modules/onnxruntime-common');
const commonDst = join(stage, 'node_modules/onnxruntime-common');
cpSync(join(commonSrc, 'dist/cjs'), join(commonDst, 'dist/cjs'), { recursive: true });
const commonPkg = readJson(join(commonSrc, 'package.json'));
delete commonPkg.scripts;
delete commonPkg.devDependencies;
writeJson(join(commonDst, 'package.json'), commonPkg);

// The curated onnxruntime-node must load on its own (no dependency left behind).
if (target === `${process.platform}-${process.arch}`) {
  const r = spawnSync(process.execPath, ['-e', "require('onnxruntime-node').InferenceSession"], { cwd: stage, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the staged onnxruntime-node does not load');
}

const out = join(root, `${pkg.name}-${pkg.version}-${target}.vsix`);
rmSync(out, { force: true });
// --allow-missing-repository: no public repository yet (vsce would otherwise prompt).
run(join(root, 'node_modules/.bin/vsce'), ['package', '--target', target, '--allow-missing-repository', '--out', out], stage);
console.log(`${out.slice(root.length + 1)}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MiB`);
