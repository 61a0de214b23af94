/**
 * The operator's rollback plan: what `payroll-ops rollback RUN` will undo before it undoes
 * anything. Pure: the command reads the run, its payslips, its ACH files and its executions,
 * this decides. The plan names the compensations the rollback state machine will run (the same
 * ones as the saga's Catch path, entered at `fromStep`), their amounts, and per employee whether
 * the ACH credit can still be reversed or needs manual recovery.
 */
import { isReversible, reversalDeadline } from '../bankingDays.js';
import { journalInputFromTotals, journalTotals, payrollJournal } from '../ledger.js';
import { maskAccount } from '../mask.js';
import { type Cents, sumCents, ZERO } from '../money.js';
import type { IsoDate } from '../period.js';
import { ExecutionStatus, type ExecutionSummary } from '../ports.js';
import type { BankAccountType } from '../roster.js';
import { compensationOf } from './compensations.js';
import {
  type AchFileRecord,
  AchStatus,
  type CompensationRecord,
  type PayslipRecord,
  PayslipStatus,
  type RunRecord,
  RunType,
} from './records.js';
import {
  COMPENSABLE_STEPS,
  CompensationStatus,
  isSettled,
  RunStatus,
  StepName,
  StepStatus,
} from './steps.js';

export const RollbackDecision = {
  /** ROLLED_BACK already: a second rollback changes nothing. */
  NothingToDo: 'nothing-to-do',
  /** Compensations failed or were interrupted earlier: only what is left is redone. */
  Resume: 'resume',
  /** The run's execution is still going: it is stopped before the rollback starts. */
  StopThenRollback: 'stop-then-rollback',
  /** A completed run, or one whose execution ended without compensating. */
  Rollback: 'rollback',
  /**
   * The money cannot come back through ACH (past the reversal window, or entries the receiving
   * banks returned): nothing is started, nothing changes, and the summary says what to do instead.
   */
  Refuse: 'refuse',
} as const;
export type RollbackDecision = (typeof RollbackDecision)[keyof typeof RollbackDecision];

/** Why a step is in the plan. */
export const PlannedStepState = {
  /** The step succeeded: its effect exists. */
  Completed: 'completed',
  /** The step started (or failed) and may have made its effect; the compensation checks. */
  Started: 'started',
  /** An earlier compensation of the step failed; it is tried again. */
  CompensationFailed: 'compensation-failed',
  /** A halted rollback did not attempt it; it is tried now. */
  NotRun: 'not-run',
} as const;
export type PlannedStepState = (typeof PlannedStepState)[keyof typeof PlannedStepState];

/** What the compensation of a step will do, with its amounts (integer cents). */
export type CompensationAction =
  | { readonly type: 'retract-payslips'; readonly chunks: number }
  | { readonly type: 'cancel-ach-file'; readonly entries: number; readonly total: Cents }
  | {
      readonly type: 'reverse-ach-file';
      readonly entries: number;
      readonly total: Cents;
      /** The last banking day a reversal may reach the receiving banks. */
      readonly deadline: IsoDate;
      readonly reversible: boolean;
      /** The disbursement journal reversed once the reversal file is transmitted. */
      readonly journalReversal: Cents;
    }
  | { readonly type: 'no-payment-made'; readonly achStatus: AchStatus | null }
  | { readonly type: 'reverse-payroll-journal'; readonly total: Cents }
  | { readonly type: 'refund-employer'; readonly amount: Cents }
  | { readonly type: 'void-payslips'; readonly count: number; readonly restoreYtd: boolean }
  | { readonly type: 'release-period'; readonly periodId: string; readonly periodLock: boolean };

export interface PlannedStep {
  readonly step: StepName;
  readonly state: PlannedStepState;
  readonly action: CompensationAction;
}

/** One employee's ACH credit and whether ACH can still take it back. The account is masked. */
export interface AchEntryPlan {
  readonly employeeId: string;
  readonly name: string;
  readonly account: string;
  readonly accountType: BankAccountType;
  readonly amount: Cents;
  readonly reversible: boolean;
  /** The return reason code when the receiving bank sent this entry's reversal back. */
  readonly returned?: string;
}

export interface RollbackAmounts {
  readonly fundingRefund: Cents;
  /** Debits (= credits) of the reversing payroll journal. */
  readonly payrollJournalReversal: Cents;
  readonly disbursementJournalReversal: Cents;
  readonly achReversal: { readonly entries: number; readonly total: Cents };
  readonly payslipsToVoid: number;
}

