/**
 * `npm run build && npm run bench:preview`
 *
 * Generates rosters of 10k and 100k salaried monthly employees in memory (CSV text) and measures
 * parsing alone (the floor: csv-parse plus row validation) against the whole preview (parse,
 * gross-to-net for every employee, totals, and the `--output json` document serialised). Each
 * size runs in its own child process so its peak RSS is its own. Aims (issue 2): the preview
 * within 3× of parsing alone, and linear growth from 10k to 100k.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { previewJson } from '../src/commands/io/previewRenderer.js';
import { previewPayRun } from '../src/core/payroll/previewPayRun.js';
import { parsePeriod } from '../src/core/periodParser.js';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';
import { parseRoster } from '../src/core/rosterParser.js';

const SIZES = [10_000, 100_000] as const;
const PERIOD = '2026-03';

interface SizeResult {
  readonly employees: number;
  readonly csvBytes: number;
  readonly parseMs: number;
  readonly previewMs: number;
  readonly jsonBytes: number;
  readonly peakRssBytes: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(repeats: number, action: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    action();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The whole preview as the command does it, minus reading the file and writing stdout. */
function wholePreview(csv: string): number {
  const period = parsePeriod(PERIOD);
  const employees = parseRoster(csv, 'bench.csv');
  const preview = previewPayRun({ employees, period });
  return JSON.stringify(previewJson(preview), null, 2).length;
}

function measure(count: number): SizeResult {
  const csv = generateRosterCsv({ count, seed: 99 });
  // Warm the JIT on a small roster so the first timed run is not mostly compilation.
  const warm = generateRosterCsv({ count: 2_000, seed: 5 });
  for (let i = 0; i < 3; i++) wholePreview(warm);
  const repeats = count >= 100_000 ? 3 : 7;
  const parseMs = timed(repeats, () => {
    parseRoster(csv, 'bench.csv');
  });
  let jsonBytes = 0;
  const previewMs = timed(repeats, () => {
    jsonBytes = wholePreview(csv);
  });
  return {
    employees: count,
    csvBytes: csv.length,
    parseMs,
    previewMs,
    jsonBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const results = SIZES.map((size) => {
    const output = execFileSync(process.execPath, [self, '--child', String(size)], { encoding: 'utf8' });
    return JSON.parse(output) as SizeResult;
  });
  const lines = [
    `node ${process.version}, ${process.platform}/${process.arch}; median of repeated runs per size, one process per size`,
    '',
    '| employees | CSV | parse only | whole preview | preview employees/s | preview / parse | peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.employees.toLocaleString('en-US')} | ${mb(r.csvBytes)} | ${r.parseMs.toFixed(0)} ms | ` +
        `${r.previewMs.toFixed(0)} ms | ${Math.round((r.employees / r.previewMs) * 1000).toLocaleString('en-US')} | ` +
        `${(r.previewMs / r.parseMs).toFixed(2)}× | ${mb(r.peakRssBytes)} |`,
    );
  }
  const [small, large] = results as [SizeResult, SizeResult];
  const growth = large.employees / small.employees;
  lines.push(
    '',
    `100k/10k time ratio (${growth}× the employees): parse ${(large.parseMs / small.parseMs).toFixed(2)}×, ` +
      `whole preview ${(large.previewMs / small.previewMs).toFixed(2)}× (linear = ${growth}×)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  process.stdout.write(JSON.stringify(measure(Number(process.argv[childAt + 1]))));
} else {
  main();
}
