/**
 * Planning and starting a rollback, as `rollback` does: the plan says what will be compensated,
 * in which order, with which amounts, and which employees' credits can no longer be reversed; it
 * is notified before anything changes. Then the operator confirms (a typed request), the employer
 * is claimed (a rollback changes year-to-date balances, so it is serialised with the employer's
 * runs), the action is audited, a stuck execution is stopped, the rollback state machine — the
 * saga's own compensations — is started and followed to its end.
 */
import { OperationFailedError } from '../core/errors.js';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import { formatCents } from '../core/money.js';
import type { IsoDate } from '../core/period.js';
import {
  type AuditStore,
  type ExecutionPort,
  ExecutionStatus,
  type ExecutionSummary,
  type SagaPorts,
} from '../core/ports.js';
import { claimEmployerForRollback, reopenedRunBack } from '../core/saga/employerLock.js';
import { AchFileKind, type RunRecord } from '../core/saga/records.js';
import {
  type AchEntryPlan,
  manualRecovery,
  planRollback,
  RollbackDecision,
  type RollbackPlan,
  rollbackExecutionName,
} from '../core/saga/rollbackPlan.js';
import type { RunDetail } from '../core/saga/runView.js';
import { CompensationStatus, RunStatus, type StepName } from '../core/saga/steps.js';
import { followRun, runNotFound } from './followRun.js';

export const RollbackCode = {
  /** The plan, before anything changes: data `{ plan }`. */
  Plan: 'PAYROLL_ROLLBACK_I4001',
  /** The typed confirmation: the operator types the run id. */
  Confirm: 'PAYROLL_ROLLBACK_I4002',
  Stopping: 'PAYROLL_ROLLBACK_I4003',
  Started: 'PAYROLL_ROLLBACK_I4004',
} as const;

export type RollbackPorts = SagaPorts & {
  readonly audit: AuditStore;
  readonly executions: ExecutionPort;
};

export interface RollbackRequest {
  readonly runId: string;
  readonly reason: string;
  /** Notify the plan and stop: nothing is changed. */
  readonly planOnly: boolean;
  /** Who the audit trail and the stopped execution's cause name. */
  readonly actor: string;
  /** The day the reversal window is counted from; today by default. */
  readonly today?: IsoDate;
  /** Between polls of the followed run; 500 ms by default. */
  readonly pollIntervalMs?: number;
}

export interface RollbackOutcome {
  readonly status: RunStatus;
  readonly executionName: string;
  readonly stopped: readonly string[];
  readonly view: RunDetail;
  /** Compensations whose latest attempt failed, with what they said. */
  readonly failedCompensations: readonly { readonly step: StepName; readonly detail: string | null }[];
  /** Employees whose ACH credit could not be reversed (the Disburse compensation failed). */
  readonly manualRecovery: readonly AchEntryPlan[];
}

export type RollbackResult =
  /** Nothing to compensate (never started, or already rolled back): nothing changed. */
  | { readonly kind: 'nothing-to-do'; readonly plan: RollbackPlan }
  /** `planOnly`: the plan was notified, nothing changed. */
  | { readonly kind: 'planned'; readonly plan: RollbackPlan }
  /** The rollback ran to its end: ROLLED_BACK, or COMPENSATION_FAILED (see the outcome). */
  | { readonly kind: 'finished'; readonly plan: RollbackPlan; readonly outcome: RollbackOutcome };

