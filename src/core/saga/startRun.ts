/**
 * Starting a pay run — the one start shared by the CLI, the off-cycle API and the payday machine.
 * Limits are checked before anything is written; then the employer's lock (one open run per
 * employer), the period lock of a regular run, and the run record, all before the execution
 * starts. A duplicate start, sequential or concurrent, is refused naming the run that holds the
 * period or the employer. A start that fails after the record is written ends FAILED_TO_START
 * and releases its locks, so nothing is left PENDING holding them.
 */
import { BadInputError, OperationFailedError } from '../errors.js';
import { paysItsPeriod } from '../lastPaid.js';
import { Limits, utf8Bytes } from '../limits.js';
import type { OffCyclePayment } from '../offCyclePayments.js';
import { periodAfter } from '../payCalendar.js';
import type { PayPeriod } from '../period.js';
import type {
  Clock,
  ExecutionPort,
  PaymentStore,
  PeriodLockStore,
  RosterStore,
  RunStore,
  TimesheetStore,
} from '../ports.js';
import type { Timesheet } from '../roster.js';
import { claimEmployer, releaseEmployer } from './employerLock.js';
import { type OffCycleBasis, type RunRecord, type RunRequest, RunType } from './records.js';
import { offCycleRunId, periodLockKey, regularRunId } from './runIds.js';
import { offCycleBasis } from './runScope.js';
import { RunStatus } from './steps.js';
import { employerMustExist } from './validateRun.js';

export interface StartRunPorts {
  readonly clock: Clock;
  readonly runs: RunStore;
  readonly locks: PeriodLockStore;
  readonly roster: Pick<RosterStore, 'getEmployer'>;
  readonly timesheets: TimesheetStore;
  readonly payments: PaymentStore;
  readonly executions: ExecutionPort;
}

export interface StartRunCommand {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  readonly reason?: string;
  readonly requestedBy: string;
  readonly timesheets?: readonly Timesheet[];
  /** Off-cycle runs: the supplemental payments to make, and nothing else. */
  readonly payments?: readonly OffCyclePayment[];
  /** The idempotency key of the request, kept on the run (see startPayRun). */
  readonly requestKey?: string;
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

/** A regular run refused because its days overlap a period of the same frequency paid under another id. */
export class PeriodOverlapsError extends OperationFailedError {
  constructor(period: PayPeriod, paid: RunRecord) {
    // ISO dates sort as text: the later start and the earlier end bound the shared days.
    const from = [period.start, paid.period.start].sort()[1];
    const to = [period.end, paid.period.end].sort()[0];
    super(
      'PERIOD_OVERLAPS',
      `Period ${period.id} overlaps ${paid.period.id}, paid by regular run ${paid.runId} (${paid.status}): the days ${from} to ${to} would be paid twice. Pay the period after it (${periodAfter(paid.period).id}), or roll that run back first.`,
      { details: { runId: paid.runId, period: paid.period.id, status: paid.status } },
    );
    this.name = 'PeriodOverlapsError';
  }
}

/** Pages of the employer's regular runs (latest period end first) read for an overlap. */
const OVERLAP_PAGES = [16, 256, 4_096] as const;

/**
 * The regular run that pays days of `period` under another id, if any: same frequency (the same
 * employees), dates that meet, and a run that pays its period (open, completed, or halted half
 * undone). The period lock only refuses the same id; `2026-03-04..2026-03-10` and `2026-W10` are
 * different ids for five of the same days. Read while the employer is held, so no other start
 * can write a run in between.
 */
async function overlappingRun(
  runs: Pick<RunStore, 'listRegularRuns'>,
  employerId: string,
  period: PayPeriod,
): Promise<RunRecord | undefined> {
  for (const limit of OVERLAP_PAGES) {
    const page = await runs.listRegularRuns(employerId, { limit });
    for (const run of page) {
      // Latest period end first: once a run ends before this period starts, none after it meets it.
      if (run.period.end < period.start) return undefined;
      if (
        run.period.id !== period.id &&
        run.period.frequency === period.frequency &&
        run.period.start <= period.end &&
        paysItsPeriod(run)
      )
        return run;
    }
    if (page.length < limit) return undefined;
  }
  return undefined;
}

function requestOf(command: StartRunCommand, runId: string, requestedAt: string): RunRequest {
  return {
    runId,
    employerId: command.employerId,
    period: command.period,
    runType: command.runType,
    ...(command.reason ? { reason: command.reason } : {}),
    requestedBy: command.requestedBy,
    requestedAt,
  };
}

/** Everything that would make Step Functions or DynamoDB refuse the start, refused before any write. */
export function checkStartLimits(command: StartRunCommand): void {
  if (command.reason !== undefined && command.reason.length > Limits.maxReasonLength) {
    throw new BadInputError(
      'REASON_TOO_LONG',
      `--reason has ${command.reason.length} characters; keep it to ${Limits.maxReasonLength} (it is recorded on the run and in the audit trail).`,
    );
  }
  if (command.requestedBy.length > Limits.maxRequestedByLength) {
    throw new BadInputError(
      'REQUESTED_BY_TOO_LONG',
      `requestedBy has ${command.requestedBy.length} characters; keep it to ${Limits.maxRequestedByLength}.`,
    );
  }
  const input = JSON.stringify(requestOf(command, 'x'.repeat(80), new Date(0).toISOString()));
  if (utf8Bytes(input) > Limits.maxExecutionInputBytes) {
    throw new BadInputError(
      'RUN_INPUT_TOO_LARGE',
      `The run request is ${utf8Bytes(input)} bytes; Step Functions takes at most ${Limits.maxExecutionInputBytes}. Shorten the reason.`,
    );
  }
}

async function nextRegularRunId(
  ports: StartRunPorts,
  command: StartRunCommand,
  lockKey: string,
): Promise<string> {
  const holder = await ports.locks.holder(lockKey);
  if (holder) throw new RunExistsError(await ports.runs.getRun(holder), holder, command.period);
  // Earlier attempts that were rolled back keep their records; the next attempt gets the next id.
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    const runId = regularRunId(command.employerId, command.period, attempt);
    if (!(await ports.runs.getRun(runId))) return runId;
  }
  throw new OperationFailedError(
    'TOO_MANY_ATTEMPTS',
    `Period ${command.period.id} has ${MAX_ATTEMPTS} regular runs already; investigate with payroll-ops status.`,
  );
}

