/**
 * One owner per data folder. dynalite's LevelDB folder can be opened by one process only (a
 * second one crashes on its first request), so the host takes `host.lock` with O_EXCL before it
 * touches anything. A live owner means a one-line error naming its pid; the record of a dead
 * owner (a host killed with SIGKILL) is stale and is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfrastructureError, OperationFailedError } from '../../core/errors.js';
import { homePaths } from './hostRecord.js';

export interface LockOwner {
  readonly pid: number;
  readonly startedAt: string;
}

export interface HomeLock {
  readonly owner: LockOwner;
  release(): void;
}

/** A lock file younger than this with no content is being written right now, not abandoned. */
const WRITE_GRACE_MS = 2_000;
const ATTEMPTS = 50;

/** A process that has exited but is not reaped yet (its parent is gone or slow) is not alive. */
function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) STATE ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false; // no /proc (macOS): rely on the signal check alone
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else; still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOwner(text: string | undefined): LockOwner | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    return typeof value.pid === 'number' && typeof value.startedAt === 'string'
      ? { pid: value.pid, startedAt: value.startedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The process recorded as the folder's owner, alive or not. */
export function readLockOwner(home: string): LockOwner | undefined {
  return parseOwner(readText(homePaths(home).lock));
}

/** The live owner of the folder, if any. */
export function liveLockOwner(home: string): LockOwner | undefined {
  const owner = readLockOwner(home);
  return owner && isProcessAlive(owner.pid) ? owner : undefined;
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function ownedError(home: string, owner: LockOwner): OperationFailedError {
  return new OperationFailedError(
    'LOCAL_HOME_OWNED',
    `The data folder ${home} is owned by the payroll-ops host with pid ${owner.pid} (since ${owner.startedAt}); stop it with \`payroll-ops local stop\` or use another PAYROLL_OPS_HOME.`,
    { details: { pid: owner.pid, home } },
  );
}

/**
 * Removes a stale lock, but only the one judged stale: two processes taking over at once must
 * not delete each other's fresh lock, so the removal happens under a short-lived guard file.
 */
async function removeStale(lockPath: string, staleText: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch {
    if (ageMs(guard) > WRITE_GRACE_MS) rmSync(guard, { force: true });
    await sleep(20);
    return;
  }
  try {
    if (readText(lockPath) === staleText) rmSync(lockPath, { force: true });
  } finally {
    closeSync(fd);
    rmSync(guard, { force: true });
  }
}

export async function acquireHomeLock(home: string): Promise<HomeLock> {
  mkdirSync(home, { recursive: true });
  const lockPath = homePaths(home).lock;
  const owner: LockOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  const text = JSON.stringify(owner);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return {
        owner,
        release: () => {
          if (readText(lockPath) === text) rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InfrastructureError('LOCAL_HOME_LOCK', `Cannot create the lock file ${lockPath}.`, {
          cause: error,
        });
      }
    }
    const existingText = readText(lockPath);
    if (existingText === undefined) continue; // removed meanwhile: try again
    const existing = parseOwner(existingText);
    if (existing && isProcessAlive(existing.pid)) throw ownedError(home, existing);
    if (!existing && ageMs(lockPath) < WRITE_GRACE_MS) {
      await sleep(50);
      continue;
    }
    await removeStale(lockPath, existingText);
  }
  const current = readLockOwner(home);
  if (current) throw ownedError(home, current);
  throw new OperationFailedError(
    'LOCAL_HOME_LOCK',
    `Could not take the lock on ${home}; remove ${lockPath}.`,
  );
}
