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
  /** The start was refused or failed after the run record was written: nothing ran, nothing is held. */
  FailedToStart: 'FAILED_TO_START',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  RunStatus.Completed,
  RunStatus.RolledBack,
  RunStatus.CompensationFailed,
  RunStatus.FailedToStart,
];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/**
 * A run is open while it may still change money or year-to-date balances: no other run of its
 * employer may start then (runs of one employer are serialised).
 */
export const OPEN_RUN_STATUSES: readonly RunStatus[] = [
  RunStatus.Pending,
  RunStatus.Running,
  RunStatus.RollingBack,
];

export function isOpen(status: RunStatus): boolean {
  return OPEN_RUN_STATUSES.includes(status);
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
  /**
   * Not attempted: a later step's compensation failed, and undoing an older step while the money
   * it depends on is still out (an ACH credit not reversed) would misstate the books. A resumed
   * rollback tries it again.
   */
  NotRun: 'NOT_RUN',
} as const;
export type CompensationStatus = (typeof CompensationStatus)[keyof typeof CompensationStatus];

/** Done for good: the effect was undone, or there was none. FAILED and NOT_RUN are tried again. */
export function isSettled(status: CompensationStatus): boolean {
  return status === CompensationStatus.Compensated || status === CompensationStatus.NothingToUndo;
}
