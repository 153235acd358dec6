// The reliability suite's figures: each test file counts what it proved (fault scenarios
// survived, orders and fills checked, inputs fuzzed, bad inputs refused, safety checks) and,
// when RELIABILITY_FIGURES_DIR is set (scripts/reliability.mjs sets it), writes them as JSON
// when its process exits. The script sums the files and checks RELIABILITY.md against them.
// Counts are added only after a test's assertions passed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface FileFigures {
  file: string;
  /** fault scenarios survived, by name (full sessions against the simulator) */
  faults: string[];
  /** connection losses the sessions came back from (drops, restarts, hangs, corrupt streams, SIGKILLs) */
  recoveries: number;
  /** orders checked: placeOrder lines in the record, each orderRef at most once, equal to the journal's */
  orders: number;
  /** executions checked: each journaled exactly once, positions equal to the simulated account's */
  fills: number;
  /** seeded fuzz inputs, by target */
  fuzz: Record<string, number>;
  /** bad inputs refused with an error naming the problem, nothing sent */
  badInputs: string[];
  /** safety properties checked */
  safety: string[];
}

export class Figures {
  readonly data: FileFigures;

  constructor(testFile: string) {
    this.data = { file: basename(testFile), faults: [], recoveries: 0, orders: 0, fills: 0, fuzz: {}, badInputs: [], safety: [] };
    const dir = process.env.RELIABILITY_FIGURES_DIR;
    if (dir) {
      process.on('exit', () => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${this.data.file}.json`), JSON.stringify(this.data, null, 2));
      });
    }
  }

  fault(name: string, checked: { orders: number; fills: number; recoveries?: number }): void {
    this.data.faults.push(name);
    this.data.orders += checked.orders;
    this.data.fills += checked.fills;
    this.data.recoveries += checked.recoveries ?? 0;
  }

  fuzzed(target: string, inputs: number): void {
    this.data.fuzz[target] = (this.data.fuzz[target] ?? 0) + inputs;
  }

  badInput(name: string): void {
    this.data.badInputs.push(name);
  }

  safe(name: string): void {
    this.data.safety.push(name);
  }
}
