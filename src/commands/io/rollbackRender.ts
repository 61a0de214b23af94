/**
 * Renderers for `rollback`: the plan as a table or as its JSON view, and the employees whose ACH
 * credits need manual recovery. Pure: they return strings or plain objects. Bank accounts arrive
 * masked from the plan and stay that way.
 */
import type { ChalkInstance } from 'chalk';
import { formatCents, formatCentsGrouped } from '../../core/money.js';
import {
  type AchEntryPlan,
  type CompensationAction,
  manualRecovery,
  type PlannedStep,
  type RollbackPlan,
} from '../../core/saga/rollbackPlan.js';
import { renderTable } from './tables.js';

/** Rows of the employee table in the plan; `--output json` lists them all. */
export const PLAN_EMPLOYEE_ROWS = 20;

export type CompensationActionView =
  | { readonly type: 'retract-payslips'; readonly chunks: number }
  | { readonly type: 'cancel-ach-file'; readonly entries: number; readonly total: string }
  | {
      readonly type: 'reverse-ach-file';
      readonly entries: number;
      readonly total: string;
      readonly deadline: string;
      readonly reversible: boolean;
      readonly journalReversal: string;
    }
  | { readonly type: 'no-payment-made'; readonly achStatus: string | null }
  | { readonly type: 'reverse-payroll-journal'; readonly total: string }
  | { readonly type: 'refund-employer'; readonly amount: string }
  | { readonly type: 'void-payslips'; readonly count: number; readonly restoreYtd: boolean }
  | { readonly type: 'release-period'; readonly periodId: string; readonly periodLock: boolean };

export interface AchEntryView {
  readonly employeeId: string;
  readonly name: string;
  /** Masked: ••••1234. */
  readonly account: string;
  readonly accountType: string;
  readonly amount: string;
  readonly reversible: boolean;
}

/** `rollback --plan --output json`: amounts as "1234.56" strings, like `status`. */
export interface RollbackPlanView {
  readonly runId: string;
  readonly status: string;
  readonly decision: string;
  readonly summary: string;
  readonly fromStep: string | null;
  readonly executionName: string | null;
  readonly stop: readonly string[];
  readonly steps: readonly {
    readonly step: string;
    readonly state: string;
    readonly action: CompensationActionView;
  }[];
  readonly alreadyCompensated: readonly {
    readonly step: string;
    readonly status: string;
    readonly at: string;
    readonly detail: string | null;
  }[];
  readonly amounts: {
    readonly fundingRefund: string;
    readonly payrollJournalReversal: string;
    readonly disbursementJournalReversal: string;
    readonly achReversal: { readonly entries: number; readonly total: string };
    readonly payslipsToVoid: number;
  };
  readonly employees: readonly AchEntryView[];
  /** Employee ids whose credit is past the reversal window. */
  readonly manualRecovery: readonly string[];
}

function actionView(action: CompensationAction): CompensationActionView {
  switch (action.type) {
    case 'cancel-ach-file':
      return { ...action, total: formatCents(action.total) };
    case 'reverse-ach-file':
      return {
        ...action,
        total: formatCents(action.total),
        journalReversal: formatCents(action.journalReversal),
      };
    case 'reverse-payroll-journal':
      return { ...action, total: formatCents(action.total) };
    case 'refund-employer':
      return { ...action, amount: formatCents(action.amount) };
    case 'retract-payslips':
    case 'no-payment-made':
    case 'void-payslips':
    case 'release-period':
      return action;
  }
}

export function achEntryView(entry: AchEntryPlan): AchEntryView {
  return { ...entry, amount: formatCents(entry.amount) };
}