/** Earlier rollback executions are probed by name; a run rolled back this often has a deeper problem. */
const MAX_ROLLBACK_ATTEMPTS = 100;
const POLL_MS = 250;
/** How long a stopped execution or a started rollback may take to show it in the store. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Employee ids named in the error line; the table on stdout and the JSON list them all. */
const SHOWN_IN_MESSAGE = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run's earlier rollback executions, oldest first: `<runId>-rollback-1`, `-2`, … until one is missing. */
async function previousRollbacks(executions: ExecutionPort, runId: string): Promise<ExecutionSummary[]> {
  const found: ExecutionSummary[] = [];
  for (let attempt = 1; attempt <= MAX_ROLLBACK_ATTEMPTS; attempt++) {
    const execution = await executions.describeRollback(rollbackExecutionName(runId, attempt));
    if (!execution) return found;
    found.push(execution);
  }
  throw new OperationFailedError(
    'TOO_MANY_ROLLBACKS',
    `Run ${runId} already has ${MAX_ROLLBACK_ATTEMPTS} rollback executions; investigate with payroll-ops status ${runId}.`,
  );
}

/** Reads everything the plan needs (the run, its payslips, ACH files and executions) and plans. */
export async function readRollbackPlan(
  ports: RollbackPorts,
  runId: string,
  today: IsoDate,
): Promise<RollbackPlan> {
  const run = await ports.runs.getRun(runId);
  if (!run) throw runNotFound(runId);
  const { executions } = ports;
  const [payslips, credit, reversal, payRunExecution, rollbacks] = await Promise.all([
    ports.payslips.listPayslips(runId),
    ports.ach.getAchFile(runId, AchFileKind.Credit),
    ports.ach.getAchFile(runId, AchFileKind.Reversal),
    run.executionArn ? executions.describe(run.executionArn) : Promise.resolve(undefined),
    previousRollbacks(executions, runId),
  ]);
  return planRollback({
    run,
    payslips,
    achFiles: { ...(credit ? { credit } : {}), ...(reversal ? { reversal } : {}) },
    today,
    ...(payRunExecution ? { payRunExecution } : {}),
    previousRollbacks: rollbacks,
  });
}

/** What the audit record keeps of the plan: the decision and its amounts, never an account. */
function auditDetails(plan: RollbackPlan): Record<string, unknown> {
  const { amounts } = plan;
  return {
    decision: plan.decision,
    execution: plan.executionName,
    fromStep: plan.fromStep,
    stopped: plan.stop,
    steps: plan.steps.map((s) => s.step),
    fundingRefund: formatCents(amounts.fundingRefund),
    payrollJournalReversal: formatCents(amounts.payrollJournalReversal),
    achReversal: { entries: amounts.achReversal.entries, total: formatCents(amounts.achReversal.total) },
    payslipsToVoid: amounts.payslipsToVoid,
    manualRecovery: manualRecovery(plan).length,
  };
}

/** Stops the running executions and waits until Step Functions no longer reports them running. */
async function stopExecutions(
  executions: ExecutionPort,
  arns: readonly string[],
  cause: string,
): Promise<void> {
  for (const arn of arns) await executions.stop(arn, cause);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (const arn of arns) {
    while ((await executions.describe(arn))?.status === ExecutionStatus.Running) {
      if (Date.now() > deadline)
        throw new OperationFailedError(
          'STOP_TIMEOUT',
          `Execution ${arn} is still running after StopExecution.`,
        );
      await sleep(POLL_MS);
    }
  }
}

const ROLLBACK_ENDS: readonly RunStatus[] = [RunStatus.RolledBack, RunStatus.CompensationFailed];

/**
 * Waits until the rollback has visibly begun: the run turned ROLLING_BACK (a closed run was turned
 * so when the employer was claimed), or the execution has already ended. Only then can the run's
 * status say when the rollback is over.
 */
async function awaitRollbackBegun(ports: RollbackPorts, runId: string, executionArn: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const run = await ports.runs.getRun(runId);
    if (run?.status === RunStatus.RollingBack) return;
    const execution = await ports.executions.describe(executionArn);
    if (execution && execution.status !== ExecutionStatus.Running) {
      if (run && ROLLBACK_ENDS.includes(run.status)) return;
      throw new OperationFailedError(
        'ROLLBACK_EXECUTION_FAILED',
        `The rollback execution ${executionArn} ended ${execution.status} (${execution.error ?? 'no error'}: ${execution.cause ?? 'no cause'}) and run ${runId} is ${run?.status ?? 'missing'}.`,
      );
    }
    if (Date.now() > deadline) {
      throw new OperationFailedError(
        'ROLLBACK_NOT_STARTED',
        `The rollback execution ${executionArn} has not begun after ${SETTLE_TIMEOUT_MS / 1000}s; follow it with payroll-ops watch ${runId}.`,
      );
    }
    await sleep(POLL_MS);
  }
}

