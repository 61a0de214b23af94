/**
 * The built CLI (dist/bin/payroll-ops.js) as a child process, the way an operator runs it, in a
 * test's own data folder. It remembers every host its commands started and every child still
 * running, so `stopHosts()` in afterAll leaves no process behind.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { parseCents } from '../../src/core/money.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { isProcessAlive, queryHostLock } from '../../src/infra/local/lock.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_PATH = join(REPO_ROOT, 'dist', 'bin', 'payroll-ops.js');

/** `employer set` flags with valid funding and ACH details (the routing number passes the ABA check). */
export const EMPLOYER_BANK_FLAGS = [
  '--funding-routing',
  '021000021',
  '--funding-account',
  '000123456789',
  '--ach-company-id',
  '1123456789',
] as const;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** The data folder (PAYROLL_OPS_HOME), read at each call: tests create it in beforeAll. */
  readonly home: () => string;
  /** More environment, e.g. USER, which names the actor in the audit trail. */
  readonly env?: Readonly<Record<string, string>>;
  /** A command's time limit; default 90 s. */
  readonly timeoutMs?: number;
}

export interface Cli {
  /** `env` adds to the environment for this call; a variable given as '' is removed. */
  run(
    args: readonly string[],
    options?: { readonly timeoutMs?: number; readonly env?: Readonly<Record<string, string>> },
  ): Promise<CliResult>;
  /** Runs and expects exit 0; the failure message holds the command and its stderr. */
  ok(args: readonly string[]): Promise<CliResult>;
  /** `--output json` + args, expecting exit 0; the parsed stdout. */
  json<T>(args: readonly string[]): Promise<T>;
  /** A long-running command (e.g. `watch`) to read line by line; killed by stopHosts if still running. */
  spawn(args: readonly string[]): ChildProcessWithoutNullStreams;
  /** The pid of the host recorded in the data folder now, remembered for stopHosts. */
  rememberHost(): number | undefined;
  readonly hostPids: Set<number>;
  /** Kills running children, runs `local stop`, then SIGKILLs any host seen that is still alive. */
  stopHosts(): Promise<void>;
}

export function createCli(options: CliOptions): Cli {
  const hostPids = new Set<number>();
  const children = new Set<ChildProcess>();
  const env = () => ({ ...process.env, PAYROLL_OPS_HOME: options.home(), NO_COLOR: '1', ...options.env });

  function rememberHost(): number | undefined {
    const pid = readHostRecord(options.home())?.pid;
    if (pid !== undefined) hostPids.add(pid);
    return pid;
  }

  function run(
    args: readonly string[],
    runOptions: { readonly timeoutMs?: number; readonly env?: Readonly<Record<string, string>> } = {},
  ): Promise<CliResult> {
    const childEnv: NodeJS.ProcessEnv = { ...env(), ...runOptions.env };
    for (const [name, value] of Object.entries(runOptions.env ?? {})) if (value === '') delete childEnv[name];
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI_PATH, ...args],
        {
          cwd: REPO_ROOT,
          env: childEnv,
          timeout: runOptions.timeoutMs ?? options.timeoutMs ?? 90_000,
          maxBuffer: 64 << 20,
        },
        (error, stdout, stderr) => {
          children.delete(child);
          rememberHost();
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
      children.add(child);
    });
  }

  async function ok(args: readonly string[]): Promise<CliResult> {
    const result = await run(args);
    expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result;
  }

  return {
    run,
    ok,
    async json<T>(args: readonly string[]): Promise<T> {
      return JSON.parse((await ok(['--output', 'json', ...args])).stdout) as T;
    },
    spawn(args) {
      const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT, env: env() });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    rememberHost,
    hostPids,
    async stopHosts() {
      for (const child of children) child.kill('SIGKILL');
      rememberHost();
      await run(['local', 'stop'], { timeoutMs: 30_000 });
      const home = options.home();
      const holder = await queryHostLock(home);
      for (const pid of [...hostPids, readHostRecord(home)?.pid, holder?.pid]) {
        if (pid !== undefined && pid !== process.pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
  };
}

/** An amount as the CLI prints it ("1234.56", "-0.05") in integer cents. */
export function cents(text: string): number {
  const value = parseCents(text.replace(/^-/, ''));
  if (value === undefined) throw new Error(`not an amount: ${text}`);
  return text.startsWith('-') ? -value : value;
}
