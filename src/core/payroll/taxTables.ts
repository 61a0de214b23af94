/**
 * Tax tables per tax year. The figures live in versioned data files (tables/<year>.json); this
 * module validates them once, derives the Publication 15-T annual percentage-method tables from
 * the brackets, and caches the result per year.
 */
import { BadInputError, InfrastructureError } from '../errors.js';
import type { Cents } from '../money.js';
import { FilingStatus } from '../roster.js';
import t2025 from './tables/2025.json' with { type: 'json' };
import t2026 from './tables/2026.json' with { type: 'json' };

/** Rates are basis points: 6.2% → 620. */
export const BASIS_POINTS = 10_000;

export interface IncomeTaxBracket {
  /** Upper bound of taxable income for this bracket; undefined for the top bracket. */
  readonly upTo: Cents | undefined;
  readonly rateBasisPoints: number;
}

export interface FilingStatusTable {
  readonly standardDeduction: Cents;
  /** Worksheet 1A line 1g: subtracted from the annual wage when the W-4 Step 2 box is not checked. */
  readonly line1g: Cents;
  readonly brackets: readonly IncomeTaxBracket[];
}

/**
 * One row of an annual percentage-method table: for an adjusted annual wage at least `threshold`
 * (and below the next row's), tentative withholding = base + rate × (wage − threshold).
 * `baseScaled` is the base amount × 10,000 (cents times basis points), so the Step-2 tables,
 * whose half-dollar widths give fractional-cent bases, stay exact integers.
 */
export interface WithholdingRow {
  readonly threshold: Cents;
  readonly baseScaled: number;
  readonly rateBasisPoints: number;
}

export interface WithholdingTables {
  /** W-4 Step 2 box not checked. */
  readonly standard: readonly WithholdingRow[];
  /** W-4 Step 2 box checked: thresholds and widths halved, starting at half the standard deduction. */
  readonly step2: readonly WithholdingRow[];
}

export interface TaxTables {
  readonly taxYear: number;
  /** Pinned by a pay run so a recomputation uses the same figures. */
  readonly version: string;
  readonly incomeTax: Readonly<Record<FilingStatus, FilingStatusTable>>;
  readonly withholding: Readonly<Record<FilingStatus, WithholdingTables>>;
  readonly socialSecurity: { readonly rateBasisPoints: number; readonly wageBase: Cents };
  readonly medicare: { readonly rateBasisPoints: number };
  readonly additionalMedicare: { readonly rateBasisPoints: number; readonly threshold: Cents };
  readonly futa: { readonly rateBasisPoints: number; readonly wageBase: Cents };
  readonly supplemental: SupplementalRates;
}

/**
 * Publication 15, section 7 (supplemental wages, optional flat-rate method): a flat rate, and the
 * highest income-tax rate on the part of an employee's supplemental wages for the calendar year
 * above a threshold ($1,000,000), which is mandatory whatever method the employer uses.
 */
export interface SupplementalRates {
  readonly flatRateBasisPoints: number;
  readonly highestRateBasisPoints: number;
  readonly highestRateThreshold: Cents;
}

const SOURCES: ReadonlyMap<number, unknown> = new Map<number, unknown>([
  [2025, t2025],
  [2026, t2026],
]);

export const AVAILABLE_TAX_YEARS: readonly number[] = [...SOURCES.keys()].sort((a, b) => a - b);

const cache = new Map<number, TaxTables>();

/** The tables for a tax year (the pay date's year). A year without tables is bad input. */
export function taxTablesFor(taxYear: number): TaxTables {
  const cached = cache.get(taxYear);
  if (cached !== undefined) return cached;
  const source = SOURCES.get(taxYear);
  if (source === undefined) {
    throw new BadInputError(
      'TAX_YEAR_UNAVAILABLE',
      `No tax tables for ${taxYear} (a pay date's year is its tax year); available: ${AVAILABLE_TAX_YEARS.join(', ')}. Choose a pay date in one of those years, or use a payroll-ops release with the ${taxYear} tables.`,
      { details: { taxYear, available: AVAILABLE_TAX_YEARS } },
    );
  }
  const tables = buildTaxTables(source, taxYear);
  cache.set(taxYear, tables);
  return tables;
}

/** Validates one year's data file and derives its withholding tables. Exported for tests of bad data. */
export function buildTaxTables(source: unknown, taxYear: number): TaxTables {
  const where = `tax tables ${taxYear}`;
  const doc = record(source, where);
  if (doc.taxYear !== taxYear) fail(where, `taxYear is ${String(doc.taxYear)}, expected ${taxYear}`);
  const version = doc.version;
  if (typeof version !== 'string' || version === '') fail(where, 'version must be a non-empty string');
  const incomeTaxDoc = record(doc.incomeTax, `${where} incomeTax`);
  const incomeTax = {} as Record<FilingStatus, FilingStatusTable>;
  const withholding = {} as Record<FilingStatus, WithholdingTables>;
  for (const status of Object.values(FilingStatus)) {
    const table = parseFilingStatus(incomeTaxDoc[status], `${where} incomeTax.${status}`);
    incomeTax[status] = table;
    withholding[status] = deriveWithholdingTables(table, `${where} incomeTax.${status}`);
  }
  const ss = record(doc.socialSecurity, `${where} socialSecurity`);
  const medicare = record(doc.medicare, `${where} medicare`);
  const additional = record(doc.additionalMedicare, `${where} additionalMedicare`);
  const futa = record(doc.futa, `${where} futa`);
  const supplemental = parseSupplemental(doc.supplemental, `${where} supplemental`, incomeTax);
  return Object.freeze({
    taxYear,
    version,
    incomeTax: Object.freeze(incomeTax),
    withholding: Object.freeze(withholding),
    socialSecurity: {
      rateBasisPoints: rate(ss.rateBasisPoints, `${where} socialSecurity.rateBasisPoints`),
      wageBase: amount(ss.wageBaseCents, `${where} socialSecurity.wageBaseCents`),
    },
    medicare: { rateBasisPoints: rate(medicare.rateBasisPoints, `${where} medicare.rateBasisPoints`) },
    additionalMedicare: {
      rateBasisPoints: rate(additional.rateBasisPoints, `${where} additionalMedicare.rateBasisPoints`),
      threshold: amount(additional.thresholdCents, `${where} additionalMedicare.thresholdCents`),
    },
    futa: {
      rateBasisPoints: rate(futa.rateBasisPoints, `${where} futa.rateBasisPoints`),
      wageBase: amount(futa.wageBaseCents, `${where} futa.wageBaseCents`),
    },
    supplemental,
  });
}

