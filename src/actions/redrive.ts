/**
 * Redriving a pay run, as `redrive` does: its failed (or stopped, or timed-out) execution restarts
 * from the state that failed — Step Functions RedriveExecution: completed states are not run
 * again, the failed one is, and its idempotency record decides whether it makes its effect.
 * Refused (exit 1) when the run and its execution do not allow it; audited when it happens.
 */
import { OperationFailedError } from '../core/errors.js';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import type { AuditStore, ExecutionPort, RunStore } from '../core/ports.js';
import { decideRedrive } from '../core/redriveRules.js';
import type { RunStatus } from '../core/saga/steps.js';
import { runNotFound } from './followRun.js';

export const RedriveCode = { Redriving: 'PAYROLL_REDRIVE_I5001' } as const;

export interface RedrivePorts {
  readonly runs: RunStore;
  readonly executions: ExecutionPort;
  readonly audit: AuditStore;
}

export interface RedriveRequest {
  readonly runId: string;
  readonly reason?: string;
  /** Who the audit trail names. */
  readonly actor: string;
}

/** Redrives the run's execution and returns the status the run should end as. */
export async function redriveRun(
  ports: RedrivePorts,
  io: IIoHost,
  request: RedriveRequest,
): Promise<RunStatus> {
  const { runId } = request;
  const run = await ports.runs.getRun(runId);
  if (!run) throw runNotFound(runId);
  const execution = run.executionArn
    ? await ports.executions.describe(run.executionArn)
    : await ports.executions.describePayRun(runId);
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
  await io.notify(
    ioMessage(
      'info',
      RedriveCode.Redriving,
      `Redriving run ${runId}: its execution ${execution.status}` +
        `${execution.error ? ` (${execution.error})` : ''}; it resumes from the state that failed.`,
      { runId, executionArn, executionStatus: execution.status },
    ),
  );
  await ports.executions.redrive(executionArn);
  await ports.audit.record({
    at: new Date().toISOString(),
    actor: request.actor,
    action: 'run.redrive',
    runId,
    ...(request.reason ? { reason: request.reason } : {}),
    details: {
      executionArn,
      executionStatus: execution.status,
      ...(execution.error ? { error: execution.error } : {}),
      redriveCount: execution.redriveCount + 1,
    },
  });
  return decision.expect;
}
