/**
 * Payslip amounts and run totals flattened to named figures, so a comparison can say exactly
 * which figure differs ("net 4123.45 stored, 4100.00 recomputed") instead of "not equal".
 */
import { formatCents } from '../money.js';
import type { PayslipAmounts, PayslipTotals } from '../payroll/payslip.js';

export type AmountFields = ReadonlyMap<string, number>;

function totalsLike(amounts: Omit<PayslipTotals, 'employees'>): [string, number][] {
  return [
    ['gross', amounts.gross],
    ['preTax401k', amounts.preTax401k],
    ['preTaxSection125', amounts.preTaxSection125],
    ['federalIncomeTax', amounts.federalIncomeTax],
    ['socialSecurity', amounts.socialSecurity],
    ['medicare', amounts.medicare],
    ['additionalMedicare', amounts.additionalMedicare],
    ['net', amounts.net],
    ['employer.socialSecurity', amounts.employer.socialSecurity],
    ['employer.medicare', amounts.employer.medicare],
    ['employer.futa', amounts.employer.futa],
  ];
}

export function payslipFields(amounts: PayslipAmounts): AmountFields {
  return new Map([
    ...totalsLike(amounts),
    ['wages.ssWages', amounts.wages.ssWages],
    ['wages.medicareWages', amounts.wages.medicareWages],
    ['wages.futaWages', amounts.wages.futaWages],
  ]);
}

/** Run totals in cents, plus the employee count (not money, so it is compared but printed plainly). */
export function totalsFields(totals: PayslipTotals & { readonly fundingDebit?: number }): AmountFields {
  return new Map([
    ...totalsLike(totals),
    ['fundingDebit', totals.fundingDebit ?? 0],
    ['employees', totals.employees],
  ]);
}

const COUNTS: ReadonlySet<string> = new Set(['employees']);

/** "net 4123.45 stored, 4100.00 recomputed" for every field that differs, in field order. */
export function differingFields(
  actual: AmountFields,
  expected: AmountFields,
  labels: { readonly actual: string; readonly expected: string },
): string[] {
  const differences: string[] = [];
  for (const [field, want] of expected) {
    const have = actual.get(field);
    if (have === want) continue;
    const show = (value: number | undefined) =>
      value === undefined ? 'missing' : COUNTS.has(field) ? String(value) : formatCents(value);
    differences.push(`${field} ${show(have)} ${labels.actual}, ${show(want)} ${labels.expected}`);
  }
  return differences;
}
