// Workspace Trust: in an untrusted folder (Restricted Mode) the extension activates but
// refuses to start the simulator, says why, and offers to manage trust; once the user
// trusts the folder, the same command works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkbench, type Workbench } from './workbench';

describe('Workspace Trust in a real workbench (code-server)', { timeout: 180_000 }, () => {
  let wb: Workbench;

  before(async () => {
    // Workspace Trust on, no startup prompt: the folder opens in Restricted Mode.
    wb = await startWorkbench({ name: 'trust', trusted: false });
  });
  after(async () => {
    await wb?.stop();
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

  it('after the user trusts the folder, the simulator starts', async () => {
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
