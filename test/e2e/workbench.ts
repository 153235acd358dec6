// A real VS Code workbench for e2e tests, offline: code-server 4.100.3 (VS Code 1.100.3's
// workbench and extension host, on this node) with the packaged .vsix installed, driven by
// Debian's Chromium through playwright-core. Set up by scripts/install-e2e-deps.sh.
// Everything runs in temporary dirs on a free loopback port and is stopped by process group.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '../..');
export const ARTIFACTS = join(ROOT, 'artifacts/e2e');
const CODE_SERVER = join(ROOT, '.e2e/code-server/node_modules/.bin/code-server');
const CHROMIUM = process.env.IBKR_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** Without the networking flags Chromium floods refused connections to Google hosts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings that keep first-run UI (welcome page, tips, trust prompt) out of the way. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // No modal trust dialog: an untrusted folder simply opens in Restricted Mode.
  'security.workspace.trust.startupPrompt': 'never',
  'chat.commandCenter.enabled': false,
};

export interface WorkbenchOptions {
  /** Names the artifacts folder and screenshots. */
  name: string;
  /** false: Workspace Trust stays on and the folder opens untrusted (Restricted Mode). */
  trusted?: boolean;
  /** The workspace folder's .vscode/settings.json. */
  workspaceSettings?: Record<string, unknown>;
  /** User settings on top of the defaults that keep first-run UI away. */
  userSettings?: Record<string, unknown>;
  /** Files to create in the workspace folder (path -> text), e.g. a `.env`. */
  files?: Record<string, string>;
}

