/**
 * `payroll-ops rollback RUN --reason TEXT [--plan]`: undoes a pay run on demand. Shows the plan
 * first (what will be compensated, in which order, with which amounts, and which employees'
 * credits can no longer be reversed), asks for the run id to be typed (or --yes), records the
 * action in the audit trail, stops a stuck execution, then runs the rollback state machine — the
 * saga's own compensations — and follows it like `watch`.
 */
import type { Command } from 'commander';
import { OperationFailedError } from '../core/errors.js';
import { formatCents } from '../core/money.js';
import type { IsoDate } from '../core/period.js';
import { ExecutionStatus, type ExecutionSummary } from '../core/ports.js';
import { claimEmployer } from '../core/saga/employerLock.js';
import { AchFileKind } from '../core/saga/records.js';
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
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { reasonFlag } from './flags.js';
import { followRunView, runNotFound } from './follow.js';
import { type IoHost, OutputFormat } from './io/ioHost.js';
import {
  achEntryView,
  type RollbackPlanView,
  renderEmployees,
  renderRollbackPlan,
  rollbackPlanView,
} from './io/rollbackRender.js';
import { PLAIN, renderRunDetail } from './io/runRender.js';

export interface RollbackOptions {
  readonly runId: string;
  readonly reason: string;
  /** Print the plan and stop: nothing is changed. */
  readonly planOnly: boolean;
}

/** Earlier rollback executions are probed by name; a run rolled back this often has a deeper problem. */
const MAX_ROLLBACK_ATTEMPTS = 100;
const POLL_MS = 250;
/** How long a stopped execution or a started rollback may take to show it in the store. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Employee ids named in the error line; the table on stdout and the JSON list them all. */
const SHOWN_IN_MESSAGE = 20;