async function nextOffCycleRunId(ports: StartRunPorts, command: StartRunCommand): Promise<string> {
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    const runId = offCycleRunId(command.employerId, command.period, n);
    if (!(await ports.runs.getRun(runId))) return runId;
  }
  throw new OperationFailedError(
    'TOO_MANY_OFF_CYCLE_RUNS',
    `Too many off-cycle runs for ${command.period.id}.`,
  );
}

/** An off-cycle run's basis (payments or hours owed); a regular run has none and takes no payments. */
export function basisOf(command: {
  readonly runType: RunType;
  readonly payments?: unknown;
  readonly timesheets?: unknown;
}): OffCycleBasis | undefined {
  if (command.runType === RunType.OffCycle) return offCycleBasis(command);
  if (command.payments !== undefined) {
    throw new BadInputError(
      'PAYMENTS_NEED_OFF_CYCLE',
      '--payments pays supplemental wages in an off-cycle run; add --off-cycle --reason TEXT.',
    );
  }
  return undefined;
}

function newRun(command: StartRunCommand, runId: string, startedAt: string): RunRecord {
  const basis = basisOf(command);
  return {
    runId,
    employerId: command.employerId,
    period: command.period,
    runType: command.runType,
    ...(basis ? { basis } : {}),
    ...(command.reason ? { reason: command.reason } : {}),
    status: RunStatus.Pending,
    requestedBy: command.requestedBy,
    ...(command.requestKey ? { requestKey: command.requestKey } : {}),
    startedAt,
    steps: {},
    compensations: [],
    artifacts: {},
  };
}

/** Releases what a start took; only locks this run holds are released. */
async function releaseLocks(ports: StartRunPorts, command: StartRunCommand, runId: string): Promise<void> {
  const lockKey = periodLockKey(command.employerId, command.period, command.runType);
  if (lockKey) await ports.locks.release(lockKey, runId);
  await releaseEmployer(ports, command.employerId, runId);
}

