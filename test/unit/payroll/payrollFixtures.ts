/** Builders for pay-engine tests: an employee, a period and year-to-date balances in dollars. */
import type { Cents } from '../../../src/core/money.js';
import type { PayFrequency, PayPeriod } from '../../../src/core/period.js';
import type { Employee, FilingStatus, W4, YtdBalances } from '../../../src/core/roster.js';
import { ytdOf } from '../../../src/core/ytd.js';

/** Dollars (at most two places) to cents, exactly: dollars(1118.84) → 111884. */
export function dollars(amount: number): Cents {
  return Math.round(amount * 100) as Cents;
}

export interface EmployeeSpec {
  readonly frequency: PayFrequency;
  readonly filingStatus: FilingStatus;
  /** Annual salary in dollars (salaried). */
  readonly salary?: number;
  /** Hourly rate in dollars (hourly). */
  readonly hourlyRate?: number;
  readonly w4?: Partial<{
    step2: boolean;
    dependents: number;
    otherIncome: number;
    deductions: number;
    extraWithholding: number;
  }>;
  readonly pretax401kBasisPoints?: number;
  /** Per period, in dollars. */
  readonly section125?: number;
}

export function employee(spec: EmployeeSpec, employeeId = 'E0001'): Employee {
  const w4: W4 = {
    step2: spec.w4?.step2 ?? false,
    dependents: dollars(spec.w4?.dependents ?? 0),
    otherIncome: dollars(spec.w4?.otherIncome ?? 0),
    deductions: dollars(spec.w4?.deductions ?? 0),
    extraWithholding: dollars(spec.w4?.extraWithholding ?? 0),
  };
  return {
    employeeId,
    name: 'Avery Example',
    payType: spec.hourlyRate === undefined ? 'salary' : 'hourly',
    payFrequency: spec.frequency,
    filingStatus: spec.filingStatus,
    bank: { routing: '011000015', account: '123456789', accountType: 'checking' },
    ...(spec.salary === undefined ? {} : { annualSalary: dollars(spec.salary) }),
    ...(spec.hourlyRate === undefined ? {} : { hourlyRate: dollars(spec.hourlyRate) }),
    w4,
    pretax401kBasisPoints: spec.pretax401kBasisPoints ?? 0,
    pretaxSection125: dollars(spec.section125 ?? 0),
    openingYtd: ytd(),
    openingTaxYear: 2026,
  };
}

/** A period of the given frequency in the given tax year; the dates matter only for display. */
export function period(frequency: PayFrequency, taxYear: number): PayPeriod {
  return {
    id: `${taxYear}-test-${frequency}`,
    start: `${taxYear}-03-01`,
    end: `${taxYear}-03-31`,
    frequency,
    payDate: `${taxYear}-03-31`,
    taxYear,
  };
}

export function ytd(amounts: Partial<Record<keyof YtdBalances, number>> = {}): YtdBalances {
  return ytdOf(Object.fromEntries(Object.entries(amounts).map(([field, value]) => [field, dollars(value)])));
}
