/**
 * Totals stay exact at the largest roster supported: with the amount caps, a million payslips at
 * the caps sum to exactly what BigInt says, in every field, and the funding debit stays below
 * 2^53 cents. (Before the caps, 130 employees at 9,999,999,999,999.99 a year summed past 2^53.)
 */
import { describe, expect, test } from 'vitest';
import { AmountLimits, Limits } from '../../../src/core/limits.js';
import { computePayslip, sumPayslips } from '../../../src/core/payroll/grossToNet.js';
import type { PayslipAmounts } from '../../../src/core/payroll/payslip.js';
import { taxTablesFor } from '../../../src/core/payroll/taxTables.js';
import { fundingDebitOf } from '../../../src/core/saga/totals.js';
import { employee, period } from './payrollFixtures.js';

function* repeat(payslip: PayslipAmounts, times: number): Generator<PayslipAmounts> {
  for (let i = 0; i < times; i++) yield payslip;
}

describe('totals of the largest supported roster', () => {
  test('a million payslips at the salary cap sum exactly (checked against BigInt)', () => {
    const capped = employee({
      frequency: 'monthly',
      filingStatus: 'single',
      salary: AmountLimits.annualSalary / 100,
    });
    const payslip = computePayslip(
      { employee: capped, period: period('monthly', 2026), ytd: capped.openingYtd },
      taxTablesFor(2026),
    );
    const n = Limits.maxEmployees;
    const totals = sumPayslips(repeat(payslip, n));
    const exact = (value: number) => Number(BigInt(value) * BigInt(n));
    expect(totals.gross).toBe(exact(payslip.gross));
    expect(totals.net).toBe(exact(payslip.net));
    expect(totals.federalIncomeTax).toBe(exact(payslip.federalIncomeTax));
    expect(totals.medicare).toBe(exact(payslip.medicare));
    expect(totals.employer.medicare).toBe(exact(payslip.employer.medicare));
    const debit = fundingDebitOf(totals);
    expect(BigInt(debit)).toBe(BigInt(fundingDebitOf(sumPayslips([payslip]))) * BigInt(n));
    expect(debit).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });

  test('an hourly employee at the rate and hours caps stays below the per-payslip bound', () => {
    const capped = employee({
      frequency: 'monthly',
      filingStatus: 'single',
      hourlyRate: AmountLimits.hourlyRate / 100,
    });
    const payslip = computePayslip(
      {
        employee: capped,
        period: period('monthly', 2026),
        ytd: capped.openingYtd,
        hours: {
          employeeId: capped.employeeId,
          regularHundredths: 0,
          overtimeHundredths: AmountLimits.periodHundredths,
        },
      },
      taxTablesFor(2026),
    );
    // 744 overtime hours at $5,000.00 × 1.5 = $5,580,000.00
    expect(payslip.gross).toBe(558_000_000);
    expect(payslip.gross * Limits.maxEmployees * 1.2).toBeLessThan(Number.MAX_SAFE_INTEGER);
  });
});
