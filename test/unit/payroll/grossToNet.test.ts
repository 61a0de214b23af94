/**
 * Gross-to-net cases worked out by hand from PAYROLL.md's tables. The derived annual
 * percentage-method rows used below (Worksheet 1A; "row T @ r% base B" means tentative
 * = B + r × (wage − T)):
 *
 * 2026 single,  standard: 7,500 @10% 0; 19,900 @12% 1,240; 57,900 @22% 5,800; 113,200 @24% 17,966;
 *                         209,275 @32% 41,024
 * 2026 single,  Step 2:   8,050 @10% 0; 14,250 @12% 620; 33,250 @22% 2,900; 60,900 @24% 8,983
 * 2026 MFJ,     standard: 19,300 @10% 0; 44,100 @12% 2,480; 120,100 @22% 11,600
 * 2026 HoH,     standard: 15,550 @10% 0; 33,250 @12% 1,770; 83,000 @22% 7,740
 * 2025 single,  standard: 6,400 @10% 0; 18,325 @12% 1,192.50; 54,875 @22% 5,578.50
 * 2025 single,  Step 2:   7,500 @10% 0; 13,462.50 @12% 596.25; 31,737.50 @22% 2,789.25
 * 2025 MFJ,     standard: 17,100 @10% 0; 40,950 @12% 2,385; 114,050 @22% 11,157; 223,800 @24% 35,302
 * 2025 MFJ,     Step 2:   15,000 @10% 0; 26,925 @12% 1,192.50; 63,475 @22% 5,578.50
 * 2025 HoH,     standard: 13,900 @10% 0; 30,900 @12% 1,700; 78,750 @22% 7,442
 */
import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { computePayslip, sumPayslips } from '../../../src/core/payroll/grossToNet.js';
import type { PayslipAmounts } from '../../../src/core/payroll/payslip.js';
import { taxTablesFor } from '../../../src/core/payroll/taxTables.js';
import type { Timesheet, YtdBalances } from '../../../src/core/roster.js';
import { addYtd, payslipContribution } from '../../../src/core/ytd.js';
import { dollars, type EmployeeSpec, employee, period, ytd } from './payrollFixtures.js';

interface ExpectedDollars {
  gross: number;
  preTax401k: number;
  preTaxSection125: number;
  federalIncomeTax: number;
  socialSecurity: number;
  medicare: number;
  additionalMedicare: number;
  net: number;
  employer: { socialSecurity: number; medicare: number; futa: number };
  wages: { ssWages: number; medicareWages: number; futaWages: number };
}

function payslip(
  taxYear: number,
  spec: EmployeeSpec,
  balances: YtdBalances = ytd(),
  hours?: Omit<Timesheet, 'employeeId'>,
): PayslipAmounts {
  const worker = employee(spec);
  return computePayslip(
    {
      employee: worker,
      period: period(spec.frequency, taxYear),
      ytd: balances,
      ...(hours === undefined ? {} : { hours: { employeeId: worker.employeeId, ...hours } }),
    },
    taxTablesFor(taxYear),
  );
}

function inCents(expected: ExpectedDollars): PayslipAmounts {
  return {
    gross: dollars(expected.gross),
    preTax401k: dollars(expected.preTax401k),
    preTaxSection125: dollars(expected.preTaxSection125),
    federalIncomeTax: dollars(expected.federalIncomeTax),
    socialSecurity: dollars(expected.socialSecurity),
    medicare: dollars(expected.medicare),
    additionalMedicare: dollars(expected.additionalMedicare),
    net: dollars(expected.net),
    employer: {
      socialSecurity: dollars(expected.employer.socialSecurity),
      medicare: dollars(expected.employer.medicare),
      futa: dollars(expected.employer.futa),
    },
    wages: {
      ssWages: dollars(expected.wages.ssWages),
      medicareWages: dollars(expected.wages.medicareWages),
      futaWages: dollars(expected.wages.futaWages),
    },
  };
}

