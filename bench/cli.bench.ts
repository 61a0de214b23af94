/**
 * `npm run build && npm run bench:cli`
 *
 * How fast the built CLI answers, against Node's own start-up and against awscli on the same
 * endpoint, all measured in one run so the ratios compare like with like (the machine is shared
 * and its load moves). On a temporary data folder with a detached host and a completed
 * 10k-employee run, 7 rounds, each running every command once in turn (interleaved), median:
 *
 * - `node -e 0`, `payroll-ops --version`, `payroll-ops --help`;
 * - `payroll-ops --output json status` (attach to the running host, list the runs);
 * - `aws stepfunctions list-executions` on the same endpoint (awscli from apt at /usr/bin/aws if
 *   present, else the one on PATH), with the credentials `payroll-ops local env` prints.
 *
 * Then the CPU a `watch` of a running 10k-employee run uses: total CPU time over wall time of the
 * watch process, and the same after its first event (start-up excluded).
 * Aims (issue 12): --version ≤ 3 × node -e 0; status ≤ 0.5 × awscli; watch < 5 % of one core.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';

const ROUNDS = 7;
const EMPLOYEES = 10_000;
const EMPLOYER = 'bench';
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'payroll-ops.js');
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

const home = mkdtempSync(join(tmpdir(), 'payroll-ops-bench-cli-'));
const env = { ...process.env, PAYROLL_OPS_HOME: home, NO_COLOR: '1' };

function payrollOps(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Measured {
  readonly name: string;
  readonly command: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** Wall time of one run in seconds; a failing command fails the benchmark. */
function timeOnce(measured: Measured): number {
  const [file, ...args] = measured.command;
  const start = process.hrtime.bigint();
  const result = spawnSync(file!, args, { env: measured.env ?? env, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${measured.command.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
  }
  return seconds;
}

function awscliVersion(): string {
  try {
    return execFileSync(AWS, ['--version'], { encoding: 'utf8' }).trim().split(' ')[0] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

interface WatchCpu {
  readonly runWallSeconds: number;
  readonly cpuSeconds: number;
  readonly share: number;
  readonly steadyShare: number;
}

/**
 * A preloaded module reports the process's CPU time at its first stdout write and at exit, so
 * the watch's own cost is measured from inside, start-up included or not.
 */
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(`
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const t0 = performance.timeOrigin;
let first;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...a) => { if (!first) first = { cpu: cpu(), at: performance.now() / 1e3 }; return write(...a); };
process.on('exit', () => process.stderr.write('CPU ' + JSON.stringify({ cpu: cpu(), at: performance.now() / 1e3, first }) + '\\n'));
`)}`;

async function watchCpu(period: string): Promise<WatchCpu> {
  const runId = payrollOps('run', '--employer', EMPLOYER, '--period', period).trim();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', CPU_PROBE, CLI, '--output', 'jsonl', 'watch', runId], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const line = stderr.split('\n').find((text) => text.startsWith('CPU '));
  if (code !== 0 || !line) throw new Error(`watch ${runId} exited ${code}: ${stderr}`);
  const report = JSON.parse(line.slice(4)) as {
    cpu: number;
    at: number;
    first?: { cpu: number; at: number };
  };
  const first = report.first ?? { cpu: report.cpu, at: report.at };
  return {
    runWallSeconds: round(wall, 2),
    cpuSeconds: round(report.cpu),
    share: round(report.cpu / report.at, 4),
    steadyShare: round((report.cpu - first.cpu) / Math.max(report.at - first.at, 1e-3), 4),
  };
}

async function main(): Promise<void> {
  try {
    payrollOps('local', 'start', '--detach');
    payrollOps(
      'employer',
      'set',
      EMPLOYER,
      '--name',
      'Bench Corp',
      '--funding-routing',
      '021000021',
      '--funding-account',
      '000123456789',
      '--ach-company-id',
      '1123456789',
    );
    const roster = join(home, 'roster.csv');
    writeFileSync(roster, generateRosterCsv({ count: EMPLOYEES, payFrequency: 'monthly', seed: 3 }));
    payrollOps('employees', 'import', roster, '--employer', EMPLOYER);
    payrollOps('run', '--employer', EMPLOYER, '--period', '2026-01', '--watch');

    const local = JSON.parse(payrollOps('--output', 'json', 'local', 'env')) as Record<string, string>;
    const machineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-pay-run';
    const measured: readonly Measured[] = [
      { name: 'node -e 0', command: [process.execPath, '-e', '0'] },
      { name: 'payroll-ops --version', command: [process.execPath, CLI, '--version'] },
      { name: 'payroll-ops --help', command: [process.execPath, CLI, '--help'] },
      {
        name: 'payroll-ops --output json status',
        command: [process.execPath, CLI, '--output', 'json', 'status'],
      },
      {
        name: 'aws stepfunctions list-executions',
        command: [
          AWS,
          '--endpoint-url',
          local.AWS_ENDPOINT_URL_SFN!,
          'stepfunctions',
          'list-executions',
          '--state-machine-arn',
          machineArn,
        ],
        env: { ...env, ...local, AWS_PAGER: '' },
      },
    ];
    const times = new Map(measured.map((m) => [m.name, [] as number[]]));
    for (let i = 0; i < ROUNDS; i++) for (const m of measured) times.get(m.name)!.push(timeOnce(m));
    const medians = Object.fromEntries([...times].map(([name, values]) => [name, round(median(values))]));
    const watch = await watchCpu('2026-02');
    const results = {
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: round(loadavg()[0]!, 1) },
      awscli: awscliVersion(),
      rounds: ROUNDS,
      medianSeconds: medians,
      ratios: {
        versionToNode: round(medians['payroll-ops --version']! / medians['node -e 0']!, 2),
        helpToNode: round(medians['payroll-ops --help']! / medians['node -e 0']!, 2),
        statusToAwscli: round(
          medians['payroll-ops --output json status']! / medians['aws stepfunctions list-executions']!,
          2,
        ),
      },
      watch10k: watch,
      loadAverage1mAtEnd: round(loadavg()[0]!, 1),
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    try {
      payrollOps('local', 'stop');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
}

await main();