export interface RollbackPlan {
  readonly runId: string;
  /** The run's status when the plan was made. */
  readonly status: RunStatus;
  readonly decision: RollbackDecision;
  /** One sentence on why this decision. */
  readonly summary: string;
  /** Where the rollback state machine enters the compensation chain; absent when nothing is to do. */
  readonly fromStep?: StepName;
  /** `<runId>-rollback-<n>`, n = 1 + earlier rollback executions of the run. */
  readonly executionName?: string;
  /** Running executions to stop before the rollback starts. */
  readonly stop: readonly string[];
  /** The compensations to run, in the order they run (last step first). */
  readonly steps: readonly PlannedStep[];
  /** Steps already compensated (or with nothing to undo): the rollback skips them. */
  readonly alreadyCompensated: readonly CompensationRecord[];
  readonly amounts: RollbackAmounts;
  /** The ACH credits of the run, per employee; empty when no payment left the bank. */
  readonly employees: readonly AchEntryPlan[];
}

export interface RollbackPlanInput {
  readonly run: RunRecord;
  readonly payslips: readonly PayslipRecord[];
  readonly achFiles: { readonly credit?: AchFileRecord; readonly reversal?: AchFileRecord };
  /** The operator's date (UTC), for the five-banking-day reversal window. */
  readonly today: IsoDate;
  /** The pay run's execution as Step Functions reports it; absent when it never started. */
  readonly payRunExecution?: ExecutionSummary;
  /** Earlier rollback executions of this run, oldest first. */
  readonly previousRollbacks?: readonly ExecutionSummary[];
}

export function rollbackExecutionName(runId: string, attempt: number): string {
  return `${runId}-rollback-${attempt}`;
}

/** Employees whose ACH credit can no longer be reversed through ACH: someone has to recover it. */
export function manualRecovery(plan: Pick<RollbackPlan, 'employees'>): readonly AchEntryPlan[] {
  return plan.employees.filter((employee) => !employee.reversible);
}

export function planRollback(input: RollbackPlanInput): RollbackPlan {
  const { run } = input;
  const previous = input.previousRollbacks ?? [];
  const attempt = previous.length + 1;
  const alreadyCompensated = latestCompensations(run).filter((c) => isSettled(c.status));
  const employees = achEntries(input);
  const base = { runId: run.runId, status: run.status, alreadyCompensated, employees };

  if (run.status === RunStatus.RolledBack || run.status === RunStatus.FailedToStart) {
    return {
      ...base,
      decision: RollbackDecision.NothingToDo,
      summary:
        run.status === RunStatus.RolledBack
          ? `Run ${run.runId} is already ROLLED_BACK; a rollback changes nothing.`
          : `Run ${run.runId} failed to start: it paid nothing and holds nothing; a rollback changes nothing.`,
      stop: [],
      steps: [],
      amounts: amountsOf([]),
    };
  }

  const steps = plannedSteps(input);
  const running = [input.payRunExecution, ...previous]
    .filter((execution): execution is ExecutionSummary => execution?.status === ExecutionStatus.Running)
    .map((execution) => execution.executionArn);
  const refusal = refusalOf(input, steps);
  const decision = refusal ? RollbackDecision.Refuse : decide(run, running.length > 0);
  return {
    ...base,
    decision,
    summary: refusal ?? summaryOf(run, decision, steps.length),
    fromStep: steps[0]?.step ?? StepName.OpenRun,
    executionName: rollbackExecutionName(run.runId, attempt),
    stop: running,
    steps,
    amounts: amountsOf(steps),
  };
}

/**
 * Why the money of this run cannot be taken back through ACH, as one paragraph for the operator,
 * or undefined when it can. Undoing anything older (refund, reversing journal, voided payslips)
 * while the employees keep the money would misstate the books, so nothing is done at all.
 */
