/**
 * Starting a pay run: the period lock and the run record are taken in DynamoDB before the
 * execution starts, so a second regular run for the same employer and period — sequential or
 * concurrent — is refused naming the run that holds the period, and exactly one run exists.
 */
import { OperationFailedError } from '../errors.js';
import type { PayPeriod } from '../period.js';
import type {
  Clock,
  ExecutionPort,
  PeriodLockStore,
  RosterStore,
  RunStore,
  TimesheetStore,
} from '../ports.js';
import type { Timesheet } from '../roster.js';
import type { RunRecord, RunRequest, RunType } from './records.js';
import { offCycleRunId, periodLockKey, regularRunId } from './runIds.js';
import { RunStatus } from './steps.js';

export interface StartRunPorts {
  readonly clock: Clock;
  readonly runs: RunStore;
  readonly locks: PeriodLockStore;
  readonly roster: Pick<RosterStore, 'getEmployer'>;
  readonly timesheets: TimesheetStore;
  readonly executions: ExecutionPort;
}

export interface StartRunCommand {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  readonly reason?: string;
  readonly requestedBy: string;
  readonly timesheets?: readonly Timesheet[];
}

export interface StartedRun {
  readonly runId: string;
  readonly executionArn: string;
}

/** Off-cycle numbering and rolled-back attempts are bounded so a corrupt store cannot loop forever. */
const MAX_ATTEMPTS = 1000;

export class RunExistsError extends OperationFailedError {
  constructor(
    readonly existing: RunRecord | undefined,
    holder: string,
    period: PayPeriod,
  ) {
    super(
      'RUN_EXISTS',
      `Period ${period.id} already has regular run ${holder}${existing ? ` (${existing.status})` : ''}; a second regular run is refused. Use --off-cycle --reason for a correction.`,
      { details: { runId: holder, status: existing?.status } },
    );
    this.name = 'RunExistsError';
  }
}

async function refuseIfHeld(ports: StartRunPorts, lockKey: string, period: PayPeriod): Promise<void> {
  const holder = await ports.locks.holder(lockKey);
  if (holder) throw new RunExistsError(await ports.runs.getRun(holder), holder, period);
}

async function claimRegularRun(
  ports: StartRunPorts,
  command: StartRunCommand,
  lockKey: string,
): Promise<string> {
  await refuseIfHeld(ports, lockKey, command.period);
  // Earlier attempts that were rolled back keep their records; the next attempt gets the next id.
  let attempt = 1;
  while (
    attempt < MAX_ATTEMPTS &&
    (await ports.runs.getRun(regularRunId(command.employerId, command.period, attempt)))
  ) {
    attempt++;
  }
  const runId = regularRunId(command.employerId, command.period, attempt);
  const { holder } = await ports.locks.acquire(lockKey, runId);
  if (holder !== runId) throw new RunExistsError(await ports.runs.getRun(holder), holder, command.period);
  return runId;
}

function newRun(command: StartRunCommand, runId: string, startedAt: string): RunRecord {
  return {
    runId,
    employerId: command.employerId,
    period: command.period,
    runType: command.runType,
    ...(command.reason ? { reason: command.reason } : {}),
    status: RunStatus.Pending,
    requestedBy: command.requestedBy,
    startedAt,
    steps: {},
    compensations: [],
    artifacts: {},
  };
}

export async function startRun(ports: StartRunPorts, command: StartRunCommand): Promise<StartedRun> {
  const employer = await ports.roster.getEmployer(command.employerId);
  if (!employer) {
    throw new OperationFailedError(
      'EMPLOYER_NOT_FOUND',
      `Employer ${command.employerId} is not set up; run payroll-ops employer set ${command.employerId} ... first.`,
    );
  }
  const startedAt = ports.clock.now();
  let runId: string;
  const lockKey = periodLockKey(command.employerId, command.period, command.runType);
  if (lockKey) {
    runId = await claimRegularRun(ports, command, lockKey);
    // Two concurrent starts can both pass the lock (it is re-entrant for one run id): the run
    // record is created once, and the start that did not create it is the duplicate.
    if ((await ports.runs.createRun(newRun(command, runId, startedAt))) === 'already-written') {
      throw new RunExistsError(await ports.runs.getRun(runId), runId, command.period);
    }
  } else {
    let n = 1;
    for (;;) {
      runId = offCycleRunId(command.employerId, command.period, n);
      if ((await ports.runs.createRun(newRun(command, runId, startedAt))) === 'written') break;
      if (++n > MAX_ATTEMPTS)
        throw new OperationFailedError(
          'TOO_MANY_OFF_CYCLE_RUNS',
          `Too many off-cycle runs for ${command.period.id}.`,
        );
    }
  }
  if (command.timesheets && command.timesheets.length > 0)
    await ports.timesheets.putTimesheets(runId, command.timesheets);
  const request: RunRequest = {
    runId,
    employerId: command.employerId,
    period: command.period,
    runType: command.runType,
    ...(command.reason ? { reason: command.reason } : {}),
    requestedBy: command.requestedBy,
    requestedAt: startedAt,
  };
  const { executionArn } = await ports.executions.startPayRun(runId, request);
  await ports.runs.updateRun(runId, { executionArn });
  return { runId, executionArn };
}
