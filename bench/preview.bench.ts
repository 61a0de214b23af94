/**
 * `npm run build && npm run bench:preview`
 *
 * Generates rosters of 10k and 100k salaried monthly employees in memory (CSV text) and measures
 * parsing alone (the floor: csv-parse plus row validation) against the whole preview (parse,
 * gross-to-net for every employee, totals, and the `--output json` document serialised). Each
 * size runs in its own child process: a JIT warm-up, then the best of repeated runs, each started
 * from a collected heap, in wall and CPU time. Then the built CLI runs once per size on the same
 * roster written to a file (`--output json preview`, stdout discarded): the wall time an operator
 * sees and the process's peak RSS. Aims (issue 2): the preview within 3× of parsing alone, and
 * linear growth from 10k to 100k.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { previewJson } from '../src/commands/io/previewRenderer.js';
import { parsePeriod } from '../src/core/periodParser.js';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';
import { parseRoster } from '../src/core/rosterParser.js';
import { previewRoster } from '../src/core/saga/preview.js';

const SIZES = [10_000, 100_000] as const;
const PERIOD = '2026-03';

interface SizeResult {
  readonly employees: number;
  readonly csvBytes: number;
  readonly parseMs: number;
  readonly previewMs: number;
  readonly parseCpuMs: number;
  readonly previewCpuMs: number;
  readonly jsonBytes: number;
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

interface CliResult {
  readonly wallMs: number;
  readonly peakRssBytes: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the measuring child with --expose-gc');
  gc();
}

/**
 * The fastest of `repeats` runs, in wall time and in CPU time (all of the process's threads, so
 * garbage collection counts). On a shared machine other processes only ever add wall time, so
 * the minimum is the steadiest estimate, and CPU time barely moves with the machine's load.
 */
function timed(repeats: number, action: () => void): Timing {
  let wallMs = Number.POSITIVE_INFINITY;
  let cpuMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    // Start each run from a collected heap, so a run pays for its own garbage and not for the
    // garbage of the run before (otherwise small rosters look faster than they are).
    collectGarbage();
    const cpu = process.cpuUsage();
    const start = performance.now();
    action();
    wallMs = Math.min(wallMs, performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { wallMs, cpuMs };
}

/** The whole preview as the command does it, minus reading the file and writing stdout. */
function wholePreview(csv: string): number {
  const period = parsePeriod(PERIOD);
  const employees = parseRoster(csv, 'bench.csv');
  const preview = previewRoster({ employees, period, source: { name: 'bench.csv', emptyFix: '' } });
  return JSON.stringify(previewJson(preview), null, 2).length;
}

function measure(count: number): SizeResult {
  const csv = generateRosterCsv({ count, seed: 99 });
  // Warm the JIT on a small roster so the first timed run is not mostly compilation.
  const warm = generateRosterCsv({ count: 2_000, seed: 5 });
  for (let i = 0; i < 3; i++) wholePreview(warm);
  const repeats = count >= 100_000 ? 5 : 9;
  const parse = timed(repeats, () => {
    parseRoster(csv, 'bench.csv');
  });
  let jsonBytes = 0;
  const preview = timed(repeats, () => {
    jsonBytes = wholePreview(csv);
  });
  return {
    employees: count,
    csvBytes: csv.length,
    parseMs: parse.wallMs,
    previewMs: preview.wallMs,
    parseCpuMs: parse.cpuMs,
    previewCpuMs: preview.cpuMs,
    jsonBytes,
  };
}

/** Runs the built CLI on `count` employees; an --import hook records the process's peak RSS at exit. */
function measureCli(count: number, folder: string): CliResult {
  const roster = join(folder, `roster-${count}.csv`);
  writeFileSync(roster, generateRosterCsv({ count, seed: 99 }));
  const rssFile = join(folder, `rss-${count}.txt`);
  const hook = join(folder, 'peak-rss.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n",
  );
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'payroll-ops.js');
  const start = performance.now();
  execFileSync(
    process.execPath,
    ['--import', hook, cli, '--output', 'json', 'preview', '--roster', roster, '--period', PERIOD],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PEAK_RSS_FILE: rssFile } },
  );
  const wallMs = performance.now() - start;
  return { wallMs, peakRssBytes: Number(readFileSync(rssFile, 'utf8')) };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const results = SIZES.map((size) => {
    const output = execFileSync(process.execPath, ['--expose-gc', self, '--child', String(size)], {
      encoding: 'utf8',
    });
    return JSON.parse(output) as SizeResult;
  });
  const folder = mkdtempSync(join(tmpdir(), 'payroll-ops-bench-'));
  let cli: CliResult[];
  try {
    cli = SIZES.map((size) => measureCli(size, folder));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  const lines = [
    `node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, load average ${load}; ` +
      'in-process times are the best of repeated runs, each from a collected heap (wall / CPU)',
    '',
    '| employees | CSV | parse only | whole preview | preview employees/s | preview / parse | CLI end to end | CLI peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  results.forEach((r, at) => {
    lines.push(
      `| ${r.employees.toLocaleString('en-US')} | ${mb(r.csvBytes)} | ` +
        `${r.parseMs.toFixed(0)} / ${r.parseCpuMs.toFixed(0)} ms | ${r.previewMs.toFixed(0)} / ${r.previewCpuMs.toFixed(0)} ms | ` +
        `${Math.round((r.employees / r.previewMs) * 1000).toLocaleString('en-US')} | ` +
        `${(r.previewMs / r.parseMs).toFixed(2)}× / ${(r.previewCpuMs / r.parseCpuMs).toFixed(2)}× | ` +
        `${cli[at]!.wallMs.toFixed(0)} ms | ${mb(cli[at]!.peakRssBytes)} |`,
    );
  });
  const [small, large] = results as [SizeResult, SizeResult];
  const growth = large.employees / small.employees;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  lines.push(
    '',
    `100k/10k time ratio (${growth}× the employees, linear = ${growth}×), wall / CPU: ` +
      `parse ${ratio(large.parseMs, small.parseMs)} / ${ratio(large.parseCpuMs, small.parseCpuMs)}, ` +
      `whole preview ${ratio(large.previewMs, small.previewMs)} / ${ratio(large.previewCpuMs, small.previewCpuMs)}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[childAt + 1]))));
} else {
  main();
}
