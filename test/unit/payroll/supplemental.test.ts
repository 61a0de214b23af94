import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import type { Cents } from '../../../src/core/money.js';
import type { OffCyclePayment, PaymentKind } from '../../../src/core/offCyclePayments.js';
import {
  computeSupplementalPayslip,
  type SupplementalPayslipAmounts,
} from '../../../src/core/payroll/supplemental.js';
import { taxTablesFor } from '../../../src/core/payroll/taxTables.js';
import type { YtdBalances } from '../../../src/core/roster.js';
import { addYtd, payslipContribution, ytdOf } from '../../../src/core/ytd.js';
import { dollars, employee } from './payrollFixtures.js';

const PERSON = employee({ frequency: 'monthly', filingStatus: 'single', salary: 120_000 }, 'E0001');
const T2026 = taxTablesFor(2026);
const PAY_DATE = '2026-06-15';

function pay(amount: number, kind: PaymentKind = 'bonus'): OffCyclePayment {
  return { employeeId: 'E0001', amount: dollars(amount), kind };
}

type YtdDollars = Partial<Record<keyof YtdBalances, number>>;

function ytd(amounts: YtdDollars = {}): YtdBalances {
  return ytdOf(Object.fromEntries(Object.entries(amounts).map(([field, value]) => [field, dollars(value)])));
}

/** The balances after a payslip, as the year-to-date ledger adds it. */
const rollSupplementalYtd = (before: YtdBalances, payslip: SupplementalPayslipAmounts): YtdBalances =>
  addYtd(before, payslipContribution(payslip));

function slip(payments: readonly OffCyclePayment[], before: YtdBalances = ytd(), payDate = PAY_DATE) {
  return computeSupplementalPayslip(
    { employee: PERSON, payments, ytd: before, payDate },
    taxTablesFor(Number(payDate.slice(0, 4))),
  );
}

/** The figures an operator reads, in dollars. */
function figures(p: SupplementalPayslipAmounts) {
  const d = (c: number) => c / 100;
  return {
    gross: d(p.gross),
    federalIncomeTax: d(p.federalIncomeTax),
    socialSecurity: d(p.socialSecurity),
    medicare: d(p.medicare),
    additionalMedicare: d(p.additionalMedicare),
    net: d(p.net),
    employerFuta: d(p.employer.futa),
  };
}

