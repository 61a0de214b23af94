/**
 * Runs of one employer are serialised: a run takes its employer's lock before its record is
 * written and keeps it while it is open (PENDING, RUNNING, ROLLING_BACK). Year-to-date balances
 * are read when a run opens and added when it closes, so two open runs of one employer would
 * compute against balances the other is about to change. A second start is refused naming the
 * open run (exit 1); nothing is queued.
 *
 * The lock needs no release to be correct: a holder that is closed — completed, rolled back,
 * failed to start — is taken over, so a crash between closing a run and releasing its lock never
 * blocks the employer. A run left PENDING by a start that died before StartExecution is found by
 * its missing execution and marked FAILED_TO_START.
 *
 * A rollback holds the employer too, under a holder of its own (`<run>#rollback`, so that nothing
 * the run's own execution releases can free it), and turns a closed run ROLLING_BACK before it
 * claims: from the claim on, the holder's run reads open, and no start takes the employer over
 * while the rollback is getting under way.
 */
import { OperationFailedError, TransientError } from '../errors.js';
import type { Clock, ExecutionPort, LockHolder, PeriodLockStore, RunStore } from '../ports.js';
import type { RunRecord } from './records.js';
import { isOpen, RunStatus } from './steps.js';

export interface EmployerLockPorts {
  readonly clock: Clock;
  readonly runs: RunStore;
  readonly locks: PeriodLockStore;
  readonly executions?: Pick<ExecutionPort, 'describePayRun'>;
}

/** A PENDING run older than this without an execution was left by a start that died. */
export const STALE_PENDING_MS = 120_000;
const TAKEOVER_ATTEMPTS = 5;

function ageMs(ports: Pick<EmployerLockPorts, 'clock'>, since: string): number {
  return Date.parse(ports.clock.now()) - Date.parse(since);
}

export function employerLockKey(employerId: string): string {
  return `${employerId}#open-run`;
}

const ROLLBACK_HOLDER_SUFFIX = '#rollback';

/** Who holds the employer while a rollback of `runId` is under way. */
export function rollbackHolder(runId: string): string {
  return `${runId}${ROLLBACK_HOLDER_SUFFIX}`;
}

/** The run a holder stands for: the run itself, or the run a rollback holder is undoing. */
export function runOfHolder(holder: string): { readonly runId: string; readonly rollback: boolean } {
  return holder.endsWith(ROLLBACK_HOLDER_SUFFIX)
    ? { runId: holder.slice(0, -ROLLBACK_HOLDER_SUFFIX.length), rollback: true }
    : { runId: holder, rollback: false };
}

export class EmployerBusyError extends OperationFailedError {
  constructor(
    employerId: string,
    readonly open: RunRecord | undefined,
    holder: string,
  ) {
    super(
      'EMPLOYER_BUSY',
      `Employer ${employerId} has run ${holder} open (${open ? open.status : 'starting'}); runs of one employer are serialised — wait for it to end (payroll-ops watch ${holder}) or roll it back, then start again.`,
      { details: { employerId, openRunId: holder, status: open?.status } },
    );
    this.name = 'EmployerBusyError';
  }
}

/** Whether the run holding the lock still needs it. */
async function stillOpen(
  ports: EmployerLockPorts,
  run: RunRecord | undefined,
  lock: LockHolder,
): Promise<boolean> {
  // A rollback turned its run ROLLING_BACK before it claimed: it needs the lock while the run is open.
  if (runOfHolder(lock.holder).rollback) return run !== undefined && isOpen(run.status);
  // A start takes the lock before it writes the run record: a fresh lock without a record is a
  // start under way, not an abandoned one.
  if (!run) return !(ageMs(ports, lock.acquiredAt) > STALE_PENDING_MS);
  if (!isOpen(run.status)) return false;
  if (run.status !== RunStatus.Pending || ports.executions === undefined) return true;
  if (!(ageMs(ports, run.startedAt) > STALE_PENDING_MS)) return true;
  if (await ports.executions.describePayRun(run.runId)) return true;
  // Its start died between writing the record and starting the execution.
  return !(await ports.runs.transitionRun(run.runId, [RunStatus.Pending], {
    status: RunStatus.FailedToStart,
    endedAt: ports.clock.now(),
    failure: {
      step: 'OpenRun',
      error: 'StartAbandoned',
      cause: 'The start ended before the execution began.',
    },
  }));
}