/**
 * The "highest rate" of section 7 is the top bracket's rate of the same year; checking it here
 * catches a data file updated in one place and not the other.
 */
function parseSupplemental(
  value: unknown,
  where: string,
  incomeTax: Readonly<Record<FilingStatus, FilingStatusTable>>,
): SupplementalRates {
  const doc = record(value, where);
  const flatRateBasisPoints = rate(doc.flatRateBasisPoints, `${where}.flatRateBasisPoints`);
  const highestRateBasisPoints = rate(doc.highestRateBasisPoints, `${where}.highestRateBasisPoints`);
  const highestRateThreshold = amount(doc.highestRateThresholdCents, `${where}.highestRateThresholdCents`);
  for (const [status, table] of Object.entries(incomeTax)) {
    const top = table.brackets[table.brackets.length - 1]!.rateBasisPoints;
    if (top !== highestRateBasisPoints) {
      fail(
        where,
        `highestRateBasisPoints ${highestRateBasisPoints} differs from the top ${status} bracket (${top})`,
      );
    }
  }
  if (flatRateBasisPoints > highestRateBasisPoints) {
    fail(where, 'flatRateBasisPoints exceeds highestRateBasisPoints');
  }
  return Object.freeze({ flatRateBasisPoints, highestRateBasisPoints, highestRateThreshold });
}

function parseFilingStatus(value: unknown, where: string): FilingStatusTable {
  const doc = record(value, where);
  const standardDeduction = amount(doc.standardDeductionCents, `${where}.standardDeductionCents`);
  const line1g = amount(doc.line1gCents, `${where}.line1gCents`);
  if (line1g > standardDeduction) fail(where, 'line1gCents exceeds the standard deduction');
  if (!Array.isArray(doc.brackets) || doc.brackets.length === 0)
    fail(where, 'brackets must be a non-empty list');
  const brackets: IncomeTaxBracket[] = [];
  let previous = 0;
  doc.brackets.forEach((entry: unknown, index: number) => {
    const at = `${where}.brackets[${index}]`;
    const bracket = record(entry, at);
    const last = index === (doc.brackets as unknown[]).length - 1;
    const rateBasisPoints = rate(bracket.rateBasisPoints, `${at}.rateBasisPoints`);
    if (last) {
      if (bracket.upToCents !== null) fail(at, 'the top bracket must have upToCents null');
      brackets.push({ upTo: undefined, rateBasisPoints });
      return;
    }
    const upTo = amount(bracket.upToCents, `${at}.upToCents`);
    if (upTo <= previous) fail(at, 'upToCents must increase');
    previous = upTo;
    brackets.push({ upTo, rateBasisPoints });
  });
  return { standardDeduction, line1g, brackets };
}

/**
 * Publication 15-T builds its annual percentage-method tables from the brackets: the standard
 * table's first taxed row starts at standard deduction − line 1g and each later threshold adds
 * the bracket's upper bound; the Step-2 table starts at half the standard deduction (line 1g is
 * not subtracted then) with every width halved. Bases accumulate rate × width exactly.
 */
function deriveWithholdingTables(table: FilingStatusTable, where: string): WithholdingTables {
  const standard = deriveRows(table.standardDeduction - table.line1g, table.brackets, 1);
  if (table.standardDeduction % 2 !== 0) fail(where, 'standardDeductionCents must halve to whole cents');
  for (const bracket of table.brackets) {
    if (bracket.upTo !== undefined && bracket.upTo % 2 !== 0) {
      fail(where, 'bracket bounds must halve to whole cents');
    }
  }
  const step2 = deriveRows(table.standardDeduction / 2, table.brackets, 2);
  return Object.freeze({ standard, step2 });
}

function deriveRows(start: number, brackets: readonly IncomeTaxBracket[], divisor: number): WithholdingRow[] {
  const rows: WithholdingRow[] = [{ threshold: 0 as Cents, baseScaled: 0, rateBasisPoints: 0 }];
  let lower = 0;
  let baseScaled = 0;
  for (const bracket of brackets) {
    rows.push({
      threshold: (start + lower / divisor) as Cents,
      baseScaled,
      rateBasisPoints: bracket.rateBasisPoints,
    });
    if (bracket.upTo === undefined) break;
    baseScaled += (bracket.rateBasisPoints * (bracket.upTo - lower)) / divisor;
    lower = bracket.upTo;
  }
  return rows;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  return value as Record<string, unknown>;
}

function amount(value: unknown, where: string): Cents {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(where, 'must be a non-negative integer number of cents');
  }
  return value as Cents;
}

function rate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > BASIS_POINTS) {
    fail(where, 'must be an integer number of basis points between 0 and 10000');
  }
  return value;
}

function fail(where: string, problem: string): never {
  // The data files ship with the tool: a malformed one is a defect of the build, not operator input.
  throw new InfrastructureError('TAX_TABLES_INVALID', `Invalid ${where}: ${problem}.`);
}