describe('computeSupplementalPayslip: the flat-rate method (Pub. 15, section 7)', () => {
  test('worked example: a $1,200,000.00 bonus with no prior supplemental wages withholds $294,000.00', () => {
    const p = slip([pay(1_200_000)]);
    // Income tax: 1,000,000 × 22% = 220,000 + 200,000 × 37% = 74,000 → 294,000.
    // Social Security: the whole 2026 wage base, 184,500 × 6.2% = 11,439.
    // Medicare: 1,200,000 × 1.45% = 17,400; Additional: (1,200,000 − 200,000) × 0.9% = 9,000.
    // FUTA: 7,000 × 0.6% = 42. Net: 1,200,000 − 294,000 − 11,439 − 17,400 − 9,000 = 868,161.
    expect(figures(p)).toEqual({
      gross: 1_200_000,
      federalIncomeTax: 294_000,
      socialSecurity: 11_439,
      medicare: 17_400,
      additionalMedicare: 9_000,
      net: 868_161,
      employerFuta: 42,
    });
    expect(p.preTax401k).toBe(0);
    expect(p.preTaxSection125).toBe(0);
    expect(p.employer).toEqual({
      socialSecurity: dollars(11_439),
      medicare: dollars(17_400),
      futa: dollars(42),
    });
    expect(p.wages).toEqual({
      ssWages: dollars(184_500),
      medicareWages: dollars(1_200_000),
      futaWages: dollars(7_000),
      supplementalWages: dollars(1_200_000),
      flatRateWages: dollars(1_000_000),
      highestRateWages: dollars(200_000),
    });
  });

  test('the $1M threshold crossed by a second payment: only the part above it is withheld at 37%', () => {
    // First bonus 900,000: 22% = 198,000; SS 184,500 × 6.2% = 11,439; Medicare 13,050;
    // Additional (900,000 − 200,000) × 0.9% = 6,300; FUTA 42;
    // net 900,000 − 198,000 − 11,439 − 13,050 − 6,300 = 671,211.
    const first = slip([pay(900_000)]);
    expect(figures(first)).toEqual({
      gross: 900_000,
      federalIncomeTax: 198_000,
      socialSecurity: 11_439,
      medicare: 13_050,
      additionalMedicare: 6_300,
      net: 671_211,
      employerFuta: 42,
    });
    const after = rollSupplementalYtd(ytd(), first);
    expect(after).toEqual(
      ytd({
        gross: 900_000,
        federalIncomeTax: 198_000,
        ssWages: 184_500,
        socialSecurity: 11_439,
        medicareWages: 900_000,
        medicare: 13_050,
        additionalMedicare: 6_300,
        futaWages: 7_000,
        supplementalWages: 900_000,
      }),
    );
    // Second bonus 300,000: 100,000 × 22% = 22,000 + 200,000 × 37% = 74,000 → 96,000;
    // SS 0 (base used); Medicare 4,350; Additional 300,000 × 0.9% = 2,700; FUTA 0.
    // net 300,000 − 96,000 − 4,350 − 2,700 = 196,950.
    const second = slip([pay(300_000)], after);
    expect(figures(second)).toEqual({
      gross: 300_000,
      federalIncomeTax: 96_000,
      socialSecurity: 0,
      medicare: 4_350,
      additionalMedicare: 2_700,
      net: 196_950,
      employerFuta: 0,
    });
    expect(second.wages.flatRateWages).toBe(dollars(100_000));
    expect(second.wages.highestRateWages).toBe(dollars(200_000));
    // Together exactly the single 1.2M payment of the worked example.
    expect(first.federalIncomeTax + second.federalIncomeTax).toBe(dollars(294_000));
    expect(first.additionalMedicare + second.additionalMedicare).toBe(dollars(9_000));
  });

  test('at and past the threshold: 999,000 before pays 22% on 1,000; 1,000,000 before pays 37%', () => {
    expect(slip([pay(1_000)], ytd({ supplementalWages: 999_000 })).federalIncomeTax).toBe(dollars(220));
    expect(slip([pay(1_000)], ytd({ supplementalWages: 1_000_000 })).federalIncomeTax).toBe(dollars(370));
    expect(slip([pay(1_000)], ytd({ supplementalWages: 1_500_000 })).federalIncomeTax).toBe(dollars(370));
  });

  test('Social Security wage base partly used: only what is left of 184,500 is taxed', () => {
    const p = slip(
      [pay(10_000)],
      ytd({ gross: 180_000, ssWages: 180_000, medicareWages: 180_000, futaWages: 7_000 }),
    );
    // SS on 184,500 − 180,000 = 4,500 → 279; Medicare 145; no Additional (190,000 < 200,000);
    // FUTA 0; income tax 2,200; net 10,000 − 2,200 − 279 − 145 = 7,376.
    expect(figures(p)).toEqual({
      gross: 10_000,
      federalIncomeTax: 2_200,
      socialSecurity: 279,
      medicare: 145,
      additionalMedicare: 0,
      net: 7_376,
      employerFuta: 0,
    });
    expect(p.wages.ssWages).toBe(dollars(4_500));
  });

  test('Additional Medicare threshold crossed inside one payment: 0.9% on the part above 200,000', () => {
    const p = slip(
      [pay(10_000)],
      ytd({ gross: 195_000, ssWages: 184_500, medicareWages: 195_000, futaWages: 7_000 }),
    );
    // Above 200,000 after: 195,000 + 10,000 − 200,000 = 5,000 → 45; Medicare 145; SS 0;
    // net 10,000 − 2,200 − 145 − 45 = 7,610.
    expect(figures(p)).toEqual({
      gross: 10_000,
      federalIncomeTax: 2_200,
      socialSecurity: 0,
      medicare: 145,
      additionalMedicare: 45,
      net: 7_610,
      employerFuta: 0,
    });
    // The employer pays no Additional Medicare.
    expect(p.employer.medicare).toBe(dollars(145));
  });

  test('FUTA partly used: 0.6% of what is left of the first 7,000', () => {
    const p = slip(
      [pay(5_000, 'commission')],
      ytd({ gross: 6_000, ssWages: 6_000, medicareWages: 6_000, futaWages: 6_000 }),
    );
    // FUTA on 1,000 → 6; SS 310; Medicare 72.50; tax 1,100; net 5,000 − 1,100 − 310 − 72.50 = 3,517.50.
    expect(figures(p)).toEqual({
      gross: 5_000,
      federalIncomeTax: 1_100,
      socialSecurity: 310,
      medicare: 72.5,
      additionalMedicare: 0,
      net: 3_517.5,
      employerFuta: 6,
    });
    expect(p.wages.futaWages).toBe(dollars(1_000));
  });

  test('the 2025 tables use the 2025 wage base (176,100) for a 2025 pay date', () => {
    const p = slip([pay(200_000)], ytd(), '2025-12-15');
    // 176,100 × 6.2% = 10,918.20.
    expect(p.socialSecurity).toBe(dollars(10_918.2));
    expect(p.federalIncomeTax).toBe(dollars(44_000));
  });

  test('zero: no payments, or a payment of 0, gives a payslip of zeros', () => {
    for (const payments of [[], [pay(0)]]) {
      const p = slip(payments, ytd({ supplementalWages: 2_000_000, medicareWages: 300_000 }));
      expect(figures(p)).toEqual({
        gross: 0,
        federalIncomeTax: 0,
        socialSecurity: 0,
        medicare: 0,
        additionalMedicare: 0,
        net: 0,
        employerFuta: 0,
      });
      expect(Object.values(p.wages).every((v) => v === 0)).toBe(true);
    }
  });

  test('the W-4 is not used: Step 4(c) extra withholding and Step 2 change nothing', () => {
    const withW4 = employee(
      {
        frequency: 'weekly',
        filingStatus: 'married_jointly',
        salary: 50_000,
        w4: { step2: true, extraWithholding: 500 },
      },
      'E0001',
    );
    const p = computeSupplementalPayslip(
      { employee: withW4, payments: [pay(10_000)], ytd: ytd(), payDate: PAY_DATE },
      T2026,
    );
    expect(p.federalIncomeTax).toBe(dollars(2_200));
  });
});

