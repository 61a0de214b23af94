/**
 * The pay run as it would be computed, without writing anything: the `preview` command calls it
 * on the whole roster, and the saga's CalculatePay step on one chunk of employees at a time.
 */
import { BadInputError } from '../errors.js';
import type { PayPeriod } from '../period.js';
import { type Employee, PayType, type Timesheet, type YtdBalances } from '../roster.js';
import { openingYtdFor } from '../ytd.js';
import { computePayslip, sumPayslips } from './grossToNet.js';
import type { PayslipAmounts, PayslipTotals } from './payslip.js';
import { taxTablesFor } from './taxTables.js';

export interface PreviewPayRunInput {
  /** The roster (or a chunk of it); only employees paid at the period's frequency are in scope. */
  readonly employees: readonly Employee[];
  readonly period: PayPeriod;
  /** Hours per employee id; required for every hourly employee in scope. */
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  /** Year-to-date balances before this period; the roster's opening balances for the year when not given. */
  readonly ytdFor?: (employeeId: string) => YtdBalances;
}

export interface PreviewPayslip {
  readonly employeeId: string;
  readonly name: string;
  readonly amounts: PayslipAmounts;
}

export interface PayRunPreview {
  readonly period: PayPeriod;
  /** The tax tables' version, pinned so the saga recomputes with the same figures. */
  readonly taxTablesVersion: string;
  /** In roster order. */
  readonly payslips: readonly PreviewPayslip[];
  readonly totals: PayslipTotals;
}

export function previewPayRun(input: PreviewPayRunInput): PayRunPreview {
  const { period, timesheets, ytdFor } = input;
  const tables = taxTablesFor(period.taxYear);
  const payslips: PreviewPayslip[] = [];
  for (const employee of input.employees) {
    if (employee.payFrequency !== period.frequency) continue;
    let hours: Timesheet | undefined;
    if (employee.payType === PayType.Hourly) {
      hours = timesheets?.get(employee.employeeId);
      if (hours === undefined) {
        throw new BadInputError(
          'HOURS_MISSING',
          `Hourly employee ${employee.employeeId} (${employee.name}) has no hours for period ${period.id}; ` +
            `add a timesheet row for ${employee.employeeId} (0 hours if they did not work).`,
          { details: { employeeId: employee.employeeId, period: period.id } },
        );
      }
    }
    const ytd = ytdFor === undefined ? openingYtdFor(employee, period.taxYear) : ytdFor(employee.employeeId);
    const amounts = computePayslip({ employee, period, ytd, hours }, tables);
    payslips.push({ employeeId: employee.employeeId, name: employee.name, amounts });
  }
  return {
    period,
    taxTablesVersion: tables.version,
    payslips,
    totals: sumPayslips(payslips.map((payslip) => payslip.amounts)),
  };
}