function failedCompensations(view: RunDetail): RollbackOutcome['failedCompensations'] {
  const latest = new Map<StepName, { step: StepName; status: string; detail: string | null }>();
  for (const c of view.compensations) latest.set(c.step, c);
  return [...latest.values()]
    .filter((c) => c.status === CompensationStatus.Failed)
    .map((c) => ({ step: c.step, detail: c.detail }));
}

/** Stops what is stuck, starts the rollback state machine and follows it to its end. */
async function executeRollback(
  ports: RollbackPorts,
  io: IIoHost,
  request: RollbackRequest,
  planned: RollbackPlan,
  today: IsoDate,
  held: Held,
): Promise<RollbackOutcome> {
  const { runId } = request;
  let plan = planned;
  if (plan.stop.length > 0) {
    await io.notify(
      ioMessage(
        'info',
        RollbackCode.Stopping,
        `Stopping ${plan.stop.length === 1 ? 'the running execution' : 'the running executions'} first…`,
        { stop: plan.stop },
      ),
    );
    await stopExecutions(ports.executions, plan.stop, `rollback by ${request.actor}: ${request.reason}`);
    // An in-flight step may have finished while the stop took effect: plan again on what is stored now.
    plan = await readRollbackPlan(ports, runId, today);
    // A run that completed meanwhile reads closed: it is reopened, so the employer stays held.
    const now = await ports.runs.getRun(runId);
    if (now && (now.status === RunStatus.Completed || now.status === RunStatus.CompensationFailed)) {
      held.reopenedFrom = await claimEmployerForRollback(ports, now);
      held.run = now;
    }
  }
  const name = plan.executionName;
  if (name === undefined || plan.fromStep === undefined) {
    // The stopped execution was a rollback that had just finished: nothing is left to start.
    throw new OperationFailedError(
      'NOTHING_LEFT_TO_ROLL_BACK',
      `Run ${runId} became ${plan.status} while its execution was stopped; see payroll-ops status ${runId}.`,
    );
  }
  const { executionArn } = await ports.executions.startRollback(name, {
    runId,
    fromStep: plan.fromStep,
    reason: request.reason,
  });
  await io.notify(
    ioMessage(
      'info',
      RollbackCode.Started,
      `Rollback ${name} started; progress follows (payroll-ops watch ${runId} shows it too).`,
      { executionName: name, executionArn },
    ),
  );
  await awaitRollbackBegun(ports, runId, executionArn);
  const view = await followRun(ports, io, runId, {
    isFinal: (status) => ROLLBACK_ENDS.includes(status),
    ...(request.pollIntervalMs !== undefined ? { intervalMs: request.pollIntervalMs } : {}),
  });
  const failed = failedCompensations(view);
  // What the reversal left with the employees is known only now (entries the banks returned).
  const after = failed.some((c) => c.step === 'Disburse')
    ? await readRollbackPlan(ports, runId, today)
    : undefined;
  return {
    status: view.status,
    executionName: name,
    stopped: planned.stop,
    view,
    failedCompensations: failed,
    manualRecovery: after ? manualRecovery(after) : [],
  };
}

/**
 * Plans the rollback of `runId`, notifies the plan, and unless there is nothing to do, the plan
 * refuses (ROLLBACK_REFUSED, exit 1) or only the plan was asked for, confirms, claims the employer,
 * audits, and runs the rollback to its end. A rollback that ends COMPENSATION_FAILED is returned
 * (its outcome says what failed); `rollbackIncomplete` makes the error for it.
 */
