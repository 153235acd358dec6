// The packaged extension in a real VS Code workbench: it activates on startup, the
// Command Palette starts the embedded TWS simulator (a real @stoqey/ib client connects to
// the port the status bar shows) and stops it again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { TestClient } from '../helpers/simHarness';
import { startWorkbench, type Workbench } from './workbench';

/** Resolves true if something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

describe('extension in a real workbench (code-server)', { timeout: 180_000 }, () => {
  let wb: Workbench;
  let port = 0;

  before(async () => {
    wb = await startWorkbench({ name: 'simulator' });
  });
  after(async () => {
    await wb?.stop();
  });

  it('activates on startup: the status bar shows "IBKR: off"', async () => {
    const text = await wb.waitForStatus(/IBKR: off/, 60_000);
    assert.equal(text, 'IBKR: off');
    // The codicon rendered as an icon, not as literal "$(...)" text.
    assert.equal(await wb.statusItem().locator('.codicon-debug-disconnect').count(), 1);
    await wb.screenshot('activated');
  });

  it('clicking the status bar item offers the actions', async () => {
    await wb.statusItem().click();
    const menu = wb.page.locator('.quick-input-widget');
    await menu.locator('.monaco-list-row', { hasText: 'Start TWS Simulator' }).waitFor({ timeout: 10_000 });
    assert.match(await menu.innerText(), /Show Log/);
    await wb.screenshot('status-menu');
    await wb.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  });

  it('"IBKR: Start TWS Simulator" shows the port, and a real TWS API client connects to it', async () => {
    await wb.runCommand('IBKR: Start TWS Simulator');
    const text = await wb.waitForStatus(/IBKR SIM :\d+/);
    port = Number(/:(\d+)/.exec(text)![1]);
    assert.ok(port > 0 && port !== 7497 && port !== 7496, `a free port, not TWS's: ${port}`);
    const note = await wb.waitForNotification(/TWS simulator listening/);
    assert.match(note, new RegExp(`127\\.0\\.0\\.1:${port}`));
    await wb.screenshot('simulator-running');

    const client = await new TestClient(port, 7).connect(10_000);
    try {
      assert.equal(client.accounts, 'DU1234567');
      assert.ok(client.nextOrderId > 0);
    } finally {
      client.disconnect();
    }
  });

  it('"IBKR: Show Log" shows the simulator\'s lines in the "IBKR AI Trader" output channel', async () => {
    await wb.runCommand('IBKR: Show Log');
    const output = wb.page.locator('.part.panel .view-lines');
    await output.filter({ hasText: `TWS simulator listening on 127.0.0.1:${port}` }).waitFor({ timeout: 15_000 });
    // Monaco renders spaces as U+00A0; \s matches both.
    const text = await output.innerText();
    assert.match(text, /\[sim\]\s+client\s+7\s+connected/);
    // Activation stayed cheap: wiring only, nothing connected or loaded.
    assert.match(text, /\[ui\]\s+activated\s+in\s+\d+(\.\d)?\s+ms/);
    await wb.screenshot('log');
  });

  it('"IBKR: Stop TWS Simulator" turns it off and closes the port', async () => {
    assert.ok(port > 0, 'the simulator was started');
    await wb.runCommand('IBKR: Stop TWS Simulator');
    await wb.waitForStatus(/IBKR: off/);
    await wb.waitForNotification(new RegExp(`port ${port} stopped`));
    assert.equal(await accepts(port), false, `port ${port} still accepts connections`);
    await wb.screenshot('simulator-stopped');
  });
});