export interface Workbench {
  page: Page;
  url: string;
  folder: string;
  /**
   * Runs a command from the Command Palette by its full title, e.g. "IBKR: Start TWS Simulator".
   * With `prompt`, the command opens a quick pick of its own: that one is awaited instead of
   * the palette closing.
   */
  runCommand(title: string, opts?: { prompt?: boolean }): Promise<void>;
  /** Opens a workspace file with Quick Open (in the active editor group). */
  openFile(name: string): Promise<void>;
  /** Picks the row of the open quick pick whose text matches, and accepts it. */
  pickQuickItem(text: string | RegExp): Promise<void>;
  /** The trading panel's document (two iframes deep). */
  panel(): FrameLocator;
  /** The extension's status bar item. */
  statusItem(): Locator;
  statusText(): Promise<string>;
  waitForStatus(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for a notification toast whose text matches; returns its text. */
  waitForNotification(pattern: RegExp, timeoutMs?: number): Promise<string>;
  screenshot(step: string): Promise<string>;
  stop(): Promise<void>;
}

export function findVsix(): string {
  const fromEnv = process.env.IBKR_E2E_VSIX;
  if (fromEnv) return resolve(fromEnv);
  const candidates = readdirSync(ROOT)
    .filter((f) => /^ibkr-ai-trader-.*-linux-x64\.vsix$/.test(f))
    .map((f) => join(ROOT, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!candidates[0]) throw new Error('no ibkr-ai-trader-*-linux-x64.vsix in the project root: run `npm run package` first');
  return candidates[0];
}

function checkTools(): void {
  if (!existsSync(CODE_SERVER)) throw new Error(`${CODE_SERVER} is missing: run \`bash scripts/install-e2e-deps.sh\``);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/install-e2e-deps.sh\``);
}

/** Environment for code-server: without VSCODE_IPC_HOOK_CLI (set in a VS Code terminal) it
 *  would hand the folder to that editor instead of starting. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
  return env;
}

let installed: string | undefined;

/** Installs the .vsix once per process into a shared extensions dir (as a user would). */
function installExtension(vsix: string): string {
  if (installed) return installed;
  const dir = mkdtempSync(join(tmpdir(), 'ibkr-e2e-ext-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync(
    CODE_SERVER,
    ['--config', join(dir, 'config.yaml'), '--user-data-dir', join(dir, 'user'), '--extensions-dir', join(dir, 'extensions'), '--install-extension', vsix],
    {
      encoding: 'utf8',
      env: childEnv(),
      timeout: 120_000,
    },
  );
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  installed = join(dir, 'extensions');
  return installed;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server not healthy at ${url} after ${timeoutMs} ms:\n${readFileSync(log, 'utf8').slice(-2000)}`);
}

/** Kills a detached child's whole process group (the extension host is a grandchild). */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // group already gone
    }
  };
  signal('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
  // Children outlive a parent that exits on SIGTERM: always finish the group off.
  signal('SIGKILL');
  if (timedOut) await exited;
}

export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  checkTools();
  const extensionsDir = installExtension(findVsix());
  const out = join(ARTIFACTS, options.name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'ibkr-e2e-'));
  const userData = join(tmp, 'user');
  const folder = join(tmp, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({ ...SETTINGS, ...options.userSettings }, null, 2));
  writeFileSync(join(folder, 'README.md'), '# e2e workspace\n');
  if (options.workspaceSettings) {
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode/settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
  }
  for (const [rel, text] of Object.entries(options.files ?? {})) writeFileSync(join(folder, rel), text);
  const config = join(tmp, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = join(out, 'code-server.log');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  args.push('--config', config, '--user-data-dir', userData, '--extensions-dir', extensionsDir);
  if (options.trusted !== false) args.push('--disable-workspace-trust');
  const fd = openSync(log, 'w');
  // detached: its own process group, so stop() reaches the extension host too.
  const child = spawn(CODE_SERVER, [...args, folder], { detached: true, stdio: ['ignore', fd, fd], env: childEnv() });

  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await killGroup(child);
    // Keep the logs (extension host, our output channel) next to the screenshots.
    if (existsSync(join(userData, 'logs'))) cpSync(join(userData, 'logs'), join(out, 'logs'), { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitHealthy(url, child, log);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return makeWorkbench(page, url, folder, out, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

function makeWorkbench(page: Page, url: string, folder: string, out: string, stop: () => Promise<void>): Workbench {
  let shot = 0;
  const statusItem = () => page.locator('#workbench\\.parts\\.statusbar .statusbar-item').filter({ hasText: /IBKR/ }).first();
  const statusText = async () =>
    (
      await statusItem()
        .innerText({ timeout: 1000 })
        .catch(() => '')
    ).trim();
  const wb: Workbench = {
    page,
    url,
    folder,
    async runCommand(title, opts = {}) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      // Enter only once the filtered list has this command focused, or Enter runs another.
      await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      if (opts.prompt) {
        // The same widget comes back with the command's own quick pick (its input loses the '>').
        // (A string: this file compiles without the DOM lib.)
        await page.waitForFunction(
          "(() => { const i = document.querySelector('.quick-input-widget input.input'); const w = document.querySelector('.quick-input-widget'); return !!i && !!w && w.style.display !== 'none' && !i.value.startsWith('>'); })()",
          undefined,
          { timeout: 15_000 },
        );
        return;
      }
      await input.waitFor({ state: 'hidden', timeout: 10_000 });
    },
    async openFile(name) {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(name);
      await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: name }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 10_000 });
      await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 10_000 });
    },
    async pickQuickItem(text) {
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: text }).first();
      await row.waitFor({ timeout: 15_000 });
      const title = page.locator('.quick-input-widget .quick-input-title');
      const picking = await title.innerText().catch(() => '');
      await row.click();
      // A pick that stays open after the click (its OK accepts it) is this one, by its title:
      // never press the OK of whatever opens next (the ticket's next step, a save dialog).
      await sleep(100);
      const ok = page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: /^OK$/ });
      const same = (await title.innerText().catch(() => '')) === picking;
      if (same && (await ok.isVisible().catch(() => false))) await ok.click();
    },
    panel() {
      return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    },
    statusItem,
    statusText,
    async waitForStatus(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let text = '';
      while (Date.now() < deadline) {
        text = await statusText();
        if (pattern.test(text)) return text;
        await sleep(100);
      }
      await wb.screenshot(`timeout-status`);
      throw new Error(`status bar item never matched ${pattern}; last text: "${text}"`);
    },
    async waitForNotification(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        seen = (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        const hit = seen.find((t) => pattern.test(t));
        if (hit) return hit;
        await sleep(100);
      }
      await wb.screenshot(`timeout-notification`);
      throw new Error(`no notification matched ${pattern}; visible: ${JSON.stringify(seen)}`);
    },
    async screenshot(step) {
      const path = join(out, `${String(++shot).padStart(2, '0')}-${step}.png`);
      await page.screenshot({ path });
      return path;
    },
    stop,
  };
  return wb;
}

/** Keys go to the workbench again, not to the panel's webview (a click on an empty spot of the status bar). */
export async function focusWorkbench(wb: Workbench): Promise<void> {
  const bar = wb.page.locator('#workbench\\.parts\\.statusbar');
  const box = (await bar.boundingBox())!;
  await bar.click({ position: { x: box.width / 2, y: box.height / 2 } });
}

/** Clears every notification toast, so screenshots show what is under them. */
export async function clearNotifications(wb: Workbench): Promise<void> {
  await focusWorkbench(wb);
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.page
    .locator('.notifications-toasts .notification-toast')
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => undefined);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** From a fresh window: "Start TWS Simulator", then "Connect to TWS" on it, ready on the simulator's paper account. Returns the simulator's port. */
export async function connectToEmbeddedSimulator(wb: Workbench): Promise<number> {
  await wb.waitForStatus(/IBKR: off/, 60_000);
  await wb.runCommand('IBKR: Start TWS Simulator');
  const text = await wb.waitForStatus(/IBKR SIM :\d+/);
  const port = Number(/:(\d+)/.exec(text)?.[1]);
  await wb.runCommand('IBKR: Connect to TWS');
  await wb.waitForStatus(/IBKR DU1234567 SIM/, 30_000);
  return port;
}
