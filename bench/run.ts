// `npm run bench`: every measurement, each in a fresh `node --expose-gc` process, then a table
// of the figures against their goals; the full run rewrites BENCHMARKS.md (figures, goals,
// machine, the exact command, the date, the machine's load) and keeps bench/FIXES.md (the
// profiling notes with before/after figures) in it.
//   npm run bench                         full run, a few minutes; rewrites BENCHMARKS.md
//   npm run bench -- --quick --json FILE  under a minute; the same keys as JSON
//   npm run bench -- --only decision,ingestTicksPerSec   measurements by name or key
//   npm run bench -- --quick --smoke      CI: fewest samples; fails only if a measurement
//                                         breaks or a key is missing - never on a goal
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machine, meets, RESULT_MARK, type BenchResult, type Figure } from './lib';
import { BENCHES } from './registry';

const ROOT = resolve(__dirname, '..');

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  result?: BenchResult;
  error?: string;
}

function runChild(name: string, flags: string[], timeoutMs: number): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'runOne.ts'), name, ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      err += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code === 0 && line) {
        done({ name, ok: true, seconds, result: JSON.parse(line.slice(RESULT_MARK.length)) as BenchResult });
        return;
      }
      const tail = (err || out).trim().split('\n').slice(-15).join('\n');
      done({ name, ok: false, seconds, error: `exit ${code}: ${tail}` });
    });
  });
}

function fmtValue(f: Figure): string {
  if (f.value === null) return f.note ?? 'not measured';
  const v = Math.abs(f.value) >= 10_000 ? Math.round(f.value).toLocaleString('en-US') : String(f.value);
  return `${v} ${f.unit}`;
}

function fmtGoal(f: Figure): string {
  if (!f.goal) return '–';
  const v = f.goal.value >= 10_000 ? f.goal.value.toLocaleString('en-US') : String(f.goal.value);
  return `${f.goal.op === '<=' ? '≤' : '≥'} ${v} ${f.unit}`;
}

function verdict(f: Figure): string {
  const m = meets(f);
  return m === undefined ? '' : m ? 'pass' : 'MISS';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      json: { type: 'string' },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const smoke = Boolean(values.smoke);
  const quick = smoke || Boolean(values.quick);
  const wanted = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
  const names = Object.keys(BENCHES).filter((n) => !wanted || wanted.includes(n) || BENCHES[n]!.keys.some((k) => wanted.includes(k)));
  const unknown = (wanted ?? []).filter((w) => !BENCHES[w] && !Object.values(BENCHES).some((b) => b.keys.includes(w)));
  if (unknown.length)
    throw new Error(
      `--only: unknown ${unknown.join(', ')}; measurements: ${Object.keys(BENCHES).join(', ')}; keys: ${Object.values(BENCHES)
        .flatMap((b) => b.keys)
        .join(', ')}`,
    );
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const started = new Date();
  const before = machine();
  const flags = [...(quick ? ['--quick'] : []), ...(smoke ? ['--smoke'] : [])];
  console.log(
    `${command}: ${names.join(', ')} (${smoke ? 'smoke' : quick ? 'quick' : 'full'}); ${before.cpus} x ${before.model}, load ${before.loadAverage.join(' ')}`,
  );
  const outcomes: Outcome[] = [];
  for (const name of names) {
    process.stdout.write(`  ${name} ... `);
    const o = await runChild(name, flags, (quick ? 3 : 12) * 60_000);
    outcomes.push(o);
    console.log(o.ok ? `${o.seconds} s` : `FAILED after ${o.seconds} s\n${o.error}`);
  }
  const after = machine();
  const seconds = Math.round((Date.now() - started.getTime()) / 1000);

  // Every key of every measurement run, null where it failed.
  const figures: Figure[] = [];
  const missing: string[] = [];
  for (const o of outcomes) {
    const entry = BENCHES[o.name]!;
    for (const key of entry.keys) {
      const f = o.result?.figures.find((x) => x.key === key);
      if (f) figures.push(f);
      else {
        missing.push(key);
        figures.push({ key, value: null, unit: '', what: entry.title, note: o.ok ? 'not reported' : 'measurement failed' });
      }
    }
  }

  const rows = figures.map((f) => [f.key, fmtValue(f), fmtGoal(f), verdict(f)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 4));
  console.log('');
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
  console.log(`\n${seconds} s; load average ${before.loadAverage.join(' ')} -> ${after.loadAverage.join(' ')}`);

  const report = {
    command,
    date: started.toISOString(),
    mode: smoke ? 'smoke' : quick ? 'quick' : 'full',
    seconds,
    machine: { ...before, loadAverageAfter: after.loadAverage },
    keys: Object.fromEntries(figures.map((f) => [f.key, f.value])),
    figures,
    measurements: Object.fromEntries(
      outcomes.map((o) => [
        o.name,
        { ok: o.ok, seconds: o.seconds, ...(o.error ? { error: o.error } : {}), ...(o.result ? { details: o.result.details, notes: o.result.notes } : {}) },
      ]),
    ),
  };
  if (values.json) {
    writeFileSync(resolve(values.json), JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${values.json}`);
  }
  if (!quick && !wanted && !values['no-write']) {
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(report, outcomes));
    console.log('wrote BENCHMARKS.md');
  } else if (!quick && wanted) {
    console.log('BENCHMARKS.md not rewritten (--only): run `npm run bench` for the whole file');
  }
  const failed = outcomes.filter((o) => !o.ok).map((o) => o.name);
  if (failed.length || missing.length) {
    console.error(`benchmarks broken: ${[...failed.map((n) => `${n} failed`), ...missing.map((k) => `${k} missing`)].join('; ')}`);
    process.exitCode = 1;
  }
}

function markdown(
  r: { command: string; date: string; seconds: number; machine: ReturnType<typeof machine> & { loadAverageAfter: number[] }; figures: Figure[] },
  outcomes: Outcome[],
): string {
  const m = r.machine;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`${r.command}\` on ${r.date.slice(0, 10)} (${r.date.slice(11, 16)} UTC, ${r.seconds} s). Machine: ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, loopback; load average ${m.loadAverage.join(' / ')} before and ${m.loadAverageAfter.join(' / ')} after (1/5/15 min: the two cores are shared with other work, so figures move between runs). \`npm run bench -- --quick --json FILE\` writes the same keys as JSON in under a minute (fewer samples). Each measurement runs in its own \`node --expose-gc\` process; how each is measured is under its heading.`,
    '',
    '| key | figure | goal | | what |',
    '|---|---:|---|---|---|',
    ...r.figures.map((f) => `| \`${f.key}\` | ${fmtValue(f)} | ${fmtGoal(f)} | ${verdict(f)} | ${f.what}${f.note && f.value !== null ? ` (${f.note})` : ''} |`),
    '',
  ];
  for (const o of outcomes) {
    const entry = BENCHES[o.name]!;
    lines.push(`## ${entry.title} (\`${o.name}\`, ${o.seconds} s)`, '');
    if (!o.ok) {
      lines.push('Failed in this run:', '', '```', o.error ?? '', '```', '');
      continue;
    }
    let inTable = false;
    for (const n of o.result!.notes) {
      const table = n.startsWith('|');
      if (table && !inTable) lines.push('');
      if (!table && inTable) lines.push('');
      lines.push(table ? n : `- ${n}`);
      inTable = table;
    }
    lines.push('');
  }
  const fixes = join(__dirname, 'FIXES.md');
  if (existsSync(fixes)) lines.push(readFileSync(fixes, 'utf8').trim(), '');
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