describe('computePayslip, cases worked by hand', () => {
  test('PAYROLL.md worked example: 2026 single monthly 6,000.00 withholds 584.17', () => {
    // 72,000 − 8,600 = 63,400; row 57,900: 5,800 + 22% × 5,500 = 7,010; ÷ 12 = 584.1667 → 584.17.
    // SS 6.2% × 6,000 = 372.00; Medicare 1.45% × 6,000 = 87.00; FUTA 0.6% × 6,000 = 36.00.
    // net = 6,000 − 584.17 − 372 − 87 = 4,956.83.
    const result = payslip(2026, { frequency: 'monthly', filingStatus: 'single', salary: 72_000 });
    expect(result).toEqual(
      inCents({
        gross: 6000,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 584.17,
        socialSecurity: 372,
        medicare: 87,
        additionalMedicare: 0,
        net: 4956.83,
        employer: { socialSecurity: 372, medicare: 87, futa: 36 },
        wages: { ssWages: 6000, medicareWages: 6000, futaWages: 6000 },
      }),
    );
  });

  test('2026 married jointly, biweekly salary 104,000', () => {
    // gross 104,000 ÷ 26 = 4,000.00. 4,000 × 26 − 12,900 = 91,100; row 44,100:
    // 2,480 + 12% × 47,000 = 8,120; ÷ 26 = 312.3077 → 312.31.
    // SS 248.00, Medicare 58.00, FUTA 24.00; net = 4,000 − 312.31 − 248 − 58 = 3,381.69.
    const result = payslip(2026, { frequency: 'biweekly', filingStatus: 'married_jointly', salary: 104_000 });
    expect(result).toEqual(
      inCents({
        gross: 4000,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 312.31,
        socialSecurity: 248,
        medicare: 58,
        additionalMedicare: 0,
        net: 3381.69,
        employer: { socialSecurity: 248, medicare: 58, futa: 24 },
        wages: { ssWages: 4000, medicareWages: 4000, futaWages: 4000 },
      }),
    );
  });

  test('2026 head of household, semimonthly, Step 3 credits, FUTA base nearly used up', () => {
    // gross 60,000 ÷ 24 = 2,500.00. 2,500 × 24 − 8,600 = 51,400; row 33,250:
    // 1,770 + 12% × 18,150 = 3,948; (3,948 − Step 3 2,000) ÷ 24 = 81.1667 → 81.17.
    // SS 155.00, Medicare 36.25; FUTA: 7,000 − 6,000 YTD leaves 1,000 → 6.00.
    // net = 2,500 − 81.17 − 155 − 36.25 = 2,227.58.
    const result = payslip(
      2026,
      {
        frequency: 'semimonthly',
        filingStatus: 'head_of_household',
        salary: 60_000,
        w4: { dependents: 2_000 },
      },
      ytd({ gross: 6_000, ssWages: 6_000, medicareWages: 6_000, futaWages: 6_000 }),
    );
    expect(result).toEqual(
      inCents({
        gross: 2500,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 81.17,
        socialSecurity: 155,
        medicare: 36.25,
        additionalMedicare: 0,
        net: 2227.58,
        employer: { socialSecurity: 155, medicare: 36.25, futa: 6 },
        wages: { ssWages: 2500, medicareWages: 2500, futaWages: 1000 },
      }),
    );
  });

  test('Step 3 credits larger than the tentative withholding floor it at zero', () => {
    // 2026 single weekly, gross 26,000 ÷ 52 = 500.00. 26,000 − 8,600 = 17,400; row 7,500:
    // 10% × 9,900 = 990; (990 − 4,000) ÷ 52 < 0 → 0. SS 31.00, Medicare 7.25, net 461.75.
    const result = payslip(2026, {
      frequency: 'weekly',
      filingStatus: 'single',
      salary: 26_000,
      w4: { dependents: 4_000 },
    });
    expect(result.federalIncomeTax).toBe(0);
    expect(result.socialSecurity).toBe(dollars(31));
    expect(result.medicare).toBe(dollars(7.25));
    expect(result.net).toBe(dollars(461.75));
  });

  test('wages below the first row of the table withhold nothing (2025 head of household, hourly)', () => {
    // 2025 HoH weekly, 20 h × 15.00 = 300.00; 300 × 52 − 8,600 = 7,000 < 13,900 → 0.
    const result = payslip(
      2025,
      { frequency: 'weekly', filingStatus: 'head_of_household', hourlyRate: 15 },
      ytd(),
      { regularHundredths: 2000, overtimeHundredths: 0 },
    );
    expect(result.gross).toBe(dollars(300));
    expect(result.federalIncomeTax).toBe(0);
    expect(result.net).toBe(dollars(300 - 18.6 - 4.35));
  });

  test('Step 2 checkbox, 2026 single monthly 6,000.00 uses the Step-2 table and no line 1g', () => {
    // 72,000 (no 8,600 subtracted); Step-2 row 60,900: 8,983 + 24% × 11,100 = 11,647;
    // ÷ 12 = 970.5833 → 970.58.
    const result = payslip(2026, {
      frequency: 'monthly',
      filingStatus: 'single',
      salary: 72_000,
      w4: { step2: true },
    });
    expect(result.federalIncomeTax).toBe(dollars(970.58));
    expect(result.net).toBe(dollars(6000 - 970.58 - 372 - 87));
  });

  test('Step 2 checkbox, 2025 married jointly biweekly 3,000.00', () => {
    // 3,000 × 26 = 78,000; Step-2 row 63,475: 5,578.50 + 22% × 14,525 = 8,774; ÷ 26 = 337.4615 → 337.46.
    const result = payslip(2025, {
      frequency: 'biweekly',
      filingStatus: 'married_jointly',
      salary: 78_000,
      w4: { step2: true },
    });
    expect(result.gross).toBe(dollars(3000));
    expect(result.federalIncomeTax).toBe(dollars(337.46));
  });

  test('Step 2 checkbox, 2025 single semimonthly: a half-dollar threshold stays exact', () => {
    // 1,000 × 24 = 24,000; Step-2 row 13,462.50 (7,500 + 11,925 / 2):
    // 596.25 + 12% × 10,537.50 = 1,860.75; ÷ 24 = 77.53125 → 77.53.
    const result = payslip(2025, {
      frequency: 'semimonthly',
      filingStatus: 'single',
      salary: 24_000,
      w4: { step2: true },
    });
    expect(result.federalIncomeTax).toBe(dollars(77.53));
  });

  test('Steps 4(a), 4(b) and 4(c), 2025 single monthly 4,000.00; a half cent rounds up', () => {
    // 48,000 + 4(a) 12,000 − 4(b) 6,000 − 8,600 = 45,400; row 18,325:
    // 1,192.50 + 12% × 27,075 = 4,441.50; ÷ 12 = 370.125; + 4(c) 50.00 = 420.125 → 420.13.
    const result = payslip(2025, {
      frequency: 'monthly',
      filingStatus: 'single',
      salary: 48_000,
      w4: { otherIncome: 12_000, deductions: 6_000, extraWithholding: 50 },
    });
    expect(result.federalIncomeTax).toBe(dollars(420.13));
    expect(result.net).toBe(dollars(4000 - 420.13 - 248 - 58));
  });

  test('401(k) reduces income-tax wages only; Section 125 reduces income-tax and FICA wages (2025 HoH)', () => {
    // gross 65,000 ÷ 26 = 2,500.00; 401(k) 5% = 125.00; Section 125 100.00.
    // FICA wages 2,400; income-tax wages 2,275 × 26 = 59,150 − 8,600 = 50,550; row 30,900:
    // 1,700 + 12% × 19,650 = 4,058; ÷ 26 = 156.0769 → 156.08.
    // SS 6.2% × 2,400 = 148.80; Medicare 1.45% × 2,400 = 34.80; FUTA 0.6% × 2,400 = 14.40.
    // net = 2,500 − 125 − 100 − 156.08 − 148.80 − 34.80 = 1,935.32.
    const result = payslip(2025, {
      frequency: 'biweekly',
      filingStatus: 'head_of_household',
      salary: 65_000,
      pretax401kBasisPoints: 500,
      section125: 100,
    });
    expect(result).toEqual(
      inCents({
        gross: 2500,
        preTax401k: 125,
        preTaxSection125: 100,
        federalIncomeTax: 156.08,
        socialSecurity: 148.8,
        medicare: 34.8,
        additionalMedicare: 0,
        net: 1935.32,
        employer: { socialSecurity: 148.8, medicare: 34.8, futa: 14.4 },
        wages: { ssWages: 2400, medicareWages: 2400, futaWages: 2400 },
      }),
    );
  });

  test('hourly with overtime at 1.5×, 2026 married jointly weekly; gross rounds once', () => {
    // 40.00 h × 23.37 = 934.80; 5.25 h × 1.5 × 23.37 = 184.03875; gross 1,118.83875 → 1,118.84.
    // 1,118.84 × 52 = 58,179.68 − 12,900 = 45,279.68; row 44,100: 2,480 + 12% × 1,179.68 = 2,621.5616;
    // ÷ 52 = 50.4146 → 50.41. SS 6.2% × 1,118.84 = 69.368 → 69.37; Medicare 16.2232 → 16.22;
    // FUTA 6.713 → 6.71. net = 1,118.84 − 50.41 − 69.37 − 16.22 = 982.84.
    const result = payslip(
      2026,
      { frequency: 'weekly', filingStatus: 'married_jointly', hourlyRate: 23.37 },
      ytd(),
      { regularHundredths: 4000, overtimeHundredths: 525 },
    );
    expect(result).toEqual(
      inCents({
        gross: 1118.84,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 50.41,
        socialSecurity: 69.37,
        medicare: 16.22,
        additionalMedicare: 0,
        net: 982.84,
        employer: { socialSecurity: 69.37, medicare: 16.22, futa: 6.71 },
        wages: { ssWages: 1118.84, medicareWages: 1118.84, futaWages: 1118.84 },
      }),
    );
  });

  test('Social Security wage base crossed mid-period: only the remaining 4,500 is taxed (2026 single)', () => {
    // gross 240,000 ÷ 12 = 20,000; YTD SS wages 180,000 → 184,500 − 180,000 = 4,500 → SS 279.00.
    // Medicare 1.45% × 20,000 = 290.00; YTD Medicare 180,000 + 20,000 reaches 200,000 but not above → 0.
    // 240,000 − 8,600 = 231,400; row 209,275: 41,024 + 32% × 22,125 = 48,104; ÷ 12 = 4,008.6667 → 4,008.67.
    // FUTA base used up. net = 20,000 − 4,008.67 − 279 − 290 = 15,422.33.
    const result = payslip(
      2026,
      { frequency: 'monthly', filingStatus: 'single', salary: 240_000 },
      ytd({ gross: 180_000, ssWages: 180_000, medicareWages: 180_000, futaWages: 7_000 }),
    );
    expect(result).toEqual(
      inCents({
        gross: 20000,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 4008.67,
        socialSecurity: 279,
        medicare: 290,
        additionalMedicare: 0,
        net: 15422.33,
        employer: { socialSecurity: 279, medicare: 290, futa: 0 },
        wages: { ssWages: 4500, medicareWages: 20000, futaWages: 0 },
      }),
    );
  });

  test('Additional Medicare crossing 200,000 mid-period charges only the excess (2025 married jointly)', () => {
    // gross 300,000 ÷ 24 = 12,500; YTD Medicare wages 195,000 → 207,500 after: 7,500 above → 0.9% = 67.50
    // (any filing status). Medicare 1.45% × 12,500 = 181.25; SS base 176,100 already reached → 0.
    // 300,000 − 12,900 = 287,100; row 223,800: 35,302 + 24% × 63,300 = 50,494; ÷ 24 = 2,103.9167 → 2,103.92.
    // net = 12,500 − 2,103.92 − 181.25 − 67.50 = 10,147.33.
    const result = payslip(
      2025,
      { frequency: 'semimonthly', filingStatus: 'married_jointly', salary: 300_000 },
      ytd({ gross: 195_000, ssWages: 176_100, medicareWages: 195_000, futaWages: 7_000 }),
    );
    expect(result).toEqual(
      inCents({
        gross: 12500,
        preTax401k: 0,
        preTaxSection125: 0,
        federalIncomeTax: 2103.92,
        socialSecurity: 0,
        medicare: 181.25,
        additionalMedicare: 67.5,
        net: 10147.33,
        employer: { socialSecurity: 0, medicare: 181.25, futa: 0 },
        wages: { ssWages: 0, medicareWages: 12500, futaWages: 0 },
      }),
    );
  });

  test('above 200,000 year to date every Medicare wage carries Additional Medicare', () => {
    // 2026 single monthly 20,000 with 200,000 YTD: 0.9% × 20,000 = 180.00; employer pays none of it.
    const result = payslip(
      2026,
      { frequency: 'monthly', filingStatus: 'single', salary: 240_000 },
      ytd({ gross: 200_000, ssWages: 184_500, medicareWages: 200_000, futaWages: 7_000 }),
    );
    expect(result.additionalMedicare).toBe(dollars(180));
    expect(result.employer.medicare).toBe(dollars(290));
    expect(result.socialSecurity).toBe(0);
  });

  test('withholding that would make net pay negative is reduced so net is zero', () => {
    // 2026 single weekly 500.00 with 4(c) 600.00: 19.04 + 600 = 619.04 > 500 − 31 − 7.25 = 461.75,
    // so federal income tax is cut to 461.75 and net pay is 0.00.
    const result = payslip(2026, {
      frequency: 'weekly',
      filingStatus: 'single',
      salary: 26_000,
      w4: { extraWithholding: 600 },
    });
    expect(result.federalIncomeTax).toBe(dollars(461.75));
    expect(result.net).toBe(0);
  });

  test('a Section 125 deduction larger than gross is capped at gross and nothing goes negative', () => {
    // 2026 single weekly 500.00, Section 125 600.00 → 500.00; FICA and income-tax wages 0; 401(k) 0.
    const result = payslip(2026, {
      frequency: 'weekly',
      filingStatus: 'single',
      salary: 26_000,
      section125: 600,
      pretax401kBasisPoints: 1000,
    });
    expect(result).toEqual(
      inCents({
        gross: 500,
        preTax401k: 0,
        preTaxSection125: 500,
        federalIncomeTax: 0,
        socialSecurity: 0,
        medicare: 0,
        additionalMedicare: 0,
        net: 0,
        employer: { socialSecurity: 0, medicare: 0, futa: 0 },
        wages: { ssWages: 0, medicareWages: 0, futaWages: 0 },
      }),
    );
  });
  test('when Section 125 and 401(k) exceed pay, Section 125 and FICA come first and the 401(k) is capped', () => {
    // 2026 single weekly 500.00, Section 125 450.00, 401(k) 50% (250.00 requested).
    // FICA wages 50.00: SS 3.10, Medicare 0.725 → 0.73 (half up); left for the 401(k): 46.17.
    // Income-tax wages 3.83 × 52 = 199.16, below line 1g → no withholding; net 0.00.
    const result = payslip(2026, {
      frequency: 'weekly',
      filingStatus: 'single',
      salary: 26_000,
      section125: 450,
      pretax401kBasisPoints: 5000,
    });
    expect(result.preTaxSection125).toBe(dollars(450));
    expect(result.socialSecurity).toBe(dollars(3.1));
    expect(result.medicare).toBe(dollars(0.73));
    expect(result.preTax401k).toBe(dollars(46.17));
    expect(result.federalIncomeTax).toBe(0);
    expect(result.net).toBe(0);
  });

  test('a salary beyond 1 billion a year is still withheld exactly (BigInt path)', () => {
    // 2026 single monthly 1,200,000,000 → gross 100,000,000.00; 1,200,000,000 − 8,600 = 1,199,991,400;
    // top row 648,100 @37% base 192,979.25: 192,979.25 + 37% × 1,199,343,300 = 443,950,000.25;
    // ÷ 12 = 36,995,833.354 → 36,995,833.35.
    const result = payslip(2026, { frequency: 'monthly', filingStatus: 'single', salary: 1_200_000_000 });
    expect(result.gross).toBe(dollars(100_000_000));
    expect(result.federalIncomeTax).toBe(dollars(36_995_833.35));
  });
});

