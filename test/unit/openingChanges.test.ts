/** Which tax years' opening balances a re-import changes (employees import refuses those with paid runs). */
import { describe, expect, it } from 'vitest';
import type { Cents } from '../../src/core/money.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { changedOpeningYears, ZERO_YTD } from '../../src/core/ytd.js';

const [base] = parseRoster(generateRosterCsv({ count: 1, payFrequency: 'monthly', seed: 9 }), 'g', {
  defaultTaxYear: 2026,
});
const opening = { ...ZERO_YTD, gross: 3_000_000 as Cents, ssWages: 3_000_000 as Cents };
const paid = { ...base!, openingTaxYear: 2026, openingYtd: opening };

describe('changedOpeningYears', () => {
  it('is empty for the same balances, and for no balances in another year (a plain re-import next January)', () => {
    expect(changedOpeningYears(paid, { ...paid })).toEqual([]);
    const none = { ...base!, openingTaxYear: 2026, openingYtd: ZERO_YTD };
    expect(changedOpeningYears(none, { ...none, openingTaxYear: 2027 })).toEqual([]);
  });

  it('names both years when balances move to another year, and the year when they are cleared or changed', () => {
    expect(changedOpeningYears(paid, { ...paid, openingTaxYear: 2027 })).toEqual([2026, 2027]);
    expect(changedOpeningYears(paid, { ...paid, openingYtd: ZERO_YTD })).toEqual([2026]);
    expect(
      changedOpeningYears(paid, { ...paid, openingYtd: { ...opening, gross: 3_000_001 as Cents } }),
    ).toEqual([2026]);
  });
});