export function rollbackPlanView(plan: RollbackPlan): RollbackPlanView {
  const { amounts } = plan;
  return {
    runId: plan.runId,
    status: plan.status,
    decision: plan.decision,
    summary: plan.summary,
    fromStep: plan.fromStep ?? null,
    executionName: plan.executionName ?? null,
    stop: plan.stop,
    steps: plan.steps.map((s) => ({ step: s.step, state: s.state, action: actionView(s.action) })),
    alreadyCompensated: plan.alreadyCompensated.map((c) => ({
      step: c.step,
      status: c.status,
      at: c.at,
      detail: c.detail ?? null,
    })),
    amounts: {
      fundingRefund: formatCents(amounts.fundingRefund),
      payrollJournalReversal: formatCents(amounts.payrollJournalReversal),
      disbursementJournalReversal: formatCents(amounts.disbursementJournalReversal),
      achReversal: { entries: amounts.achReversal.entries, total: formatCents(amounts.achReversal.total) },
      payslipsToVoid: amounts.payslipsToVoid,
    },
    employees: plan.employees.map(achEntryView),
    manualRecovery: manualRecovery(plan).map((e) => e.employeeId),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the compensation does, in words, and the amount it moves (blank when it moves none). */
function describeAction(action: CompensationAction): [string, string] {
  switch (action.type) {
    case 'retract-payslips':
      return [`retract payslip deliveries (${plural(action.chunks, 'chunk')})`, ''];
    case 'cancel-ach-file':
      return [
        `cancel the ACH file before transmission (${plural(action.entries, 'entry', 'entries')})`,
        formatCentsGrouped(action.total),
      ];
    case 'reverse-ach-file':
      return action.reversible
        ? [
            `REVERSAL ACH file of ${plural(action.entries, 'debit entry', 'debit entries')} (deadline ${action.deadline}); reverse the disbursement journal`,
            formatCentsGrouped(action.total),
          ]
        : [
            `past the reversal deadline ${action.deadline}: ${plural(action.entries, 'credit')} need MANUAL RECOVERY (this compensation fails)`,
            formatCentsGrouped(action.total),
          ];
    case 'no-payment-made':
      return [
        `nothing paid (ACH file ${action.achStatus ?? 'never created'}); recorded as nothing to undo`,
        '',
      ];
    case 'reverse-payroll-journal':
      return ['post the reversing payroll journal', formatCentsGrouped(action.total)];
    case 'refund-employer':
      return ["refund the employer's funding account", formatCentsGrouped(action.amount)];
    case 'void-payslips':
      return [
        `void ${plural(action.count, 'payslip')}${action.restoreYtd ? ' and restore year-to-date balances' : ''}`,
        '',
      ];
    case 'release-period':
      return [
        action.periodLock ? `release period ${action.periodId} for another run` : 'close the off-cycle run',
        '',
      ];
  }
}

function stepRow(index: number, planned: PlannedStep): string[] {
  const [what, amount] = describeAction(planned.action);
  return [String(index + 1), planned.step, planned.state, what, amount];
}

export function renderEmployees(entries: readonly AchEntryPlan[], limit = Number.POSITIVE_INFINITY): string {
  const shown = entries.slice(0, limit);
  const table = renderTable(
    ['Employee', 'Name', 'Account', 'Type', 'Amount', 'Recovery'],
    shown.map((e) => [
      e.employeeId,
      e.name,
      e.account,
      e.accountType,
      formatCentsGrouped(e.amount),
      e.reversible ? 'ACH reversal' : e.returned ? `MANUAL (returned ${e.returned})` : 'MANUAL',
    ]),
    { align: ['left', 'left', 'left', 'left', 'right', 'left'] },
  );
  const rest = entries.length - shown.length;
  return rest > 0 ? `${table}\n… and ${rest} more (--output json lists them all)` : table;
}

/** The plan for a terminal or a pipe: heading, the compensations in order, and the ACH credits. */
export function renderRollbackPlan(plan: RollbackPlan, paint: ChalkInstance): string {
  const lines = [
    `Rollback plan for run ${paint.bold(plan.runId)} (${plan.status}): ${plan.decision}`,
    plan.summary,
  ];
  for (const arn of plan.stop) lines.push(`Stop first: ${arn}`);
  if (plan.steps.length > 0) {
    lines.push(
      `Execution ${plan.executionName}, entering the compensations at ${plan.fromStep}.`,
      '',
      'Compensations, in the order they run',
      renderTable(
        ['#', 'Step', 'State', 'Action', 'Amount'],
        plan.steps.map((s, i) => stepRow(i, s)),
        {
          align: ['right', 'left', 'left', 'left', 'right'],
        },
      ),
    );
  }
  if (plan.alreadyCompensated.length > 0) {
    lines.push(
      '',
      `Already done, skipped: ${plan.alreadyCompensated.map((c) => `${c.step} (${c.status})`).join(', ')}`,
    );
  }
  // Only money that left the bank has a recovery to speak of; a pending file is simply cancelled.
  if (plan.employees.length > 0 && plan.steps.some((s) => s.action.type === 'reverse-ach-file')) {
    const manual = manualRecovery(plan).length;
    lines.push(
      '',
      `ACH credits: ${plural(plan.employees.length, 'employee')}, ${manual === 0 ? 'all reversible' : paint.red(`${manual} need manual recovery`)}`,
      renderEmployees(plan.employees, PLAN_EMPLOYEE_ROWS),
    );
  }
  return lines.join('\n');
}
