/**
 * Year-to-date balances as a ledger, never a snapshot: YTD(employee, year) = the opening balance
 * imported for that year + the payslips of every run applied to that year. A run's amounts are
 * applied once when it closes and taken out once when a rollback voids its payslips; the store
 * makes each of those an atomic, idempotent update per employee (src/core/ports.ts YtdLedger).
 */
import type { Cents } from './money.js';
import type { PayslipAmounts } from './payroll/payslip.js';
import type { Employee, YtdBalances } from './roster.js';

export const YTD_FIELDS = [
  'gross',
  'federalIncomeTax',
  'ssWages',
  'socialSecurity',
  'medicareWages',
  'medicare',
  'additionalMedicare',
  'futaWages',
  'supplementalWages',
] as const satisfies readonly (keyof YtdBalances)[];
export type YtdField = (typeof YTD_FIELDS)[number];

export const ZERO_YTD: YtdBalances = Object.freeze({
  gross: 0 as Cents,
  federalIncomeTax: 0 as Cents,
  ssWages: 0 as Cents,
  socialSecurity: 0 as Cents,
  medicareWages: 0 as Cents,
  medicare: 0 as Cents,
  additionalMedicare: 0 as Cents,
  futaWages: 0 as Cents,
  supplementalWages: 0 as Cents,
});

/** Balances with the given fields set and the rest zero (roster columns, tests). */
export function ytdOf(amounts: Partial<Record<YtdField, number>>): YtdBalances {
  const balances: Record<string, number> = { ...ZERO_YTD };
  for (const field of YTD_FIELDS) if (amounts[field] !== undefined) balances[field] = amounts[field];
  return balances as unknown as YtdBalances;
}

function combine(a: YtdBalances, b: YtdBalances, sign: 1 | -1): YtdBalances {
  const result: Record<string, number> = {};
  for (const field of YTD_FIELDS) result[field] = a[field] + sign * b[field];
  return result as unknown as YtdBalances;
}

export const addYtd = (a: YtdBalances, b: YtdBalances): YtdBalances => combine(a, b, 1);
export const subtractYtd = (a: YtdBalances, b: YtdBalances): YtdBalances => combine(a, b, -1);

export function sameYtd(a: YtdBalances, b: YtdBalances): boolean {
  return YTD_FIELDS.every((field) => a[field] === b[field]);
}

export function isZeroYtd(balances: YtdBalances): boolean {
  return YTD_FIELDS.every((field) => balances[field] === 0);
}

/**
 * What one payslip adds to its employee's year: gross and the taxes withheld, the wages each tax
 * was computed on, and — for an off-cycle run of bonuses and the like — the supplemental wages.
 */
export function payslipContribution(amounts: PayslipAmounts): YtdBalances {
  return {
    gross: amounts.gross,
    federalIncomeTax: amounts.federalIncomeTax,
    ssWages: amounts.wages.ssWages,
    socialSecurity: amounts.socialSecurity,
    medicareWages: amounts.wages.medicareWages,
    medicare: amounts.medicare,
    additionalMedicare: amounts.additionalMedicare,
    futaWages: amounts.wages.futaWages,
    supplementalWages: amounts.wages.supplementalWages ?? (0 as Cents),
  };
}

/** The roster's opening balances count only in the tax year they were imported for. */
export function openingYtdFor(employee: Employee, taxYear: number): YtdBalances {
  return employee.openingTaxYear === taxYear ? employee.openingYtd : ZERO_YTD;
}

/** One employee's year in the ledger: the sums of the runs applied to it, and which runs those are. */
export interface YtdEntry {
  readonly employeeId: string;
  readonly taxYear: number;
  /** The sum of the applied runs' payslips (the opening balance is not in it). */
  readonly applied: YtdBalances;
  readonly runs: readonly string[];
}

/**
 * The balances a run computes against: opening + everything applied so far. Runs of one employer
 * are serialised (startRun), so no other run can change these while a run is open.
 */
export function ytdBeforeRun(employee: Employee, taxYear: number, entry: YtdEntry | undefined): YtdBalances {
  const opening = openingYtdFor(employee, taxYear);
  return entry ? addYtd(opening, entry.applied) : opening;
}

/**
 * The tax years whose opening balance an import would change for one employee: its stored
 * opening year and the imported one, where the two records' openings differ. A year the ledger
 * has runs applied to must keep its opening, or its year-to-date would change under paid runs.
 */
export function changedOpeningYears(stored: Employee, imported: Employee): readonly number[] {
  const years = new Set([stored.openingTaxYear, imported.openingTaxYear]);
  return [...years].filter((year) => !sameYtd(openingYtdFor(stored, year), openingYtdFor(imported, year)));
}
