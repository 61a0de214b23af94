import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Cents } from '../../../src/core/money.js';
import { computePayslip } from '../../../src/core/payroll/grossToNet.js';
import type { PayslipAmounts } from '../../../src/core/payroll/payslip.js';
import { taxTablesFor } from '../../../src/core/payroll/taxTables.js';
import { PAY_FREQUENCIES, PERIODS_PER_YEAR } from '../../../src/core/period.js';
import type { Employee, Timesheet, YtdBalances } from '../../../src/core/roster.js';
import { addYtd, payslipContribution, ytdOf, ZERO_YTD } from '../../../src/core/ytd.js';
import { period } from './payrollFixtures.js';

const cents = (max: number) => fc.integer({ min: 0, max }).map((value) => value as Cents);

const hoursArb = fc.record({
  regularHundredths: fc.integer({ min: 0, max: 8_000 }),
  overtimeHundredths: fc.integer({ min: 0, max: 4_000 }),
});

const employeeArb: fc.Arbitrary<Employee> = fc
  .record({
    hourly: fc.boolean(),
    annualSalary: cents(300_000_000),
    hourlyRate: cents(100_000),
    payFrequency: fc.constantFrom(...PAY_FREQUENCIES),
    filingStatus: fc.constantFrom('single', 'married_jointly', 'head_of_household' as const),
    w4: fc.record({
      step2: fc.boolean(),
      dependents: cents(1_500_000),
      otherIncome: cents(10_000_000),
      deductions: cents(5_000_000),
      extraWithholding: cents(200_000),
    }),
    pretax401kBasisPoints: fc.integer({ min: 0, max: 10_000 }),
    pretaxSection125: cents(300_000),
  })
  .map(({ hourly, annualSalary, hourlyRate, ...rest }) => ({
    employeeId: 'E0001',
    name: 'Property Person',
    payType: hourly ? ('hourly' as const) : ('salary' as const),
    ...(hourly ? { hourlyRate } : { annualSalary }),
    bank: { routing: '011000015', account: '1', accountType: 'checking' as const },
    openingYtd: ZERO_YTD,
    openingTaxYear: 2026,
    ...rest,
  }));

const ytdArb: fc.Arbitrary<YtdBalances> = fc
  .record({
    gross: cents(50_000_000),
    ssWages: cents(20_000_000),
    medicareWages: cents(50_000_000),
    futaWages: cents(800_000),
  })
  .map((amounts) => ytdOf(amounts));

function amounts(slip: PayslipAmounts): number[] {
  return [
    slip.gross,
    slip.preTax401k,
    slip.preTaxSection125,
    slip.federalIncomeTax,
    slip.socialSecurity,
    slip.medicare,
    slip.additionalMedicare,
    slip.net,
    slip.employer.socialSecurity,
    slip.employer.medicare,
    slip.employer.futa,
    slip.wages.ssWages,
    slip.wages.medicareWages,
    slip.wages.futaWages,
  ];
}

function run(employee: Employee, taxYear: number, ytd: YtdBalances, hours: Omit<Timesheet, 'employeeId'>) {
  return computePayslip(
    {
      employee,
      period: period(employee.payFrequency, taxYear),
      ytd,
      ...(employee.payType === 'hourly' ? { hours: { employeeId: employee.employeeId, ...hours } } : {}),
    },
    taxTablesFor(taxYear),
  );
}

describe('gross-to-net properties', () => {
  test('net is gross minus every deduction and tax, and no amount is negative', () => {
    fc.assert(
      fc.property(
        employeeArb,
        fc.constantFrom(2025, 2026),
        ytdArb,
        hoursArb,
        (employee, taxYear, ytd, hours) => {
          const slip = run(employee, taxYear, ytd, hours);
          expect(slip.net).toBe(
            slip.gross -
              slip.preTax401k -
              slip.preTaxSection125 -
              slip.federalIncomeTax -
              slip.socialSecurity -
              slip.medicare -
              slip.additionalMedicare,
          );
          for (const amount of amounts(slip)) {
            expect(Number.isSafeInteger(amount) && amount >= 0).toBe(true);
          }
          expect(slip.employer.socialSecurity).toBe(slip.socialSecurity);
          expect(slip.employer.medicare).toBe(slip.medicare);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('over a simulated year, Social Security wages stay within the wage base and Additional Medicare starts only above 200,000', () => {
    fc.assert(
      fc.property(
        employeeArb,
        fc.constantFrom(2025, 2026),
        fc.array(hoursArb, { minLength: 52, maxLength: 52 }),
        fc.record({
          ssWages: cents(10_000_000),
          medicareWages: cents(15_000_000),
          futaWages: cents(700_000),
        }),
        (employee, taxYear, hoursPerPeriod, opening) => {
          const tables = taxTablesFor(taxYear);
          const threshold = tables.additionalMedicare.threshold;
          let ytd: YtdBalances = ytdOf({ gross: opening.medicareWages, ...opening });
          let ficaWages = 0;
          let additionalMedicare = 0;
          const periods = PERIODS_PER_YEAR[employee.payFrequency];
          for (let index = 0; index < periods; index++) {
            const slip = run(employee, taxYear, ytd, hoursPerPeriod[index]!);
            const before = ytd;
            ytd = addYtd(ytd, payslipContribution(slip));
            ficaWages += slip.wages.medicareWages;
            additionalMedicare += slip.additionalMedicare;
            expect(ytd.ssWages).toBeLessThanOrEqual(tables.socialSecurity.wageBase);
            expect(ytd.futaWages).toBeLessThanOrEqual(tables.futa.wageBase);
            expect(ytd.gross).toBe(before.gross + slip.gross);
            if (ytd.medicareWages <= threshold) expect(slip.additionalMedicare).toBe(0);
            if (before.medicareWages >= threshold) {
              // Entirely above the threshold: 0.9% of all of this period's Medicare wages.
              expect(slip.additionalMedicare).toBe(
                Math.floor((slip.wages.medicareWages * 90 + 5_000) / 10_000),
              );
            }
          }
          // The base is used up exactly: every FICA wage up to it is taxed, none beyond.
          expect(ytd.ssWages).toBe(Math.min(tables.socialSecurity.wageBase, opening.ssWages + ficaWages));
          expect(ytd.futaWages).toBe(
            Math.max(opening.futaWages, Math.min(tables.futa.wageBase, opening.futaWages + ficaWages)),
          );
          // Per-period rounding aside (at most half a cent each), Additional Medicare totals 0.9% of the excess.
          const excess = Math.max(0, ytd.medicareWages - Math.max(threshold, opening.medicareWages));
          expect(Math.abs(additionalMedicare - (excess * 90) / 10_000)).toBeLessThanOrEqual(periods / 2);
        },
      ),
      { numRuns: 120 },
    );
  });
});
