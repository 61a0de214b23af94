import { describe, expect, test } from 'vitest';
import { BadInputError, InfrastructureError } from '../../../src/core/errors.js';
import t2026 from '../../../src/core/payroll/tables/2026.json' with { type: 'json' };
import { AVAILABLE_TAX_YEARS, buildTaxTables, taxTablesFor } from '../../../src/core/payroll/taxTables.js';
import { dollars } from './payrollFixtures.js';

/** Rows as [threshold, base, rate %] in dollars, the way Publication 15-T prints them. */
function printed(
  taxYear: number,
  status: 'single' | 'married_jointly' | 'head_of_household',
  step2: boolean,
) {
  const tables = taxTablesFor(taxYear).withholding[status];
  return (step2 ? tables.step2 : tables.standard).map((row) => [
    row.threshold / 100,
    row.baseScaled / 1_000_000,
    row.rateBasisPoints / 100,
  ]);
}

describe('taxTablesFor', () => {
  test('a year without tables is bad input naming the years available', () => {
    expect(AVAILABLE_TAX_YEARS).toEqual([2025, 2026]);
    expect(() => taxTablesFor(2024)).toThrow(BadInputError);
    expect(() => taxTablesFor(2024)).toThrow(
      "No tax tables for 2024 (a pay date's year is its tax year); available: 2025, 2026. Choose a pay date in one of those years, or use a payroll-ops release with the 2024 tables.",
    );
  });

  test('each year carries its version and FICA/FUTA figures', () => {
    const y2025 = taxTablesFor(2025);
    const y2026 = taxTablesFor(2026);
    expect([y2025.version, y2026.version]).toEqual(['2025.1', '2026.1']);
    expect(y2025.socialSecurity).toEqual({ rateBasisPoints: 620, wageBase: dollars(176_100) });
    expect(y2026.socialSecurity).toEqual({ rateBasisPoints: 620, wageBase: dollars(184_500) });
    expect(y2026.medicare.rateBasisPoints).toBe(145);
    expect(y2026.additionalMedicare).toEqual({ rateBasisPoints: 90, threshold: dollars(200_000) });
    expect(y2026.futa).toEqual({ rateBasisPoints: 60, wageBase: dollars(7_000) });
    expect(taxTablesFor(2026)).toBe(y2026);
  });

  test('2025 single standard table matches Publication 15-T (2025)', () => {
    // 15,000 − 8,600 = 6,400; then + 11,925, + 48,475, ... with bases accumulating rate × width.
    expect(printed(2025, 'single', false)).toEqual([
      [0, 0, 0],
      [6_400, 0, 10],
      [18_325, 1_192.5, 12],
      [54_875, 5_578.5, 22],
      [109_750, 17_651, 24],
      [203_700, 40_199, 32],
      [256_925, 57_231, 35],
      [632_750, 188_769.75, 37],
    ]);
  });

  test('2026 married jointly standard table starts at 32,200 − 12,900', () => {
    expect(printed(2026, 'married_jointly', false).slice(0, 4)).toEqual([
      [0, 0, 0],
      [19_300, 0, 10],
      [44_100, 2_480, 12],
      [120_100, 11_600, 22],
    ]);
  });

  test('Step-2 table halves thresholds and widths from half the standard deduction', () => {
    // 2026 head of household: 24,150 / 2 = 12,075; + 17,700 / 2 = 20,925 (base 885);
    // + 67,450 / 2 = 45,800 (base 885 + 12% × 24,875 = 3,870).
    expect(printed(2026, 'head_of_household', true).slice(0, 4)).toEqual([
      [0, 0, 0],
      [12_075, 0, 10],
      [20_925, 885, 12],
      [45_800, 3_870, 22],
    ]);
  });

  test('a malformed data file is rejected when loaded', () => {
    const broken = structuredClone(t2026) as {
      incomeTax: { single: { brackets: { upToCents: unknown }[] } };
    };
    broken.incomeTax.single.brackets[1]!.upToCents = 1.5;
    expect(() => buildTaxTables(broken, 2026)).toThrow(InfrastructureError);
    expect(() => buildTaxTables(t2026, 2025)).toThrow(/taxYear is 2026/);
  });

  test('supplemental rates: 22% flat, 37% above $1,000,000, both years', () => {
    for (const year of [2025, 2026]) {
      expect(taxTablesFor(year).supplemental).toEqual({
        flatRateBasisPoints: 2_200,
        highestRateBasisPoints: 3_700,
        highestRateThreshold: dollars(1_000_000),
      });
    }
  });

  test('a highest supplemental rate that is not the top bracket rate is rejected', () => {
    const broken = structuredClone(t2026) as { supplemental: { highestRateBasisPoints: number } };
    broken.supplemental.highestRateBasisPoints = 3_960;
    expect(() => buildTaxTables(broken, 2026)).toThrow(
      /supplemental: highestRateBasisPoints 3960 differs from the top single bracket \(3700\)/,
    );
    const missing = structuredClone(t2026) as { supplemental?: unknown };
    delete missing.supplemental;
    expect(() => buildTaxTables(missing, 2026)).toThrow(/supplemental: must be an object/);
  });
});