export async function rollbackRun(
  ports: RollbackPorts,
  io: IIoHost,
  request: RollbackRequest,
): Promise<RollbackResult> {
  const { runId } = request;
  const today = request.today ?? new Date().toISOString().slice(0, 10);
  const plan = await readRollbackPlan(ports, runId, today);
  await io.notify(ioMessage('info', RollbackCode.Plan, plan.summary, { plan }));
  if (plan.decision === RollbackDecision.NothingToDo) return { kind: 'nothing-to-do', plan };
  if (plan.decision === RollbackDecision.Refuse) {
    throw new OperationFailedError('ROLLBACK_REFUSED', plan.summary, {
      details: { runId, manualRecovery: manualRecovery(plan).map((e) => e.employeeId) },
    });
  }
  if (request.planOnly) return { kind: 'planned', plan };
  await io.requestResponse({
    ...ioMessage('info', RollbackCode.Confirm, `Rollback of run ${runId}`, { expected: runId }),
    defaultResponse: true,
  });
  // Runs of one employer are serialised: a rollback changes year-to-date balances too. A closed
  // run is ROLLING_BACK (open) from here on, so no start slips in before the execution begins.
  const run = await ports.runs.getRun(runId);
  if (!run) throw runNotFound(runId);
  const held: Held = { run, reopenedFrom: await claimEmployerForRollback(ports, run) };
  try {
    await ports.audit.record({
      at: new Date().toISOString(),
      actor: request.actor,
      action: 'run.rollback',
      runId,
      reason: request.reason,
      details: auditDetails(plan),
    });
    const outcome = await executeRollback(ports, io, request, plan, today, held);
    return { kind: 'finished', plan, outcome };
  } catch (error) {
    if (held.reopenedFrom !== undefined) await giveBackIfNotBegun(ports, held.run, held.reopenedFrom, plan);
    throw error;
  }
}

/** The run the rollback holds the employer for, and the status it reopened it from, if it did. */
interface Held {
  run: RunRecord;
  reopenedFrom: RunStatus | undefined;
}

/**
 * The rollback failed before its execution began (Step Functions refused it, the audit write
 * failed): the run it reopened is closed again as it was, and the employer released — nothing
 * holds them. If the execution did begin after all (a lost answer), it goes on and ends the run.
 */
async function giveBackIfNotBegun(
  ports: RollbackPorts,
  run: RunRecord,
  status: RunStatus,
  plan: RollbackPlan,
): Promise<void> {
  const begun =
    plan.executionName === undefined
      ? undefined
      : await ports.executions.describeRollback(plan.executionName).catch(() => undefined);
  // Best effort: the error the operator sees is the one that stopped the rollback; a run left
  // ROLLING_BACK is resumed by payroll-ops rollback again.
  if (!begun) await reopenedRunBack(ports, run, status).catch(() => undefined);
}

/** The error a rollback that did not end ROLLED_BACK ends with: exit 1, naming what failed. */
export function rollbackIncomplete(runId: string, outcome: RollbackOutcome): OperationFailedError {
  const failed = outcome.failedCompensations.map((c) => c.step).join(', ');
  const employees = outcome.manualRecovery.map((e) => e.employeeId);
  const manual =
    employees.length > 0
      ? ` ${employees.length} employee${employees.length === 1 ? '' : 's'} need manual recovery of their ACH credit: ${employees.slice(0, SHOWN_IN_MESSAGE).join(', ')}${employees.length > SHOWN_IN_MESSAGE ? ', … (all listed above)' : '.'}`
      : ` Fix the cause and run payroll-ops rollback ${runId} again: only what failed is redone.`;
  return new OperationFailedError(
    'ROLLBACK_INCOMPLETE',
    `Rollback of run ${runId} ended ${outcome.status}: compensation of ${failed || 'a step'} failed.${manual}`,
    { details: { runId, failedCompensations: outcome.failedCompensations, manualRecovery: employees } },
  );
}
