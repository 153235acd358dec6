// A small, strict argument parser for the CLI commands: unknown options and bad
// values are errors that name the option and what would be valid.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStrictNumber } from '../core/strictNumbers';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** `{ name: { type: 'string' } }` for each name, keeping the literal names so parseArgs types its values. */
export function stringOptions<const N extends string>(...names: N[]): { readonly [K in N]: { readonly type: 'string' } } {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as { readonly [K in N]: { readonly type: 'string' } };
}

/** `{ name: { type: 'boolean' } }` for each name (flags without a value). */
export function booleanOptions<const N extends string>(...names: N[]): { readonly [K in N]: { readonly type: 'boolean' } } {
  return Object.fromEntries(names.map((n) => [n, { type: 'boolean' }])) as { readonly [K in N]: { readonly type: 'boolean' } };
}

/** `--help` / `-h`, which every command has. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** Where TWS is, for the commands that connect to it (session, doctor). */
export const CONNECTION_OPTIONS = stringOptions('host', 'port', 'client-id', 'env-file');

export function parseOptions<T extends OptionSpec>(argv: string[], spec: T, command: string) {
  try {
    return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // node's messages name the option ("Unknown option '--frob'", "Option '--port <value>' argument missing"); add what is valid.
    const msg = (err instanceof Error ? err.message : String(err))
      .replace(/\. To specify a positional argument.*$/s, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/\.$/, '');
    const valid = Object.entries(spec).map(([name, o]) => `--${name}${o.type === 'string' ? ' <value>' : ''}`);
    throw new CliError(`${command}: ${msg}; valid options: ${valid.join(', ')} (--help explains them)`);
  }
}

/** The strict parser's reason when it says more than "not a number" (e.g. `: it uses an exponent`). */
function detail(error: string): string {
  const why = error.replace(/ \(valid:.*$/, '');
  return why === 'is not a number' || why === 'is not a whole number' ? '' : `: it ${why} (plain decimal digits only)`;
}

/** A string option checked by a `{ value, error }` parser (the one the same setting uses elsewhere), e.g. config.ts parsePort. */
export function parsedOption<V>(value: string | undefined, name: string, parse: (raw: string) => { value?: V; error?: string }): V | undefined {
  if (value === undefined) return undefined;
  const r = parse(value);
  if (r.error !== undefined || r.value === undefined) throw new CliError(`--${name} "${value}" ${r.error ?? 'is not valid'}`);
  return r.value;
}

/** The value of a path option that must name an existing file. */
export function existingFile(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!existsSync(resolve(value)) || !statSync(resolve(value)).isFile())
    throw new CliError(`--${name} ${value}: no such file (valid: the path of an existing file)`);
  return value;
}

export function intOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const { value: n, error } = parseStrictNumber(value, 'integer');
  if (n === undefined) throw new CliError(`--${name} "${value}" is not a whole number (valid: ${min}..${max})${detail(error!)}`);
  if (n < min || n > max) throw new CliError(`--${name} ${n} is out of range (valid: ${min}..${max})`);
  return n;
}

export function numberOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const { value: n, error } = parseStrictNumber(value, 'decimal');
  if (n === undefined) throw new CliError(`--${name} "${value}" is not a number (valid: ${min}..${max})${detail(error!)}`);
  if (n < min || n > max) throw new CliError(`--${name} ${n} is out of range (valid: ${min}..${max})`);
  return n;
}

/** The value of a folder option the command writes into, created now (mkdir -p) so a bad path fails before any work is done. */
export function writableFolder(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    mkdirSync(resolve(value), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new CliError(`--${name} ${value}: cannot create or use this folder (${code}; valid: a folder path you can write)`);
  }
  return value;
}
