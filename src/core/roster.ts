/** The roster contract: what one employee record holds once parsed and validated. */
import type { Cents } from './money.js';
import type { PayFrequency } from './period.js';

export const FilingStatus = {
  Single: 'single',
  MarriedJointly: 'married_jointly',
  HeadOfHousehold: 'head_of_household',
} as const;
export type FilingStatus = (typeof FilingStatus)[keyof typeof FilingStatus];

export const PayType = { Salary: 'salary', Hourly: 'hourly' } as const;
export type PayType = (typeof PayType)[keyof typeof PayType];

export const BankAccountType = { Checking: 'checking', Savings: 'savings' } as const;
export type BankAccountType = (typeof BankAccountType)[keyof typeof BankAccountType];

export interface BankAccount {
  /** Nine digits with a valid ABA check digit. */
  readonly routing: string;
  readonly account: string;
  readonly accountType: BankAccountType;
}

/** Form W-4 (2020 or later) settings. Amounts are annual except `extraWithholding` (per period). */
export interface W4 {
  readonly step2: boolean;
  /** Step 3 credits, annual. */
  readonly dependents: Cents;
  /** Step 4(a) other income, annual. */
  readonly otherIncome: Cents;
  /** Step 4(b) deductions, annual. */
  readonly deductions: Cents;
  /** Step 4(c) extra withholding, per period. */
  readonly extraWithholding: Cents;
}

/**
 * Year-to-date balances of one employee in one tax year: what the wage bases (Social Security,
 * Additional Medicare, FUTA, the supplemental $1M rule) are measured against, and what a W-2
 * would show. Each run adds its payslip once (src/core/ytd.ts); nothing ever overwrites them.
 */
export interface YtdBalances {
  readonly gross: Cents;
  readonly federalIncomeTax: Cents;
  readonly ssWages: Cents;
  readonly socialSecurity: Cents;
  readonly medicareWages: Cents;
  readonly medicare: Cents;
  readonly additionalMedicare: Cents;
  readonly futaWages: Cents;
  /** Bonuses, commissions and other supplemental wages paid by off-cycle runs (also in `gross`). */
  readonly supplementalWages: Cents;
}

export interface Employee {
  readonly employeeId: string;
  readonly name: string;
  readonly payType: PayType;
  readonly payFrequency: PayFrequency;
  readonly filingStatus: FilingStatus;
  readonly bank: BankAccount;
  /** Salaried employees only. */
  readonly annualSalary?: Cents;
  /** Hourly employees only: cents per hour. */
  readonly hourlyRate?: Cents;
  readonly w4: W4;
  /** Traditional 401(k) as hundredths of a percent of gross: 5.5% → 550. */
  readonly pretax401kBasisPoints: number;
  /** Section 125 (cafeteria plan) deduction per period. */
  readonly pretaxSection125: Cents;
  /** Opening year-to-date balances imported with the roster (employees who joined mid-year). */
  readonly openingYtd: YtdBalances;
  /** The tax year the opening balances belong to; they count in that year only. */
  readonly openingTaxYear: number;
}

/** Hours for one hourly employee in one period, in hundredths of an hour (37.5 h → 3750). */
export interface Timesheet {
  readonly employeeId: string;
  readonly regularHundredths: number;
  readonly overtimeHundredths: number;
}
