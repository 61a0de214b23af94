/**
 * When `payroll-ops redrive RUN` may restart a pay run's execution from the state that failed
 * (Step Functions RedriveExecution), and what the run should end as. Redriving is only useful for
 * a run the saga left unfinished: a rolled-back run is over, and a half-compensated one is resumed
 * by `rollback`, not by running its failed execution again.
 */
import { ExecutionStatus } from './ports.js';
import { RunStatus } from './saga/steps.js';

export type RedriveDecision =
  | {
      readonly kind: 'redrive';
      /** The status that counts as success once the redriven execution ends. */
      readonly expect: RunStatus;
    }
  | { readonly kind: 'refused'; readonly code: string; readonly reason: string };

const REDRIVABLE: readonly ExecutionStatus[] = [
  ExecutionStatus.Failed,
  ExecutionStatus.Aborted,
  ExecutionStatus.TimedOut,
];

export function decideRedrive(runId: string, run: RunStatus, execution: ExecutionStatus): RedriveDecision {
  if (execution === ExecutionStatus.Running || execution === ExecutionStatus.PendingRedrive) {
    return {
      kind: 'refused',
      code: 'EXECUTION_RUNNING',
      reason: `Run ${runId} is still running (execution ${execution}); follow it with payroll-ops watch ${runId}.`,
    };
  }
  if (!REDRIVABLE.includes(execution)) {
    return {
      kind: 'refused',
      code: 'EXECUTION_SUCCEEDED',
      reason: `Run ${runId}'s execution ${execution}: there is nothing to redrive.`,
    };
  }
  switch (run) {
    case RunStatus.Completed:
      return {
        kind: 'refused',
        code: 'RUN_COMPLETED',
        reason: `Run ${runId} is COMPLETED: there is nothing to redrive.`,
      };
    case RunStatus.RolledBack:
      return {
        kind: 'refused',
        code: 'RUN_ROLLED_BACK',
        reason: `Run ${runId} was rolled back: its execution ended after compensating. Start the period again with payroll-ops run.`,
      };
    case RunStatus.CompensationFailed:
      return {
        kind: 'refused',
        code: 'RUN_COMPENSATION_FAILED',
        reason: `Run ${runId} is COMPENSATION_FAILED: resume its compensations with payroll-ops rollback ${runId} --reason TEXT.`,
      };
    case RunStatus.FailedToStart:
      return {
        kind: 'refused',
        code: 'RUN_FAILED_TO_START',
        reason: `Run ${runId} failed to start and released its locks: start the period again with payroll-ops run.`,
      };
    case RunStatus.RollingBack:
      return { kind: 'redrive', expect: RunStatus.RolledBack };
    case RunStatus.Pending:
    case RunStatus.Running:
      return { kind: 'redrive', expect: RunStatus.Completed };
  }
}