function refusalOf(input: RollbackPlanInput, steps: readonly PlannedStep[]): string | undefined {
  const disburse = steps.find((step) => step.step === StepName.Disburse)?.action;
  if (disburse?.type !== 'reverse-ach-file') return undefined;
  const { runId } = input.run;
  const returns = input.achFiles.reversal?.returns ?? [];
  if (input.achFiles.reversal?.status === AchStatus.Transmitted && returns.length > 0) {
    return (
      `Run ${runId} cannot be rolled back: its ACH reversal was sent and the receiving banks returned ` +
      `${returns.length} entr${returns.length === 1 ? 'y' : 'ies'} (${returns.map((r) => `${r.employeeId} ${r.code}`).join(', ')}), ` +
      'so that money cannot be recovered through ACH. Nothing was changed. Recover those amounts from the ' +
      'employees outside the system, or pay a correcting off-cycle run (payroll-ops run --off-cycle --reason …).'
    );
  }
  if (disburse.reversible) return undefined;
  const paid = input.payslips.filter((p) => p.amounts.net > 0).length;
  return (
    `Run ${runId} cannot be rolled back: its ACH credits to ${paid} employees settled ` +
    `${input.achFiles.credit?.effectiveDate}, and the five-banking-day reversal window closed on ${disburse.deadline}. ` +
    'The employees keep the money, so the employer is not refunded and the payslips and year-to-date balances stand. ' +
    'Nothing was changed. Correct the pay with an off-cycle run (payroll-ops run --off-cycle --reason …), or recover ' +
    'the funds from the employees outside the system.'
  );
}

function decide(run: RunRecord, executionRunning: boolean): RollbackDecision {
  switch (run.status) {
    case RunStatus.RolledBack:
    case RunStatus.FailedToStart:
      return RollbackDecision.NothingToDo;
    case RunStatus.CompensationFailed:
      return RollbackDecision.Resume;
    case RunStatus.Completed:
      return RollbackDecision.Rollback;
    case RunStatus.Pending:
    case RunStatus.Running:
    case RunStatus.RollingBack:
      if (executionRunning) return RollbackDecision.StopThenRollback;
      // An execution that ended without finishing its rollback left some compensations done.
      return run.compensations.length > 0 ? RollbackDecision.Resume : RollbackDecision.Rollback;
  }
}

function summaryOf(run: RunRecord, decision: RollbackDecision, steps: number): string {
  const what = `${steps} compensation${steps === 1 ? '' : 's'}`;
  switch (decision) {
    case RollbackDecision.NothingToDo:
      return `Run ${run.runId} is already ROLLED_BACK; a rollback changes nothing.`;
    case RollbackDecision.Resume:
      return `Run ${run.runId} is ${run.status}: ${what} left to redo; the ones already done are skipped.`;
    case RollbackDecision.StopThenRollback:
      return `Run ${run.runId} is ${run.status} and its execution is still going: it is stopped, then ${what} run.`;
    case RollbackDecision.Rollback:
      return `Run ${run.runId} is ${run.status}: ${what} reverse every step it completed.`;
    case RollbackDecision.Refuse:
      return `Run ${run.runId} cannot be rolled back.`;
  }
}

/** Each step's compensation as it stands (compensationOf): a failure followed by a success counts as done. */
function latestCompensations(run: RunRecord): CompensationRecord[] {
  return COMPENSABLE_STEPS.flatMap((step) => compensationOf(run, step) ?? []);
}

/** Compensable steps whose effect exists or may exist, and that no compensation has undone yet. */
function plannedSteps(input: RollbackPlanInput): PlannedStep[] {
  const { run } = input;
  const latest = new Map(latestCompensations(run).map((record) => [record.step, record]));
  const planned: PlannedStep[] = [];
  for (const step of [...COMPENSABLE_STEPS].reverse()) {
    const record = latest.get(step);
    if (record && isSettled(record.status)) continue;
    const state: PlannedStepState | undefined = !record
      ? stepState(input, step)
      : record.status === CompensationStatus.NotRun
        ? PlannedStepState.NotRun
        : PlannedStepState.CompensationFailed;
    if (state) planned.push({ step, state, action: actionFor(input, step) });
  }
  return planned;
}

function stepState(input: RollbackPlanInput, step: StepName): PlannedStepState | undefined {
  const record = input.run.steps[step];
  if (record?.status === StepStatus.Succeeded) return PlannedStepState.Completed;
  if (record !== undefined) return PlannedStepState.Started;
  // Effects that can exist without a step record of their own.
  switch (step) {
    case StepName.OpenRun:
      // A regular run takes its period lock before the execution starts.
      return PlannedStepState.Started;
    case StepName.CalculatePay:
      return input.payslips.length > 0 ? PlannedStepState.Started : undefined;
    case StepName.Disburse:
      return input.achFiles.credit ? PlannedStepState.Started : undefined;
    default:
      return undefined;
  }
}

