// A small, strict argument parser for the CLI commands: unknown options and bad
// values are errors that name the option and what would be valid.
import { parseArgs } from 'node:util';
import { parseStrictNumber } from '../config/strictNumbers';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export function parseOptions<T extends OptionSpec>(argv: string[], spec: T, command: string) {
  try {
    return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new CliError(`${command}: ${msg.replace(/\. To specify.*$/s, '')}; run with --help for the options`);
  }
}

/** The strict parser's reason when it says more than "not a number" (e.g. `: it uses an exponent`). */
function detail(error: string): string {
  const why = error.replace(/ \(valid:.*$/, '');
  return why === 'is not a number' || why === 'is not a whole number' ? '' : `: it ${why} (plain decimal digits only)`;
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
