import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { builtinDataset, builtinDatasetPath } from '../../../src/extension/policy/datasets';

// The extension host's working directory is wherever VS Code started (here: this clone, which has
// node_modules/vega-datasets): the extension must find the data it ships, not the clone's.
test('a built-in dataset is looked for from the given folder, then the shipped copy; not from the process working directory', () => {
  const ds = builtinDataset('SPX');
  assert.ok(ds?.packaged);
  const ext = mkdtempSync(join(tmpdir(), 'ibkr-ext-'));
  mkdirSync(join(ext, 'dist'));
  mkdirSync(join(ext, 'data'));
  const shipped = join(ext, 'data', 'sp500-2000.csv');
  writeFileSync(shipped, 'date,price\n');
  const workspace = mkdtempSync(join(tmpdir(), 'ibkr-ws-'));
  assert.equal(builtinDatasetPath(ds, join(ext, 'dist'), workspace), shipped);
  // From the clone (the CLI's case), the installed package wins.
  assert.match(builtinDatasetPath(ds, join(ext, 'dist'), process.cwd()) ?? '', /node_modules\/vega-datasets\/data\/sp500-2000\.csv$/);
});
