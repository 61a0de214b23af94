/**
 * `payroll-ops redrive RUN`: restarts a pay run's failed (or stopped, or timed-out) execution from
 * the state that failed — Step Functions RedriveExecution: completed states are not run again, the
 * failed one is, and its idempotency record decides whether it makes its effect — then follows
 * the run to its end. Audited.
 */
import type { Command } from 'commander';
import { OperationFailedError } from '../core/errors.js';
import { decideRedrive } from '../core/redriveRules.js';
import type { RunStatus } from '../core/saga/steps.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { followRunView, runEndedError, runNotFound } from './follow.js';

interface RedriveOptions {
  readonly runId: string;
  readonly reason?: string;
}

/** Redrives the run's execution; returns the status the run should end as. */
export async function redriveRun(
  ctx: CommandContext,
  backend: Backend,
  options: RedriveOptions,
): Promise<RunStatus> {
  const { runId } = options;
  const run = await backend.ports.runs.getRun(runId);
  if (!run) throw runNotFound(runId);
  const execution = run.executionArn
    ? await backend.executions.describe(run.executionArn)
    : await backend.executions.describePayRun(runId);
  const executionArn = run.executionArn ?? execution?.executionArn ?? runId;
  if (!execution) {
    throw new OperationFailedError('EXECUTION_NOT_FOUND', `Run ${runId} has no execution ${executionArn}.`, {
      details: { runId, executionArn },
    });
  }
  const decision = decideRedrive(runId, run.status, execution.status);
  if (decision.kind === 'refused') {
    throw new OperationFailedError(decision.code, decision.reason, {
      details: { runId, runStatus: run.status, executionStatus: execution.status },
    });
  }
  ctx.io.info(
    `Redriving run ${runId}: its execution ${execution.status}` +
      `${execution.error ? ` (${execution.error})` : ''}; it resumes from the state that failed.`,
  );
  await backend.executions.redrive(executionArn);
  await recordAudit(ctx, backend, {
    action: 'run.redrive',
    runId,
    ...(options.reason ? { reason: options.reason } : {}),
    details: {
      executionArn,
      executionStatus: execution.status,
      ...(execution.error ? { error: execution.error } : {}),
      redriveCount: execution.redriveCount + 1,
    },
  });
  return decision.expect;
}

export function registerRedrive(program: Command): void {
  program
    .command('redrive')
    .description('restart a failed pay run from the state that failed (RedriveExecution), then follow it')
    .argument('<run>', 'run id, e.g. acme-2026-03-regular')
    .option('--reason <text>', 'why (kept in the audit record)')
    .addHelpText(
      'after',
      `
Exit 0 when the run ends as expected (COMPLETED; ROLLED_BACK for a run that was rolling back).
A step whose record is still in progress waits for its in-progress expiry: see
payroll-ops idempotency list --status INPROGRESS --run RUN.

Examples:
  $ payroll-ops redrive acme-2026-03-regular --reason "host crashed during FundPayroll"
  $ payroll-ops --output jsonl redrive acme-2026-03-regular`,
    )
    .action(async (runId: string, raw: { reason?: string }, command: Command) => {
      const ctx = contextFor(command);
      const options: RedriveOptions = { runId, ...(raw.reason !== undefined ? { reason: raw.reason } : {}) };
      await withBackend(ctx, async (backend) => {
        const expect = await redriveRun(ctx, backend, options);
        const final = await followRunView(backend, ctx.io, runId, {});
        if (final.status !== expect) throw runEndedError(final);
      });
    });
}