describe('computePayslip, bad input', () => {
  test('an hourly employee without hours is an error naming the employee', () => {
    const worker = employee({ frequency: 'weekly', filingStatus: 'single', hourlyRate: 20 }, 'E0042');
    const run = () =>
      computePayslip({ employee: worker, period: period('weekly', 2026), ytd: ytd() }, taxTablesFor(2026));
    expect(run).toThrow(BadInputError);
    expect(run).toThrow(/E0042/);
  });

  test('tables of another year than the period are refused', () => {
    const worker = employee({ frequency: 'monthly', filingStatus: 'single', salary: 50_000 });
    expect(() =>
      computePayslip({ employee: worker, period: period('monthly', 2026), ytd: ytd() }, taxTablesFor(2025)),
    ).toThrow(/tax year 2026/);
  });
});

describe('year-to-date contributions and sumPayslips', () => {
  test('a payslip adds its gross, its taxes and the wages each tax used, capped by the wage bases', () => {
    const before = ytd({ gross: 180_000, ssWages: 180_000, medicareWages: 180_000, futaWages: 7_000 });
    const slip = payslip(2026, { frequency: 'monthly', filingStatus: 'single', salary: 240_000 }, before);
    const after = addYtd(before, payslipContribution(slip));
    expect(after).toEqual(
      ytd({
        gross: 200_000,
        ssWages: 184_500,
        medicareWages: 200_000,
        futaWages: 7_000,
        // 2026 wage base 184,500: only 4,500 of the 20,000 is Social Security wages, 6.2% = 279.00.
        socialSecurity: 279,
        // 1.45% of 20,000.
        medicare: 290,
        federalIncomeTax: slip.federalIncomeTax / 100,
      }),
    );
    expect(after.supplementalWages).toBe(0);
  });

  test('sumPayslips totals every amount and counts employees', () => {
    const a = payslip(2026, { frequency: 'monthly', filingStatus: 'single', salary: 72_000 });
    const b = payslip(2026, {
      frequency: 'monthly',
      filingStatus: 'married_jointly',
      salary: 48_000,
      pretax401kBasisPoints: 600,
      section125: 150,
    });
    const totals = sumPayslips([a, b]);
    expect(totals.employees).toBe(2);
    expect(totals.gross).toBe(dollars(10_000));
    expect(totals.net).toBe(a.net + b.net);
    expect(totals.preTax401k).toBe(dollars(240));
    expect(totals.preTaxSection125).toBe(dollars(150));
    expect(totals.federalIncomeTax).toBe(a.federalIncomeTax + b.federalIncomeTax);
    expect(totals.employer).toEqual({
      socialSecurity: a.employer.socialSecurity + b.employer.socialSecurity,
      medicare: a.employer.medicare + b.employer.medicare,
      futa: a.employer.futa + b.employer.futa,
    });
    expect(sumPayslips([])).toMatchObject({ employees: 0, gross: 0, net: 0 });
  });
});
