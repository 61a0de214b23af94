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
 */
import { OperationFailedError, TransientError } from '../errors.js';
import type { Clock, ExecutionPort, PeriodLockStore, RunStore } from '../ports.js';
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

export function employerLockKey(employerId: string): string {
  return `${employerId}#open-run`;
}

export class EmployerBusyError extends OperationFailedError {
  constructor(
    employerId: string,
    readonly open: RunRecord | undefined,
    holder: string,
  ) {
    super(
      'EMPLOYER_BUSY',
      `Employer ${employerId} has run ${holder} open${open ? ` (${open.status})` : ''}; runs of one employer are serialised — wait for it to end (payroll-ops watch ${holder}) or roll it back, then start again.`,
      { details: { employerId, openRunId: holder, status: open?.status } },
    );
    this.name = 'EmployerBusyError';
  }
}

/** Whether the run holding the lock still needs it. */
async function stillOpen(ports: EmployerLockPorts, run: RunRecord | undefined): Promise<boolean> {
  if (!run || !isOpen(run.status)) return false;
  if (run.status !== RunStatus.Pending || ports.executions === undefined) return true;
  const age = Date.parse(ports.clock.now()) - Date.parse(run.startedAt);
  if (!(age > STALE_PENDING_MS)) return true;
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

/** Takes the employer's lock for `runId`, or throws EmployerBusyError naming the open run. */
export async function claimEmployer(
  ports: EmployerLockPorts,
  employerId: string,
  runId: string,
): Promise<void> {
  const key = employerLockKey(employerId);
  let replacing: string | undefined;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    const { holder } = await ports.locks.acquire(key, runId, replacing);
    if (holder === runId) return;
    const open = await ports.runs.getRun(holder);
    if (await stillOpen(ports, open)) throw new EmployerBusyError(employerId, open, holder);
    replacing = holder;
  }
  throw new TransientError(
    'EMPLOYER_LOCK_CONTENDED',
    `The run lock of employer ${employerId} kept changing hands.`,
  );
}

export async function releaseEmployer(
  ports: Pick<EmployerLockPorts, 'locks'>,
  employerId: string,
  runId: string,
): Promise<void> {
  await ports.locks.release(employerLockKey(employerId), runId);
}