/**
 * Takes the employer's lock for `holder` (a run id, or a rollback's holder), or throws
 * EmployerBusyError naming the open run. `own` holders are taken over whatever their state: a
 * rollback replaces the lock of the run it undoes.
 */
async function claim(
  ports: EmployerLockPorts,
  employerId: string,
  holder: string,
  own: readonly string[] = [],
): Promise<void> {
  const key = employerLockKey(employerId);
  let replacing: string | undefined;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    const lock = await ports.locks.acquire(key, holder, replacing);
    if (lock.holder === holder) return;
    if (!own.includes(lock.holder)) {
      const { runId } = runOfHolder(lock.holder);
      const open = await ports.runs.getRun(runId);
      if (await stillOpen(ports, open, lock)) throw new EmployerBusyError(employerId, open, runId);
    }
    replacing = lock.holder;
  }
  throw new TransientError(
    'EMPLOYER_LOCK_CONTENDED',
    `The run lock of employer ${employerId} kept changing hands.`,
  );
}

/** Takes the employer's lock for `runId`, or throws EmployerBusyError naming the open run. */
export function claimEmployer(ports: EmployerLockPorts, employerId: string, runId: string): Promise<void> {
  return claim(ports, employerId, runId);
}

/** Closed runs a rollback may (re)start: it turns them ROLLING_BACK, open again. */
const REOPENED_BY_ROLLBACK: readonly RunStatus[] = [RunStatus.Completed, RunStatus.CompensationFailed];

/**
 * A rollback changes money and year-to-date balances like a run, so it holds the employer too,
 * from before its execution begins: a closed run is turned ROLLING_BACK first, then the employer
 * is claimed for the rollback. A start that read the run closed a moment earlier cannot take the
 * lock over afterwards: the rollback's claim changed its holder. When the employer is busy, the
 * run gets its status back. Returns the status the run was reopened from (undefined for a run
 * that was open already), for `reopenedRunBack` if the rollback execution then never starts.
 */
export async function claimEmployerForRollback(
  ports: EmployerLockPorts,
  run: RunRecord,
): Promise<RunStatus | undefined> {
  let reopenedFrom: RunStatus | undefined;
  if (REOPENED_BY_ROLLBACK.includes(run.status)) {
    if (!(await ports.runs.transitionRun(run.runId, [run.status], { status: RunStatus.RollingBack }))) {
      const now = await ports.runs.getRun(run.runId);
      throw new OperationFailedError(
        'RUN_CHANGED',
        `Run ${run.runId} is ${now?.status ?? 'gone'} now, no longer ${run.status} as planned (another rollback of it may be under way); see payroll-ops status ${run.runId}, then roll back again if needed.`,
        { details: { runId: run.runId, status: now?.status } },
      );
    }
    reopenedFrom = run.status;
  }
  try {
    await claim(ports, run.employerId, rollbackHolder(run.runId), [run.runId]);
  } catch (error) {
    if (reopenedFrom !== undefined) await reopenedRunBack(ports, run, reopenedFrom);
    throw error;
  }
  return reopenedFrom;
}

/** The rollback reopened the run but its execution never began: the run is closed as it was. */
export async function reopenedRunBack(
  ports: Pick<EmployerLockPorts, 'runs' | 'locks'>,
  run: RunRecord,
  status: RunStatus,
): Promise<void> {
  if (await ports.runs.transitionRun(run.runId, [RunStatus.RollingBack], { status }))
    await ports.locks.release(employerLockKey(run.employerId), rollbackHolder(run.runId));
}

export async function releaseEmployer(
  ports: Pick<EmployerLockPorts, 'locks'>,
  employerId: string,
  runId: string,
): Promise<void> {
  await ports.locks.release(employerLockKey(employerId), runId);
}

/** When a rollback ends: the employer is released by whichever holds it, the run or its rollback. */
export async function releaseEmployerAfterRollback(
  ports: Pick<EmployerLockPorts, 'locks'>,
  employerId: string,
  runId: string,
): Promise<void> {
  await ports.locks.release(employerLockKey(employerId), rollbackHolder(runId));
  await ports.locks.release(employerLockKey(employerId), runId);
}
