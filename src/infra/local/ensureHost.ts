/**
 * Attach or start: every command on the `local` target attaches to the host that holds the data
 * folder's lock (it names its endpoints, see lock.ts), otherwise starts one detached (its output
 * to host.log, no inherited stdio, unref'd) so that executions outlive the command and neither
 * the command nor CI ever waits on the host.
 *
 * The host entry is resolved next to this module: hostMain.js when running from dist; under
 * vitest (TypeScript sources) hostMain.ts, loaded with tsx (a dev dependency).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BadInputError, InfrastructureError, OperationFailedError } from '../../core/errors.js';
import {
  DEFAULT_IDLE_SHUTDOWN_MS,
  type HostEndpoints,
  HostMode,
  type HostRecord,
  homePaths,
  readHostRecord,
} from './hostRecord.js';
import { isProcessAlive, queryHostLock } from './lock.js';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from './privateFolder.js';

export interface SpawnOptions {
  /** The app module specifier (`path#export`); default the payroll app. */
  readonly app?: string;
  /** 0 disables idle shutdown (a host started by `local start --detach`). */
  readonly idleShutdownMs?: number;
  readonly mode?: HostMode;
  /** Schedule name → fire every this many seconds instead of its expression (tests). */
  readonly scheduleEverySeconds?: Readonly<Record<string, number>>;
}

export interface EnsureOptions extends SpawnOptions {
  /** How long to wait for a new host to become ready. */
  readonly timeoutMs?: number;
}

const READY_TIMEOUT_MS = 30_000;

/** The folder's host, as the holder of its lock tells it, once it serves. */
export async function findRunningHost(home: string): Promise<HostRecord | undefined> {
  return (await queryHostLock(home))?.record;
}

function hostEntryArgs(): string[] {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return ['--import', tsx, join(dirname(here), 'hostMain.ts')];
  }
  return [join(dirname(here), 'hostMain.js')];
}

function openLog(path: string): number {
  try {
    return openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      PRIVATE_FILE_MODE,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    throw new BadInputError(
      'LOCAL_HOST_LOG_LINK',
      `${path} is a symbolic link; the host writes its log only to a file of the data folder: remove the link.`,
      { cause: error },
    );
  }
}

/** Starts a host process detached from this one; its output goes to host.log. */
export function spawnDetachedHost(home: string, options: SpawnOptions = {}): ChildProcess {
  ensurePrivateFolder(home);
  // Never through a link: a host.log that points at ~/.bashrc must not get the host's output.
  const logFd = openLog(homePaths(home).log);
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
        ...Object.entries(options.scheduleEverySeconds ?? {}).flatMap(([name, seconds]) => [
          '--schedule-every',
          `${name}=${seconds}`,
        ]),
      ],
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

const logSize = (home: string): number => statSync(homePaths(home).log, { throwIfNoEntry: false })?.size ?? 0;

/**
 * Why the host could not start, as it said in its log after `offset` (what earlier hosts wrote is
 * not its story): the host writes one `could not start:` line; anything else (a crash of Node
 * itself) is summed up by its last line, never a stack trace.
 */
function startFailure(home: string, offset: number): string {
  let lines: string[];
  try {
    lines = readFileSync(homePaths(home).log).subarray(offset).toString('utf8').trimEnd().split('\n');
  } catch {
    return '';
  }
  const reported = lines.findLast((line) => line.includes('] could not start: '));
  if (reported) return reported.slice(reported.indexOf('] could not start: ') + '] could not start: '.length);
  const meaningful = lines.filter((line) => line.trim() !== '' && !/^\s+at |^Node\.js v|^\s*\^+$/.test(line));
  return meaningful.at(-1)?.trim() ?? '';
}

function notReady(home: string, why: string, logOffset: number): InfrastructureError {
  const reason = startFailure(home, logOffset);
  return new InfrastructureError(
    'LOCAL_HOST_NOT_READY',
    `The local host ${why}${reason ? `: ${reason.replace(/\.$/, '')}` : ''}; its log is ${homePaths(home).log}.`,
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
  let logOffset = 0;
  while (Date.now() < deadline) {
    // Another process may be starting a host already: then wait for it rather than compete.
    const holder = await queryHostLock(home);
    if (holder?.record) return holder.record.endpoints;
    if (!holder && (child === undefined || exitCode !== undefined)) {
      if (child !== undefined)
        throw notReady(home, `exited (code ${exitCode}) before it was ready`, logOffset);
      logOffset = logSize(home);
      child = spawnDetachedHost(home, options);
      child.once('exit', (code) => {
        exitCode = code;
      });
    }
    await sleep(100);
  }
  throw notReady(
    home,
    `did not become ready within ${Math.round((options.timeoutMs ?? READY_TIMEOUT_MS) / 1000)} s`,
    logOffset,
  );
}

export interface StopResult {
  /** The pid that was stopped; absent when no host was running. */
  readonly pid?: number;
  /** The record left by a host that died without cleaning up (SIGKILL) was removed. */
  readonly cleanedStale: boolean;
}

/** Removes host.json when no host holds the folder: it describes a host that is gone. */
export async function cleanStaleRecords(home: string): Promise<boolean> {
  if (!readHostRecord(home) || (await queryHostLock(home))) return false;
  rmSync(homePaths(home).record, { force: true });
  return true;
}

/**
 * SIGTERMs the host holding the folder's lock (whatever host.json says, or whether it exists) and
 * waits for it to exit (SIGKILL after the timeout), then cleans up.
 */
export async function stopLocalHost(home: string, timeoutMs = 15_000): Promise<StopResult> {
  const holder = await queryHostLock(home);
  if (!holder) return { cleanedStale: await cleanStaleRecords(home) };
  const { pid } = holder;
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
  return { pid, cleanedStale: await cleanStaleRecords(home) };
}
