// doctorMaxSeconds: the setup checks (`npm run doctor -- --json`) against the simulator in
// each fault mode and a closed port, as a process (node start-up included) and in process.
import { measureDoctor } from './doctorBench';
import { round, type Bench, type BenchResult } from './lib';

/**
 * Slow by design: api-disabled is bounded by the handshake timeout (a TWS that accepts and
 * never answers); a refused port is polled for REOPEN_WAIT_MS to catch a login, two-factor
 * prompt or daily restart that opens it during the checks; the accept dialog is its delay.
 */
const SLOW_BY_DESIGN = new Set(['api-disabled', 'closed-port', 'accept-dialog:0.4']);

export const run: Bench = async ({ quick, smoke }): Promise<BenchResult> => {
  const runs = smoke ? 1 : quick ? 1 : 3;
  const rows = await measureDoctor(runs);
  const cliMax = Math.max(...rows.map((r) => r.cliWallMs.max));
  const fast = rows.filter((r) => !SLOW_BY_DESIGN.has(r.mode));
  const fastInProcess = Math.max(...fast.map((r) => r.inProcessMs.max));
  const fastCli = Math.max(...fast.filter((r) => r.verdict !== 'pass').map((r) => r.cliWallMs.max));
  const slowest = rows.reduce((a, b) => (b.cliWallMs.max > a.cliWallMs.max ? b : a));
  return {
    figures: [
      {
        key: 'doctorMaxSeconds',
        value: round(cliMax / 1000, 2),
        unit: 's',
        goal: { op: '<=', value: 3 },
        what: `slowest \`doctor --json\` process over ${rows.length} modes (${slowest.mode})`,
      },
      {
        key: 'doctorFastFailMaxSeconds',
        value: round(fastInProcess / 1000, 3),
        unit: 's',
        goal: { op: '<=', value: 0.5 },
        what: `slowest in-process run of the modes that fail fast (all but ${[...SLOW_BY_DESIGN].join(', ')})`,
      },
      { key: 'doctorFastFailCliMaxSeconds', value: round(fastCli / 1000, 2), unit: 's', what: 'the same as a process, node + tsx start-up included' },
    ],
    details: { runsPerMode: runs, modes: rows },
    notes: [
      `Each mode ${runs} time(s): "CLI" is the wall time of \`node --import tsx src/extension/cli/main.ts doctor --json\` as a process, start-up included (add about 0.4 s through \`npm run -s doctor\`); "in process" is runChecks() alone.`,
      'api-disabled is bounded by the handshake timeout (1.2 s by default, `--timeout-ms` to change): a TWS that accepts the socket answers the handshake in milliseconds, so silence past the bound is the finding. A closed port is polled for 1.2 s (a pending login or two-factor prompt, or the daily restart ending, opens it during the checks); accept-dialog:0.4 answers after its 0.4 s dialog, which the report names with the delay.',
      '| simulator mode | verdict | named check | CLI median ms | CLI max ms | in process median ms |',
      '|---|---|---|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.mode} | ${r.verdict} | ${r.failingCheck ?? r.firstWarning ?? '–'} | ${r.cliWallMs.median} | ${r.cliWallMs.max} | ${r.inProcessMs.median} |`,
      ),
    ],
  };
};