export function parseRollbackOptions(
  runId: string,
  raw: { readonly reason?: string; readonly plan?: boolean },
): RollbackOptions {
  const reason = reasonFlag(raw.reason, 'rollback');
  return { runId, reason, planOnly: raw.plan === true };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The run's earlier rollback executions, oldest first: `<runId>-rollback-1`, `-2`, … until one is missing. */
async function previousRollbacks(backend: Backend, runId: string): Promise<ExecutionSummary[]> {
  const found: ExecutionSummary[] = [];
  for (let attempt = 1; attempt <= MAX_ROLLBACK_ATTEMPTS; attempt++) {
    const execution = await backend.executions.describeRollback(rollbackExecutionName(runId, attempt));
    if (!execution) return found;
    found.push(execution);
  }
  throw new OperationFailedError(
    'TOO_MANY_ROLLBACKS',
    `Run ${runId} already has ${MAX_ROLLBACK_ATTEMPTS} rollback executions; investigate with payroll-ops status ${runId}.`,
  );
}

/** Reads everything the plan needs: the run, its payslips and ACH files, and its executions. */
export async function readRollbackPlan(
  backend: Backend,
  runId: string,
  today: IsoDate,
): Promise<RollbackPlan> {
  const { ports, executions } = backend;
  const run = await ports.runs.getRun(runId);
  if (!run) throw runNotFound(runId);
  const [payslips, credit, reversal, payRunExecution, rollbacks] = await Promise.all([
    ports.payslips.listPayslips(runId),
    ports.ach.getAchFile(runId, AchFileKind.Credit),
    ports.ach.getAchFile(runId, AchFileKind.Reversal),
    run.executionArn ? executions.describe(run.executionArn) : Promise.resolve(undefined),
    previousRollbacks(backend, runId),
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
async function stopExecutions(backend: Backend, arns: readonly string[], cause: string): Promise<void> {
  for (const arn of arns) await backend.executions.stop(arn, cause);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (const arn of arns) {
    while ((await backend.executions.describe(arn))?.status === ExecutionStatus.Running) {
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
 * Waits until the rollback has visibly begun: the run turned ROLLING_BACK, or the execution has
 * already ended. Only then can the run's status say when the rollback is over: a resumed
 * COMPENSATION_FAILED run starts out in a status the rollback may end in too.
 */
async function awaitRollbackBegun(backend: Backend, runId: string, executionArn: string): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const run = await backend.ports.runs.getRun(runId);
    if (run?.status === RunStatus.RollingBack) return;
    const execution = await backend.executions.describe(executionArn);
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

function failedCompensations(view: RunDetail): RollbackOutcome['failedCompensations'] {
  const latest = new Map<StepName, { step: StepName; status: string; detail: string | null }>();
  for (const c of view.compensations) latest.set(c.step, c);
  return [...latest.values()]
    .filter((c) => c.status === CompensationStatus.Failed)
    .map((c) => ({ step: c.step, detail: c.detail }));
}

/** Stops what is stuck, starts the rollback state machine and follows it to its end. */
async function executeRollback(
  ctx: CommandContext,
  backend: Backend,
  options: RollbackOptions,
  planned: RollbackPlan,
  today: IsoDate,
): Promise<RollbackOutcome> {
  const { io } = ctx;
  let plan = planned;
  if (plan.stop.length > 0) {
    io.info(`Stopping ${plan.stop.length === 1 ? 'the running execution' : 'the running executions'} first…`);
    await stopExecutions(backend, plan.stop, `rollback by ${ctx.env.user}: ${options.reason}`);
    // An in-flight step may have finished while the stop took effect: plan again on what is stored now.
    plan = await readRollbackPlan(backend, options.runId, today);
  }
  const name = plan.executionName;
  if (name === undefined || plan.fromStep === undefined) {
    // The stopped execution was a rollback that had just finished: nothing is left to start.
    throw new OperationFailedError(
      'NOTHING_LEFT_TO_ROLL_BACK',
      `Run ${options.runId} became ${plan.status} while its execution was stopped; see payroll-ops status ${options.runId}.`,
    );
  }
  const { executionArn } = await backend.executions.startRollback(name, {
    runId: options.runId,
    fromStep: plan.fromStep,
    reason: options.reason,
  });
  io.info(`Rollback ${name} started; progress follows (payroll-ops watch ${options.runId} shows it too).`);
  await awaitRollbackBegun(backend, options.runId, executionArn);
  const view = await followRunView(backend, io, options.runId, {
    isFinal: (status) => ROLLBACK_ENDS.includes(status),
    printResult: false,
  });
  const failed = failedCompensations(view);
  // What the reversal left with the employees is known only now (entries the banks returned).
  const after = failed.some((c) => c.step === 'Disburse')
    ? await readRollbackPlan(backend, options.runId, today)
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

function outcomeJson(outcome: RollbackOutcome) {
  return {
    status: outcome.status,
    executionName: outcome.executionName,
    stopped: outcome.stopped,
    failedCompensations: outcome.failedCompensations,
    manualRecovery: outcome.manualRecovery.map(achEntryView),
    run: outcome.view,
  };
}

function incompleteError(runId: string, outcome: RollbackOutcome): OperationFailedError {
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

/** Prints the plan where it belongs: a table now, or inside the one JSON document at the end. */
function showPlan(io: IoHost, plan: RollbackPlan, view: RollbackPlanView): void {
  if (io.output === OutputFormat.Table) io.data(renderRollbackPlan(plan, io.stdoutIsTty ? io.style : PLAIN));
  else if (io.output === OutputFormat.Jsonl) io.dataJson({ type: 'rollback-plan', plan: view });
}

export async function rollbackRun(
  ctx: CommandContext,
  backend: Backend,
  options: RollbackOptions,
): Promise<void> {
  const { io } = ctx;
  const today = new Date().toISOString().slice(0, 10);
  const plan = await readRollbackPlan(backend, options.runId, today);
  const view = rollbackPlanView(plan);
  showPlan(io, plan, view);
  // With --output json stdout carries exactly one document, whatever happens next.
  const planOnlyJson = () => {
    if (io.output === OutputFormat.Json) io.dataJson({ plan: view });
  };

  if (plan.decision === RollbackDecision.NothingToDo) {
    planOnlyJson();
    io.info(`${plan.summary} Nothing was changed.`);
    return;
  }
  if (plan.decision === RollbackDecision.Refuse) {
    planOnlyJson();
    throw new OperationFailedError('ROLLBACK_REFUSED', plan.summary, {
      details: { runId: options.runId, manualRecovery: manualRecovery(plan).map((e) => e.employeeId) },
    });
  }
  if (options.planOnly) {
    planOnlyJson();
    io.info('--plan: nothing was changed. Run again without --plan to roll back.');
    return;
  }
  try {
    await io.confirmTyped(`Rollback of run ${options.runId}`, options.runId);
  } catch (error) {
    planOnlyJson();
    throw error;
  }
  // Runs of one employer are serialised: a rollback changes year-to-date balances too.
  const run = await backend.ports.runs.getRun(options.runId);
  if (run)
    await claimEmployer({ ...backend.ports, executions: backend.executions }, run.employerId, run.runId);
  await recordAudit(ctx, backend, {
    action: 'run.rollback',
    runId: options.runId,
    reason: options.reason,
    details: auditDetails(plan),
  });
  const outcome = await executeRollback(ctx, backend, options, plan, today);
  if (io.output === OutputFormat.Json) io.dataJson({ plan: view, outcome: outcomeJson(outcome) });
  else if (io.output === OutputFormat.Jsonl)
    io.dataJson({ type: 'rollback-finished', ...outcomeJson(outcome) });
  else {
    io.data(
      renderRunDetail(outcome.view, {
        paint: io.stdoutIsTty ? io.style : PLAIN,
        now: new Date().toISOString(),
      }),
    );
    if (outcome.manualRecovery.length > 0) {
      io.data(
        `\nNeeds manual recovery (ACH credits that did not come back)\n${renderEmployees(outcome.manualRecovery)}`,
      );
    }
  }
  if (outcome.status !== RunStatus.RolledBack) throw incompleteError(options.runId, outcome);
  io.success(`Run ${options.runId} ROLLED_BACK by ${outcome.executionName}.`);
}

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description(
      'undo a pay run: plan, confirm, then run its compensations (completed, stuck or failed runs)',
    )
    .argument('<run>', 'run id, e.g. acme-2026-03-regular (payroll-ops status lists them)')
    .option('--reason <text>', 'why the run is undone (required; recorded in the audit trail)')
    .option('--plan', 'print the plan and stop; nothing is changed')
    .addHelpText(
      'after',
      `
Confirm by typing the run id when asked, or pass --yes (required without a terminal).

Examples:
  $ payroll-ops rollback acme-2026-03-regular --reason "wrong salaries imported" --plan
  $ payroll-ops rollback acme-2026-03-regular --reason "wrong salaries imported"
  $ payroll-ops --output json rollback acme-2026-03-regular --reason "duplicate run" --yes`,
    )
    .action(async (runId: string, raw: { reason?: string; plan?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const options = parseRollbackOptions(runId, raw);
      await withBackend(ctx, (backend) => rollbackRun(ctx, backend, options));
    });
}
