// What users download and wait for: activationMs (dist/extension.js loaded and activate()
// called with a minimal `vscode` stand-in, in a fresh process: a bench-only harness, since
// VS Code itself may not be available here), and the sizes of the host bundle, the webview
// bundle and the .vsix. Full mode runs `npm run package` first (production build + .vsix);
// quick mode measures what is already built and says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { round, summary, type Bench, type BenchResult, type Figure } from './lib';

const ROOT = resolve(__dirname, '..');

/** Loads the bundle in a child process with a Proxy-based `vscode` module; prints {loadMs, activateMs}. */
const HARNESS = String.raw`
const Module = require('node:module');
const deep = () => {
  const props = new Map();
  return new Proxy(function () {}, {
    get(_t, k) {
      if (k === Symbol.toPrimitive) return () => 'shim';
      if (k === 'then') return undefined;
      if (k === 'isTrusted') return true;
      if (!props.has(k)) props.set(k, deep());
      return props.get(k);
    },
    set(_t, k, v) { props.set(k, v); return true; },
    apply() { return deep(); },
    construct() { return deep(); },
  });
};
// A plain object with the namespaces the extension uses (esbuild's interop copies own keys).
const vscode = {};
for (const k of ['window', 'workspace', 'commands', 'env', 'Uri', 'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ThemeColor', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'ViewColumn', 'ProgressLocation', 'ConfigurationTarget', 'UIKind', 'MarkdownString', 'l10n', 'extensions', 'languages']) vscode[k] = deep();
vscode.version = '1.100.3';
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const t0 = performance.now();
const ext = require(process.argv[1]);
const t1 = performance.now();
ext.activate({ subscriptions: [], extensionUri: vscode.Uri.file('/x'), extensionPath: '/x', globalState: deep(), workspaceState: deep(), secrets: deep() });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1 }));
`;

function size(p: string): number | null {
  return existsSync(p) ? statSync(p).size : null;
}

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  const notes: string[] = [];
  if (!quick) {
    const r = spawnSync('npm', ['run', '-s', 'package'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run package failed: ${r.stderr || r.stdout}`);
    notes.push('Built by `npm run package` (production bundles, linux-x64 .vsix) just before measuring.');
  }
  const hostPath = join(ROOT, 'dist/extension.js');
  const webPath = join(ROOT, 'dist/webview.js');
  const host = size(hostPath);
  const production = host !== null && !readFileSync(hostPath, 'utf8').includes('sourceMappingURL=');
  const vsixName = readdirSync(ROOT)
    .filter((f) => f.endsWith('.vsix'))
    .sort((a, b) => statSync(join(ROOT, b)).mtimeMs - statSync(join(ROOT, a)).mtimeMs)[0];
  const vsix = vsixName ? size(join(ROOT, vsixName)) : null;
  if (quick)
    notes.push(
      `Measured the build already in dist/ (${host === null ? 'none' : production ? 'production' : 'development: unminified'}) and ${vsixName ?? 'no .vsix'}; \`npm run bench\` (full) packages first.`,
    );

  const runs = smoke ? 2 : quick ? 5 : 15;
  const load: number[] = [];
  const activate: number[] = [];
  if (host !== null) {
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, ['-e', HARNESS, hostPath], { cwd: ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`activation harness failed: ${r.stderr}`);
      const m = JSON.parse(r.stdout) as { loadMs: number; activateMs: number };
      load.push(m.loadMs);
      activate.push(m.activateMs);
    }
  }
  const total = load.map((l, i) => l + activate[i]!);
  const t = summary(total);
  const a = summary(activate);
  const l = summary(load);
  const notBuilt = 'not built (run `npm run build` or `npm run package`)';
  const figures: Figure[] = [
    {
      key: 'activationMs',
      value: host === null ? null : round(t.p50, 1),
      unit: 'ms',
      what: 'require(dist/extension.js) + activate(), vscode stand-in, median',
      ...(host === null ? { note: notBuilt } : {}),
    },
    {
      key: 'hostBundleBytes',
      value: host,
      unit: 'B',
      what: `dist/extension.js${production ? ' (production)' : host === null ? '' : ' (development build)'}`,
      ...(host === null ? { note: notBuilt } : {}),
    },
    { key: 'webviewBundleBytes', value: size(webPath), unit: 'B', what: 'dist/webview.js', ...(size(webPath) === null ? { note: notBuilt } : {}) },
    { key: 'vsixBytes', value: vsix, unit: 'B', what: vsixName ?? '.vsix', ...(vsix === null ? { note: 'not built (run `npm run package`)' } : {}) },
  ];
  if (host !== null) {
    notes.push(
      `activationMs: a fresh \`node\` process per run (${runs} runs) requires dist/extension.js with a Proxy stand-in for the \`vscode\` module and calls activate(); median ${round(t.p50, 1)} ms (load ${round(l.p50, 1)} ms + activate() ${round(a.p50, 1)} ms), max ${round(t.max, 1)} ms. In VS Code the extension logs "activated in N ms" for activate() alone (the e2e run in code-server logs it too).`,
    );
  }
  const e2e = e2eActivation();
  if (e2e.length) notes.push(`activate() as logged by the last e2e run in code-server (artifacts/e2e): ${e2e.join(', ')} ms.`);
  return { figures, details: { production, runs, loadMs: l, activateMs: a, totalMs: t, vsix: vsixName ?? null, e2eActivateMs: e2e }, notes };
};

function e2eActivation(): number[] {
  const dir = join(ROOT, 'artifacts/e2e');
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(log|txt)$/.test(f)) for (const m of readFileSync(p, 'utf8').matchAll(/activated in ([0-9.]+) ms/g)) out.push(Number(m[1]));
    }
  };
  walk(dir);
  return out;
}