describe('computeSupplementalPayslip: rounding (half up, to the cent, once per amount)', () => {
  test('$0.25: 5.5¢ tax rounds up to 6¢, 1.55¢ Social Security to 2¢, 0.3625¢ Medicare to 0¢', () => {
    const p = slip([{ employeeId: 'E0001', amount: 25 as Cents, kind: 'bonus' }]);
    expect([p.federalIncomeTax, p.socialSecurity, p.medicare, p.employer.futa, p.net]).toEqual([
      6, 2, 0, 0, 17,
    ]);
  });

  test('several payments to one employee are one payslip, rounded once: 25¢ + 25¢ is 50¢', () => {
    const p = slip([
      { employeeId: 'E0001', amount: 25 as Cents, kind: 'bonus' },
      { employeeId: 'E0001', amount: 25 as Cents, kind: 'commission' },
    ]);
    // 50¢: tax 11¢ (not 6¢ + 6¢), SS 3.1¢ → 3¢, Medicare 0.725¢ → 1¢, FUTA 0.3¢ → 0.
    expect(p.gross).toBe(50);
    expect([p.federalIncomeTax, p.socialSecurity, p.medicare, p.employer.futa, p.net]).toEqual([
      11, 3, 1, 0, 35,
    ]);
  });

  test('a 2¢ payment split at the threshold: 0.22¢ + 0.37¢ = 0.59¢ rounds once to 1¢', () => {
    const p = slip(
      [{ employeeId: 'E0001', amount: 2 as Cents, kind: 'retro' }],
      ytd({ supplementalWages: 999_999.99 }),
    );
    expect(p.wages.flatRateWages).toBe(1);
    expect(p.wages.highestRateWages).toBe(1);
    // Rounding each part would give 0¢ + 0¢.
    expect(p.federalIncomeTax).toBe(1);
  });

  test('amounts past 2^53 in the products stay exact (BigInt) and round half up', () => {
    // $90,001,000,000.50 = 9,000,100,000,050¢: 100,000,000¢ × 22% = 22,000,000¢;
    // 9,000,000,000,050¢ × 37% = 3,330,000,000,018.5¢ → total 3,330,022,000,018.5¢ → …019¢.
    const p = slip([{ employeeId: 'E0001', amount: 9_000_100_000_050 as Cents, kind: 'bonus' }]);
    expect(p.federalIncomeTax).toBe(3_330_022_000_019);
    // Medicare: 9,000,100,000,050 × 1.45% = 130,501,450,000.725¢ → 130,501,450,001¢.
    expect(p.medicare).toBe(130_501_450_001);
    // Additional: (9,000,100,000,050 − 20,000,000) × 0.9% = 81,000,720,000.45¢ → 81,000,720,000¢.
    expect(p.additionalMedicare).toBe(81_000_720_000);
    expect(p.net).toBe(p.gross - p.federalIncomeTax - p.socialSecurity - p.medicare - p.additionalMedicare);
  });
});