function actionFor(input: RollbackPlanInput, step: StepName): CompensationAction {
  const { run } = input;
  switch (step) {
    case StepName.PublishPayslips:
      return { type: 'retract-payslips', chunks: run.chunkCount ?? 0 };
    case StepName.Disburse:
      return disburseAction(input);
    case StepName.PostLedger:
      return {
        type: 'reverse-payroll-journal',
        total: run.totals
          ? journalTotals(payrollJournal(run.runId, journalInputFromTotals(run.totals))).debits
          : ZERO,
      };
    case StepName.FundPayroll:
      return { type: 'refund-employer', amount: run.totals?.fundingDebit ?? ZERO };
    case StepName.CalculatePay:
      return {
        type: 'void-payslips',
        count: input.payslips.filter((p) => p.status === PayslipStatus.Issued).length,
        restoreYtd: run.steps.CloseRun !== undefined,
      };
    default:
      return { type: 'release-period', periodId: run.period.id, periodLock: run.runType === RunType.Regular };
  }
}

function disburseAction(input: RollbackPlanInput): CompensationAction {
  const { credit, reversal } = input.achFiles;
  if (!credit || credit.status === AchStatus.Rejected || credit.status === AchStatus.Cancelled) {
    return { type: 'no-payment-made', achStatus: credit?.status ?? null };
  }
  if (credit.status === AchStatus.Pending) {
    return { type: 'cancel-ach-file', entries: credit.entryCount, total: credit.totalAmount };
  }
  const entries = achEntries(input);
  return {
    type: 'reverse-ach-file',
    entries: reversal?.entryCount ?? entries.length,
    total: reversal?.totalAmount ?? sumCents(entries.map((entry) => entry.amount)),
    deadline: reversalDeadline(credit.effectiveDate),
    reversible: isReversible(credit.effectiveDate, input.today),
    journalReversal: input.run.totals?.net ?? credit.totalAmount,
  };
}

/**
 * The credits as the bank gateway wrote them: one entry per payslip with positive net pay,
 * whatever the payslip's status now (an earlier compensation may have voided it already).
 */
function achEntries(input: RollbackPlanInput): AchEntryPlan[] {
  const { credit } = input.achFiles;
  if (!credit || credit.status === AchStatus.Rejected || credit.status === AchStatus.Cancelled) return [];
  // The same test as the Disburse compensation: the credit file's settlement date against today,
  // unless the reversal went out already — then only what the receiving banks returned is lost.
  const reversal = input.achFiles.reversal;
  const sent = reversal?.status === AchStatus.Transmitted;
  const reversible = sent || isReversible(credit.effectiveDate, input.today);
  const returned = new Map((sent ? (reversal.returns ?? []) : []).map((r) => [r.employeeId, r.code]));
  return input.payslips
    .filter((payslip) => payslip.amounts.net > 0)
    .map((payslip) => {
      const code = returned.get(payslip.employeeId);
      return {
        employeeId: payslip.employeeId,
        name: payslip.name,
        account: maskAccount(payslip.bank.account),
        accountType: payslip.bank.accountType,
        amount: payslip.amounts.net,
        reversible: reversible && code === undefined,
        ...(code === undefined ? {} : { returned: code }),
      };
    });
}

function amountsOf(steps: readonly PlannedStep[]): RollbackAmounts {
  let fundingRefund = ZERO;
  let payrollJournalReversal = ZERO;
  let disbursementJournalReversal = ZERO;
  let achReversal = { entries: 0, total: ZERO };
  let payslipsToVoid = 0;
  for (const { action } of steps) {
    switch (action.type) {
      case 'refund-employer':
        fundingRefund = action.amount;
        break;
      case 'reverse-payroll-journal':
        payrollJournalReversal = action.total;
        break;
      case 'reverse-ach-file':
        disbursementJournalReversal = action.journalReversal;
        achReversal = { entries: action.entries, total: action.total };
        break;
      case 'void-payslips':
        payslipsToVoid = action.count;
        break;
      case 'retract-payslips':
      case 'cancel-ach-file':
      case 'no-payment-made':
      case 'release-period':
        break;
    }
  }
  return { fundingRefund, payrollJournalReversal, disbursementJournalReversal, achReversal, payslipsToVoid };
}
