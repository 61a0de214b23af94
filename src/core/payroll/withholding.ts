/**
 * Federal income tax withholding by the Publication 15-T percentage method, Worksheet 1A
 * (automated payroll systems, Forms W-4 from 2020 or later).
 */
import { type Cents, divideHalfUp } from '../money.js';
import type { FilingStatus, W4 } from '../roster.js';
import { BASIS_POINTS, type TaxTables, type WithholdingRow } from './taxTables.js';

/**
 * Below this many cents ($1 billion) every intermediate product of the worksheet stays under
 * 2^53 (rate ≤ 10,000 bp × 2·10^11 cents ≈ 2·10^15), so plain numbers are exact; larger inputs
 * take the BigInt path.
 */
const EXACT_LIMIT = 100_000_000_000;

/**
 * Worksheet 1A for one employee and one pay period:
 *   adjusted annual wage = wages × periods + 4(a) − 4(b) − line 1g (0 when Step 2 is checked), not below 0;
 *   tentative annual = base + rate × (wage − row threshold);
 *   per period = tentative ÷ periods − Step 3 ÷ periods (not below 0) + 4(c).
 * The arithmetic is exact (scaled integers) and rounds once, half up, to the cent.
 */
export function federalIncomeTaxWithholding(
  taxableWages: Cents,
  periodsPerYear: number,
  filingStatus: FilingStatus,
  w4: W4,
  tables: TaxTables,
): Cents {
  const rows = w4.step2 ? tables.withholding[filingStatus].step2 : tables.withholding[filingStatus].standard;
  const line1g = w4.step2 ? 0 : tables.incomeTax[filingStatus].line1g;
  const annualWages = taxableWages * periodsPerYear;
  if (
    annualWages <= EXACT_LIMIT &&
    w4.otherIncome <= EXACT_LIMIT &&
    w4.deductions <= EXACT_LIMIT &&
    w4.dependents <= EXACT_LIMIT
  ) {
    let adjusted = annualWages + w4.otherIncome - w4.deductions - line1g;
    if (adjusted < 0) adjusted = 0;
    const row = rowFor(rows, adjusted);
    const scaled =
      row.baseScaled + row.rateBasisPoints * (adjusted - row.threshold) - w4.dependents * BASIS_POINTS;
    const perPeriod = scaled <= 0 ? 0 : divideHalfUp(scaled, BASIS_POINTS * periodsPerYear);
    return (perPeriod + w4.extraWithholding) as Cents;
  }
  return exactWithholding(taxableWages, periodsPerYear, line1g, rows, w4);
}

function rowFor(rows: readonly WithholdingRow[], adjusted: number): WithholdingRow {
  // Tables have eight rows; scanning down from the top is cheaper than a binary search.
  let index = rows.length - 1;
  while (index > 0 && rows[index]!.threshold > adjusted) index--;
  return rows[index]!;
}

function exactWithholding(
  taxableWages: Cents,
  periodsPerYear: number,
  line1g: number,
  rows: readonly WithholdingRow[],
  w4: W4,
): Cents {
  let adjusted =
    BigInt(taxableWages) * BigInt(periodsPerYear) +
    BigInt(w4.otherIncome) -
    BigInt(w4.deductions) -
    BigInt(line1g);
  if (adjusted < 0n) adjusted = 0n;
  // Row thresholds are far below 2^53, so comparing against a Number is exact.
  let index = rows.length - 1;
  while (index > 0 && BigInt(rows[index]!.threshold) > adjusted) index--;
  const row = rows[index]!;
  const bp = BigInt(BASIS_POINTS);
  const scaled =
    BigInt(row.baseScaled) +
    BigInt(row.rateBasisPoints) * (adjusted - BigInt(row.threshold)) -
    BigInt(w4.dependents) * bp;
  if (scaled <= 0n) return w4.extraWithholding;
  const denominator = bp * BigInt(periodsPerYear);
  const perPeriod = (scaled * 2n + denominator) / (2n * denominator);
  return (Number(perPeriod) + w4.extraWithholding) as Cents;
}
