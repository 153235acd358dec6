// Bar files that ship with the project's packages, by symbol, and the default model folder.
// Paths are found by walking up from the working directory and from this file, so the
// same code works under tsx (src/...) and bundled (dist/...).
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface BuiltinDataset {
  readonly symbol: string;
  /** path inside node_modules */
  readonly file: string;
  /** the file holds several symbols in a symbol column */
  readonly multiSymbol: boolean;
  readonly description: string;
  /** shipped inside the extension package as data/<file name> (next to dist/) */
  readonly packaged?: boolean;
}

const SP500: BuiltinDataset = {
  symbol: 'SPX',
  file: 'vega-datasets/data/sp500-2000.csv',
  multiSymbol: false,
  description: 'S&P 500 index, daily OHLCV 2000-01-03..2020-04-17 (vega-datasets)',
  packaged: true,
};

const monthly = (symbol: string): BuiltinDataset => ({
  symbol,
  file: 'vega-datasets/data/stocks.csv',
  multiSymbol: true,
  description: `${symbol} monthly closes 2000-2010, date and price only (vega-datasets)`,
});

export const BUILTIN_DATASETS: Readonly<Record<string, BuiltinDataset>> = {
  SPX: SP500,
  MSFT: monthly('MSFT'),
  AMZN: monthly('AMZN'),
  IBM: monthly('IBM'),
  GOOG: monthly('GOOG'),
  AAPL: monthly('AAPL'),
};

const ALIASES: Readonly<Record<string, string>> = { '^GSPC': 'SPX', GSPC: 'SPX', SP500: 'SPX', '^SPX': 'SPX' };

export const DEFAULT_SYMBOL = 'SPX';
export const DEFAULT_MODEL = 'models/ppo-sp500';

/** First existing `relative` path found walking up from the working directory, then from this module. */
export function findUp(relative: string, starts: readonly string[] = [process.cwd(), __dirname]): string | undefined {
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, relative);
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

export function builtinDataset(symbol: string): BuiltinDataset | undefined {
  const key = symbol.trim().toUpperCase();
  return BUILTIN_DATASETS[ALIASES[key] ?? key];
}

/** The folder the extension package ships data files in: `data/` beside the bundle's `dist/`. */
export const PACKAGED_DATA_DIR = 'data';

/**
 * Absolute path of a built-in dataset's file: from the vega-datasets package when installed
 * (development, the CLI from a clone), else the copy the extension package ships. `cwd` is
 * where the run was asked from (the CLI's working directory, the extension's workspace
 * folder): never the extension host's own working directory, which is wherever VS Code started.
 */
export function builtinDatasetPath(ds: BuiltinDataset, moduleDir: string = __dirname, cwd: string = process.cwd()): string | undefined {
  const installed = findUp(join('node_modules', ds.file), [cwd, moduleDir]);
  if (installed) return installed;
  if (!ds.packaged) return undefined;
  const shipped = join(moduleDir, '..', PACKAGED_DATA_DIR, basename(ds.file));
  return existsSync(shipped) ? shipped : undefined;
}

/** The shipped demo model's folder, if present (looked for from `cwd`, then from this module). */
export function defaultModelDir(cwd: string = process.cwd()): string | undefined {
  const manifest = findUp(join(DEFAULT_MODEL, 'manifest.json'), [cwd, __dirname]);
  return manifest ? dirname(manifest) : undefined;
}
