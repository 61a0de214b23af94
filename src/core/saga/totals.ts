/** Run totals from chunk results: the figures FundPayroll debits, PostLedger journals and status shows. */
import { type Cents, sumCents } from '../money.js';
import type { PayslipTotals } from '../payroll/payslip.js';
import type { ChunkResult, RunTotals } from './records.js';

const ZERO_TOTALS: PayslipTotals = {
  gross: 0 as Cents,
  preTax401k: 0 as Cents,
  preTaxSection125: 0 as Cents,
  federalIncomeTax: 0 as Cents,
  socialSecurity: 0 as Cents,
  medicare: 0 as Cents,
  additionalMedicare: 0 as Cents,
  net: 0 as Cents,
  employer: { socialSecurity: 0 as Cents, medicare: 0 as Cents, futa: 0 as Cents },
  employees: 0,
};

export function addTotals(a: PayslipTotals, b: PayslipTotals): PayslipTotals {
  return {
    gross: (a.gross + b.gross) as Cents,
    preTax401k: (a.preTax401k + b.preTax401k) as Cents,
    preTaxSection125: (a.preTaxSection125 + b.preTaxSection125) as Cents,
    federalIncomeTax: (a.federalIncomeTax + b.federalIncomeTax) as Cents,
    socialSecurity: (a.socialSecurity + b.socialSecurity) as Cents,
    medicare: (a.medicare + b.medicare) as Cents,
    additionalMedicare: (a.additionalMedicare + b.additionalMedicare) as Cents,
    net: (a.net + b.net) as Cents,
    employer: {
      socialSecurity: (a.employer.socialSecurity + b.employer.socialSecurity) as Cents,
      medicare: (a.employer.medicare + b.employer.medicare) as Cents,
      futa: (a.employer.futa + b.employer.futa) as Cents,
    },
    employees: a.employees + b.employees,
  };
}

export function employerTaxes(totals: PayslipTotals): Cents {
  return sumCents([totals.employer.socialSecurity, totals.employer.medicare, totals.employer.futa]);
}

/**
 * What the employer's funding account is debited: net pay for the ACH credits plus every tax the
 * employer remits (withheld and its own). 401(k) and benefit deductions are remitted to their
 * plans separately and are not part of the payroll funding debit.
 */
export function fundingDebitOf(totals: PayslipTotals): Cents {
  return sumCents([
    totals.net,
    totals.federalIncomeTax,
    totals.socialSecurity,
    totals.medicare,
    totals.additionalMedicare,
    employerTaxes(totals),
  ]);
}

export function runTotalsOf(results: Iterable<ChunkResult>): RunTotals {
  let totals = ZERO_TOTALS;
  for (const result of results) totals = addTotals(totals, result.totals);
  return { ...totals, fundingDebit: fundingDebitOf(totals) };
}
