// A history read replaced by a newer one (two clicks, or a click and a session's end) still
// resolves its caller: nothing awaits a read forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryFeed } from '../../../src/extension/app/historyFeed';
import { PanelStore } from '../../../src/extension/app/panelStore';

test('two refreshes in one turn: both resolve, the store holds the second folder', async () => {
  const store = new PanelStore();
  const feed = new HistoryFeed(store);
  const a = mkdtempSync(join(tmpdir(), 'hist-a-'));
  const b = mkdtempSync(join(tmpdir(), 'hist-b-'));
  const first = feed.refresh(a);
  const second = feed.refresh(b);
  const settled = await Promise.race([Promise.all([first, second]).then(() => 'both'), new Promise((r) => setTimeout(() => r('hung'), 2000))]);
  assert.equal(settled, 'both');
  assert.equal(store.historyView().dir, b);
  feed.dispose();
});
