/** The pay-run saga's steps, in forward order, and the run statuses an operator sees. */

export const StepName = {
  OpenRun: 'OpenRun',
  CalculatePay: 'CalculatePay',
  FundPayroll: 'FundPayroll',
  PostLedger: 'PostLedger',
  Disburse: 'Disburse',
  PublishPayslips: 'PublishPayslips',
  CloseRun: 'CloseRun',
} as const;
export type StepName = (typeof StepName)[keyof typeof StepName];

export const FORWARD_STEPS: readonly StepName[] = [
  StepName.OpenRun,
  StepName.CalculatePay,
  StepName.FundPayroll,
  StepName.PostLedger,
  StepName.Disburse,
  StepName.PublishPayslips,
  StepName.CloseRun,
];

/** Steps that have an effect to undo; CloseRun has no compensation (a closed run is undone by `rollback`). */
export const COMPENSABLE_STEPS: readonly StepName[] = FORWARD_STEPS.filter(
  (step) => step !== StepName.CloseRun,
);

/** The compensations to run when `failed` fails, last-in-first-out (the failed step first: it may have half-applied). */
export function compensationOrder(failed: StepName): readonly StepName[] {
  const index = FORWARD_STEPS.indexOf(failed);
  return COMPENSABLE_STEPS.filter((step) => FORWARD_STEPS.indexOf(step) <= index).reverse();
}

export const RunStatus = {
  Pending: 'PENDING',
  Running: 'RUNNING',
  Completed: 'COMPLETED',
  RollingBack: 'ROLLING_BACK',
  RolledBack: 'ROLLED_BACK',
  CompensationFailed: 'COMPENSATION_FAILED',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  RunStatus.Completed,
  RunStatus.RolledBack,
  RunStatus.CompensationFailed,
];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export const StepStatus = {
  Pending: 'PENDING',
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

export const CompensationStatus = {
  /** The step's effect was found and reversed. */
  Compensated: 'COMPENSATED',
  /** The step had made no effect; nothing to reverse. */
  NothingToUndo: 'NOTHING_TO_UNDO',
  /** Retries exhausted; needs an operator. */
  Failed: 'FAILED',
} as const;
export type CompensationStatus = (typeof CompensationStatus)[keyof typeof CompensationStatus];
