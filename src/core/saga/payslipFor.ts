/**
 * One employee's payslip in a run, from what OpenRun froze: supplemental payments by the flat-rate
 * method, or regular pay (salary, or the hours given) by the percentage method. CalculatePay, the
 * preview of a run and `verify` all compute through here, so they cannot disagree.
 */
import { computePayslip } from '../payroll/grossToNet.js';
import type { PayslipAmounts } from '../payroll/payslip.js';
import { computeSupplementalPayslip } from '../payroll/supplemental.js';
import type { TaxTables } from '../payroll/taxTables.js';
import type { PayPeriod } from '../period.js';
import type { EmployeeSnapshot } from './records.js';

export function payslipFor(snapshot: EmployeeSnapshot, period: PayPeriod, tables: TaxTables): PayslipAmounts {
  const { employee, ytdBefore, hours, payments } = snapshot;
  if (payments) {
    return computeSupplementalPayslip(
      { employee, payments, ytd: ytdBefore, payDate: period.payDate },
      tables,
    );
  }
  return computePayslip(
    hours ? { employee, period, ytd: ytdBefore, hours } : { employee, period, ytd: ytdBefore },
    tables,
  );
}
