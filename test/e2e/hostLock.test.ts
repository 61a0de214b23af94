/**
 * Operator mistakes the local host must survive: its files deleted under it, a second host
 * started on the same folder, a reset while a run is in flight, a DynamoDB folder that cannot be
 * opened, a fault typed wrong. Driven through the built CLI, as an operator would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/infra/local/lock.js';
import { createCli, EMPLOYER_BANK_FLAGS, REPO_ROOT } from '../support/cli.js';
import { until } from '../support/until.js';

interface LocalStatusJson {
  readonly running: boolean;
  readonly pid: number | null;
  readonly endpoints: Record<string, string> | null;
}

const HOST_MAIN = join(REPO_ROOT, 'dist', 'src', 'infra', 'local', 'hostMain.js');
let root: string;
let home: string;
const cli = createCli({ home: () => home, timeoutMs: 90_000 });

const localStatus = async () =>
  JSON.parse((await cli.ok(['--output', 'json', 'local', 'status'])).stdout) as LocalStatusJson;

/** A second host process on the same folder, run to its end: what it printed and its exit code. */
function secondHost(): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [HOST_MAIN, '--home', home, '--mode', 'detached'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'payroll-ops-lock-'));
  home = join(root, 'home');
});

afterAll(async () => {
  await cli.stopHosts();
  rmSync(root, { recursive: true, force: true });
});

describe('the host holds its data folder by an OS-level lock', () => {
  let pid: number;
  let endpoints: Record<string, string>;

  beforeAll(async () => {
    await cli.ok(['local', 'start', '--detach']);
    const status = await localStatus();
    pid = status.pid!;
    endpoints = status.endpoints!;
    cli.hostPids.add(pid);
  });

  it('is still found by `local status` after host.json and host.lock are deleted', async () => {
    rmSync(join(home, 'host.json'), { force: true });
    rmSync(join(home, 'host.lock'), { force: true });
    const status = await localStatus();
    expect(status).toMatchObject({ running: true, pid, endpoints });
  });

  it('keeps a second host from starting, naming the owner', () => {
    const second = secondHost();
    expect(second.code).toBe(1);
    expect(second.output).toMatch(
      new RegExp(`could not start: The data folder .* is owned by .* pid ${pid}`),
    );
    expect(second.output).not.toMatch(/\n\s+at /);
    expect(isProcessAlive(pid)).toBe(true);
  });

  it('answers `local start` with the running host, and commands attach to it', async () => {
    const start = JSON.parse((await cli.ok(['--output', 'json', 'local', 'start', '--detach'])).stdout) as {
      pid: number;
      alreadyRunning: boolean;
    };
    expect(start).toMatchObject({ pid, alreadyRunning: true });
    const runs = JSON.parse((await cli.ok(['--output', 'json', 'status'])).stdout) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it('writes its credentials file again when it is deleted, so commands still find it and no second host starts', async () => {
    const path = join(home, 'credentials');
    const saved = readFileSync(path, 'utf8');
    rmSync(path);
    await until('the credentials file written again', () => (existsSync(path) ? true : undefined), 5_000);
    expect(readFileSync(path, 'utf8')).toBe(saved);
    expect(await localStatus()).toMatchObject({ running: true, pid, endpoints });
    const second = secondHost();
    expect(second.code).toBe(1);
    expect(second.output).toMatch(
      new RegExp(`could not start: The data folder .* is owned by .* pid ${pid}`),
    );
    expect(second.output).not.toMatch(/\n\s+at /);
    expect(isProcessAlive(pid)).toBe(true);
  });

  it('is stopped by `local stop` without host.json', async () => {
    rmSync(join(home, 'host.json'), { force: true });
    const stop = await cli.ok(['local', 'stop']);
    expect(stop.stderr).toContain(`pid ${pid}`);
    expect(isProcessAlive(pid)).toBe(false);
    expect((await localStatus()).running).toBe(false);
  });
});

describe('local reset', () => {
  let runId: string;

  beforeAll(async () => {
    await cli.ok(['employer', 'set', 'acme', '--name', 'Acme Manufacturing', ...EMPLOYER_BANK_FLAGS]);
    await cli.ok(['employees', 'import', join(REPO_ROOT, 'examples', 'roster.csv'), '--employer', 'acme']);
    // The run stops inside CalculatePay and stays RUNNING for as long as the fault is set.
    await cli.ok(['local', 'faults', 'set', 'CalculatePay=hang']);
    runId = (await cli.ok(['run', '--period', '2026-03', '--employer', 'acme'])).stdout.trim();
    cli.rememberHost();
    await until('the run to be RUNNING', async () => {
      const run = JSON.parse((await cli.ok(['--output', 'json', 'status', runId])).stdout) as {
        status: string;
      };
      return run.status === 'RUNNING' ? run : undefined;
    });
  });

  it('refuses while a run is in flight, naming it, and wipes nothing', async () => {
    const result = await cli.run(['--yes', 'local', 'reset']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${runId} (RUNNING)`);
    expect(result.stderr).toContain('--force');
    const runs = JSON.parse((await cli.ok(['--output', 'json', 'status'])).stdout) as {
      runs: { runId: string }[];
    };
    expect(runs.runs.map((run) => run.runId)).toEqual([runId]);
  });

  it('with --force still wants the typed confirmation (--yes without a terminal)', async () => {
    const result = await cli.run(['local', 'reset', '--force']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`including ${runId} \\(RUNNING\\) still in flight.*--yes`));
    expect(existsSync(join(home, 'dynamodb'))).toBe(true);
  });

  it('with --force and the confirmation, wipes the folder but keeps the credentials', async () => {
    const credentials = readFileSync(join(home, 'credentials'), 'utf8');
    await cli.ok(['--yes', 'local', 'reset', '--force']);
    expect(existsSync(join(home, 'dynamodb'))).toBe(false);
    expect(readFileSync(join(home, 'credentials'), 'utf8')).toBe(credentials);
    const runs = JSON.parse((await cli.ok(['--output', 'json', 'status'])).stdout) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });
});

describe('a DynamoDB folder that cannot be opened', () => {
  it('is reported in one line with exit 1, never a stack trace', async () => {
    const broken = join(root, 'broken');
    // LevelDB cannot take its lock file when it is a folder: an open failure any user can cause.
    mkdirSync(join(broken, 'dynamodb', 'LOCK'), { recursive: true, mode: 0o700 });
    const brokenCli = createCli({ home: () => broken, timeoutMs: 60_000 });
    const result = await brokenCli.run(['status']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: The local host exited .*DynamoDB data in .* cannot be opened/);
    expect(result.stderr).not.toMatch(/Database is closed|\s+at /);
    await brokenCli.stopHosts();
  });
});

describe('local faults set', () => {
  it('says what is wrong with a mode, not that the step does not exist', async () => {
    const result = await cli.run(['local', 'faults', 'set', 'Disburse=fail=2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mode fail=2 is not a fault mode for Disburse');
    expect(result.stderr).toContain('fail-before');
    expect(result.stderr).not.toContain('is not a step');
  });
});