/**
 * After a failed start: if the execution did begin after all (a lost response), the run is
 * started; otherwise the run ends FAILED_TO_START — unless OpenRun got there first — and its
 * locks are released.
 */
async function settleFailedStart(
  ports: StartRunPorts,
  command: StartRunCommand,
  runId: string,
  error: unknown,
): Promise<StartedRun | undefined> {
  const execution = await ports.executions.describePayRun(runId).catch(() => undefined);
  if (execution) return { runId, executionArn: execution.executionArn };
  const message = error instanceof Error ? error.message : String(error);
  const failed = await ports.runs.transitionRun(runId, [RunStatus.Pending], {
    status: RunStatus.FailedToStart,
    endedAt: ports.clock.now(),
    failure: { step: 'OpenRun', error: 'StartFailed', cause: message },
  });
  if (failed) await releaseLocks(ports, command, runId);
  return undefined;
}

/**
 * The refusal a start of `command` would meet from what the store holds now — its period paid
 * already, or days of it paid under another period — read without claiming anything, so that a
 * dry run says what the real run would hear instead of previewing a payment that cannot happen.
 * An employer busy with another run is left out: that passes once the run ends.
 */
export async function periodRefusal(
  ports: Pick<StartRunPorts, 'runs' | 'locks'>,
  command: Pick<StartRunCommand, 'employerId' | 'period' | 'runType'>,
): Promise<OperationFailedError | undefined> {
  const lockKey = periodLockKey(command.employerId, command.period, command.runType);
  if (!lockKey) return undefined;
  const holder = await ports.locks.holder(lockKey);
  if (holder) return new RunExistsError(await ports.runs.getRun(holder), holder, command.period);
  const overlapping = await overlappingRun(ports.runs, command.employerId, command.period);
  return overlapping ? new PeriodOverlapsError(command.period, overlapping) : undefined;
}

export async function startRun(ports: StartRunPorts, command: StartRunCommand): Promise<StartedRun> {
  checkStartLimits(command);
  basisOf(command);
  await employerMustExist(ports.roster, command.employerId);
  const lockKey = periodLockKey(command.employerId, command.period, command.runType);
  const runId = lockKey
    ? await nextRegularRunId(ports, command, lockKey)
    : await nextOffCycleRunId(ports, command);
  await claimEmployer(ports, command.employerId, runId);
  if (lockKey) {
    const { holder } = await ports.locks.acquire(lockKey, runId);
    if (holder !== runId) {
      await releaseEmployer(ports, command.employerId, runId);
      throw new RunExistsError(await ports.runs.getRun(holder), holder, command.period);
    }
    const overlapping = await overlappingRun(ports.runs, command.employerId, command.period);
    if (overlapping) {
      await releaseLocks(ports, command, runId);
      throw new PeriodOverlapsError(command.period, overlapping);
    }
  }
  // The run starts once it holds its employer: runs of one employer never overlap in time.
  const startedAt = ports.clock.now();
  // Two concurrent starts of the same run id pass the (re-entrant) locks together: the record is
  // created once, and the start that did not create it is the duplicate. It releases nothing.
  if ((await ports.runs.createRun(newRun(command, runId, startedAt))) === 'already-written') {
    const existing = await ports.runs.getRun(runId);
    if (lockKey) throw new RunExistsError(existing, runId, command.period);
    throw new OperationFailedError(
      'RUN_EXISTS',
      `Run ${runId} was started by another request at the same moment${existing ? ` (${existing.status})` : ''}; see payroll-ops status ${runId}.`,
      { details: { runId, status: existing?.status } },
    );
  }
  try {
    if (command.timesheets && command.timesheets.length > 0)
      await ports.timesheets.putTimesheets(runId, command.timesheets);
    if (command.payments && command.payments.length > 0)
      await ports.payments.putPayments(runId, command.payments);
    const { executionArn } = await ports.executions.startPayRun(runId, requestOf(command, runId, startedAt));
    await ports.runs.updateRun(runId, { executionArn });
    return { runId, executionArn };
  } catch (error) {
    const started = await settleFailedStart(ports, command, runId, error);
    if (started) return started;
    throw error;
  }
}
