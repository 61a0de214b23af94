/**
 * `npm run build && npm run bench:deploy`
 *
 * What `deploy` costs before any AWS call: the built CLI's `deploy --dry-run --out DIR` on a clean
 * HOME with no credentials (toolkit-lib synthesizing the stack in process), with aws-cdk-lib's
 * template checks on (as `deploy` runs) and off (CDK_VALIDATION=false), wall time and the process's
 * peak RSS; `--version` as the floor of a command that loads no CDK; and the Lambda bundle every
 * function deploys (one esbuild bundle for all 15): build time, size and compressed size. Aims
 * (issue 8): the dry run under 10 s and 700 MB, the bundle under 1 MB per function.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleLambda } from '../scripts/bundleLambda.js';
import { backendSpec, TargetKind } from '../src/infra/backendSpec.js';

const RUNS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(here, '..', 'bin', 'payroll-ops.js');

interface Measured {
  readonly wallMs: number;
  readonly peakRssBytes: number;
}

/** The built CLI in a clean environment; an --import hook records its peak RSS at exit. */
function measureCli(args: readonly string[], folder: string, env: Record<string, string> = {}): Measured {
  const home = mkdtempSync(join(folder, 'home-'));
  const rssFile = join(home, 'rss.txt');
  const hook = join(folder, 'peak-rss.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n",
  );
  const start = performance.now();
  execFileSync(process.execPath, ['--import', hook, cli, ...args], {
    // The CLI's own progress lines would interleave with the figures; a failure throws with them.
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      PAYROLL_OPS_HOME: join(home, 'payroll-ops'),
      PEAK_RSS_FILE: rssFile,
      NO_COLOR: '1',
      ...env,
    },
  });
  return { wallMs: performance.now() - start, peakRssBytes: Number(readFileSync(rssFile, 'utf8')) };
}

function summary(label: string, runs: readonly Measured[]): string {
  const walls = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const rss = Math.max(...runs.map((r) => r.peakRssBytes));
  const median = walls[Math.floor(walls.length / 2)] ?? 0;
  return `| ${label} | ${(walls[0]! / 1000).toFixed(1)} s | ${(median / 1000).toFixed(1)} s | ${mb(rss)} |`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'payroll-ops-bench-deploy-'));
  try {
    process.stdout.write(
      `machine: ${cpus().length} CPUs, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}\n\n`,
    );
    const dryRun = (validation: boolean) =>
      Array.from({ length: RUNS }, (_, at) =>
        measureCli(
          [
            'deploy',
            '--target',
            'bench',
            '--region',
            'eu-west-1',
            '--dry-run',
            '--out',
            join(folder, `out-${validation}-${at}`),
          ],
          folder,
          validation ? {} : { CDK_VALIDATION: 'false' },
        ),
      );
    const withChecks = dryRun(true);
    const withoutChecks = dryRun(false);
    const version = Array.from({ length: RUNS }, () => measureCli(['--version'], folder));
    const template = readFileSync(join(folder, 'out-true-0', 'payroll-ops-bench.template.json'), 'utf8');
    const resources = Object.keys((JSON.parse(template) as { Resources: object }).Resources).length;

    process.stdout.write(
      `| command (${RUNS} runs, clean HOME, no credentials) | best | median | peak RSS |\n|---|---:|---:|---:|\n`,
    );
    process.stdout.write(
      `${summary('`deploy --dry-run --out DIR` (template checks on, as deploy runs)', withChecks)}\n`,
    );
    process.stdout.write(
      `${summary('`deploy --dry-run --out DIR` with CDK_VALIDATION=false', withoutChecks)}\n`,
    );
    process.stdout.write(`${summary('`--version` (loads no CDK)', version)}\n\n`);
    process.stdout.write(`template: ${resources} resources, ${(template.length / 1024).toFixed(0)} KB\n\n`);

    const started = performance.now();
    const bundle = await bundleLambda(root, join(folder, 'lambda'));
    const bundleMs = performance.now() - started;
    const text = readFileSync(bundle.file);
    const gzipped = gzipSync(text, { level: 9 }).length;
    const spec = backendSpec({ stackName: 'payroll-ops-bench', target: TargetKind.Aws });
    process.stdout.write('| function | bundle | compressed |\n|---|---:|---:|\n');
    for (const fn of spec.functions) {
      process.stdout.write(
        `| ${fn.handler} | ${(bundle.bytes / 1024).toFixed(0)} KB | ${(gzipped / 1024).toFixed(0)} KB |\n`,
      );
    }
    process.stdout.write(
      `\none bundle for all ${spec.functions.length} functions, built in ${bundleMs.toFixed(0)} ms from ${bundle.inputs.length} modules\n`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
