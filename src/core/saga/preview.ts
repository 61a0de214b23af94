/**
 * A pay run as it would be computed, writing nothing: `preview` runs it over a roster file,
 * `run --dry-run` and every start over the stored roster. The same members (runScope.ts) and the
 * same payslip rule (payslipFor.ts) as the saga, so what is previewed is what is paid.
 */
import { sumPayslips } from '../payroll/grossToNet.js';
import type { PayslipAmounts, PayslipTotals } from '../payroll/payslip.js';
import { taxTablesFor } from '../payroll/taxTables.js';
import type { PayPeriod } from '../period.js';
import type { Employee, Timesheet } from '../roster.js';
import type { YtdEntry } from '../ytd.js';
import { payslipFor } from './payslipFor.js';
import type { EmployeeSnapshot } from './records.js';
import { RunType } from './records.js';
import { type RosterSource, runMembers } from './runScope.js';

export interface PreviewPayslip {
  readonly employeeId: string;
  readonly name: string;
  readonly amounts: PayslipAmounts;
}

export interface PayRunPreview {
  readonly period: PayPeriod;
  /** The tax tables' version, pinned so the saga recomputes with the same figures. */
  readonly taxTablesVersion: string;
  /** In employee id order. */
  readonly payslips: readonly PreviewPayslip[];
  readonly totals: PayslipTotals;
}

export function previewMembers(members: readonly EmployeeSnapshot[], period: PayPeriod): PayRunPreview {
  const tables = taxTablesFor(period.taxYear);
  const payslips = members.map((member) => ({
    employeeId: member.employee.employeeId,
    name: member.employee.name,
    amounts: payslipFor(member, period, tables),
  }));
  return {
    period,
    taxTablesVersion: tables.version,
    payslips,
    totals: sumPayslips(payslips.map((payslip) => payslip.amounts)),
  };
}

export interface RosterPreviewInput {
  readonly employees: readonly Employee[];
  readonly period: PayPeriod;
  /** Hours per employee id; required when hourly employees are paid in the period. */
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  /** Balances from earlier runs; without them, the roster's opening balances for the year. */
  readonly ytd?: ReadonlyMap<string, YtdEntry>;
  readonly source: RosterSource;
}

/** A regular run of `period` over a roster that is not (yet) in any store. */
export function previewRoster(input: RosterPreviewInput): PayRunPreview {
  const members = runMembers(
    { employerId: '', period: input.period, runType: RunType.Regular },
    input.employees,
    input.ytd ?? new Map(),
    input.timesheets ? { timesheets: input.timesheets } : {},
    input.source,
  );
  return previewMembers(members, input.period);
}
