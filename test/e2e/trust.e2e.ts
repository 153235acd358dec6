// Workspace Trust: in an untrusted folder (Restricted Mode) the extension activates but
// refuses to start the simulator, to connect, to start a session or to run the setup checks,
// says why, and offers to manage trust; nothing reaches the configured TWS port. Once the
// user trusts the folder, the same commands work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { startWorkbench, type Workbench } from './workbench';

describe('Workspace Trust in a real workbench (code-server)', { timeout: 180_000 }, () => {
  let wb: Workbench;
  let tws: Server;
  let connections = 0;

  before(async () => {
    // A stand-in for TWS that only counts connections: the port is in the user settings
    // (which apply in Restricted Mode too) and in the workspace's .env.
    tws = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => tws.listen(0, '127.0.0.1', () => r()));
    const port = (tws.address() as { port: number }).port;
    // Workspace Trust on, no startup prompt: the folder opens in Restricted Mode.
    wb = await startWorkbench({
      name: 'trust',
      trusted: false,
      userSettings: { 'ibkrAi.port': port, 'ibkrAi.session.symbols': ['NVDA'], 'ibkrAi.session.mode': 'paper', 'ibkrAi.session.model': '/nonexistent' },
      files: { '.env': `IBKR_HOST=127.0.0.1\nIBKR_PORT=${port}\n` },
    });
  });
  after(async () => {
    await wb?.stop();
    await new Promise<void>((r) => tws?.close(() => r()));
  });

  it('activates in Restricted Mode: the status bar shows "IBKR: restricted"', async () => {
    await wb.waitForStatus(/IBKR: restricted/, 60_000);
    await wb.screenshot('restricted');
  });

  it('refuses to start the simulator, with the reason and a way to trust', async () => {
    await wb.runCommand('IBKR: Start TWS Simulator');
    const note = await wb.waitForNotification(/Cannot start the TWS simulator/);
    assert.match(note, /Restricted Mode: IBKR AI Trader starts the TWS simulator or connects to TWS only in a trusted workspace/);
    assert.match(note, /Manage Workspace Trust/);
    assert.match(await wb.statusText(), /IBKR: restricted/);
    await wb.screenshot('refused');
  });

  it('refuses to connect, to start an AI session or to run the setup checks: nothing reaches TWS', async () => {
    await wb.runCommand('IBKR: Connect to TWS');
    assert.match(await wb.waitForNotification(/Cannot connect to TWS/), /Restricted Mode/);
    await wb.runCommand('IBKR: Start AI Session');
    assert.match(await wb.waitForNotification(/Cannot start an AI session/), /Restricted Mode/);
    await wb.runCommand('IBKR: Run TWS Setup Checks');
    const p = wb.panel();
    await p.locator('#checks-error', { hasText: /Restricted Mode/ }).waitFor({ timeout: 15_000 });
    assert.match(await p.locator('#conn-status').innerText(), /Restricted Mode/);
    assert.equal(await p.locator('#btn-startSession').getAttribute('disabled'), '', 'Start AI Session is disabled in the panel');
    await wb.screenshot('restricted-panel');
    assert.match(await wb.statusText(), /IBKR: restricted/);
    assert.equal(connections, 0, 'nothing connected to the configured TWS port');
  });

  it('after the user trusts the folder, the simulator starts', async () => {
    // A fresh refusal, whose notification offers to manage trust.
    await wb.runCommand('IBKR: Connect to TWS');
    await wb.waitForNotification(/Cannot connect to TWS/);
    await wb.page.locator('.notification-toast .monaco-button', { hasText: 'Manage Workspace Trust' }).first().click();
    const trust = wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 15_000 });
    await wb.screenshot('trust-editor');
    await trust.click();
    await wb.waitForStatus(/IBKR: off/);
    await wb.runCommand('IBKR: Start TWS Simulator');
    await wb.waitForStatus(/IBKR SIM :\d+/);
    await wb.screenshot('trusted-running');
    await wb.runCommand('IBKR: Stop TWS Simulator');
    await wb.waitForStatus(/IBKR: off/);
  });
});
