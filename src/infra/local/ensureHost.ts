/**
 * Attach or start: every command on the `local` target attaches to the host recorded in the data
 * folder if it answers on all its endpoints, otherwise starts one detached (its output to
 * host.log, no inherited stdio, unref'd) so that executions outlive the command and neither the
 * command nor CI ever waits on the host.
 *
 * The host entry is resolved next to this module: hostMain.js when running from dist; under
 * vitest (TypeScript sources) hostMain.ts, loaded with tsx (a dev dependency).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InfrastructureError, OperationFailedError } from '../../core/errors.js';
import {
  DEFAULT_IDLE_SHUTDOWN_MS,
  type HostEndpoints,
  HostMode,
  type HostRecord,
  homePaths,
  readHostRecord,
} from './hostRecord.js';
import { HEALTH_PATH, probe } from './http.js';
import { isProcessAlive, liveLockOwner, readLockOwner } from './lock.js';

export interface SpawnOptions {
  /** The app module specifier (`path#export`); default the payroll app. */
  readonly app?: string;
  /** 0 disables idle shutdown (a host started by `local start --detach`). */
  readonly idleShutdownMs?: number;
  readonly mode?: HostMode;
}

export interface EnsureOptions extends SpawnOptions {
  /** How long to wait for a new host to become ready. */
  readonly timeoutMs?: number;
}

const READY_TIMEOUT_MS = 30_000;

/** The recorded host if its process lives and every endpoint answers, as that same host. */
export async function findRunningHost(home: string): Promise<HostRecord | undefined> {
  const record = readHostRecord(home);
  if (!record || !isProcessAlive(record.pid)) return undefined;
  const { endpoints } = record;
  const [api, sfn, dynamodb, sqs] = await Promise.all([
    probe(`${endpoints.api}${HEALTH_PATH}`),
    probe(`${endpoints.stepfunctions}${HEALTH_PATH}`),
    probe(`${endpoints.dynamodb}/`),
    probe(`${endpoints.sqs}/health`),
  ]);
  const samePid = (answer: unknown) => (answer as { pid?: unknown } | undefined)?.pid === record.pid;
  return samePid(api) && samePid(sfn) && dynamodb !== undefined && sqs !== undefined ? record : undefined;
}

function hostEntryArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return ['--import', tsx, join(dirname(here), 'hostMain.ts')];
  }
  return [join(dirname(here), 'hostMain.js')];
}

/** Starts a host process detached from this one; its output goes to host.log. */
export function spawnDetachedHost(home: string, options: SpawnOptions = {}): ChildProcess {
  mkdirSync(home, { recursive: true });
  const logFd = openSync(homePaths(home).log, 'a');
  const idle = options.idleShutdownMs ?? DEFAULT_IDLE_SHUTDOWN_MS;
  try {
    const child = spawn(
      process.execPath,
      [
        ...hostEntryArgs(),
        '--home',
        home,
        '--mode',
        options.mode ?? HostMode.OnDemand,
        ...(idle > 0 ? ['--idle-ms', String(idle)] : []),
        ...(options.app ? ['--app', options.app] : []),
      ],
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

function logTail(home: string, lines = 5): string {
  try {
    return readFileSync(homePaths(home).log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function notReady(home: string, why: string): InfrastructureError {
  const tail = logTail(home);
  return new InfrastructureError(
    'LOCAL_HOST_NOT_READY',
    `The local host ${why}; see its log ${homePaths(home).log}${tail ? `:\n${tail}` : '.'}`,
    { details: { log: homePaths(home).log } },
  );
}

/** The endpoints of the folder's running host, starting one detached if none runs. */
export async function ensureLocalHost(home: string, options: EnsureOptions = {}): Promise<HostEndpoints> {
  const running = await findRunningHost(home);
  if (running) return running.endpoints;
  const deadline = Date.now() + (options.timeoutMs ?? READY_TIMEOUT_MS);
  let child: ChildProcess | undefined;
  let exitCode: number | null | undefined;
  while (Date.now() < deadline) {
    // Another process may be starting a host already: then wait for it rather than compete.
    if (!liveLockOwner(home) && (child === undefined || exitCode !== undefined)) {
      if (child !== undefined) throw notReady(home, `exited (code ${exitCode}) before it was ready`);
      child = spawnDetachedHost(home, options);
      child.once('exit', (code) => {
        exitCode = code;
      });
    }
    await sleep(100);
    const ready = await findRunningHost(home);
    if (ready) return ready.endpoints;
  }
  throw notReady(
    home,
    `did not become ready within ${Math.round((options.timeoutMs ?? READY_TIMEOUT_MS) / 1000)} s`,
  );
}

export interface StopResult {
  /** The pid that was stopped; absent when no host was running. */
  readonly pid?: number;
  /** Records left by a host that died without cleaning up (SIGKILL) were removed. */
  readonly cleanedStale: boolean;
}

/** Removes host.json and host.lock when the process they name is dead. */
export function cleanStaleRecords(home: string): boolean {
  const paths = homePaths(home);
  let cleaned = false;
  const record = readHostRecord(home);
  if (record && !isProcessAlive(record.pid)) {
    rmSync(paths.record, { force: true });
    cleaned = true;
  }
  const owner = readLockOwner(home);
  if (owner && !isProcessAlive(owner.pid)) {
    rmSync(paths.lock, { force: true });
    cleaned = true;
  }
  return cleaned;
}

/** SIGTERMs the folder's host and waits for it to exit (SIGKILL after the timeout), then cleans up. */
export async function stopLocalHost(home: string, timeoutMs = 15_000): Promise<StopResult> {
  const owner = liveLockOwner(home) ?? readHostRecord(home);
  if (!owner || !isProcessAlive(owner.pid)) return { cleanedStale: cleanStaleRecords(home) };
  const { pid } = owner;
  try {
    process.kill(pid, 'SIGTERM');
  } catch (error) {
    throw new OperationFailedError('LOCAL_HOST_STOP', `Cannot signal the local host (pid ${pid}).`, {
      cause: error,
    });
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      await sleep(200);
      break;
    }
    await sleep(50);
  }
  return { pid, cleanedStale: cleanStaleRecords(home) };
}