describe('computeSupplementalPayslip: refused input', () => {
  test('a pay date outside the tables year', () => {
    expect(() =>
      computeSupplementalPayslip(
        { employee: PERSON, payments: [pay(1)], ytd: ytd(), payDate: '2025-12-31' },
        T2026,
      ),
    ).toThrow(/Pay date 2025-12-31 is in tax year 2025 but the tax tables given are for 2026/);
  });

  test('a pay date that is not a date', () => {
    expect(() =>
      computeSupplementalPayslip(
        { employee: PERSON, payments: [pay(1)], ytd: ytd(), payDate: '2026-02-30' },
        T2026,
      ),
    ).toThrow('Pay date 2026-02-30 is not a date in the form YYYY-MM-DD.');
  });

  test("another employee's payment", () => {
    const other: OffCyclePayment = { employeeId: 'E0002', amount: dollars(10), kind: 'bonus' };
    expect(() => slip([other])).toThrow(BadInputError);
    expect(() => slip([other])).toThrow('A bonus payment for E0002 was given for employee E0001.');
  });

  test('a negative or fractional amount', () => {
    expect(() => slip([{ employeeId: 'E0001', amount: -1 as Cents, kind: 'bonus' }])).toThrow(
      /not a whole number/,
    );
    expect(() => slip([{ employeeId: 'E0001', amount: 1.5 as Cents, kind: 'bonus' }])).toThrow(
      /not a whole number/,
    );
  });
});

describe('computeSupplementalPayslip: properties', () => {
  const amount = fc.integer({ min: 0, max: 20_000_000_000 });
  const ytdArb = fc
    .record({
      ssWages: fc.integer({ min: 0, max: 20_000_000 }),
      medicareWages: fc.integer({ min: 0, max: 50_000_000 }),
      futaWages: fc.integer({ min: 0, max: 800_000 }),
      supplementalWages: fc.integer({ min: 0, max: 200_000_000 }),
    })
    .map((r) => ({ ...r, gross: r.medicareWages }) as YtdBalances);

  test('net + every employee tax = gross, and income tax lies between 22% and 37%', () => {
    fc.assert(
      fc.property(amount, ytdArb, (cents, before) => {
        const p = slip([{ employeeId: 'E0001', amount: cents as Cents, kind: 'bonus' }], before);
        expect(p.net + p.federalIncomeTax + p.socialSecurity + p.medicare + p.additionalMedicare).toBe(
          p.gross,
        );
        expect(p.net).toBeGreaterThanOrEqual(0);
        expect(p.federalIncomeTax).toBeGreaterThanOrEqual(Math.floor(cents * 0.22));
        expect(p.federalIncomeTax).toBeLessThanOrEqual(Math.ceil(cents * 0.37));
        expect(p.wages.flatRateWages + p.wages.highestRateWages).toBe(p.gross);
      }),
    );
  });

  test('paying an amount in two runs instead of one moves each tax by at most a cent', () => {
    fc.assert(
      fc.property(amount, amount, ytdArb, (a, b, before) => {
        const whole = slip([{ employeeId: 'E0001', amount: (a + b) as Cents, kind: 'bonus' }], before);
        const first = slip([{ employeeId: 'E0001', amount: a as Cents, kind: 'bonus' }], before);
        const second = slip(
          [{ employeeId: 'E0001', amount: b as Cents, kind: 'bonus' }],
          rollSupplementalYtd(before, first),
        );
        for (const key of ['federalIncomeTax', 'socialSecurity', 'medicare', 'additionalMedicare'] as const) {
          expect(Math.abs(first[key] + second[key] - whole[key])).toBeLessThanOrEqual(1);
        }
        // The wages each tax used are split exactly.
        for (const key of ['ssWages', 'futaWages', 'flatRateWages', 'highestRateWages'] as const) {
          expect(first.wages[key] + second.wages[key]).toBe(whole.wages[key]);
        }
      }),
    );
  });
});
