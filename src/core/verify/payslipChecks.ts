/**
 * Payslips against the pay engine: each one recomputed from what OpenRun froze (the employee,
 * their year-to-date balances before the run, their hours) with the tax tables pinned on the run.
 */
import { describeError } from '../errors.js';
import { maskAccount } from '../mask.js';
import type { TaxTables } from '../payroll/taxTables.js';
import type { BankAccount } from '../roster.js';
import { payslipFor } from '../saga/payslipFor.js';
import { type EmployeeSnapshot, type PayslipRecord, PayslipStatus } from '../saga/records.js';
import { RunStatus, StepName, StepStatus } from '../saga/steps.js';
import { sameYtd } from '../ytd.js';
import { differingFields, payslipFields } from './amountFields.js';
import {
  CheckName,
  fail,
  pass,
  rollbackBegan,
  undone,
  type VerifyCheck,
  type VerifyData,
  verdict,
} from './verifyCheck.js';

/** The engine's tables for the run's tax year, or why there are none. */
export type TablesLookup =
  | { readonly kind: 'found'; readonly tables: TaxTables }
  | { readonly kind: 'missing'; readonly reason: string };

function nothingIssued(data: VerifyData): boolean {
  return data.payslips.length === 0 && data.snapshots.length === 0;
}

/** The pinned version must be the one the engine would use now; a different one is a FAIL naming both. */
export function checkTaxTables(data: VerifyData, lookup: TablesLookup): VerifyCheck {
  const pinned = data.run.taxTablesVersion;
  const year = data.run.period.taxYear;
  if (pinned === undefined) {
    return nothingIssued(data)
      ? pass(CheckName.TaxTables, 'no tables pinned: the run stopped before OpenRun')
      : fail(CheckName.TaxTables, 'the run has payslips but no pinned tax tables version');
  }
  if (lookup.kind === 'missing') {
    return fail(
      CheckName.TaxTables,
      `run pinned tables ${pinned}; the pay engine has none: ${lookup.reason}`,
    );
  }
  if (lookup.tables.version !== pinned) {
    return fail(
      CheckName.TaxTables,
      `run pinned tax tables ${pinned}, the pay engine has ${lookup.tables.version} for ${year}`,
    );
  }
  return pass(CheckName.TaxTables, `tables ${pinned} for tax year ${year}`);
}

function sameBank(a: BankAccount, b: BankAccount): boolean {
  return a.routing === b.routing && a.account === b.account && a.accountType === b.accountType;
}

function payslipProblems(
  data: VerifyData,
  tables: TaxTables,
  payslip: PayslipRecord,
  chunkIndex: number,
  frozen: EmployeeSnapshot,
): string[] {
  const id = payslip.employeeId;
  const problems: string[] = [];
  if (payslip.chunkIndex !== chunkIndex) {
    problems.push(`${id}: payslip in chunk ${payslip.chunkIndex}, employee frozen in chunk ${chunkIndex}`);
  }
  if (payslip.payDate !== data.run.period.payDate) {
    problems.push(`${id}: pay date ${payslip.payDate}, run pays ${data.run.period.payDate}`);
  }
  if (!sameYtd(payslip.ytdBefore, frozen.ytdBefore)) {
    problems.push(`${id}: year-to-date balances before the run differ from the snapshot`);
  }
  if (!sameBank(payslip.bank, frozen.employee.bank)) {
    problems.push(
      `${id}: bank account ${maskAccount(payslip.bank.account)} on the payslip, ${maskAccount(frozen.employee.bank.account)} in the snapshot`,
    );
  }
  let recomputed: ReturnType<typeof payslipFor>;
  try {
    recomputed = payslipFor(frozen, data.run.period, tables);
  } catch (error) {
    problems.push(`${id}: cannot be recomputed: ${describeError(error)}`);
    return problems;
  }
  const differences = differingFields(payslipFields(payslip.amounts), payslipFields(recomputed), {
    actual: 'stored',
    expected: 'recomputed',
  });
  if (differences.length > 0) problems.push(`${id}: ${differences.join(', ')}`);
  return problems;
}

/** Every frozen employee has exactly one payslip, equal to what the engine computes for them. */
export function checkPayslips(data: VerifyData, lookup: TablesLookup): VerifyCheck {
  if (nothingIssued(data)) return pass(CheckName.Payslips, 'no payslips issued');
  const pinned = data.run.taxTablesVersion;
  if (lookup.kind === 'missing' || lookup.tables.version !== pinned) {
    return fail(
      CheckName.Payslips,
      `not recomputed: the pinned tax tables ${pinned ?? '(none)'} are not available (see tax-tables)`,
    );
  }
  const { tables } = lookup;
  const frozen = new Map<string, { readonly chunkIndex: number; readonly snapshot: EmployeeSnapshot }>();
  for (const chunk of data.snapshots) {
    for (const snapshot of chunk.employees) {
      frozen.set(snapshot.employee.employeeId, { chunkIndex: chunk.chunkIndex, snapshot });
    }
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const payslip of data.payslips) {
    seen.add(payslip.employeeId);
    const entry = frozen.get(payslip.employeeId);
    if (!entry) {
      problems.push(`${payslip.employeeId}: payslip for an employee not in the run's snapshot`);
      continue;
    }
    problems.push(...payslipProblems(data, tables, payslip, entry.chunkIndex, entry.snapshot));
  }
  // Payslips are written per chunk; a chunk still calculating has none yet, which is not a mismatch.
  const complete = data.run.steps.CalculatePay?.status === StepStatus.Succeeded;
  if (complete) {
    for (const id of frozen.keys())
      if (!seen.has(id)) problems.push(`${id}: frozen in the run but no payslip`);
  }
  return verdict(
    CheckName.Payslips,
    problems,
    `${data.payslips.length} payslips recomputed with tables ${tables.version}`,
  );
}

/** VOID once CalculatePay is compensated; ISSUED on a completed run and while a halted rollback keeps them. */
export function checkPayslipStatus(data: VerifyData): VerifyCheck {
  const total = data.payslips.length;
  if (total === 0) return pass(CheckName.PayslipStatus, 'no payslips issued');
  const issued = data.payslips.filter((p) => p.status === PayslipStatus.Issued).length;
  const voided = total - issued;
  if (undone(data, StepName.CalculatePay)) {
    return issued === 0
      ? pass(CheckName.PayslipStatus, `all ${total} payslips VOID`)
      : fail(
          CheckName.PayslipStatus,
          `${issued} of ${total} payslips still ISSUED after CalculatePay was compensated`,
        );
  }
  if (rollbackBegan(data)) {
    return voided === 0
      ? pass(CheckName.PayslipStatus, `all ${total} payslips ISSUED: the rollback did not reach CalculatePay`)
      : fail(
          CheckName.PayslipStatus,
          `${voided} of ${total} payslips VOID but CalculatePay was not compensated`,
        );
  }
  if (data.run.status === RunStatus.Completed) {
    return voided === 0
      ? pass(CheckName.PayslipStatus, `all ${total} payslips ISSUED`)
      : fail(CheckName.PayslipStatus, `${voided} of ${total} payslips VOID on a completed run`);
  }
  return pass(CheckName.PayslipStatus, `${issued} ISSUED, ${voided} VOID (run ${data.run.status})`);
}
